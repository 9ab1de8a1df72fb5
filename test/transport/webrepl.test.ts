// ws:// WebREPL end to end: the simulator (handshake, password, file transfer as webrepl.py,
// modwebsocket.c and modwebrepl.c do them) in front of the virtual board, driven by tspy's
// WebReplStream, by the CLI, and frame by frame from a bare TCP socket the way webrepl_cli.py talks.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import net from "node:net";
import fs from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { WebSocketServer } from "ws";
import { startWebReplFixture, type WebReplFixture } from "../../fixtures/webrepl-fixture.js";
import { choosePassword, open } from "../../src/transport/webrepl/index.js";
import { encodeRequest, webreplGet, webreplPut, webreplVersion } from "../../src/transport/webrepl/file-transfer.js";
import { parseWebReplSpec } from "../../src/transport/webrepl/spec.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { DeviceError } from "../../src/raw-repl/errors.js";
import { TransportError, UsageError } from "../../src/errors.js";
import { ROOT, tspy } from "../helpers/cli.js";
import { spawn } from "node:child_process";
import type { ByteStream } from "../../src/transport/byte-stream.js";

const PASSWORD = "s3cret";
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString("latin1");

let sim: WebReplFixture;
let spec: string;

beforeAll(async () => {
  sim = await startWebReplFixture({ password: PASSWORD });
  spec = `ws://:${PASSWORD}@127.0.0.1:${sim.port}`;
});
afterAll(async () => {
  await sim?.close();
});

/** One session at a time, as on a board: let the simulator see the previous one end. */
async function withStream<T>(s: string, body: (st: ByteStream) => Promise<T>): Promise<T> {
  const st = await open(s);
  try {
    return await body(st);
  } finally {
    await st.close();
    await new Promise((r) => setTimeout(r, 30));
  }
}

// ---- a bare client, frames written out from RFC 6455 and webrepl_cli.py -------------------------

/** The request record, laid out by hand from struct format "<2sBBQLH64s" (82 bytes). */
function waRecord(op: number, name: string, size: number): Buffer {
  const rec = Buffer.alloc(2 + 1 + 1 + 8 + 4 + 2 + 64);
  rec.write("WA", 0, "latin1");
  rec[2] = op;
  rec[3] = 0;
  // offset: 8 zero bytes at 4..11
  rec.writeUInt32LE(size, 12);
  rec.writeUInt16LE(Buffer.byteLength(name), 16);
  rec.write(name, 18, "utf8");
  return rec;
}

function frame(opcode: number, payload: Buffer, mask?: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  if (!mask) return Buffer.concat([head, payload]);
  head[1] |= 0x80;
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i & 3]));
  return Buffer.concat([head, mask, body]);
}

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
    socket.on("error", () => undefined);
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
      if (this.ended || Date.now() > end) throw new Error(`wanted ${n} bytes, have ${this.buf.toString("hex")}`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 50);
      });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async readUntil(marker: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const at = this.buf.indexOf(marker, 0, "latin1");
      if (at >= 0) return latin1(await this.read(at + marker.length));
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${JSON.stringify(marker)}`);
  }
  /** One whole server frame: [first byte, payload]. */
  async frame(): Promise<[number, Buffer]> {
    const [b0, b1] = await this.read(2);
    expect(b1 & 0x80).toBe(0); // a server never masks
    let len = b1 & 0x7f;
    if (len === 126) len = (await this.read(2)).readUInt16BE(0);
    return [b0, Buffer.from(await this.read(len))];
  }
  async closed(timeoutMs = 3000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    return this.ended;
  }
  rest(): Buffer {
    return this.buf;
  }
  write(b: Buffer | string): void {
    this.socket.write(typeof b === "string" ? Buffer.from(b, "latin1") : b);
  }
  close(): Promise<void> {
    return new Promise((r) => {
      if (this.ended) return r();
      this.socket.once("close", () => r());
      this.socket.destroy();
    });
  }
}

/** webrepl_cli.py's own handshake: its fixed key "foo" is not even valid base64; boards take it. */
async function handshake(w: Wire): Promise<void> {
  w.write("GET / HTTP/1.1\r\nHost: echo.websocket.org\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: foo\r\n\r\n");
  const accept = createHash("sha1").update("foo258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
  expect(await w.readUntil("\r\n\r\n")).toBe(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}

async function loggedIn(): Promise<Wire> {
  const w = await Wire.connect(sim.port);
  await handshake(w);
  expect(await w.frame()).toEqual([0x81, Buffer.from("Password: ")]);
  w.write(frame(2, Buffer.from(`${PASSWORD}\r`))); // webrepl_cli.py sends it in a binary frame
  expect(await w.frame()).toEqual([0x81, Buffer.from("\r\nWebREPL connected\r\n>>> ")]);
  return w;
}

describe("WebREPL simulator, frame by frame", () => {
  test("handshake, password prompt, login, and the REPL in text frames", async () => {
    const w = await loggedIn();
    try {
      // A fragmented text message: "print(" without FIN, then a continuation frame with FIN.
      const first = frame(1, Buffer.from("print("), Buffer.from([1, 2, 3, 4]));
      first[0] = 0x01;
      w.write(first);
      w.write(frame(0, Buffer.from("6*7)\r")));
      let text = "";
      while (!text.endsWith("42\r\n>>> ")) {
        const [b0, payload] = await w.frame();
        expect(b0).toBe(0x81);
        text += latin1(payload);
      }
      expect(text).toBe("print(6*7)\r\n42\r\n>>> ");
    } finally {
      await w.close();
    }
  });

  test("get version: the request in two frames (as webrepl_cli.py splits a put), three bytes back", async () => {
    const w = await loggedIn();
    try {
      const rec = waRecord(3, "", 0);
      w.write(frame(2, rec.subarray(0, 10)));
      w.write(frame(2, rec.subarray(10), Buffer.from([9, 8, 7, 6])));
      expect(await w.frame()).toEqual([0x82, Buffer.from([1, 27, 0])]);
    } finally {
      await w.close();
    }
  });

  test("put then get: WB replies, [u16 length][≤256 bytes] chunks, a zero length, WB", async () => {
    const data = randomBytes(300);
    const WB0 = Buffer.from("WB\x00\x00", "latin1");
    const w = await loggedIn();
    try {
      const put = waRecord(1, "wire.bin", data.length);
      w.write(frame(2, put.subarray(0, 10)));
      w.write(frame(2, put.subarray(10)));
      expect(await w.frame()).toEqual([0x82, WB0]);
      w.write(frame(2, data.subarray(0, 200)));
      w.write(frame(2, data.subarray(200), Buffer.from([0xaa, 0x55, 0xaa, 0x55])));
      expect(await w.frame()).toEqual([0x82, WB0]);
      expect(fs.readFileSync(path.join(sim.dir, "wire.bin")).equals(data)).toBe(true);

      w.write(frame(2, waRecord(2, "wire.bin", 0)));
      expect(await w.frame()).toEqual([0x82, WB0]);
      w.write(frame(2, Buffer.from([0])));
      const first = Buffer.concat([Buffer.from([0x00, 0x01]), data.subarray(0, 256)]);
      expect(await w.frame()).toEqual([0x82, first]); // 258 bytes: a 16-bit length frame
      w.write(frame(2, Buffer.from([0])));
      expect(await w.frame()).toEqual([0x82, Buffer.concat([Buffer.from([44, 0]), data.subarray(256)])]);
      w.write(frame(2, Buffer.from([0])));
      expect(await w.frame()).toEqual([0x82, Buffer.from([0, 0])]);
      expect(await w.frame()).toEqual([0x82, WB0]);
    } finally {
      await w.close();
    }
  });

  test("a put of zero bytes answers WB twice at once", async () => {
    const w = await loggedIn();
    try {
      w.write(frame(2, waRecord(1, "empty.txt", 0)));
      expect(await w.frame()).toEqual([0x82, Buffer.from("WB\0\0", "latin1")]);
      expect(await w.frame()).toEqual([0x82, Buffer.from("WB\0\0", "latin1")]);
      expect(fs.readFileSync(path.join(sim.dir, "empty.txt")).length).toBe(0);
    } finally {
      await w.close();
    }
  });

  test("wrong password: Access denied in a text frame, then the socket closes without a close frame", async () => {
    const w = await Wire.connect(sim.port);
    try {
      await handshake(w);
      await w.frame();
      w.write(frame(1, Buffer.from("guess\r"), Buffer.from([5, 6, 7, 8])));
      expect(await w.frame()).toEqual([0x81, Buffer.from("\r\nAccess denied\r\n")]);
      expect(await w.closed()).toBe(true);
      expect(w.rest().length).toBe(0);
    } finally {
      await w.close();
    }
  });

  test("only 9 password characters count... and a 10th makes it wrong", async () => {
    const w = await Wire.connect(sim.port);
    try {
      await handshake(w);
      await w.frame();
      w.write(frame(1, Buffer.from(`${PASSWORD}x\r`)));
      expect(await w.frame()).toEqual([0x81, Buffer.from("\r\nAccess denied\r\n")]);
    } finally {
      await w.close();
    }
  });

  test("a close frame is answered with an empty close frame", async () => {
    const w = await loggedIn();
    try {
      w.write(frame(8, Buffer.from([0x03, 0xe8]), Buffer.from([1, 1, 1, 1])));
      expect(await w.frame()).toEqual([0x88, Buffer.alloc(0)]);
      expect(await w.closed()).toBe(true);
    } finally {
      await w.close();
    }
  });

  test("a frame with a 64-bit length ends the connection", async () => {
    const w = await loggedIn();
    try {
      w.write(Buffer.from([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]));
      expect(await w.closed()).toBe(true);
    } finally {
      await w.close();
    }
  });

  test("a plain HTTP request gets the page that loads the WebREPL client", async () => {
    const w = await Wire.connect(sim.port);
    try {
      w.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      expect(await w.closed()).toBe(true);
      expect(latin1(w.rest())).toBe(
        'HTTP/1.0 200 OK\r\n\r\n<base href="https://micropython.org/webrepl/"></base>\r\n<script src="webrepl_content.js"></script>\r\n',
      );
    } finally {
      await w.close();
    }
  });
});

describe("WebREPL client (ByteStream)", () => {
  test("logs in and runs exec, eval and a traceback through the raw REPL on the real VM", async () => {
    await withStream(spec, async (s) => {
      const repl = new RawRepl(s);
      await repl.enter({ softReset: true });
      expect(latin1(await repl.exec("for i in range(3):\n    print(i * i)"))).toBe("0\r\n1\r\n4\r\n");
      expect(await repl.eval("sum(range(101))")).toBe("5050");
      const err = await repl.exec("def f():\n    raise ValueError('boom')\nf()").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DeviceError);
      expect((err as DeviceError).traceback).toMatch(/Traceback \(most recent call last\):[\s\S]*ValueError: boom/);
      // Output that is not UTF-8 arrives in text frames and must come through byte for byte.
      const raw = await repl.exec("import sys\nsys.stdout.buffer.write(bytes([0xff, 0xfe, 0x80, 0x41]))");
      expect([...raw]).toEqual([0xff, 0xfe, 0x80, 0x41]);
      await repl.exit();
    });
  });

  test("Ctrl-C reaches a running program through the link (KeyboardInterrupt, REPL usable after)", async () => {
    await withStream(spec, async (s) => {
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

  test("file transfer: put and get of random binary holding all 256 byte values, and get-version", async () => {
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(5000)]);
    await withStream(spec, async (s) => {
      expect(await webreplVersion(s)).toEqual([1, 27, 0]);
      await webreplPut(s, "all-bytes.bin", data);
      expect(fs.readFileSync(path.join(sim.dir, "all-bytes.bin")).equals(data)).toBe(true);
      const back = await webreplGet(s, "all-bytes.bin");
      expect(Buffer.from(back).equals(data)).toBe(true);
      // The board itself sees the file the transfer wrote.
      const repl = new RawRepl(s);
      await repl.enter({ softReset: false });
      const hex = createHash("sha256").update(data).digest("hex");
      expect(await repl.eval("len(open('all-bytes.bin', 'rb').read())")).toBe(String(data.length));
      expect(await repl.eval("__import__('hashlib').sha256(open('all-bytes.bin', 'rb').read()).digest().hex()")).toBe(`'${hex}'`);
      // A transfer while the REPL sits in raw mode leaves it there, ready for the next exec.
      await webreplPut(s, "in-raw.txt", Buffer.from("written while raw\n"));
      expect(await repl.eval("open('in-raw.txt').read()")).toBe("'written while raw\\n'");
      await repl.exit();
      // An empty file, and the REPL still answers afterwards in the friendly REPL.
      await webreplPut(s, "nothing", new Uint8Array(0));
      expect((await webreplGet(s, "nothing")).length).toBe(0);
      await s.write("print('after', 6*7)\r");
      expect(latin1(await s.readUntil("after 42\r\n", 5000))).toContain("after 42");
    });
  });

  test("get of a missing file fails with one line naming the file", async () => {
    const s = await open(spec);
    try {
      const err = await webreplGet(s, "no-such-file.txt", { timeoutMs: 5000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TransportError);
      expect((err as Error).message).toMatch(/^webrepl get no-such-file\.txt: /);
      expect((err as Error).message).not.toContain("\n");
    } finally {
      await s.close();
      await new Promise((r) => setTimeout(r, 30));
    }
  });

  test("request records: 82 bytes in the <2sBBQLH64s layout; long names refused", () => {
    expect(Buffer.from(encodeRequest(1, "main.py", 1234)).equals(waRecord(1, "main.py", 1234))).toBe(true);
    expect(Buffer.from(encodeRequest(3, "")).equals(waRecord(3, "", 0))).toBe(true);
    expect(() => encodeRequest(1, "x".repeat(64), 1)).toThrow(UsageError);
    expect(encodeRequest(1, "x".repeat(63), 1).length).toBe(82);
  });

  test("wrong password: one-line TransportError", async () => {
    const err = await open(`ws://:wrong@127.0.0.1:${sim.port}`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransportError);
    expect((err as Error).message).toMatch(/^webrepl login failed: .*Access denied/);
    expect((err as Error).message).not.toContain("\n");
    await new Promise((r) => setTimeout(r, 30));
  });

  test("REPL input goes out as text frames holding the exact bytes, even when not UTF-8", async () => {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1", skipUTF8Validation: true });
    const got: Array<[boolean, Buffer]> = [];
    server.on("connection", (ws) => {
      ws.send(Buffer.from("Password: "), { binary: false });
      ws.on("message", (data: Buffer, isBinary: boolean) => {
        got.push([isBinary, Buffer.from(data)]);
        if (got.length === 1) ws.send(Buffer.from("\r\nWebREPL connected\r\n>>> "), { binary: false });
      });
    });
    await new Promise<void>((r) => server.once("listening", () => r()));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const s = await open(`ws://:pw@127.0.0.1:${port}/`);
      await s.write(Uint8Array.of(0x61, 0xff, 0xc3, 0x28, 0x0d));
      await new Promise((r) => setTimeout(r, 100));
      await s.close();
      expect(got).toEqual([
        [false, Buffer.from("pw\r")],
        [false, Buffer.from([0x61, 0xff, 0xc3, 0x28, 0x0d])],
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  test("password: spec, then options, then $WEBREPL_PASSWORD; at most 9 bytes", () => {
    expect(choosePassword("a", { password: "b" }, { WEBREPL_PASSWORD: "c" })).toBe("a");
    expect(choosePassword(undefined, { password: "b" }, { WEBREPL_PASSWORD: "c" })).toBe("b");
    expect(choosePassword(undefined, {}, { WEBREPL_PASSWORD: "c" })).toBe("c");
    expect(() => choosePassword(undefined, {}, {})).toThrow(UsageError);
    expect(() => choosePassword("1234567890", {}, {})).toThrow(UsageError);
    expect(parseWebReplSpec("ws://:p%40ss@10.0.0.2")).toMatchObject({ host: "10.0.0.2", port: 8266, password: "p@ss", url: "ws://10.0.0.2:8266/" });
    expect(parseWebReplSpec("ws://[::1]:80/x")).toMatchObject({ host: "::1", port: 80, url: "ws://[::1]:80/x" });
    expect(() => parseWebReplSpec("ws://host:0x10")).toThrow(UsageError);
    expect(parseWebReplSpec("wss://:pw@board.example/webrepl")).toMatchObject({ port: 443, secure: true, url: "wss://board.example:443/webrepl" });
  });
});

describe("WebREPL through the CLI", () => {
  test("exec and eval print the board's answers", async () => {
    const r = await tspy(["-d", spec, "exec", "print(1+1)", "+", "eval", "[1, 'a']"]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: "" });
    expect(r.stdout.replace(/\r\n/g, "\n")).toBe("2\n[1, 'a']\n");
    expect(r.status).toBe(0);
  });

  test("the password can come from $WEBREPL_PASSWORD; a traceback goes to stderr", async () => {
    const r = await tspy(["-d", `ws://127.0.0.1:${sim.port}`, "exec", "1/0"], { env: { WEBREPL_PASSWORD: PASSWORD } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ZeroDivisionError: divide by zero/);
  });

  test("wrong password: one line on stderr, non-zero exit", async () => {
    const r = await tspy(["-d", `ws://:nope@127.0.0.1:${sim.port}`, "exec", "print(1)"]);
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 1, stdout: "" });
    expect(r.stderr).toMatch(/^tspy: webrepl login failed: .*Access denied.*\n$/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  test("no password anywhere: a usage error", async () => {
    const r = await tspy(["-d", `ws://127.0.0.1:${sim.port}`, "exec", "print(1)"], { env: { WEBREPL_PASSWORD: "" } });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^tspy: WebREPL needs a password/);
  });
});

describe("WebREPL simulator standalone", () => {
  test("`npm run fixture -- webrepl` says where it listens first, and takes --password", async () => {
    const child = spawn(process.execPath, ["fixtures/run.mjs", "webrepl", "--port", "0", "--password", "pw9"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      const deadline = Date.now() + 20_000;
      while (!out.includes("\n") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const first = out.split("\n")[0];
      expect(first).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
      await withStream(first.replace("ws://", "ws://:pw9@"), async (s) => {
        expect(await webreplVersion(s)).toEqual([1, 27, 0]);
      });
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("close", r));
    }
  });

  test("one client at a time: a second WebSocket is closed after its handshake", async () => {
    await withStream(spec, async () => {
      const second = await open(spec).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(TransportError);
      expect((second as Error).message).toMatch(/^webrepl login failed: /);
    });
  });
});
