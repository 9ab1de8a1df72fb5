// `tspy virtual serve`: the board reachable by other programs over TCP and through a pty.
import { afterEach, describe, expect, test } from "vitest";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import { serveVirtual } from "../../src/cli/virtual.js";
import type { CliContext } from "../../src/cli/command.js";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vbserve-"));
  cleanups.push(() => fs.rmSync(d, { recursive: true, force: true }));
  return d;
}

/** Start `virtual serve ARGS` in-process; resolves with its first output line. */
async function startServe(args: string[]): Promise<{ first: string; err: () => string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let errText = "";
  err.on("data", (d) => (errText += d));
  const ctx = { device: "auto", baud: 115200, out, err } as unknown as CliContext;
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const done = serveVirtual(args, ctx, stopped);
  cleanups.push(async () => {
    stop();
    await done;
  });
  const first = await new Promise<string>((resolve, reject) => {
    let text = "";
    out.on("data", (d) => {
      text += d;
      if (text.includes("\n")) resolve(text.slice(0, text.indexOf("\n")));
    });
    done.then(() => reject(new Error(`serve ended early: ${errText}`)), reject);
  });
  return { first, err: () => errText };
}

/** Read from a socket-like source until `marker` shows up. */
function until(chunks: { text: string; wait: () => Promise<void> }, marker: string, ms = 3000): Promise<string> {
  const deadline = Date.now() + ms;
  return (async () => {
    while (!chunks.text.includes(marker)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(marker)}; got ${JSON.stringify(chunks.text)}`);
      await chunks.wait();
    }
    const at = chunks.text.indexOf(marker) + marker.length;
    const head = chunks.text.slice(0, at);
    chunks.text = chunks.text.slice(at);
    return head;
  })();
}

function collector(): { text: string; wait: () => Promise<void>; feed: (d: Buffer) => void } {
  let wake: (() => void) | null = null;
  const c = {
    text: "",
    wait: () => new Promise<void>((r) => {
      wake = r;
      setTimeout(r, 50);
    }),
    feed: (d: Buffer) => {
      c.text += d.toString("latin1");
      wake?.();
    },
  };
  return c;
}

describe("virtual serve", () => {
  test("--tcp: a plain socket client drives the raw REPL; files land in --dir", async () => {
    const dir = tempDir();
    const { first } = await startServe(["--tcp", "127.0.0.1:0", "--dir", dir]);
    const m = /^tcp:\/\/127\.0\.0\.1:(\d+)$/.exec(first);
    expect(m).not.toBeNull();
    const sock = net.connect(Number(m![1]), "127.0.0.1");
    cleanups.push(() => void sock.destroy());
    const got = collector();
    sock.on("data", got.feed);
    sock.write("\r\x03\x03");
    await until(got, ">>> ");
    sock.write("\x01");
    await until(got, "raw REPL; CTRL-B to exit\r\n>");
    sock.write("open('hello.txt', 'w').write('hi there')\nprint(open('hello.txt').read())\x04");
    expect(await until(got, "\x04>")).toBe("OKhi there\r\n\x04\x04>");
    expect(fs.readFileSync(path.join(dir, "hello.txt"), "utf8")).toBe("hi there");

    // A second client while the first is connected is turned away, as a busy serial port would be.
    const other = net.connect(Number(m![1]), "127.0.0.1");
    const otherGot = collector();
    other.on("data", otherGot.feed);
    await new Promise((r) => other.on("close", r));
    expect(otherGot.text).toContain("busy");

    sock.write("kept = 42\x04");
    await until(got, "\x04>");
    // The board keeps running between clients.
    await new Promise<void>((r) => {
      sock.once("close", () => r());
      sock.destroy();
    });
    await new Promise((r) => setTimeout(r, 50)); // let the server see the hang-up
    const again = net.connect(Number(m![1]), "127.0.0.1");
    cleanups.push(() => void again.destroy());
    const got2 = collector();
    again.on("data", got2.feed);
    again.write("print(kept)\x04");
    expect(await until(got2, "\x04>")).toBe("OK42\r\n\x04\x04>");
  });

  test("--tcp: tspy's own raw REPL client works through the served board (raw-paste, soft reset)", async () => {
    const dir = tempDir();
    const { first } = await startServe(["--tcp", "127.0.0.1:0", "--dir", dir]);
    const stream = await openStream(first);
    cleanups.push(() => stream.close());
    const repl = new RawRepl(stream);
    await repl.enter({ softReset: true });
    const program = `total = 0\n${Array.from({ length: 300 }, (_, i) => `total += ${i}`).join("\n")}\nprint(total)\n`;
    expect(Buffer.from(await repl.exec(program)).toString()).toMatch(/^44850\r?\n$/);
    expect(repl.pasteMode).toBe("raw-paste");
  });

  test("--pty: the first line is a tty path that speaks to the board", async () => {
    const dir = tempDir();
    const link = path.join(dir, "..", `${path.basename(dir)}-tty`);
    cleanups.push(() => fs.rmSync(link, { force: true }));
    const { first } = await startServe(["--pty", "--link", link, "--dir", dir]);
    expect(first).toBe(link);
    expect(fs.realpathSync(first)).toMatch(/^\/dev\/pts\/\d+$/);
    const fd = fs.openSync(first, fs.constants.O_RDWR | fs.constants.O_NOCTTY | fs.constants.O_NONBLOCK);
    cleanups.push(() => fs.closeSync(fd));
    const got = collector();
    const poll = setInterval(() => {
      const buf = Buffer.alloc(4096);
      try {
        const n = fs.readSync(fd, buf, 0, buf.length, null);
        if (n > 0) got.feed(buf.subarray(0, n));
      } catch {
        // EAGAIN: nothing yet
      }
    }, 5);
    cleanups.push(() => clearInterval(poll));
    fs.writeSync(fd, "\r\x03\x03");
    await until(got, ">>> ");
    fs.writeSync(fd, "\x01");
    await until(got, "raw REPL; CTRL-B to exit\r\n>");
    fs.writeSync(fd, "print(2**10)\x04");
    expect(await until(got, "\x04>")).toBe("OK1024\r\n\x04\x04>");
  });
});
