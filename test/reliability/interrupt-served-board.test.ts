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
