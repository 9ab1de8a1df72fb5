// telnet:// end to end: the WiPy-style simulator (login exchange as the WiPy's telnet.c has it) in
// front of the virtual board, driven by tspy's TelnetStream, by the CLI, and by a bare TCP socket.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import net from "node:net";
import { startTelnetFixture, type TelnetFixture } from "../../fixtures/telnet-fixture.js";
import { open } from "../../src/transport/telnet/index.js";
import { TelnetDecoder, escapeIac } from "../../src/transport/telnet/iac.js";
import { parseTelnetSpec } from "../../src/transport/telnet/spec.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { DeviceError } from "../../src/raw-repl/errors.js";
import { TransportError, UsageError } from "../../src/errors.js";
import { ROOT, tspy } from "../helpers/cli.js";
import { spawn } from "node:child_process";
import type { ByteStream } from "../../src/transport/byte-stream.js";

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

/** A TCP client that reads exact byte counts, for checking the simulator's bytes. */
class Wire {
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  ended = false;
  private constructor(readonly socket: net.Socket) {
    socket.on("data", (d) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.wake?.();
    });
    socket.on("close", () => {
      this.ended = true;
      this.wake?.();
    });
  }
  static connect(port: number): Promise<Wire> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, "127.0.0.1", () => resolve(new Wire(s)));
      s.once("error", reject);
    });
  }
  async read(n: number, timeoutMs = 5000): Promise<Buffer> {
    const end = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      if (this.ended || Date.now() > end) throw new Error(`wanted ${n} bytes, have ${JSON.stringify(this.buf.toString("latin1"))}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async readUntil(marker: string, timeoutMs = 5000): Promise<string> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const at = this.buf.indexOf(marker, 0, "latin1");
      if (at >= 0) return latin1(await this.read(at + marker.length));
      if (this.ended || Date.now() > end) throw new Error(`no ${JSON.stringify(marker)} in ${JSON.stringify(this.buf.toString("latin1"))}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
    }
  }
  async closed(timeoutMs = 3000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return this.ended;
  }
  write(s: string | Uint8Array): void {
    this.socket.write(typeof s === "string" ? Buffer.from(s, "latin1") : s);
  }
  close(): Promise<void> {
    return new Promise((r) => {
      if (this.ended) return r();
      this.socket.once("close", () => r());
      this.socket.destroy();
    });
  }
}

// The option bytes of ports/cc3200/telnet/telnet.c, written out from its source.
const IAC = 255, WILL = 251, WONT = 252, DO = 253, DONT = 254, SB = 250, SE = 240;
const ECHO = 1, SGA = 3, LINEMODE = 34;
const USER_OPTIONS = [IAC, WONT, ECHO, IAC, WONT, SGA, IAC, WILL, LINEMODE];
const PASSWORD_OPTIONS = [IAC, WILL, ECHO, IAC, WONT, SGA, IAC, WILL, LINEMODE];
const REPL_OPTIONS = [IAC, WILL, ECHO, IAC, WILL, SGA, IAC, WONT, LINEMODE];

let plain: TelnetFixture;
let noisy: TelnetFixture;

beforeAll(async () => {
  [plain, noisy] = await Promise.all([
    startTelnetFixture(),
    startTelnetFixture({ user: "admin", password: "s3cret", iacNoise: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([plain?.close(), noisy?.close()]);
});

/** Sessions are one at a time (as on the WiPy): wait until the simulator has seen the last one end. */
async function withStream<T>(url: string, body: (s: ByteStream) => Promise<T>, opts = {}): Promise<T> {
  const s = await open(url, opts);
  try {
    return await body(s);
  } finally {
    await s.close();
    await new Promise((r) => setTimeout(r, 30));
  }
}

describe("telnet simulator, byte for byte as the WiPy", () => {
  test("welcome, options, prompts, login banner, then the board's own prompt", async () => {
    const w = await Wire.connect(plain.port);
    try {
      expect(await w.readUntil("\r\n")).toMatch(/^MicroPython v1\.27\.0 on [^\r\n]+\r\n$/);
      expect([...(await w.read(9))]).toEqual(USER_OPTIONS);
      expect(latin1(await w.read(10))).toBe("Login as: ");
      w.write("micro\r\n");
      expect(latin1(await w.read(10))).toBe("Password: ");
      expect([...(await w.read(9))]).toEqual(PASSWORD_OPTIONS);
      w.write("python\r\n");
      expect([...(await w.read(9))]).toEqual(REPL_OPTIONS);
      const banner = '\r\nLogin succeeded!\r\nType "help()" for more information.\r\n';
      expect(latin1(await w.read(banner.length))).toBe(banner);
      // The WiPy erases the input line and presses Enter for the client: a fresh prompt.
      expect(await w.readUntil(">>> ")).toBe("\r\n>>> ");
      w.write("print(6*7)\r");
      expect(await w.readUntil(">>> ")).toBe("print(6*7)\r\n42\r\n>>> ");
    } finally {
      await w.close();
    }
  });

  test("wrong credentials: the WiPy's message, a new login prompt, and a hang-up after the third try", async () => {
    const w = await Wire.connect(plain.port);
    try {
      await w.readUntil("Login as: ");
      for (let attempt = 1; attempt <= 3; attempt++) {
        w.write("micro\r\n");
        await w.readUntil("Password: ");
        expect([...(await w.read(9))]).toEqual(PASSWORD_OPTIONS);
        w.write("letmein\r\n");
        const invalid = "\r\nInvalid credentials, try again.\r\n";
        expect(latin1(await w.read(invalid.length))).toBe(invalid);
        if (attempt < 3) {
          expect([...(await w.read(9))]).toEqual(USER_OPTIONS);
          expect(latin1(await w.read(10))).toBe("Login as: ");
        }
      }
      expect(await w.closed()).toBe(true);
    } finally {
      await w.close();
    }
  });

  test("a wrong user fails even with the right password", async () => {
    const w = await Wire.connect(plain.port);
    try {
      await w.readUntil("Login as: ");
      w.write("root\r\n");
      await w.readUntil("Password: ");
      w.write("python\r\n");
      expect(await w.readUntil("try again.\r\n")).toContain("Invalid credentials");
    } finally {
      await w.close();
    }
  });
});

describe("telnet client (ByteStream)", () => {
  test("logs in and runs exec, eval and a traceback through the raw REPL on the real VM", async () => {
    await withStream(plain.url, async (s) => {
      const repl = new RawRepl(s);
      await repl.enter({ softReset: true });
      expect(latin1(await repl.exec("for i in range(3):\n    print(i * i)"))).toBe("0\r\n1\r\n4\r\n");
      expect(await repl.eval("sum(range(101))")).toBe("5050");
      const err = await repl.exec("def f():\n    raise ValueError('boom')\nf()").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).traceback).toMatch(/Traceback \(most recent call last\):[\s\S]*ValueError: boom/);
      await repl.exit();
    });
  });

  test("Ctrl-C reaches a running program through the link (KeyboardInterrupt, REPL usable after)", async () => {
    await withStream(plain.url, async (s) => {
      const repl = new RawRepl(s);
      await repl.enter({ softReset: false });
      const running = repl.execRaw("import time\nprint('start')\nwhile True:\n    time.sleep_ms(10)");
      await new Promise((r) => setTimeout(r, 300));
      await repl.interrupt();
      const r = await running;
      expect(latin1(r.stdout)).toBe("start\r\n");
      expect(r.stderr).toMatch(/KeyboardInterrupt/);
      expect(await repl.eval("3*3")).toBe("9");
      await repl.exit();
    });
  });

  test("the client refuses the options the server offers (DONT LINEMODE, DONT ECHO reach the WiPy filter)", async () => {
    const before = plain.dropped.length;
    await withStream(plain.url, async (s) => {
      const repl = new RawRepl(s);
      await repl.enter({ softReset: false });
      expect(await repl.eval("1+1")).toBe("2");
      await repl.exit();
    });
    const answers = plain.dropped.slice(before).map((g) => g.join(","));
    expect(answers).toContain([IAC, DONT, LINEMODE].join(","));
    expect(answers).toContain([IAC, DONT, ECHO].join(","));
    // Refusals only: nothing answered the WONTs with another message.
    expect(answers.every((a) => a.startsWith(`${IAC},${DONT}`) || a.startsWith(`${IAC},${WONT}`))).toBe(true);
  });

  test("telnet commands inside the REPL output are stripped and refused; user and password from the spec", async () => {
    const before = noisy.dropped.length;
    await withStream("telnet://admin:s3cret@" + noisy.url.slice("telnet://".length), async (s) => {
      const repl = new RawRepl(s);
      await repl.enter({ softReset: true });
      const out = await repl.exec("print('x' * 40)\nprint(bytes(range(65, 91)).decode())");
      expect(latin1(out)).toBe("x".repeat(40) + "\r\nABCDEFGHIJKLMNOPQRSTUVWXYZ\r\n");
      expect(out.includes(IAC)).toBe(false);
      await repl.exit();
    });
    const answers = noisy.dropped.slice(before).map((g) => g.join(","));
    expect(answers).toContain([IAC, WONT, 24].join(",")); // DO TERMINAL-TYPE refused
    expect(answers).toContain([IAC, DONT, ECHO].join(","));
  });

  test("wrong password: one-line TransportError naming the login failure", async () => {
    const err = await open(plain.url, { password: "wrong" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/^telnet login failed: .*Invalid credentials/);
    expect((err as Error).message).not.toContain("\n");
  });

  test("a server that never asks for a login times out with a clear message", async () => {
    const server = net.createServer((c) => c.write("hello\r\n"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      const err = await open(`telnet://127.0.0.1:${port}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as Error).message).toMatch(/^telnet login failed: no "Login as:" prompt/);
      expect(Date.now() - t0).toBeLessThan(8000);
    } finally {
      server.close();
    }
  });

  test("connection refused is a one-line TransportError", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const err = await open(`telnet://127.0.0.1:${port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/connection refused/);
  });
});

describe("telnet byte handling against a scripted server", () => {
  test("commands split across TCP reads are removed, IAC IAC is 0xFF, written 0xFF is doubled", async () => {
    const received: Buffer[] = [];
    const server = net.createServer((c) => {
      c.on("data", (d) => received.push(d));
      // Every command cut at awkward places, one TCP write each with a pause between.
      // (The prompt comes last: the client answers it at once, and the next server bytes must not
      // land in the middle of a command.)
      const pieces = [
        [IAC],
        [DO, 24],
        [IAC, SB, 24, 1],
        [IAC, SE, IAC],
        [241, ...Buffer.from("Login")], // NOP
        [...Buffer.from(" as:")],
      ];
      let i = 0;
      const next = () => {
        if (i < pieces.length) {
          c.write(Buffer.from(pieces[i++]));
          setTimeout(next, 15);
        }
      };
      next();
      let stage = 0;
      c.on("data", () => {
        const all = Buffer.concat(received).toString("latin1");
        if (stage === 0 && all.includes("micro\r\n")) {
          stage = 1;
          c.write(Buffer.from([...Buffer.from("Password:"), IAC, WILL, ECHO]));
        } else if (stage === 1 && all.includes("python\r\n")) {
          stage = 2;
          c.write(Buffer.from('\r\nType "help()" for more information.\r\n', "latin1"));
          c.write(Buffer.from([0x41, IAC, IAC, 0x42, IAC, 241, 0x43]));
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const s = await open(`telnet://127.0.0.1:${port}`);
      expect([...(await s.read(3, 2000))]).toEqual([0x41, 0xff, 0x42]);
      expect([...(await s.read(1, 2000))]).toEqual([0x43]);
      await s.write(Uint8Array.of(0x01, 0xff, 0x02));
      await new Promise((r) => setTimeout(r, 100));
      await s.close();
      const sent = [...Buffer.concat(received)];
      expect(sent).toEqual([
        IAC, WONT, 24, // DO TERMINAL-TYPE refused
        ...Buffer.from("micro\r\n"),
        IAC, DONT, ECHO, // WILL ECHO refused
        ...Buffer.from("python\r\n"),
        0x01, IAC, IAC, 0x02,
      ]);
    } finally {
      server.close();
    }
  });

  test("decoder: states carry over between chunks", () => {
    const d = new TelnetDecoder();
    const bytes = [0x61, IAC, DO, 31, 0x62, IAC, SB, 31, IAC, IAC, 0, IAC, SE, IAC, IAC, IAC, WONT, 1, 0x63];
    const data: number[] = [];
    const reply: number[] = [];
    for (const b of bytes) {
      const r = d.feed(Uint8Array.of(b));
      data.push(...r.data);
      reply.push(...r.reply);
    }
    expect(data).toEqual([0x61, 0x62, 0xff, 0x63]);
    expect(reply).toEqual([IAC, WONT, 31]);
    expect([...escapeIac(Uint8Array.of(1, 255, 255, 2))]).toEqual([1, 255, 255, 255, 255, 2]);
  });

  test("spec parsing: defaults, credentials, IPv6, bad specs", () => {
    expect(parseTelnetSpec("telnet://192.168.1.1")).toEqual({ host: "192.168.1.1", port: 23 });
    expect(parseTelnetSpec("telnet://u%40x:p%3Aw@host:2323")).toEqual({ host: "host", port: 2323, user: "u@x", password: "p:w" });
    expect(parseTelnetSpec("telnet://[::1]:24")).toEqual({ host: "::1", port: 24 });
    expect(() => parseTelnetSpec("telnet://host:99999")).toThrow(UsageError);
    expect(() => parseTelnetSpec("telnet://host/path")).toThrow(UsageError);
  });
});

describe("telnet through the CLI", () => {
  test("exec and eval print the board's answers", async () => {
    const r = await tspy(["-d", plain.url, "exec", "print(1+1)", "+", "eval", "'ab' * 3"]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout.replace(/\r\n/g, "\n")).toBe("2\nababab\n");
    expect(r.status).toBe(0);
  });

  test("a traceback from the board goes to stderr with exit status 1", async () => {
    const r = await tspy(["-d", plain.url, "exec", "import nosuchmodule"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ImportError: no module named 'nosuchmodule'/);
  });

  test("wrong password: one line on stderr, non-zero exit", async () => {
    const r = await tspy(["-d", "telnet://micro:nope@" + plain.url.slice("telnet://".length), "exec", "print(1)"]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: "" });
    expect(r.stderr).toMatch(/^tspy: telnet login failed: .*\n$/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("telnet simulator standalone", () => {
  test("`npm run fixture -- telnet` says where it listens first, and takes --user/--password", async () => {
    const child = spawn(process.execPath, ["fixtures/run.mjs", "telnet", "--port", "0", "--user", "u1", "--password", "p1"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      const deadline = Date.now() + 20_000;
      while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const first = out.split("\n")[0];
      expect(first).toMatch(/^telnet:\/\/127\.0\.0\.1:\d+$/);
      await withStream(first.replace("telnet://", "telnet://u1:p1@"), async (s) => {
        const repl = new RawRepl(s);
        await repl.enter({ softReset: false });
        expect(await repl.eval("2**10")).toBe("1024");
        await repl.exit();
      });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("close", r));
    }
  });

  test("one client at a time: a second connection is dropped while the first is logged in", async () => {
    await withStream(plain.url, async () => {
      const second = await open(plain.url).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(TransportError);
      expect((second as Error).message).toMatch(/^telnet login failed: /);
    });
  });
});
