// The virtual board driven byte by byte, as a host drives a board on a serial line.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openVirtualBoard } from "../../src/transport/virtual/index.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";

const text = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

let dir: string;
let board: ByteStream;

async function enterRaw(b: ByteStream): Promise<void> {
  await b.write("\r\x03\x03");
  await b.drain(30);
  await b.write("\x01");
  expect(text(await b.readUntil("raw REPL; CTRL-B to exit\r\n>", 2000))).toMatch(/raw REPL; CTRL-B to exit\r\n>$/);
}

/** Plain raw mode: returns [stdout, exception text]. */
async function exec(b: ByteStream, code: string): Promise<[string, string]> {
  await b.write(code + "\x04");
  expect(text(await b.read(2, 2000, "waiting for OK"))).toBe("OK");
  const out = text(await b.readUntil("\x04", 5000));
  const err = text(await b.readUntil("\x04", 5000));
  expect(text(await b.read(1, 2000))).toBe(">");
  return [out.slice(0, -1), err.slice(0, -1)];
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-vb-"));
  board = await openVirtualBoard(dir);
});
afterAll(async () => {
  await board?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("virtual board REPL", () => {
  test("boots into the friendly REPL with the banner and a prompt", async () => {
    const boot = text(await board.readUntil(">>> ", 2000));
    expect(boot).toMatch(/^MicroPython v1\.27\.0 on [^\r\n]+\r\nType "help\(\)" for more information\.\r\n>>> $/);
  });

  test("friendly REPL echoes, evaluates and ends output lines with \\r\\n", async () => {
    await board.write("print(6*7)\r");
    expect(text(await board.readUntil(">>> ", 2000))).toBe("print(6*7)\r\n42\r\n>>> ");
    await board.write("1/0\r");
    expect(text(await board.readUntil(">>> ", 2000))).toContain("ZeroDivisionError: divide by zero\r\n>>> ");
  });

  test("Ctrl-C in the friendly REPL gives a fresh prompt", async () => {
    await board.write("abc\x03");
    expect(text(await board.readUntil(">>> ", 2000))).toBe("abc\r\n>>> ");
  });

  test("raw REPL: OK, stdout, \\x04, exception text, \\x04, >", async () => {
    await enterRaw(board);
    expect(await exec(board, "print('hi')\nx = [1, 2]\nprint(len(x))")).toEqual(["hi\r\n2\r\n", ""]);
    const [out, err] = await exec(board, "print('before')\nraise ValueError('bad')");
    expect(out).toBe("before\r\n");
    expect(err).toBe('Traceback (most recent call last):\r\n  File "<stdin>", line 2, in <module>\r\nValueError: bad\r\n');
    expect(await exec(board, "print(x)")).toEqual(["[1, 2]\r\n", ""]);
  });

  test("sys.implementation reports the VM's own .mpy version", async () => {
    expect(await exec(board, "import sys; print(sys.implementation._mpy)")).toEqual([`${0x306}\r\n`, ""]);
  });

  test("a missing file raises OSError ENOENT with the board's errno numbers", async () => {
    const [, err] = await exec(board, "import errno\ntry:\n open('/nope')\nexcept OSError as e:\n assert e.errno == errno.ENOENT, e.errno\nopen('/nope')");
    expect(err).toMatch(/OSError: \[Errno 2\] ENOENT\r\n$/);
  });

  test("raw-paste: window announced, refilled with \\x01, output without OK", async () => {
    await board.write("\x05A\x01");
    const head = await board.read(5, 2000, "waiting for the raw-paste answer");
    expect(text(head.subarray(0, 2))).toBe("R\x01");
    const window = head[2] | (head[3] << 8);
    expect(window).toBeGreaterThanOrEqual(128);
    expect(head[4]).toBe(0x01);

    // A program longer than several windows, sent only as far as the board allows.
    const lines = Array.from({ length: 200 }, (_, i) => `v${i} = ${i}`);
    const code = Buffer.from(lines.join("\n") + "\nprint(v199 + v1)\nraise KeyError(5)\n", "latin1");
    let credit = 2 * window;
    let sent = 0;
    while (sent < code.length) {
      while (credit === 0) {
        const c = await board.read(1, 2000, "waiting for window");
        expect(c[0]).toBe(0x01);
        credit += window;
      }
      const n = Math.min(credit, code.length - sent, 37);
      await board.write(code.subarray(sent, sent + n));
      sent += n;
      credit -= n;
    }
    // Any window increments still in flight come before the device's end-of-data \x04.
    await board.write("\x04");
    let b = await board.read(1, 2000);
    while (b[0] === 0x01) b = await board.read(1, 2000);
    expect(b[0]).toBe(0x04);
    const rest = text(await board.readUntil("\x04>", 5000));
    expect(rest).toBe('200\r\n\x04Traceback (most recent call last):\r\n  File "<stdin>", line 202, in <module>\r\nKeyError: 5\r\n\x04>');
  });

  test("raw-paste: Ctrl-C instead of end-of-data cancels; bytes that are raw-REPL commands still run", async () => {
    await board.write("\x05A\x01");
    await board.read(5, 2000);
    await board.write("print('never')\x03");
    expect(text(await board.readUntil("\x04>", 2000))).toBe("\x04\x04KeyboardInterrupt: \r\n\x04>");

    // \x01 and \x02 inside a string literal: commands in plain raw mode, plain data in raw-paste.
    await board.write("\x05A\x01");
    await board.read(5, 2000);
    await board.write("s = '\x01\x02'\nprint(len(s), ord(s[0]), ord(s[1]))\x04");
    expect(text(await board.readUntil("\x04>", 2000))).toBe("\x042 1 2\r\n\x04\x04>");
  });

  test("raw-paste: a program too long for the board is stopped by the device", async () => {
    const small = await openVirtualBoard(dir, { maxProgram: 100 });
    try {
      await small.readUntil(">>> ", 2000);
      await enterRaw(small);
      await small.write("\x05A\x01");
      await small.read(5, 2000);
      await small.write("#".repeat(150));
      expect(text(await small.readUntil("\x04", 2000))).toBe("\x04");
      await small.write("\x04");
      expect(text(await small.readUntil("\x04>", 2000))).toMatch(/^\x04MemoryError: [^\x04]*\r\n\x04>$/);
      expect(await exec(small, "print('still fine')")).toEqual(["still fine\r\n", ""]);
    } finally {
      await small.close();
    }
  });

  test("soft reset: OK, MPY: soft reboot, back in raw REPL with a fresh VM", async () => {
    expect(await exec(board, "marker = 123\nprint(marker)")).toEqual(["123\r\n", ""]);
    await board.write("\x04");
    expect(text(await board.readUntil("raw REPL; CTRL-B to exit\r\n>", 3000))).toBe(
      "OK\r\nMPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>",
    );
    const [, err] = await exec(board, "print(marker)");
    expect(err).toContain("NameError: name 'marker' isn't defined");
  });

  test("time.sleep sleeps the requested time without spinning the CPU", async () => {
    const cpu = process.cpuUsage();
    const t0 = Date.now();
    const [out] = await exec(board, "import time\nt = time.ticks_ms()\ntime.sleep(0.4)\ntime.sleep_ms(100)\nprint(time.ticks_diff(time.ticks_ms(), t) >= 500)");
    expect(out).toBe("True\r\n");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    const used = process.cpuUsage(cpu); // this process, the VM thread included
    expect((used.user + used.system) / 1000).toBeLessThan(300);
  });

  test("Ctrl-C interrupts a long sleep at once, inside the sleep", async () => {
    await board.write("import time\nprint('start')\ntime.sleep(30)\nprint('not reached')\x04");
    expect(text(await board.readUntil("start\r\n", 2000))).toBe("OKstart\r\n");
    await new Promise((r) => setTimeout(r, 50));
    await board.write("\x03");
    const rest = text(await board.readUntil("\x04>", 2000));
    expect(rest).toMatch(/^\x04Traceback \(most recent call last\):\r\n  File "<stdin>", line 3, in <module>\r\n[^\x04]*KeyboardInterrupt: \r\n\x04>$/);
    expect(await exec(board, "print('alive')")).toEqual(["alive\r\n", ""]);
  });

  test("Ctrl-C interrupts a busy loop that never leaves the VM, and the board keeps its state", async () => {
    await exec(board, "keep = 1");
    await board.write("print('spinning')\nwhile True:\n  pass\x04");
    expect(text(await board.readUntil("spinning\r\n", 2000))).toBe("OKspinning\r\n");
    await new Promise((r) => setTimeout(r, 50));
    await board.write("\x03");
    const rest = text(await board.readUntil("\x04>", 2000));
    expect(rest).toMatch(/^\x04Traceback \(most recent call last\):\r\n  File "<stdin>", line 3, in <module>\r\nKeyboardInterrupt: \r\n\x04>$/);
    expect(await exec(board, "print(keep)")).toEqual(["1\r\n", ""]);
  });

  test("with the interrupt character disabled, Ctrl-C reaches the program's stdin", async () => {
    await board.write("import micropython, sys\nmicropython.kbd_intr(-1)\nprint('ready')\nd = sys.stdin.buffer.read(3)\nmicropython.kbd_intr(3)\nprint(d)\x04");
    await board.readUntil("ready\r\n", 2000);
    await board.write("\x03\x04z");
    expect(text(await board.readUntil("\x04>", 2000))).toBe("b'\\x03\\x04z'\r\n\x04\x04>");
  });

  test("input() reads the serial line with echo and backspace", async () => {
    await board.write("name = input('name? ')\nprint('got', repr(name))\x04");
    expect(text(await board.readUntil("name? ", 2000))).toBe("OKname? ");
    await board.write("bpx\x7fb\r");
    expect(text(await board.readUntil("\x04>", 2000))).toBe("bpx\b \bb\r\ngot 'bpb'\r\n\x04\x04>");
  });

  test("a program stuck inside C code is ended by a hard reset; the board boots again", async () => {
    await exec(board, "keep = 1");
    // Exponential backtracking inside the regex engine: no bytecode runs, so no interrupt check.
    await board.write("import re\nprint('matching')\nre.match('(a|a)*b', 'a' * 60)\x04");
    expect(text(await board.readUntil("matching\r\n", 2000))).toBe("OKmatching\r\n");
    await new Promise((r) => setTimeout(r, 50));
    const t0 = Date.now();
    await board.write("\x03");
    expect(text(await board.readUntil(">>> ", 5000))).toMatch(/MicroPython v1\.27\.0 on [^\r\n]+\r\nType "help\(\)" for more information\.\r\n>>> $/);
    expect(Date.now() - t0).toBeLessThan(3000);
    await enterRaw(board);
    const [out, err] = await exec(board, "print('back')\nprint(keep)");
    expect(out).toBe("back\r\n");
    expect(err).toContain("NameError");
  });

  test("machine.soft_reset() soft-reboots back into the raw REPL", async () => {
    await exec(board, "gone = 1");
    await board.write("import machine\nmachine.soft_reset()\x04");
    expect(text(await board.readUntil("raw REPL; CTRL-B to exit\r\n>", 3000))).toMatch(/^OK[^]*MPY: soft reboot\r\nraw REPL; CTRL-B to exit\r\n>$/);
    const [, err] = await exec(board, "print(gone)");
    expect(err).toContain("NameError");
  });

  test("machine.reset() reboots the board into the friendly REPL", async () => {
    await exec(board, "gone = 1");
    await board.write("import machine\nmachine.reset()\x04");
    expect(text(await board.readUntil(">>> ", 3000))).toMatch(/^OKMicroPython v1\.27\.0 on [^\r\n]+\r\nType "help\(\)" for more information\.\r\n>>> $/);
    await enterRaw(board);
    const [, err] = await exec(board, "print(gone)");
    expect(err).toContain("NameError");
  });

  test("Ctrl-B leaves the raw REPL for the friendly one; Ctrl-D there soft-reboots", async () => {
    await board.write("\x02");
    expect(text(await board.readUntil(">>> ", 2000))).toMatch(/^\r\nMicroPython v1\.27\.0[^\r\n]*\r\nType "help\(\)" for more information\.\r\n>>> $/);
    await board.write("\x04");
    expect(text(await board.readUntil(">>> ", 3000))).toMatch(/^\r\nMPY: soft reboot\r\nMicroPython v1\.27\.0[^\r\n]*\r\nType "help\(\)" for more information\.\r\n>>> $/);
  });

  test("an exec round trip takes a few milliseconds", async () => {
    await enterRaw(board);
    const t0 = performance.now();
    for (let i = 0; i < 50; i++) await exec(board, `print(${i})`);
    expect((performance.now() - t0) / 50).toBeLessThan(50);
  });
});
