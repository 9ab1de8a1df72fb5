// A serial port on Linux and macOS, straight on the native addon of @serialport/bindings-cpp (termios
// set-up, locking, modem lines, and a libuv poll handle), with the reads and writes done here.
//
// Why not @serialport/stream: loading it and the addon's JavaScript layer (`debug`, the stream classes,
// the per-OS modules) costs 35–45 ms per start on this machine, about a third of a whole `tspy exec`.
// The addon alone loads in 3–4 ms. Non-blocking reads and writes on the fd are done synchronously
// in the poll callback, so received bytes reach the reader without a trip through the thread pool.
import fs from "node:fs";
import { NoModemLinesError, TransportError } from "../errors.js";
import { BufferedStream, type ModemSignals } from "./byte-stream.js";
import { loadSerialAddon } from "./serial-addon.js";

/** The part of the addon's surface this file uses (see bindings-cpp's src/serialport.cpp). */
interface NativeSerial {
  open(path: string, options: Record<string, unknown>, cb: (err: Error | null, fd: number) => void): void;
  update(fd: number, options: { baudRate: number }, cb: (err: Error | null) => void): void;
  set(fd: number, options: Record<string, boolean>, cb: (err: Error | null) => void): void;
  drain(fd: number, cb: (err: Error | null) => void): void;
  close(fd: number, cb: (err: Error | null) => void): void;
  Poller: new (fd: number, cb: (err: Error | null, events: number) => void) => NativePoller;
}
interface NativePoller {
  poll(events: number): void;
  stop(): void;
  destroy(): void;
}

const READABLE = 1;
const DISCONNECT = 4;

let cached: NativeSerial | null = null;

/** The addon (prebuilt for this platform, or built from source), see serial-addon.ts. */
function nativeSerial(): NativeSerial {
  cached ??= loadSerialAddon<NativeSerial>();
  return cached;
}

/** Errors on the fd that mean the device is gone (USB unplugged, or the pty's other side closed). */
function isGone(code: string | undefined): boolean {
  return code === "EIO" || code === "ENXIO" || code === "EBADF" || code === "ENODEV";
}

function callNative<T = void>(fn: (cb: (err: Error | null, v: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => fn((err, v) => (err ? reject(err) : resolve(v))));
}

export class PosixSerialStream extends BufferedStream {
  readonly description: string;
  private readonly poller: NativePoller;
  private readonly readBuf = Buffer.allocUnsafe(65536);
  private writable: (() => void) | null = null;
  private fdOpen = true;

  private constructor(private readonly native: NativeSerial, private readonly fd: number, readonly path: string) {
    super();
    this.description = `serial ${path}`;
    this.poller = new native.Poller(fd, (err, events) => this.onEvents(err, events));
    this.poller.poll(READABLE | DISCONNECT);
  }

  /** Opens `devPath` raw 8N1 at `baudRate`, locked against other programs, DTR/RTS left alone on close. */
  static async open(devPath: string, baudRate: number, explain: (p: string, e: Error) => TransportError): Promise<PosixSerialStream> {
    const native = nativeSerial();
    const options = {
      baudRate, dataBits: 8, stopBits: 1, parity: "none", rtscts: false, xon: false, xoff: false, xany: false,
      hupcl: false, lock: true, vmin: 1, vtime: 0,
    };
    try {
      const fd = await callNative<number>((cb) => native.open(devPath, options, cb));
      return new PosixSerialStream(native, fd, devPath);
    } catch (e) {
      throw explain(devPath, e as Error);
    }
  }

  private onEvents(err: Error | null, events: number): void {
    if (err) {
      // libuv reports a hung-up pty or an unplugged USB device as a poll error (EBADF, EIO ...).
      this.gone("port closed (board unplugged or reset?)");
      return;
    }
    if (events & READABLE) this.readAvailable();
    if (events & DISCONNECT) this.gone("port closed (board unplugged or reset?)");
    if (this.fdOpen) this.poller.poll(READABLE | DISCONNECT);
  }

  /** Everything the device has for us now: the fd is non-blocking, so this stops at EAGAIN. */
  private readAvailable(): void {
    for (;;) {
      let n: number;
      try {
        n = fs.readSync(this.fd, this.readBuf, 0, this.readBuf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK" || code === "EINTR") return;
        this.gone(isGone(code) ? "port closed (board unplugged or reset?)" : (e as Error).message);
        return;
      }
      if (n === 0) return;
      this.push(Buffer.from(this.readBuf.subarray(0, n)));
      if (n < this.readBuf.length) return;
    }
  }

  private gone(reason: string): void {
    this.linkClosed(reason);
    this.wakeWriter();
  }

  private wakeWriter(): void {
    const w = this.writable;
    this.writable = null;
    w?.();
  }

  protected async writeBytes(data: Uint8Array): Promise<void> {
    let off = 0;
    while (off < data.length) {
      if (this.isClosed || !this.fdOpen) throw new TransportError(`${this.description}: port closed`);
      try {
        off += fs.writeSync(this.fd, data, off, data.length - off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== "EAGAIN" && code !== "EWOULDBLOCK" && code !== "EINTR") {
          throw new TransportError(`${this.description}: ${isGone(code) ? "port closed (board unplugged or reset?)" : (e as Error).message}`);
        }
        // The output queue is full: try again shortly. (Not a WRITABLE poll: the addon's poll handle
        // keeps every flag it was ever asked for, and a tty is nearly always writable, so it would spin.)
        await new Promise<void>((resolve) => {
          this.writable = resolve;
          setTimeout(() => this.wakeWriter(), 2);
        });
      }
    }
    // Resolve once the bytes have left the host (tcdrain), as callers pace by it.
    await callNative((cb) => this.native.drain(this.fd, cb)).catch((e: Error) => {
      throw new TransportError(`${this.description}: ${e.message}`);
    });
  }

  async setSignals(signals: ModemSignals): Promise<void> {
    // The addon sets every line at once; unnamed lines take the usual idle state (asserted).
    const flags = { brk: false, cts: false, dsr: false, lowLatency: false, dtr: signals.dtr ?? true, rts: signals.rts ?? true };
    await callNative((cb) => this.native.set(this.fd, flags, cb)).catch((e: Error) => {
      if (/Inappropriate ioctl|ENOTTY/i.test(e.message)) {
        throw new NoModemLinesError(`${this.description}: this port has no DTR/RTS lines (a pty or a network bridge?)`);
      }
      throw new TransportError(`${this.description}: ${e.message}`);
    });
  }

  async setBaudRate(baudRate: number): Promise<void> {
    await callNative((cb) => this.native.update(this.fd, { baudRate }, cb)).catch((e: Error) => {
      throw new TransportError(`${this.description}: ${e.message}`);
    });
  }

  protected async closeLink(): Promise<void> {
    if (!this.fdOpen) return;
    this.fdOpen = false;
    this.poller.stop();
    this.poller.destroy();
    await callNative((cb) => this.native.close(this.fd, cb)).catch(() => undefined);
  }
}
