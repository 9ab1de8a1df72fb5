// Issue 12 item 8 on a board that outlives tspy (`tspy virtual serve --pty`, as a real board does): one or
// two Ctrl-C during a board → host copy leave the board at its prompt, so the next command over the same
// tty answers at once with its own output, and the host file is whole or absent, never partial.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSPY, tspy } from "../helpers/cli.js";
import { seeded } from "../helpers/seeded.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

let server: ChildProcess | undefined;
let tty = "";
let dir = "";
const data = Buffer.alloc(100 * 1024);

beforeAll(async () => {
  dir = await tempDir("served");
  const board = path.join(dir, "board");
  fs.mkdirSync(board);
  const rand = seeded(8);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(rand() * 256);
  fs.writeFileSync(path.join(board, "big.bin"), data);
  // Large enough that reading it takes the board well past the moment of the signal.
  fs.writeFileSync(path.join(board, "huge.bin"), Buffer.concat(Array(48).fill(data)));
  fs.writeFileSync(path.join(board, "spin.py"), "while True:\n    pass\n");
  fs.writeFileSync(path.join(dir, "spin-host.py"), "n = 0\nwhile True:\n    n += 1\n");
  fs.writeFileSync(path.join(dir, "up.bin"), Buffer.concat(Array(48).fill(data)));
  const link = path.join(dir, "tty");
  server = spawn(process.execPath, [TSPY, "virtual", "serve", "--pty", "--link", link, "--dir", board], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  tty = await new Promise<string>((resolve, reject) => {
    let text = "";
    server!.stdout!.on("data", (d) => {
      text += d;
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    server!.on("close", () => reject(new Error("virtual serve ended early")));
  });
});

afterAll(async () => {
  if (server && server.exitCode === null) {
    const closed = new Promise((r) => server!.on("close", r));
    server.kill("SIGTERM");
    await closed;
  }
  await removeTempDirs();
});

describe("Ctrl-C during a copy from a board that stays up", () => {
  it("the next command answers, the host file is whole or absent (8 trials, 1 or 2 Ctrl-C)", { timeout: 180_000 }, async () => {
    const rand = seeded(0xc7c);
    let interrupted = 0;
    for (let i = 0; i < 8; i++) {
      const dest = path.join(dir, `copy-${i}.bin`);
      const child = spawn(process.execPath, [TSPY, "-d", tty, "cp", ":big.bin", dest], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      const twice = i % 2 === 1;
      const at = 150 + Math.floor(rand() * 350);
      const t1 = setTimeout(() => child.kill("SIGINT"), at);
      const t2 = twice ? setTimeout(() => child.kill("SIGINT"), at + 100) : undefined;
      // A signal that lands before tspy installed its handlers ends Node itself: counted as 130.
      const status = await new Promise<number | null>((r) => child.on("close", (s, sig) => r(sig === "SIGINT" ? 130 : s)));
      clearTimeout(t1);
      clearTimeout(t2);
      expect([0, 130], stderr).toContain(status);
      if (status === 130) interrupted++;
      expect(stderr).not.toMatch(/\n\s+at |internal error/);
      if (fs.existsSync(dest)) expect(Buffer.compare(fs.readFileSync(dest), data), `trial ${i}: partial file`).toBe(0);
      expect(fs.readdirSync(dir).filter((n) => n.includes("tmp"))).toEqual([]);
      // The board is at its prompt: the next command gets its own answer, not the rest of the copy.
      const next = await tspy(["-d", tty, "exec", "print(6*7)"]);
      expect(next.stderr, `trial ${i}`).toBe("");
      expect(next.stdout.trim()).toBe("42");
      expect(next.status).toBe(0);
    }
    console.log(`served board: ${interrupted} of 8 copies interrupted, every next command answered`);
    expect(interrupted).toBeGreaterThan(0);
  });
});

// Item 8 says "every command": each of these is busy on the board (a program that never ends, or a long
// transfer) when Ctrl-C arrives. Each must end with status 130 and no trace, and the board must be back at
// its prompt for the next command. The guard below only catches a hang; it is not a speed figure.
// Commands that print as they go get the signal once their first output arrives (so the rest is still to
// come however fast the machine is); the others 0.9 s after start, where each is bound to be busy.
const BUSY: { name: string; args: string[]; onFirstOutput?: boolean }[] = [
  { name: "exec of an endless loop", args: ["exec", "while True:\n    pass"] },
  { name: "eval of an endless computation", args: ["eval", "[i for i in range(10**9)]"] },
  { name: "run of a host file that never ends", args: ["run", "spin-host.py"] },
  { name: "exec of a board file that never ends", args: ["exec", "exec(open('spin.py').read())"] },
  { name: "cat of a large file", args: ["cat", ...Array(12).fill(":huge.bin")], onFirstOutput: true },
  { name: "sha256sum of a large file", args: ["sha256sum", ...Array(40).fill(":huge.bin")], onFirstOutput: true },
  { name: "cp host to board", args: ["cp", "up.bin", ":up.bin"] },
];

describe("Ctrl-C in every kind of busy command, on a board that stays up", () => {
  for (const c of BUSY) {
    it(`${c.name}: status 130, no trace, the board answers next`, { timeout: 60_000 }, async () => {
      const child = spawn(process.execPath, [TSPY, "-d", tty, ...c.args], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
      let stderr = "";
      child.stderr!.on("data", (d) => (stderr += d));
      const closed = new Promise<number | null>((r) => child.on("close", (s, sig) => r(sig === "SIGINT" ? 130 : s)));
      let signalledAt = 0;
      const interrupt = () => {
        if (signalledAt) return;
        signalledAt = Date.now();
        child.kill("SIGINT");
      };
      const signal = c.onFirstOutput ? undefined : setTimeout(interrupt, 900);
      child.stdout!.on("data", () => {
        if (c.onFirstOutput) interrupt();
      });
      let hung = false;
      const guard = setTimeout(() => {
        hung = true;
        child.kill("SIGKILL");
      }, 15_000);
      const status = await closed;
      const tookMs = Date.now() - signalledAt;
      clearTimeout(signal);
      clearTimeout(guard);
      console.log(`${c.name}: ended ${tookMs} ms after Ctrl-C`);
      expect(hung, `${c.name} did not end after Ctrl-C`).toBe(false);
      expect(status, stderr).toBe(130);
      expect(stderr).not.toMatch(/\n\s+at |internal error/);
      const next = await tspy(["-d", tty, "exec", "print(6*7)"]);
      expect(next.stderr, c.name).toBe("");
      expect(next.stdout.trim()).toBe("42");
    });
  }
  it("after the interrupted upload the next file command leaves the target whole or absent, and no temp or journal", async () => {
    // The journal of the interrupted write is settled by the next connection that uses the filesystem.
    const ls = await tspy(["-d", tty, "ls", ":"]);
    expect(ls.status, ls.stderr).toBe(0);
    const list = await tspy(["-d", tty, "exec", "import os\nprint([n for n in os.listdir() if 'up.bin' in n or 'tspy' in n])"]);
    expect(list.status, list.stderr).toBe(0);
    const names = JSON.parse(list.stdout.trim().replace(/'/g, '"')) as string[];
    expect(names.filter((n) => n !== "up.bin"), "temp or journal files left").toEqual([]);
    if (names.includes("up.bin")) {
      const sent = fs.readFileSync(path.join(dir, "up.bin"));
      expect(Buffer.compare(fs.readFileSync(path.join(dir, "board", "up.bin")), sent), "partial upload").toBe(0);
    }
  });
});

