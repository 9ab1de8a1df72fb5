// Xtensa code generator for the native emitter, with the instruction choices of upstream's
// py/asmxtensa.c so output is byte-identical. Two ABIs share it:
// - "xtensa" (ESP8266, call0): a0 return address, a1 stack, args in a2..a5, locals in a12..a14 and
//   mp_fun_table in a15, all of which the entry code saves in the frame;
// - "xtensawin" (ESP32, windowed): `entry`/`retw.n`, the function's own args in a2..a5, calls through
//   callx8 with outgoing args in a10..a13, locals in a4..a6 and mp_fun_table in a7.
// 32-bit constants that no movi can hold go in a literal table at the start of the function (l32r
// can only load from lower addresses), so the table size found in one pass is laid out in the next.
import { SizedAccessAsm } from "./asm-sized-access.js";
import { CompareOp, type NativeAssembler, nativeRegs, type NativeRegs, type ShiftKind } from "./asm.js";

const WORD = 4;
const A0 = 0, A1 = 1, A2 = 2, A3 = 3, A4 = 4, A5 = 5, A6 = 6, A7 = 7, A8 = 8, A9 = 9;
const A10 = 10, A11 = 11, A12 = 12, A13 = 13, A14 = 14, A15 = 15;

/** Branch conditions (the r field of the BRI8/RRI8 branch group). */
export const CC = {
  NONE: 0, EQ: 1, LT: 2, LTU: 3, ALL: 4, BC: 5, ANY: 8, NE: 9, GE: 10, GEU: 11, NALL: 12, BS: 13,
} as const;
/** Compare-with-zero conditions (the m field of BRI12 branches). */
export const CCZ = { EQ: 0, NE: 1, LT: 2, GE: 3 } as const;

const fitsSigned = (x: number, bits: number): boolean => {
  const hi = (x >> (bits - 1)) | 0;
  return hi === 0 || hi === -1;
};

// ---- instruction formats (fields as the Xtensa ISA manual names them) ----
export const rrr = (op0: number, op1: number, op2: number, r: number, s: number, t: number): number =>
  ((op2 << 20) | (op1 << 16) | (r << 12) | (s << 8) | (t << 4) | op0) >>> 0;
export const rri8 = (op0: number, r: number, s: number, t: number, imm8: number): number =>
  (((imm8 & 0xff) << 16) | (r << 12) | (s << 8) | (t << 4) | op0) >>> 0;
export const ri16 = (op0: number, t: number, imm16: number): number => (((imm16 & 0xffff) << 8) | (t << 4) | op0) >>> 0;
export const callFmt = (op0: number, n: number, offset: number): number => (((offset & 0x3ffff) << 6) | (n << 4) | op0) >>> 0;
export const callxFmt = (s: number, m: number, n: number): number => ((s << 8) | (m << 6) | (n << 4)) >>> 0;
export const bri12 = (op0: number, s: number, m: number, n: number, imm12: number): number =>
  (((imm12 & 0xfff) << 12) | (s << 8) | (m << 6) | (n << 4) | op0) >>> 0;
export const rrrn = (op0: number, r: number, s: number, t: number): number => ((r << 12) | (s << 8) | (t << 4) | op0) >>> 0;
export const ri7 = (op0: number, s: number, imm7: number): number => (((imm7 & 0xf) << 12) | (s << 8) | (imm7 & 0x70) | op0) >>> 0;

const REGS_CALL0 = nativeRegs({ args: [A2, A3, A4, A5], temps: [A2, A3, A4], locals: [A12, A13, A14], funTable: A15 });

// the windowed call shifts the caller's a10.. to the callee's a2..
const REGS_WIN = nativeRegs({ args: [A10, A11, A12, A13], temps: [A10, A11, A12], locals: [A4, A5, A6], funTable: A7, parentArgs: [A2, A3, A4, A5] });

/** Registers saved in the frame below the locals: a0 and a12..a15 (call0) or a0 alone (windowed). */
const SAVED_CALL0 = 5;
const SAVED_WIN = 1;

/**
 * Which release's asmxtensa.c to reproduce: "v127" (1.27), "v119" (1.19-1.22: always a literal-table
 * jump, branches only in their short form, no movi.n for constants, l32i/s32i "optimised" word access),
 * "v118" (1.18: word access always through the narrow l32i.n/s32i.n).
 */
export type XtensaGen = "v127" | "v119" | "v118";

/** Instruction encoders and the label-relative forms, shared by the native and the inline assembler. */
export abstract class XtensaEncoder extends SizedAccessAsm {
  constructor(readonly gen: XtensaGen = "v127") {
    super();
  }

  /** Literals used by the last finished pass (laid out in front of the code in the next). */
  protected numConst = 0;
  protected curConst = 0;
  /** Code offset of the literal table in this pass, -1 when there is none yet. */
  protected constTable = -1;

  override startPass(emit: boolean): void {
    super.startPass(emit);
    this.constTable = -1;
  }

  endPass(): void {
    this.numConst = this.curConst;
    this.curConst = 0;
  }

  op16(op: number): void {
    this.le(2, op);
  }

  op24(op: number): void {
    this.le(3, op);
  }

  /** Bytes reserved but left as they are (alignment padding, the literal table). */
  protected skip(n: number): number {
    return this.reserve(n);
  }

  /** A label's offset as upstream's unsigned label table holds it (unassigned = 0xffffffff). */
  protected labelDest(label: number): number {
    return this.labelOffset(label) >>> 0;
  }

  j(rel: number): void { this.op24(callFmt(6, 0, rel)); }
  bcc(cond: number, a: number, b: number, rel8: number): void { this.op24(rri8(7, cond, a, b, rel8)); }
  bccz(cond: number, reg: number, rel12: number): void { this.op24(bri12(6, reg, cond, 1, rel12)); }
  call0(rel: number): void { this.op24(callFmt(5, 0, rel)); }
  addN(d: number, a: number, b: number): void { this.op16(rrrn(10, d, a, b)); }
  addi(d: number, s: number, imm8: number): void { this.op24(rri8(2, 12, s, d, imm8)); }
  movi(d: number, imm12: number): void { this.op24(rri8(2, 10, (imm12 >> 8) & 0xf, d, imm12 & 0xff)); }
  moviN(d: number, imm7: number): void { this.op16(ri7(12, d, imm7)); }
  movN(d: number, s: number): void { this.op16(rrrn(13, 0, s, d)); }
  l32iN(d: number, base: number, wordOff: number): void { this.op16(rrrn(8, wordOff & 0xf, base, d)); }
  s32iN(s: number, base: number, wordOff: number): void { this.op16(rrrn(9, wordOff & 0xf, base, s)); }
  l32i(d: number, base: number, wordOff: number): void { this.op24(rri8(2, 2, base, d, wordOff)); }
  s32i(s: number, base: number, wordOff: number): void { this.op24(rri8(2, 6, base, s, wordOff)); }
  sub(d: number, a: number, b: number): void { this.op24(rrr(0, 0, 12, d, a, b)); }
  l32rTo(d: number, opOff: number, destOff: number): void {
    this.op24(ri16(1, d, ((destOff - ((opOff + 3) & ~3)) >>> 2) & 0xffff));
  }

  jumpLabel(label: number): void {
    this.j(this.labelDest(label) - this.offset - 4);
  }

  /** Branch displacement to a label and whether it is a known backward one (which may be short). */
  private branchRel(label: number): [number, boolean] {
    const dest = this.labelOffset(label);
    const rel = ((dest >>> 0) - this.offset - 4) | 0;
    return [rel, dest !== -1 && rel < 0];
  }

  /** Compare with zero and branch; forward or far targets: the inverted branch over a `j`. */
  bcczLabel(cond: number, reg: number, label: number): void {
    const [rel, backward] = this.branchRel(label);
    if (this.gen !== "v127") {
      // before 1.27: the 12-bit form only (upstream printed an error when it did not fit)
      this.bccz(cond, reg, rel);
      return;
    }
    if (backward && fitsSigned(rel, 12)) {
      this.bccz(cond, reg, rel);
      return;
    }
    this.checkRange(fitsSigned(rel - 6, 18), "bccz");
    this.bccz(cond ^ 1, reg, 6 - 4);
    this.j(rel - 3);
  }

  bccLabel(cond: number, a: number, b: number, label: number): void {
    const [rel, backward] = this.branchRel(label);
    if (this.gen !== "v127") {
      this.bcc(cond, a, b, rel);
      return;
    }
    if (backward && fitsSigned(rel, 8)) {
      this.bcc(cond, a, b, rel);
      return;
    }
    this.checkRange(fitsSigned(rel - 6, 18), "bcc");
    this.bcc(cond ^ 8, a, b, 6 - 4);
    this.j(rel - 3);
  }

  /** bbci/bbsi (condition 6/14): branch on one bit, 8-bit displacement only. */
  bitBranchLabel(reg: number, bit: number, label: number, cond: number): void {
    const rel = (this.labelDest(label) - this.offset - 4) | 0;
    this.checkRange(fitsSigned(rel, 8), "bit_branch");
    this.op24(rri8(7, cond | ((bit >> 4) & 1), reg, bit & 0xf, rel));
  }

  /** call0 to a label, which (like the call) must be word-aligned. */
  call0Label(label: number): void {
    const dest = this.labelDest(label);
    const rel = (dest - this.offset - 3) | 0;
    if (this.emitting) {
      if ((dest & 3) !== 0) throw new XtensaRangeError("ERROR: call0 target not word-aligned");
      if ((rel & 3) !== 0) throw new XtensaRangeError("ERROR: call0 location not word-aligned");
    }
    this.checkRange(fitsSigned(rel, 18), "call0");
    this.call0(rel);
  }

  /** l32r from a labelled word, which must lie before the instruction. */
  l32rLabel(reg: number, label: number): void {
    const dest = this.labelDest(label);
    const rel = (dest - this.offset) | 0;
    if (this.emitting) {
      if ((dest & 3) !== 0) throw new XtensaRangeError("ERROR: l32r target not word-aligned");
      if ((rel & 3) !== 0) throw new XtensaRangeError("ERROR: l32r location not word-aligned");
    }
    this.checkRange(fitsSigned(rel, 18) && rel < 0, "l32r");
    this.l32rTo(reg, this.offset, dest);
  }

  /** Upstream raises this RuntimeError in its emit pass only. */
  protected checkRange(ok: boolean, what: string): void {
    if (this.emitting && !ok) throw new XtensaRangeError(`ERROR: xtensa ${what} out of range`);
  }

  /** Loads a 32-bit value from the literal table (appending it); returns the literal's offset. */
  movRegI32(d: number, value: number): number {
    const loc = (this.constTable === -1 ? 0 : this.constTable) + this.curConst * WORD;
    this.l32rTo(d, this.offset, loc);
    if (this.emitting && this.constTable !== -1) {
      const v = value >>> 0;
      for (let i = 0; i < 4; i++) this.buf[loc + i] = (v >>> (8 * i)) & 0xff;
    }
    this.curConst++;
    return loc;
  }

  movRegImmFixed(d: number, value: number): number {
    return this.movRegI32(d, value);
  }

  movRegI32Optimised(d: number, value: number): void {
    const v = value | 0;
    if (this.gen === "v127" && v >= -32 && v <= 95) this.moviN(d, v);
    else if (fitsSigned(v, 12)) this.movi(d, v);
    else this.movRegI32(d, v);
  }

  /** The jump over the literal table, the padding byte and the table itself. */
  protected literalTable(): void {
    this.j(this.numConst * WORD + 4 - 4);
    this.skip(1);
    this.constTable = this.offset;
    this.skip(this.numConst * WORD);
  }
}

/** An offset that does not fit its instruction (upstream: RuntimeError in the emit pass). */
export class XtensaRangeError extends Error {}

export class AsmXtensa extends XtensaEncoder implements NativeAssembler {
  readonly wordSize = WORD;
  readonly regs: NativeRegs;
  readonly parentArgsOnStack = false;
  readonly byteStoreFromFixedReg = false;
  readonly nlrSetjmp: boolean;
  readonly preludeAsBytesObj: boolean;
  readonly storeNullFromZeroReg = false;
  readonly nlrBufIdxLocal1: number;
  private readonly saved: number;
  /** Scratch register for stores with a large offset. */
  private readonly temp: number;
  private stackAdjust = 0;

  constructor(readonly windowed: boolean, gen: XtensaGen = "v127") {
    super(gen);
    this.regs = windowed ? REGS_WIN : REGS_CALL0;
    this.nlrSetjmp = windowed;
    this.preludeAsBytesObj = windowed;
    // the nlr_buf_t word holding a12 (call0) or a4 (windowed)
    this.nlrBufIdxLocal1 = windowed ? 2 + 4 : 8;
    this.saved = windowed ? SAVED_WIN : SAVED_CALL0;
    this.temp = windowed ? A12 : A6;
  }

  entry(numLocals: number): void {
    if (this.windowed) {
      this.literalTable();
      this.stackAdjust = 32 + ((((SAVED_WIN + numLocals) * WORD) + 15) & ~15);
      // entry a1, N (N in units of 8 bytes)
      this.op24(bri12(6, A1, 0, 3, (this.stackAdjust / 8) & 0xfff));
      this.s32iN(A0, A1, 0);
      return;
    }
    if (this.numConst > 0 || this.gen !== "v127") this.literalTable();
    this.stackAdjust = (((SAVED_CALL0 + numLocals) * WORD) + 15) & ~15;
    if (fitsSigned(-this.stackAdjust, 8)) {
      this.addi(A1, A1, -this.stackAdjust);
    } else {
      this.movi(A9, this.stackAdjust);
      this.sub(A1, A1, A9);
    }
    this.s32iN(A0, A1, 0);
    for (let i = 1; i < SAVED_CALL0; i++) this.s32iN(A11 + i, A1, i);
  }

  exit(): void {
    if (this.windowed) {
      this.l32iN(A0, A1, 0);
      this.op16(rrrn(13, 15, 0, 1)); // retw.n
      return;
    }
    for (let i = SAVED_CALL0 - 1; i >= 1; i--) this.l32iN(A11 + i, A1, i);
    this.l32iN(A0, A1, 0);
    if (fitsSigned(this.stackAdjust, 8)) {
      this.addi(A1, A1, this.stackAdjust);
    } else {
      this.movi(A9, this.stackAdjust);
      this.addN(A1, A1, A9);
    }
    this.op16(rrrn(13, 15, 0, 0)); // ret.n
  }

  jump(label: number): void {
    this.jumpLabel(label);
  }

  jumpIfRegZero(reg: number, label: number): void {
    this.bcczLabel(CCZ.EQ, reg, label);
  }

  jumpIfRegNonzero(reg: number, label: number): void {
    this.bcczLabel(CCZ.NE, reg, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.bccLabel(CC.EQ, reg1, reg2, label);
  }

  jumpReg(reg: number): void {
    this.op24(callxFmt(reg, 2, 2)); // jx
  }

  private l32iOptimised(d: number, base: number, wordOff: number): void {
    if (wordOff < 16) {
      this.l32iN(d, base, wordOff);
    } else if (wordOff < 256) {
      this.l32i(d, base, wordOff);
    } else {
      if (this.gen !== "v127") throw new XtensaRangeError("asm overflow");
      this.movRegI32Optimised(d, wordOff * 4);
      this.addN(d, base, d);
      this.l32iN(d, d, 0);
    }
  }

  callInd(funId: number): void {
    if (this.windowed) {
      this.l32iOptimised(A8, A7, this.funSlot(funId));
      this.op24(callxFmt(A8, 3, 2)); // callx8
    } else {
      this.l32iOptimised(A0, A15, this.funSlot(funId));
      this.op24(callxFmt(A0, 3, 0)); // callx0
    }
  }

  callIndSetupCodeState(funId: number): void {
    this.callInd(funId);
  }

  movLocalReg(local: number, reg: number): void {
    this.s32i(reg, A1, this.saved + local);
  }

  movRegImm(reg: number, imm: number): void {
    this.movRegI32Optimised(reg, imm);
  }

  movRegLocal(reg: number, local: number): void {
    this.l32i(reg, A1, this.saved + local);
  }

  movRegReg(dest: number, src: number): void {
    this.movN(dest, src);
  }

  movRegLocalAddr(reg: number, local: number): void {
    const off = (this.saved + local) * WORD;
    if (fitsSigned(off, 8)) {
      this.addi(reg, A1, off);
    } else {
      this.movi(reg, off);
      this.addN(reg, reg, A1);
    }
  }

  movRegPcrel(reg: number, label: number): void {
    // movi the offset, then call0 to the next aligned address puts the PC in a0
    const rel = this.labelDest(label) - this.offset - (3 + 3);
    this.movi(reg, rel);
    const off = (this.offset >> 1) & 1;
    const pad = (5 - this.offset) & 3;
    this.call0(off);
    this.skip(pad);
    this.addN(reg, reg, A0);
  }

  negReg(reg: number): void {
    this.op24(rrr(0, 0, 6, reg, 0, reg));
  }

  shiftRegReg(kind: ShiftKind, dest: number, src: number): void {
    if (kind === "lsl") {
      this.op24(rrr(0, 0, 4, 1, src, 0)); // ssl
      this.op24(rrr(0, 1, 10, dest, dest, 0)); // sll
    } else {
      this.op24(rrr(0, 0, 4, 0, src, 0)); // ssr
      this.op24(rrr(0, 1, kind === "lsr" ? 9 : 11, dest, 0, dest)); // srl / sra
    }
  }

  orRegReg(dest: number, src: number): void { this.op24(rrr(0, 0, 2, dest, dest, src)); }
  xorRegReg(dest: number, src: number): void { this.op24(rrr(0, 0, 3, dest, dest, src)); }
  andRegReg(dest: number, src: number): void { this.op24(rrr(0, 0, 1, dest, dest, src)); }
  addRegReg(dest: number, src: number): void { this.addN(dest, dest, src); }
  subRegReg(dest: number, src: number): void { this.sub(dest, dest, src); }
  mulRegReg(dest: number, src: number): void { this.op24(rrr(0, 2, 8, dest, dest, src)); }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void {
    // Xtensa branches test <, >= and ==, !=: > and <= swap the operands
    let cond: number;
    let swap = false;
    switch (op) {
      case CompareOp.Less: cond = unsigned ? CC.LTU : CC.LT; break;
      case CompareOp.More: cond = unsigned ? CC.LTU : CC.LT; swap = true; break;
      case CompareOp.Equal: cond = CC.EQ; break;
      case CompareOp.LessEqual: cond = unsigned ? CC.GEU : CC.GE; swap = true; break;
      case CompareOp.MoreEqual: cond = unsigned ? CC.GEU : CC.GE; break;
      default: cond = CC.NE;
    }
    const [a, b] = swap ? [rhs, lhs] : [lhs, rhs];
    this.moviN(dest, 1);
    this.bcc(cond, a, b, 1);
    this.moviN(dest, 0);
  }

  loadRegRegOffset(dest: number, base: number, wordOffset: number): void {
    if (this.gen === "v118") this.l32iN(dest, base, wordOffset);
    else if (this.gen === "v119") this.l32iOptimised(dest, base, wordOffset);
    else this.loadSized(dest, base, wordOffset, 2);
  }

  storeRegRegOffset(src: number, base: number, wordOffset: number): void {
    if (this.gen === "v118") {
      this.s32iN(src, base, wordOffset);
    } else if (this.gen === "v119") {
      if (wordOffset >= 0 && wordOffset < 16) this.s32iN(src, base, wordOffset);
      else if (wordOffset >= 0 && wordOffset < 256) this.s32i(src, base, wordOffset);
      else throw new XtensaRangeError("asm overflow");
    } else {
      this.storeSized(src, base, wordOffset, 2);
    }
  }

  /** l8ui/l16ui/l32i (size 0/1/2) with an offset in units of the access. */
  protected loadSized(dest: number, base: number, offset: number, size: 0 | 1 | 2): void {
    if (size === 2 && offset >= 0 && offset < 16) {
      this.l32iN(dest, base, offset);
      return;
    }
    if (offset >= 0 && offset < 256) {
      this.op24(rri8(2, size, base, dest, offset));
      return;
    }
    this.movRegI32Optimised(dest, offset << size);
    this.addN(dest, base, dest);
    if (size === 2) this.l32iN(dest, dest, 0);
    else this.op24(rri8(2, size, dest, dest, 0));
  }

  /** s8i/s16i/s32i with an offset in units of the access; a far one goes through the scratch reg. */
  protected storeSized(src: number, base: number, offset: number, size: 0 | 1 | 2): void {
    if (size === 2 && offset >= 0 && offset < 16) {
      this.s32iN(src, base, offset);
      return;
    }
    if (offset >= 0 && offset < 256) {
      this.op24(rri8(2, 4 | size, base, src, offset));
      return;
    }
    const t = this.temp;
    this.movRegI32Optimised(t, offset << size);
    this.addN(t, base, t);
    if (size === 2) this.s32iN(src, t, 0);
    else this.op24(rri8(2, 4 | size, t, src, 0));
  }

  override load16RegRegOffset(dest: number, base: number, offset: number): void {
    // before 1.27 a plain l16ui, its offset cut to 8 bits
    if (this.gen !== "v127") this.op24(rri8(2, 1, base, dest, offset));
    else this.loadSized(dest, base, offset, 1);
  }

  // indexed: the base register is advanced by the scaled index first (add.n / addx2 / addx4)
  load8RegRegReg(dest: number, base: number, index: number): void {
    this.addN(base, index, base);
    this.op24(rri8(2, 0, base, dest, 0));
  }
  load16RegRegReg(dest: number, base: number, index: number): void {
    this.op24(rrr(0, 0, 9, base, index, base));
    this.op24(rri8(2, 1, base, dest, 0));
  }
  load32RegRegReg(dest: number, base: number, index: number): void {
    this.op24(rrr(0, 0, 10, base, index, base));
    this.l32iN(dest, base, 0);
  }
  store8RegRegReg(src: number, base: number, index: number): void {
    this.addN(base, index, base);
    this.op24(rri8(2, 4, base, src, 0));
  }
  store16RegRegReg(src: number, base: number, index: number): void {
    this.op24(rrr(0, 0, 9, base, index, base));
    this.op24(rri8(2, 5, base, src, 0));
  }
  store32RegRegReg(src: number, base: number, index: number): void {
    this.op24(rrr(0, 0, 10, base, index, base));
    this.s32iN(src, base, 0);
  }
}
