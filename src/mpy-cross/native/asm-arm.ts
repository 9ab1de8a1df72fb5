// ARM-state (A32) code generator for the native emitter on -march=armv6, producing the instruction
// encodings upstream's py/asmarm.c chooses: every instruction is one 32-bit word, r7 holds
// mp_fun_table, r8 is the assembler's own scratch register for offsets and immediates that do not fit.
import { AsmBase } from "./asm-base.js";
import { CompareOp, type NativeAssembler, nativeRegs, type ShiftKind } from "./asm.js";

const SP = 13, LR = 14, PC = 15;
/** Scratch register for large offsets and stack adjustments (never holds an emitter value). */
const TEMP = 8;

/** Condition field (bits 28-31). */
const COND = { eq: 0x0, ne: 0x1, cs: 0x2, cc: 0x3, hi: 0x8, ls: 0x9, ge: 0xa, lt: 0xb, gt: 0xc, le: 0xd, al: 0xe } as const;
const AL = COND.al << 28;

/** Unsigned then signed condition for each CompareOp. */
const COMPARE_CC: Record<CompareOp, [number, number]> = {
  [CompareOp.Less]: [COND.cc, COND.lt],
  [CompareOp.More]: [COND.hi, COND.gt],
  [CompareOp.Equal]: [COND.eq, COND.eq],
  [CompareOp.LessEqual]: [COND.ls, COND.le],
  [CompareOp.MoreEqual]: [COND.cs, COND.ge],
  [CompareOp.NotEqual]: [COND.ne, COND.ne],
};

// data-processing opcodes without the condition (register or immediate operand 2)
const movReg = (rd: number, rm: number) => 0x01a00000 | (rd << 12) | rm;
const movImm = (rd: number, imm8: number) => 0x03a00000 | (rd << 12) | imm8;
const mvnImm = (rd: number, imm8: number) => 0x03e00000 | (rd << 12) | imm8;
const addImm = (rd: number, rn: number, imm8: number) => 0x02800000 | (rn << 16) | (rd << 12) | (imm8 & 0xff);
const subImm = (rd: number, rn: number, imm8: number) => 0x02400000 | (rn << 16) | (rd << 12) | (imm8 & 0xff);
const addReg = (rd: number, rn: number, rm: number) => 0x00800000 | (rn << 16) | (rd << 12) | rm;
const subReg = (rd: number, rn: number, rm: number) => 0x00400000 | (rn << 16) | (rd << 12) | rm;

/** Register-shifted moves: lsl, lsr, asr of rd by rs. */
const SHIFT_OP: Record<ShiftKind, number> = { lsl: 0x01a00010, lsr: 0x01a00030, asr: 0x01a00050 };

const REGS = nativeRegs({ args: [0, 1, 2, 3], temps: [0, 1, 2], locals: [4, 5, 6], funTable: 7 });

export class AsmArm extends AsmBase implements NativeAssembler {
  readonly wordSize = 4;
  readonly regs = REGS;
  readonly parentArgsOnStack = false;
  readonly byteStoreFromFixedReg = false;
  readonly nlrSetjmp = false;
  readonly storeNullFromZeroReg = false;
  // r4 in nlr_buf_t
  readonly nlrBufIdxLocal1 = 3;
  readonly storesIndexedByReg = true;

  private pushReglist = 0;
  private stackAdjust = 0;

  /** `wideSpAdjust`: see AsmCompat.armWideSpAdjust. */
  constructor(private readonly wideSpAdjust = true) {
    super();
  }

  endPass(): void {
    // nothing pending
  }

  private word(op: number): void {
    this.le(4, op >>> 0);
  }

  /** An instruction executed always. */
  private al(op: number): void {
    this.word(op | AL);
  }

  // ---- immediates ----

  /** ldr rd, [pc]; b over the literal; the literal. */
  private movRegI32(rd: number, imm: number): number {
    this.al(0x059f0000 | (rd << 12));
    this.al(0x0a000000);
    const loc = this.codePos();
    this.word(imm);
    return loc;
  }

  movRegImmFixed(rd: number, imm: number): number {
    return this.movRegI32(rd, imm);
  }

  movRegImm(rd: number, imm: number): void {
    const v = imm | 0;
    if ((v & 0xff) === v) this.al(movImm(rd, v));
    else if (v < 0 && v >= -256) this.al(mvnImm(rd, ~v));
    else this.movRegI32(rd, v);
  }

  // ---- entry and exit ----

  entry(numLocals: number): void {
    // r1-r3 are pushed too: with r4-r8 and lr they keep the frame 8-byte aligned and give 3 local slots
    this.pushReglist = 0x1fe;
    this.stackAdjust = 0;
    if (numLocals > 3) this.stackAdjust = (numLocals + (numLocals & 1)) * 4;
    this.al(0x092d0000 | this.pushReglist | (1 << LR));
    this.adjustSp(subImm, subReg);
  }

  exit(): void {
    this.adjustSp(addImm, addReg);
    this.al(0x08bd0000 | this.pushReglist | (1 << PC));
  }

  private adjustSp(imm: typeof addImm, reg: typeof addReg): void {
    if (this.stackAdjust <= 0) return;
    if (this.stackAdjust < 0x100 || !this.wideSpAdjust) {
      this.al(imm(SP, SP, this.stackAdjust));
    } else {
      this.movRegImm(TEMP, this.stackAdjust);
      this.al(reg(SP, SP, TEMP));
    }
  }

  // ---- jumps and calls ----

  private bcc(cond: number, label: number): void {
    const dest = this.labelOffset(label);
    // PC reads 8 ahead; the offset counts words
    const rel = (dest - this.offset - 8) >> 2;
    this.word((cond << 28) | 0x0a000000 | (rel & 0xffffff));
  }

  jump(label: number): void {
    this.bcc(COND.al, label);
  }

  jumpIfRegZero(reg: number, label: number): void {
    this.cmpRegI8(reg, 0);
    this.bcc(COND.eq, label);
  }

  jumpIfRegNonzero(reg: number, label: number): void {
    this.cmpRegI8(reg, 0);
    this.bcc(COND.ne, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.cmpRegReg(reg1, reg2);
    this.bcc(COND.eq, label);
  }

  jumpReg(reg: number): void {
    this.al(0x012fff10 | reg);
  }

  /** mov lr, pc; ldr pc, [r7, #funId*4] (no temporary register needed). */
  callInd(funId: number): void {
    this.al(movReg(LR, PC));
    this.al(0x0597f000 | (this.funSlot(funId) << 2));
  }

  callIndSetupCodeState(funId: number): void {
    this.callInd(funId);
  }

  // ---- moves ----

  movLocalReg(local: number, reg: number): void {
    this.al(0x058d0000 | (reg << 12) | (local << 2));
  }

  movRegLocal(reg: number, local: number): void {
    this.al(0x059d0000 | (reg << 12) | (local << 2));
  }

  movRegReg(dest: number, src: number): void {
    this.al(movReg(dest, src));
  }

  movRegLocalAddr(reg: number, local: number): void {
    if (local >= 0x40) {
      this.movRegImm(TEMP, local << 2);
      this.al(addReg(reg, SP, TEMP));
    } else {
      this.al(addImm(reg, SP, local << 2));
    }
  }

  movRegPcrel(reg: number, label: number): void {
    const dest = this.labelOffset(label);
    // the literal load takes 12 bytes, and the add reads PC 8 ahead
    const rel = dest - this.offset - 12 - 8;
    this.movRegI32(reg, rel);
    this.al(addReg(reg, reg, PC));
  }

  // ---- arithmetic ----

  private cmpRegI8(rd: number, imm: number): void {
    this.al(0x03500000 | (rd << 16) | (imm & 0xff));
  }

  private cmpRegReg(rd: number, rn: number): void {
    this.al(0x01500000 | (rd << 16) | rn);
  }

  notReg(reg: number): void {
    this.al(0x01e00000 | (reg << 12) | reg);
  }

  negReg(reg: number): void {
    // rsb reg, reg, #0
    this.al(0x02600000 | (reg << 16) | (reg << 12));
  }

  shiftRegReg(kind: ShiftKind, dest: number, src: number): void {
    this.al(SHIFT_OP[kind] | (dest << 12) | (src << 8) | dest);
  }

  orRegReg(dest: number, src: number): void { this.al(0x01800000 | (dest << 16) | (dest << 12) | src); }
  xorRegReg(dest: number, src: number): void { this.al(0x00200000 | (dest << 16) | (dest << 12) | src); }
  andRegReg(dest: number, src: number): void { this.al(0x00000000 | (dest << 16) | (dest << 12) | src); }
  addRegReg(dest: number, src: number): void { this.al(addReg(dest, dest, src)); }
  subRegReg(dest: number, src: number): void { this.al(subReg(dest, dest, src)); }

  mulRegReg(dest: number, src: number): void {
    // mul dest, src, dest (the register order upstream encodes)
    this.al(0x00000090 | (dest << 16) | (dest << 8) | src);
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void {
    this.cmpRegReg(lhs, rhs);
    const cc = COMPARE_CC[op][unsigned ? 0 : 1];
    // mov<cc> dest, #1; mov<!cc> dest, #0
    this.word(movImm(dest, 1) | (cc << 28));
    this.word(movImm(dest, 0) | ((cc ^ 1) << 28));
  }

  // ---- memory ----

  /** Word/byte access with a 12-bit byte offset, else the offset in r8 as a register index. */
  private wideOffset(immOp: number, regOp: number, rd: number, rn: number, byteOffset: number): void {
    if (byteOffset < 0x1000) {
      this.al(immOp | (rn << 16) | (rd << 12) | byteOffset);
    } else {
      this.movRegImm(TEMP, byteOffset);
      this.al(regOp | (rn << 16) | (rd << 12) | TEMP);
    }
  }

  /** Halfword access: an 8-bit byte offset split in two nibbles, else the offset in r8. */
  private halfOffset(immOp: number, regOp: number, rd: number, rn: number, byteOffset: number): void {
    if (byteOffset < 0x100) {
      this.al(immOp | (rn << 16) | (rd << 12) | ((byteOffset & 0xf0) << 4) | (byteOffset & 0xf));
    } else {
      this.movRegImm(TEMP, byteOffset);
      this.al(regOp | (rn << 16) | (rd << 12) | TEMP);
    }
  }

  loadRegRegOffset(dest: number, base: number, wordOffset: number): void { this.load32RegRegOffset(dest, base, wordOffset); }
  storeRegRegOffset(src: number, base: number, wordOffset: number): void { this.store32RegRegOffset(src, base, wordOffset); }
  load8RegReg(dest: number, base: number): void { this.load8RegRegOffset(dest, base, 0); }
  load16RegReg(dest: number, base: number): void { this.load16RegRegOffset(dest, base, 0); }
  load32RegReg(dest: number, base: number): void { this.load32RegRegOffset(dest, base, 0); }
  store8RegReg(src: number, base: number): void { this.store8RegRegOffset(src, base, 0); }
  store16RegReg(src: number, base: number): void { this.store16RegRegOffset(src, base, 0); }
  store32RegReg(src: number, base: number): void { this.store32RegRegOffset(src, base, 0); }

  load8RegRegOffset(dest: number, base: number, offset: number): void { this.wideOffset(0x05d00000, 0x07d00000, dest, base, offset); }
  load16RegRegOffset(dest: number, base: number, offset: number): void { this.halfOffset(0x01d000b0, 0x019000b0, dest, base, 2 * offset); }
  load32RegRegOffset(dest: number, base: number, offset: number): void { this.wideOffset(0x05900000, 0x07900000, dest, base, 4 * offset); }
  store8RegRegOffset(src: number, base: number, offset: number): void { this.wideOffset(0x05c00000, 0x07c00000, src, base, offset); }
  store16RegRegOffset(src: number, base: number, offset: number): void { this.halfOffset(0x01c000b0, 0x018000b0, src, base, 2 * offset); }
  store32RegRegOffset(src: number, base: number, offset: number): void { this.wideOffset(0x05800000, 0x07800000, src, base, 4 * offset); }

  // register-indexed: bytes and words scale in the addressing mode, halfwords through r8
  load8RegRegReg(dest: number, base: number, index: number): void { this.al(0x07d00000 | (base << 16) | (dest << 12) | index); }
  load32RegRegReg(dest: number, base: number, index: number): void { this.al(0x07900100 | (base << 16) | (dest << 12) | index); }
  load16RegRegReg(dest: number, base: number, index: number): void {
    this.al(0x01a00080 | (TEMP << 12) | index);
    this.al(0x019000b0 | (base << 16) | (dest << 12) | TEMP);
  }
  store8RegRegReg(src: number, base: number, index: number): void { this.al(0x07c00000 | (base << 16) | (src << 12) | index); }
  store32RegRegReg(src: number, base: number, index: number): void { this.al(0x07800100 | (base << 16) | (src << 12) | index); }
  store16RegRegReg(src: number, base: number, index: number): void {
    this.al(0x01a00080 | (TEMP << 12) | index);
    this.al(0x018000b0 | (base << 16) | (src << 12) | TEMP);
  }
}
