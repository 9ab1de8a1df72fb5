// A growable byte buffer for the emitters and .mpy writers. Why not an array of numbers: every pass
// of the emitter and every writer appended byte by byte to a JS array and then copied it into a
// Uint8Array (`Uint8Array.from([...a, ...b])`); a typed array that doubles when full, is cleared
// (not reallocated) between passes and copies whole blocks with `set` costs far less, above all in
// a cold process where the copying loops run in the interpreter.
import { utf8Bytes } from "./utf8.js";

export class ByteBuffer {
  private buf: Uint8Array;
  /** Bytes written so far (the buffer's logical end). */
  length = 0;

  constructor(capacity = 256) {
    this.buf = new Uint8Array(capacity);
  }

  clear(): void {
    this.length = 0;
  }

  /** The byte at `i` (< length). */
  at(i: number): number {
    return this.buf[i];
  }

  private grow(need: number): void {
    let cap = this.buf.length * 2;
    while (cap < this.length + need) cap *= 2;
    const bigger = new Uint8Array(cap);
    bigger.set(this.buf.subarray(0, this.length));
    this.buf = bigger;
  }

  /** Appends one byte (its low 8 bits, as a Uint8Array stores it). */
  push(b: number): void {
    if (this.length === this.buf.length) this.grow(1);
    this.buf[this.length++] = b;
  }

  /** Appends MicroPython's variable-length unsigned encoding (7 bits a byte, most significant first). */
  uint(value: number): void {
    // count the groups first so that nothing is allocated (this runs for most opcodes of every pass)
    let n = 1;
    for (let v = Math.floor(value / 128); v !== 0; v = Math.floor(v / 128)) n++;
    if (this.length + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let at = this.length + n - 1;
    buf[at] = value % 128;
    for (let v = Math.floor(value / 128); v !== 0; v = Math.floor(v / 128)) buf[--at] = 0x80 | v % 128;
    this.length += n;
  }

  /** Appends a block of bytes. */
  append(data: Uint8Array | readonly number[]): void {
    const n = data.length;
    if (this.length + n > this.buf.length) this.grow(n);
    if (data instanceof Uint8Array) {
      this.buf.set(data, this.length);
      this.length += n;
    } else {
      for (let i = 0; i < n; i++) this.buf[this.length++] = data[i];
    }
  }

  /** How many bytes `s` takes as MicroPython stores str data (utf8.ts). */
  static utf8Length(s: string): number {
    return isAscii(s) ? s.length : utf8Bytes(s).length;
  }

  /** Appends `s` as MicroPython stores str data (utf8.ts). ASCII text (nearly every name and literal)
   * is copied by char code: a TextEncoder call per short string costs more than this loop. */
  appendUtf8(s: string): void {
    if (!isAscii(s)) {
      this.append(utf8Bytes(s));
      return;
    }
    const n = s.length;
    if (this.length + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    let at = this.length;
    for (let i = 0; i < n; i++) buf[at++] = s.charCodeAt(i);
    this.length = at;
  }

  /** A copy of bytes [start, end). */
  slice(start = 0, end = this.length): Uint8Array {
    return this.buf.slice(start, end);
  }

  /** A view (not a copy) of bytes [start, end); valid until the next write. */
  view(start = 0, end = this.length): Uint8Array {
    return this.buf.subarray(start, end);
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false;
  return true;
}
