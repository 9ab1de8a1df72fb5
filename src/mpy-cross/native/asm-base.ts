// The part every assembler shares (upstream's py/asmbase.c): the code buffer, which is only written
// in the emit pass (earlier passes just count bytes), label offsets recorded in the compute pass,
// and the suppression of dead code.

export abstract class AsmBase {
  protected emitting = false;
  protected suppressed = false;
  protected offset = 0;
  protected buf: Uint8Array = new Uint8Array(0);
  /** Label offsets found by the last compute pass (-1 = not yet assigned in this pass). */
  protected labels = new Map<number, number>();
  /** Where mp_fun_table entries sit in the target release's table, where not at their 1.18+ number. */
  funSlots?: Readonly<Partial<Record<number, number>>>;

  /** The table index of mp_fun_table entry `funId` (fun-table.ts numbers). */
  protected funSlot(funId: number): number {
    return this.funSlots?.[funId] ?? funId;
  }

  startPass(emit: boolean): void {
    if (!emit) this.labels = new Map();
    else this.buf = new Uint8Array(this.offset);
    this.emitting = emit;
    this.suppressed = false;
    this.offset = 0;
  }

  codePos(): number {
    return this.offset;
  }

  suppressCode(): void {
    this.suppressed = true;
  }

  labelAssign(label: number): void {
    // a label ends a dead-code region
    this.suppressed = false;
    if (!this.emitting) {
      if (this.labels.has(label)) throw new Error(`internal: label ${label} assigned twice`);
      this.labels.set(label, this.offset);
    } else if (this.labels.get(label) !== this.offset) {
      throw new Error(`internal: label ${label} moved between passes`);
    }
  }

  /** Offset of a label, or -1 if it is not assigned yet (a forward reference in a compute pass). */
  protected labelOffset(label: number): number {
    return this.labels.get(label) ?? -1;
  }

  /** Reserves n bytes and returns where to write them, or -1 when nothing is to be written. */
  protected reserve(n: number): number {
    if (this.suppressed) return -1;
    const at = this.offset;
    this.offset += n;
    if (!this.emitting) return -1;
    if (this.offset > this.buf.length) throw new Error("internal: code grew between passes");
    return at;
  }

  protected bytes(...bs: number[]): void {
    const at = this.reserve(bs.length);
    if (at >= 0) for (let i = 0; i < bs.length; i++) this.buf[at + i] = bs[i] & 0xff;
  }

  /** Little-endian value of `n` bytes; values may exceed 32 bits (x64 immediates). */
  protected le(n: number, value: number | bigint): void {
    const at = this.reserve(n);
    if (at < 0) return;
    let v = BigInt.asUintN(n * 8, BigInt(value));
    for (let i = 0; i < n; i++) {
      this.buf[at + i] = Number(v & 0xffn);
      v >>= 8n;
    }
  }

  data(bytes: number, value: number): void {
    this.le(bytes, value);
  }

  align(n: number): void {
    this.offset = (this.offset + n - 1) & ~(n - 1);
  }

  code(): Uint8Array {
    return this.buf.subarray(0, this.offset);
  }
}
