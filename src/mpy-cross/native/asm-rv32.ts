// RV32IMC code generator for the native emitter, with the instruction choices of upstream's
// py/asmrv32.c (compressed forms wherever they fit), so output is byte-identical. The prologue saves
// the registers the module's code has used so far: the set only grows (ra and s0 join it once a call
// needs them) and, as upstream keeps one assembler per module, carries over to later functions.
import { SizedAccessAsm } from "./asm-sized-access.js";
import { CompareOp, type NativeAssembler, nativeRegs, type ShiftKind } from "./asm.js";
import { cbOffset, spOffset, typeB, typeCB, typeCI, typeCIW, typeCJ, typeCL, typeCR, typeCSS, typeI, typeR, typeS, typeU } from "./rv32-formats.js";

const ZERO = 0, RA = 1, SP = 2, T1 = 6, T2 = 7, S0 = 8, S1 = 9, A0 = 10, A1 = 11, A2 = 12, A3 = 13;
const S3 = 19, S4 = 20, S5 = 21, T3 = 28;
const WORD = 4;
/** RV32 extensions beyond IMC that -march-flags can allow (bits of the .mpy header's arch flags). */
export const RV32_EXT_ZBA = 1;

// ---- fits, on the low 32 bits as upstream's macros test them ----
const fitsUnsigned = (v: number, bits: number): boolean => ((v & ~((1 << bits) - 1)) >>> 0) === 0;
const fitsSigned = (v: number, bits: number): boolean => {
  const mask = ~((1 << (bits - 1)) - 1) >>> 0;
  const hi = (v & mask) >>> 0;
  return hi === 0 || hi === mask;
};
const inCWindow = (r: number): boolean => r >= 8 && r <= 15;
const cReg = (r: number): number => r - 8;

/** Upper part (for lui/auipc; may reach 2^32) and lower 12 bits, rounded so lower reads signed. */
export function split(imm: number): [number, number] {
  const u = imm >>> 0;
  let upper = (u & 0xfffff000) >>> 0;
  const lower = u & 0xfff;
  if (lower & 0x800) upper += 0x1000;
  return [upper, lower];
}

const LOAD_F3 = [4, 5, 2];

const REGS = nativeRegs({ args: [A0, A1, A2, A3], temps: [T1, T2, T3], locals: [S3, S4, S5], funTable: S1, zero: ZERO });

export class AsmRv32 extends SizedAccessAsm implements NativeAssembler {
  readonly wordSize = WORD;
  readonly regs = REGS;
  readonly parentArgsOnStack = false;
  readonly byteStoreFromFixedReg = false;
  readonly nlrSetjmp = false;
  readonly storeNullFromZeroReg = true;
  // s3
  readonly nlrBufIdxLocal1 = 6;
  private savedMask = 0;
  private stackSize = 0;

  /** @param extensions -march-flags bits: 1 (Zba) scales indexes with sh1add/sh2add */
  constructor(private readonly extensions = 0) {
    super();
  }
  private localsOffset = 0;

  endPass(): void {
    // nothing pending
  }

  private w(op: number): void { this.le(4, op); }
  private h(op: number): void { this.le(2, op); }

  // ---- for the inline assembler ----
  op32(word: number): void { this.w(word); }
  op16(half: number): void { this.h(half); }
  /** Offset of a label assigned in this pass or the last compute pass, else -1. */
  labelPos(label: number): number { return this.labelOffset(label); }

  // ---- single instructions ----
  private addi(rd: number, rs: number, imm: number): void { this.w(typeI(0x13, 0, rd, rs, imm)); }
  private lw(rd: number, rs: number, off: number): void { this.w(typeI(0x03, 2, rd, rs, off)); }
  private sw(val: number, base: number, off: number): void { this.w(typeS(0x23, 2, base, val, off)); }
  private jalr(rd: number, rs: number, off: number): void { this.w(typeI(0x67, 0, rd, rs, off)); }
  private auipc(rd: number, imm: number): void { this.w(typeU(0x17, rd, imm)); }
  private sub(rd: number, a: number, b: number): void { this.w(typeR(0x33, 0, 0x20, rd, a, b)); }
  private xori(rd: number, rs: number, imm: number): void { this.w(typeI(0x13, 4, rd, rs, imm)); }
  private cadd(rd: number, rs: number): void { this.h(typeCR(2, 9, rd, rs)); }
  private caddi(rd: number, imm: number): void { this.h(typeCI(1, 0, rd, imm)); }
  private cli(rd: number, imm: number): void { this.h(typeCI(1, 2, rd, imm)); }
  private cjalr(rs: number): void { this.h(typeCR(2, 9, rs, 0)); }

  private loadUpper(rd: number, imm: number): void {
    if (fitsSigned(imm, 17) && Math.floor(imm / 4096) !== 0) this.h(typeCI(1, 3, rd, Math.floor(imm / 4096))); // c.lui
    else this.w(typeU(0x37, rd, imm)); // lui
  }

  private loadLower(rd: number, imm: number): void {
    if (imm === 0) return;
    if (fitsSigned(imm, 6)) this.caddi(rd, imm);
    else this.addi(rd, rd, imm);
  }

  private loadFull(rd: number, imm: number): void {
    const [upper, lower] = split(imm);
    this.loadUpper(rd, upper);
    this.loadLower(rd, lower);
  }

  private adjustStack(size: number): void {
    if (size === 0) return;
    if (fitsSigned(size, 6)) this.caddi(SP, size);
    else if (fitsSigned(size, 12)) this.addi(SP, SP, size);
    else {
      this.loadFull(REGS.temp0, size);
      this.cadd(SP, REGS.temp0);
    }
  }

  /** Displacement to a label and whether it is a known backward one. */
  private disp(label: number): [number, boolean] {
    const dest = this.labelOffset(label);
    const d = dest - this.offset;
    return [d, dest !== -1 && d < 0];
  }

  /** auipc + jalr through t3: the jump that reaches anywhere. */
  private farJump(d: number): void {
    const [upper, lower] = split(d);
    this.auipc(REGS.temp2, upper);
    this.jalr(ZERO, REGS.temp2, lower);
  }

  // ---- NativeAssembler ----

  entry(numLocals: number): void {
    this.savedMask |= (1 << S1) | (1 << S3) | (1 << S4) | (1 << S5);
    let count = 0;
    for (let r = 0; r < 32; r++) if (this.savedMask & (1 << r)) count++;
    this.stackSize = (count + numLocals) * WORD;
    this.adjustStack(-this.stackSize);
    let off = 0;
    for (let r = 0; r < 32; r++) {
      if (this.savedMask & (1 << r)) {
        this.h(typeCSS(2, 6, r, spOffset(off))); // c.swsp
        off += WORD;
      }
    }
    this.localsOffset = count * WORD;
  }

  exit(): void {
    let off = 0;
    for (let r = 0; r < 32; r++) {
      if (this.savedMask & (1 << r)) {
        this.h(typeCI(2, 2, r, spOffset(off))); // c.lwsp
        off += WORD;
      }
    }
    this.adjustStack(this.stackSize);
    this.jumpReg(RA);
  }

  jump(label: number): void {
    const [d, backward] = this.disp(label);
    if (backward && fitsSigned(d, 12)) this.h(typeCJ(1, 5, d));
    else this.farJump(d);
  }

  jumpIfRegZero(reg: number, label: number): void {
    this.jumpIfRegEq(reg, ZERO, label);
  }

  jumpIfRegNonzero(reg: number, label: number): void {
    let [d, backward] = this.disp(label);
    if (backward && fitsSigned(d, 8) && inCWindow(reg)) {
      this.h(typeCB(1, 7, cReg(reg), cbOffset(d))); // c.bnez
      return;
    }
    if (backward && fitsSigned(d, 13)) {
      this.w(typeB(0x63, 1, reg, ZERO, d));
      return;
    }
    if (backward && inCWindow(reg)) {
      this.h(typeCB(1, 6, cReg(reg), cbOffset(10))); // c.beqz over the far jump
      d -= 2;
    } else {
      this.w(typeB(0x63, 0, reg, ZERO, 12));
      d -= 4;
    }
    this.farJump(d);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    let [d, backward] = this.disp(label);
    if (backward && fitsSigned(d, 13)) {
      this.w(typeB(0x63, 0, reg1, reg2, d));
      return;
    }
    d -= WORD;
    this.w(typeB(0x63, 1, reg1, reg2, 12));
    this.farJump(d);
  }

  jumpReg(reg: number): void {
    this.h(typeCR(2, 8, reg, 0)); // c.jr
  }

  callInd(funId: number): void {
    const off = funId * WORD;
    this.savedMask |= 1 << RA;
    if (fitsUnsigned(off, 6)) {
      this.savedMask |= 1 << S0;
      this.h(typeCL(0, 2, cReg(S0), cReg(S1), off)); // c.lw s0, off(s1)
      this.cjalr(S0);
      return;
    }
    if (fitsUnsigned(off, 11)) {
      this.lw(REGS.temp2, S1, off);
      this.cjalr(REGS.temp2);
      return;
    }
    const [upper, lower] = split(off);
    this.loadUpper(REGS.temp2, upper);
    this.cadd(REGS.temp2, S1);
    this.lw(REGS.temp2, REGS.temp2, lower);
    this.cjalr(REGS.temp2);
  }

  callIndSetupCodeState(funId: number): void {
    this.callInd(funId);
  }

  movLocalReg(local: number, reg: number): void {
    const off = this.localsOffset + local * WORD;
    if (fitsUnsigned(off >> 2, 6)) this.h(typeCSS(2, 6, reg, spOffset(off)));
    else if (fitsUnsigned(off, 11)) this.sw(reg, SP, off);
    else {
      const [upper, lower] = split(off);
      this.loadUpper(REGS.temp2, upper);
      this.cadd(REGS.temp2, SP);
      this.sw(reg, REGS.temp2, lower);
    }
  }

  movRegImm(reg: number, imm: number): void {
    if (fitsSigned(imm, 6)) this.cli(reg, imm);
    else if (fitsSigned(imm, 12)) this.addi(reg, ZERO, imm);
    else this.loadFull(reg, imm);
  }

  movRegLocal(reg: number, local: number): void {
    const off = this.localsOffset + local * WORD;
    if (fitsUnsigned(off >> 2, 6)) this.h(typeCI(2, 2, reg, spOffset(off)));
    else if (fitsUnsigned(off, 11)) this.lw(reg, SP, off);
    else {
      const [upper, lower] = split(off);
      this.loadUpper(reg, upper);
      this.cadd(reg, SP);
      this.lw(reg, reg, lower);
    }
  }

  movRegReg(dest: number, src: number): void {
    this.h(typeCR(2, 8, dest, src)); // c.mv
  }

  movRegLocalAddr(reg: number, local: number): void {
    const off = this.localsOffset + local * WORD;
    if (fitsUnsigned(off, 10) && off !== 0 && inCWindow(reg)) this.h(typeCIW(0, 0, cReg(reg), off)); // c.addi4spn
    else if (fitsUnsigned(off, 11)) this.addi(reg, SP, off);
    else {
      this.loadFull(reg, off);
      this.cadd(reg, SP);
    }
  }

  movRegPcrel(reg: number, label: number): void {
    const [upper, lower] = split(this.labelOffset(label) - this.offset);
    this.auipc(reg, upper);
    this.addi(reg, reg, lower);
  }

  notReg(reg: number): void {
    this.xori(reg, reg, -1);
  }

  negReg(reg: number): void {
    this.sub(reg, ZERO, reg);
  }

  shiftRegReg(kind: ShiftKind, dest: number, src: number): void {
    const [f3, f7] = kind === "lsl" ? [1, 0] : kind === "lsr" ? [5, 0] : [5, 0x20];
    this.w(typeR(0x33, f3, f7, dest, dest, src));
  }

  orRegReg(dest: number, src: number): void { this.w(typeR(0x33, 6, 0, dest, dest, src)); }
  andRegReg(dest: number, src: number): void { this.w(typeR(0x33, 7, 0, dest, src, dest)); }
  addRegReg(dest: number, src: number): void { this.cadd(dest, src); }
  subRegReg(dest: number, src: number): void { this.sub(dest, dest, src); }
  mulRegReg(dest: number, src: number): void { this.w(typeR(0x33, 0, 1, dest, dest, src)); }

  xorRegReg(dest: number, src: number): void {
    if (dest === src) this.cli(dest, 0);
    else this.w(typeR(0x33, 4, 0, dest, dest, src));
  }

  clrReg(): void {
    // x0 reads as zero: nothing to clear
  }

  private lt(a: number, b: number, dest: number, unsigned: boolean): void {
    this.w(typeR(0x33, 2 | (unsigned ? 1 : 0), 0, dest, a, b)); // slt / sltu
  }

  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void {
    switch (op) {
      case CompareOp.Less: this.lt(lhs, rhs, dest, unsigned); break;
      case CompareOp.More: this.lt(rhs, lhs, dest, unsigned); break;
      case CompareOp.Equal:
        this.sub(dest, lhs, rhs);
        this.w(typeI(0x13, 3, dest, dest, 1)); // sltiu
        break;
      case CompareOp.LessEqual:
        this.lt(rhs, lhs, dest, unsigned);
        this.xori(dest, dest, 1);
        break;
      case CompareOp.MoreEqual:
        this.lt(lhs, rhs, dest, unsigned);
        this.xori(dest, dest, 1);
        break;
      case CompareOp.NotEqual:
        this.sub(dest, rhs, lhs);
        this.w(typeR(0x33, 3, 0, dest, ZERO, dest)); // sltu
        break;
    }
  }

  /** lbu/lhu/lw (size 0/1/2) with an offset in units of the access. */
  protected loadSized(rd: number, rs: number, offset: number, size: 0 | 1 | 2): void {
    const scaled = (offset << size) | 0;
    if (scaled >= 0 && size === 2 && inCWindow(rd) && inCWindow(rs) && fitsUnsigned(scaled, 6)) {
      this.h(typeCL(0, 2, cReg(rd), cReg(rs), scaled));
      return;
    }
    if (fitsSigned(scaled, 12)) {
      this.w(typeI(0x03, LOAD_F3[size], rd, rs, scaled));
      return;
    }
    const [upper, lower] = split(scaled);
    this.loadUpper(rd, upper);
    this.cadd(rd, rs);
    this.w(typeI(0x03, LOAD_F3[size], rd, rd, lower));
  }

  /** sb/sh/sw with an offset in units of the access; a far one goes through t3. */
  protected storeSized(val: number, base: number, offset: number, size: 0 | 1 | 2): void {
    const scaled = (offset << size) | 0;
    if (scaled >= 0 && size === 2 && inCWindow(val) && inCWindow(base) && fitsUnsigned(scaled, 6)) {
      this.h(typeCL(0, 6, cReg(val), cReg(base), scaled));
      return;
    }
    if (fitsSigned(scaled, 12)) {
      this.w(typeS(0x23, size, base, val, scaled));
      return;
    }
    const [upper, lower] = split(scaled);
    this.loadUpper(REGS.temp2, upper);
    this.cadd(REGS.temp2, base);
    this.w(typeS(0x23, size, REGS.temp2, val, lower));
  }

  /** base += index scaled by the access size: sh<size>add with Zba, else c.slli then c.add. */
  private scaleIndex(base: number, index: number, size: 0 | 1 | 2): void {
    if (size > 0 && this.extensions & RV32_EXT_ZBA) {
      this.w(typeR(0x33, 1 << size, 0x10, base, index, base));
      return;
    }
    if (size > 0) this.h(typeCI(2, 0, index, size)); // c.slli
    this.cadd(base, index);
  }

  loadRegRegOffset(dest: number, base: number, wordOffset: number): void { this.loadSized(dest, base, wordOffset, 2); }
  storeRegRegOffset(src: number, base: number, wordOffset: number): void { this.storeSized(src, base, wordOffset, 2); }
  load8RegRegReg(dest: number, base: number, index: number): void { this.scaleIndex(base, index, 0); this.loadSized(dest, base, 0, 0); }
  load16RegRegReg(dest: number, base: number, index: number): void { this.scaleIndex(base, index, 1); this.loadSized(dest, base, 0, 1); }
  load32RegRegReg(dest: number, base: number, index: number): void { this.scaleIndex(base, index, 2); this.loadSized(dest, base, 0, 2); }
  store8RegRegReg(src: number, base: number, index: number): void { this.scaleIndex(base, index, 0); this.storeSized(src, base, 0, 0); }
  store16RegRegReg(src: number, base: number, index: number): void { this.scaleIndex(base, index, 1); this.storeSized(src, base, 0, 1); }
  store32RegRegReg(src: number, base: number, index: number): void { this.scaleIndex(base, index, 2); this.storeSized(src, base, 0, 2); }
}
