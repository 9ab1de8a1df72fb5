// Raw-paste flow control against a scripted device that plays MicroPython's side of the protocol and
// checks the host never sends more than the window it was granted.
import { describe, expect, it } from "vitest";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { DeviceError } from "../../src/raw-repl/errors.js";
import { ScriptedDevice } from "../helpers/scripted-device.js";

interface DeviceOptions {
  window: number;
  /** Stop the host (device-initiated \x04) after this many bytes of code. */
  stopAfter?: number;
}

/** A device already in raw REPL that speaks raw-paste with the given window. */
function rawPasteDevice(opts: DeviceOptions) {
  const dev = new ScriptedDevice();
  let state: "raw" | "paste" | "done" = "raw";
  let received = Buffer.alloc(0);
  let credit = 0;
  let maxOverrun = 0;
  let probe = Buffer.alloc(0);
  dev.onWrite = (data) => {
    for (const byte of data) {
      if (state === "raw") {
        probe = Buffer.concat([probe, Buffer.of(byte)]);
        if (probe.toString("latin1").endsWith("\x05A\x01")) {
          state = "paste";
          credit = opts.window;
          const head = Buffer.alloc(4);
          head.write("R\x01", "latin1");
          head.writeUInt16LE(opts.window, 2);
          dev.send(head);
        }
        continue;
      }
      if (state !== "paste") continue;
      if (byte === 0x04) {
        state = "done";
        dev.send("\x04");
        const ran = opts.stopAfter !== undefined ? "" : `ran ${received.length}\r\n`;
        dev.send(`${ran}\x04\x04>`);
        continue;
      }
      received = Buffer.concat([received, Buffer.of(byte)]);
      credit--;
      if (credit < 0) maxOverrun = Math.max(maxOverrun, -credit);
      if (opts.stopAfter !== undefined && received.length >= opts.stopAfter) {
        dev.send("\x04"); // too much for me: stop
        state = "paste"; // keep reading until the host's \x04
        opts.stopAfter = Number.POSITIVE_INFINITY;
        continue;
      }
      // Grant a new window each time the host has used one up, as the board does when its buffer drains.
      if (received.length % opts.window === 0) {
        credit += opts.window;
        dev.send("\x01");
      }
    }
  };
  return { dev, received: () => received, maxOverrun: () => maxOverrun };
}

function program(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 0x20 + (i % 90);
  return b;
}

describe("raw-paste flow control (scripted device)", () => {
  for (const window of [1, 128, 4096]) {
    it(`sends a 10 KB program within a window of ${window}`, async () => {
      const d = rawPasteDevice({ window });
      const repl = new RawRepl(d.dev);
      repl.inRawRepl = true;
      const code = program(10_000);
      const out = await repl.exec(code);
      expect(Buffer.from(out).toString()).toBe("ran 10000\r\n");
      expect(d.received().equals(code)).toBe(true);
      expect(d.maxOverrun()).toBe(0);
      expect(repl.pasteMode).toBe("raw-paste");
    });
  }

  it("stops sending when the device sends \\x04 and ends the data at once", async () => {
    const d = rawPasteDevice({ window: 64, stopAfter: 100 });
    const repl = new RawRepl(d.dev);
    repl.inRawRepl = true;
    await repl.execRaw(program(5000));
    // The host may finish the window it was already granted, but not the rest of the program.
    expect(d.received().length).toBeLessThan(256);
    const last = d.dev.written[d.dev.written.length - 1];
    expect(last[last.length - 1]).toBe(0x04);
  });

  it("falls back to plain raw mode when the device answers R\\x00", async () => {
    const dev = new ScriptedDevice();
    let code = "";
    dev.onWrite = (data) => {
      const s = data.toString("latin1");
      if (s === "\x05A\x01") return dev.send("R\x00");
      code += s;
      if (code.endsWith("\x04")) dev.send(`OK${code.length - 1}\x04\x04>`);
    };
    const repl = new RawRepl(dev, { chunkSize: 16, chunkDelayMs: 0 });
    repl.inRawRepl = true;
    const out = await repl.exec("print('hello world, in chunks')");
    expect(Buffer.from(out).toString()).toBe(String("print('hello world, in chunks')".length));
    expect(repl.pasteMode).toBe("plain");
    // Chunked: no single write of the program was longer than the chunk size.
    expect(Math.max(...dev.written.filter((w) => w[0] !== 0x05).map((w) => w.length))).toBeLessThanOrEqual(16);
  });

  it("falls back when old firmware echoes the raw REPL banner instead of answering", async () => {
    const dev = new ScriptedDevice();
    let phase = 0;
    dev.onWrite = (data) => {
      const s = data.toString("latin1");
      if (phase === 0 && s === "\x05A\x01") {
        phase = 1;
        return dev.send("raw REPL; CTRL-B to exit\r\n>");
      }
      if (s.endsWith("\x04")) dev.send("OK42\r\n\x04\x04>");
    };
    const repl = new RawRepl(dev, { chunkDelayMs: 0 });
    repl.inRawRepl = true;
    expect(Buffer.from(await repl.exec("print(42)")).toString()).toBe("42\r\n");
    expect(repl.pasteMode).toBe("plain");
  });

  it("keeps stdout apart from the exception text and raises it typed", async () => {
    const dev = new ScriptedDevice();
    dev.onWrite = (data) => {
      const s = data.toString("latin1");
      if (s === "\x05A\x01") return dev.send("R\x00");
      if (s.endsWith("\x04")) {
        dev.send("OKpartial\r\n\x04Traceback (most recent call last):\r\n  File \"<stdin>\", line 1\r\nOSError: [Errno 2] ENOENT\r\n\x04>");
      }
    };
    const repl = new RawRepl(dev, { chunkDelayMs: 0 });
    repl.inRawRepl = true;
    const err = await repl.exec("open('x')").catch((e) => e);
    expect(err).toBeInstanceOf(DeviceError);
    expect(err.exceptionName).toBe("OSError");
    expect(err.errno).toBe(2);
    expect(Buffer.from(err.stdout).toString()).toBe("partial\r\n");
    expect(err.traceback).toContain("Traceback (most recent call last)");
  });

  it("explains a device that never answers", async () => {
    const dev = new ScriptedDevice();
    const repl = new RawRepl(dev, { answerTimeoutMs: 200 });
    const err = await repl.enter().catch((e) => e);
    expect(err.message).toMatch(/timed out waiting for the raw REPL/);
  });

  it("explains a device that sends random bytes", async () => {
    const dev = new ScriptedDevice();
    dev.onWrite = () => dev.send(Buffer.from([0x8f, 0x12, 0xff, 0x00, 0x41, 0x3e]));
    const repl = new RawRepl(dev, { answerTimeoutMs: 200 });
    const err = await repl.enter().catch((e) => e);
    expect(err.message).toMatch(/is the board running MicroPython/);
  });

  it("is not confused by CircuitPython's auto-reload banners around the raw REPL", async () => {
    const dev = new ScriptedDevice();
    let rebooted = false;
    let code = "";
    dev.onWrite = (data) => {
      const s = data.toString("latin1");
      if (s.endsWith("\x01") && !s.includes("\x05")) {
        // What CircuitPython prints when code.py was running and then the raw REPL is asked for.
        dev.send("\r\nCode done running.\r\n\r\nPress any key to enter the REPL. Use CTRL-D to reload.\r\n");
        dev.send("\r\nraw REPL; CTRL-B to exit\r\n>");
      } else if (s === "\x04" && !rebooted) {
        rebooted = true;
        code = ""; // what came before (Ctrl-C, Ctrl-A) was not code
        dev.send("OK\r\nsoft reboot\r\n\r\nAuto-reload is off.\r\ncode.py output:\r\nhello from code.py\r\n");
        dev.send("\r\nCode done running.\r\n\r\nraw REPL; CTRL-B to exit\r\n>");
      } else if (s === "\x05A\x01") dev.send("R\x00");
      else {
        code += s;
        if (code.endsWith("\x04")) dev.send(code === "print(9)\x04" ? "OK9\r\n\x04\x04>" : "OK\x04bad code\x04>");
      }
    };
    const repl = new RawRepl(dev, { chunkDelayMs: 0 });
    await repl.enter({ softReset: true });
    expect(Buffer.from(await repl.exec("print(9)")).toString()).toBe("9\r\n");
  });
});

