// The transport seam: every link to a board (serial, TCP, telnet, WebREPL, the virtual board) is a
// ByteStream. Layers above (raw REPL, flashers) see only these methods and never a port or socket.
import { TimeoutError, TransportError } from "../errors.js";

export interface ModemSignals {
  dtr?: boolean;
  rts?: boolean;
}

export interface ByteStream {
  /** What this link is, for messages ("serial /dev/ttyUSB0", "virtual board at DIR" ...). */
  readonly description: string;
  write(data: Uint8Array | string): Promise<void>;
  /** Exactly `n` bytes, or TimeoutError naming `what` (a short "waiting for ..." phrase). */
  read(n: number, timeoutMs: number, what?: string): Promise<Uint8Array>;
  /** Whatever has arrived (at least one byte), waiting up to `timeoutMs`; empty on time-out. */
  readSome(timeoutMs: number): Promise<Uint8Array>;
  /**
   * Bytes up to and including `marker`. `onData` sees bytes as they arrive (minus a possible
   * partial marker at the tail), for streaming program output.
   */
  readUntil(
    marker: Uint8Array | string,
    timeoutMs: number,
    what?: string,
    onData?: (chunk: Uint8Array) => void,
  ): Promise<Uint8Array>;
  /**
   * Discard anything already received and anything that arrives until the line has been quiet for
   * `quietMs`, but for no longer than `maxMs` overall (a device that never stops sending would otherwise
   * hold us forever). True when the line went quiet, false when it was still talking at `maxMs`.
   */
  drain(quietMs?: number, maxMs?: number): Promise<boolean>;
  /** Number of bytes received and not yet read. */
  available(): number;
  close(): Promise<void>;
  /** Serial lines only: DTR/RTS (the flashers' reset sequences). */
  setSignals?(signals: ModemSignals): Promise<void>;
  /** Serial lines only. */
  setBaudRate?(baud: number): Promise<void>;
}

/** The longest drain() waits for a chattering line to fall silent, unless told otherwise. */
export const DRAIN_MAX_MS = 1000;

export function toBytes(data: Uint8Array | string): Uint8Array {
  return typeof data === "string" ? Buffer.from(data, "latin1") : data;
}

function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
}

/**
 * The receive side shared by every transport: incoming chunks are queued by `push()`, readers wait
 * with time-outs. Subclasses implement `writeBytes` and `closeLink`, and call `push`/`linkClosed`.
 */
export abstract class BufferedStream implements ByteStream {
  abstract readonly description: string;
  private buf: Buffer = Buffer.alloc(0);
  private waiter: (() => void) | null = null;
  private closedReason: string | null = null;

  protected abstract writeBytes(data: Uint8Array): Promise<void>;
  protected abstract closeLink(): Promise<void>;

  /** Called by subclasses when bytes arrive. */
  protected push(chunk: Uint8Array): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk);
    this.wake();
  }

  /** Called by subclasses when the other end went away. Pending and later reads fail. */
  protected linkClosed(reason: string): void {
    if (this.closedReason === null) this.closedReason = reason;
    this.wake();
  }

  get isClosed(): boolean {
    return this.closedReason !== null;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Wait until new data arrives, the link closes, or the deadline passes; false on time-out. */
  private waitForData(deadline: number): Promise<boolean> {
    const left = deadline - Date.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      // No timer for an unlimited wait (setTimeout would clamp Infinity to 1 ms).
      const timer = Number.isFinite(left)
        ? setTimeout(() => {
            this.waiter = null;
            resolve(false);
          }, left)
        : undefined;
      this.waiter = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
  }

  private checkOpen(): void {
    if (this.closedReason !== null) throw new TransportError(`${this.description}: ${this.closedReason}`);
  }

  async write(data: Uint8Array | string): Promise<void> {
    this.checkOpen();
    await this.writeBytes(toBytes(data));
  }

  available(): number {
    return this.buf.length;
  }

  private take(n: number): Uint8Array {
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }

  async read(n: number, timeoutMs: number, what = "data"): Promise<Uint8Array> {
    const deadline = Date.now() + timeoutMs;
    while (this.buf.length < n) {
      this.checkOpen();
      if (!(await this.waitForData(deadline))) {
        throw new TimeoutError(`${this.description}: timed out ${what}`);
      }
    }
    return this.take(n);
  }

  async readSome(timeoutMs: number): Promise<Uint8Array> {
    if (this.buf.length === 0) {
      this.checkOpen();
      await this.waitForData(Date.now() + timeoutMs);
    }
    return this.take(this.buf.length);
  }

  async readUntil(
    marker: Uint8Array | string,
    timeoutMs: number,
    what = "waiting for the board",
    onData?: (chunk: Uint8Array) => void,
  ): Promise<Uint8Array> {
    const m = toBytes(marker);
    const deadline = Date.now() + timeoutMs;
    let scanned = 0; // bytes of buf already checked for the marker (and already passed to onData)
    for (;;) {
      const at = indexOf(this.buf, m, Math.max(0, scanned - m.length + 1));
      if (at >= 0) {
        const end = at + m.length;
        if (onData && at > scanned) onData(this.buf.subarray(scanned, at));
        return this.take(end);
      }
      // Everything except a possible partial marker at the tail can be streamed already.
      const safe = Math.max(scanned, this.buf.length - m.length + 1);
      if (onData && safe > scanned) onData(this.buf.subarray(scanned, safe));
      scanned = safe;
      this.checkOpen();
      if (!(await this.waitForData(deadline))) {
        throw new TimeoutError(`${this.description}: timed out ${what}`);
      }
    }
  }

  async drain(quietMs = 50, maxMs = DRAIN_MAX_MS): Promise<boolean> {
    const end = Date.now() + maxMs;
    let sawData = this.buf.length > 0;
    let lastData = Date.now();
    this.take(this.buf.length);
    for (;;) {
      if (this.closedReason !== null) return true;
      const now = Date.now();
      if (now - lastData >= quietMs) return true;
      // Out of time: still talking if it sent within the last quietMs.
      if (now >= end) return !sawData;
      if (await this.waitForData(Math.min(lastData + quietMs, end))) {
        sawData = true;
        lastData = Date.now();
        this.take(this.buf.length);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closedReason === null) this.closedReason = "closed";
    this.wake();
    await this.closeLink();
  }
}
