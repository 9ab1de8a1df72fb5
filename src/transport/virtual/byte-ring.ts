// One direction of the board's serial line: a single-producer/single-consumer byte ring in shared
// memory. Host→board: the VM worker reads it even while Python runs synchronously (stdin, the
// interrupt character). Board→host: the host reads what the VM printed even while the VM is stuck in
// a loop that never returns to JavaScript, as a UART keeps sending what was already written to it.

const WRITTEN = 0; // total bytes written (wrapping 32-bit counter)
const TAKEN = 1; // total bytes taken

export interface RingBuffers {
  control: SharedArrayBuffer;
  data: SharedArrayBuffer;
}

/** `size` must be a power of two (positions wrap at 2^32). */
export function createRingBuffers(size = 64 * 1024): RingBuffers {
  return { control: new SharedArrayBuffer(8), data: new SharedArrayBuffer(size) };
}

type WaitAsync = (
  a: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

export class ByteRing {
  private readonly ctl: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(buffers: RingBuffers) {
    this.ctl = new Int32Array(buffers.control);
    this.bytes = new Uint8Array(buffers.data);
  }

  get capacity(): number {
    return this.bytes.length;
  }

  /** Counter value after the last byte written so far. */
  get written(): number {
    return Atomics.load(this.ctl, WRITTEN);
  }

  get taken(): number {
    return Atomics.load(this.ctl, TAKEN);
  }

  /** Bytes waiting to be taken. */
  pending(): number {
    return (this.written - this.taken) | 0;
  }

  /** Producer: copy as much of `data` as fits; returns how many bytes were accepted. */
  put(data: ArrayLike<number>, from = 0): number {
    const free = this.capacity - this.pending();
    const n = Math.min(free, data.length - from);
    if (n <= 0) return 0;
    let w = this.written;
    const mask = this.capacity - 1;
    for (let i = 0; i < n; i++) {
      this.bytes[w & mask] = data[from + i];
      w = (w + 1) | 0;
    }
    Atomics.store(this.ctl, WRITTEN, w);
    Atomics.notify(this.ctl, WRITTEN);
    return n;
  }

  /** Producer, blocking (worker thread only): put everything, sleeping while the ring is full. */
  putAll(data: ArrayLike<number>, stillWanted: () => boolean = () => true): void {
    let done = 0;
    while (done < data.length) {
      const n = this.put(data, done);
      done += n;
      if (n === 0) {
        if (!stillWanted()) return;
        Atomics.wait(this.ctl, TAKEN, this.taken, 20);
      }
    }
  }

  /** Has the consumer taken every byte up to counter value `position`? */
  hasTaken(position: number): boolean {
    return ((this.taken - position) | 0) >= 0;
  }

  /** Consumer: the next byte, or -1 when nothing is waiting. */
  take(): number {
    const t = this.taken;
    if (((this.written - t) | 0) <= 0) return -1;
    const b = this.bytes[t & (this.capacity - 1)];
    this.advance(t, 1);
    return b;
  }

  /** Consumer: everything waiting (possibly empty). */
  takeAll(): Uint8Array {
    const t = this.taken;
    const n = (this.written - t) | 0;
    const out = new Uint8Array(Math.max(0, n));
    const mask = this.capacity - 1;
    for (let i = 0; i < n; i++) out[i] = this.bytes[(t + i) & mask];
    if (n > 0) this.advance(t, n);
    return out;
  }

  private advance(t: number, n: number): void {
    Atomics.store(this.ctl, TAKEN, (t + n) | 0);
    Atomics.notify(this.ctl, TAKEN);
  }

  /** Consumer, blocking (worker thread only): sleep until data arrives or `ms` pass. */
  waitForData(ms: number): void {
    const w = this.written;
    if (((w - this.taken) | 0) > 0) return;
    Atomics.wait(this.ctl, WRITTEN, w, ms);
  }

  /** Consumer, blocking (worker thread only): sleep until more is written or `ms` pass. */
  waitForMore(ms: number): void {
    Atomics.wait(this.ctl, WRITTEN, this.written, ms);
  }

  /** Wake anyone waiting for data (so a reader can notice it is no longer wanted). */
  wake(): void {
    Atomics.notify(this.ctl, WRITTEN);
  }

  /** Consumer, without blocking the thread: resolves when data may have arrived or `ms` passed. */
  async dataArrival(ms: number): Promise<void> {
    const w = this.written;
    if (((w - this.taken) | 0) > 0) return;
    // Atomics.waitAsync is in Node 16+ but not in the ES2023 typings this project compiles against.
    const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;
    const r = waitAsync(this.ctl, WRITTEN, w, ms);
    if (r.async) await r.value;
  }
}
