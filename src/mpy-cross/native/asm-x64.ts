// x86-64 code generator for the native emitter, producing the instruction encodings upstream's
// py/asmx64.c chooses (so output is byte-identical): System V calling convention, locals in a frame
// addressed from RSP, mp_fun_table in RBP, the qstr table in R13.
import { AsmBase } from "./asm-base.js";
import { MOD_DISP0, MOD_DISP8, MOD_DISP32, MOD_REG, modrmDisp, modrmReg, signedFit8 } from "./x86-modrm.js";
import { CompareOp, type NativeAssembler, nativeRegs, type ShiftKind } from "./asm.js";

export const RAX = 0, RCX = 1, RDX = 2, RBX = 3, RSP = 4, RBP = 5, RSI = 6, RDI = 7;
export const R12 = 12, R13 = 13;

const WORD = 8;

// condition codes of jcc/setcc
const CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7;
const CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf;

/** Unsigned then signed condition for each CompareOp. */
const COMPARE_CC: Record<CompareOp, [number, number]> = {
  [CompareOp.Less]: [CC_B, CC_L],
  [CompareOp.More]: [CC_A, CC_G],
  [CompareOp.Equal]: [CC_E, CC_E],
  [CompareOp.LessEqual]: [CC_BE, CC_LE],
  [CompareOp.MoreEqual]: [CC_AE, CC_GE],
  [CompareOp.NotEqual]: [CC_NE, CC_NE],
};

const REX = 0x40, REX_W = 0x08, REX_B = 0x01;
const rexR = (r: number) => (r >> 1) & 0x04;
const rexB = (r: number) => (r >> 3) & 0x01;

const REGS = nativeRegs({ ret: RAX, args: [RDI, RSI, RDX, RCX], temps: [RAX, RDI, RSI], locals: [RBX, R12, R13], funTable: RBP });

export class AsmX64 extends AsmBase implements NativeAssembler {
  readonly wordSize = WORD;
  readonly regs = REGS;
  readonly parentArgsOnStack = false;
  readonly shiftCountReg = RCX;
  readonly byteStoreFromFixedReg = true;
  readonly nlrSetjmp = false;
  readonly storeNullFromZeroReg = false;
  // rbx
  readonly nlrBufIdxLocal1 = 5;
  private numLocals = 0;

  endPass(): void {
    // nothing pending
  }

  // ---- encodings ----

  private word32(v: number): void {
    this.le(4, v | 0);
  }

  private rmDisp(r: number, base: number, disp: number): void {
    this.bytes(...modrmDisp(r, base, disp));
  }

  /** op r/m64 (dest), r64 (src) in register form. */
  private rr(dest: number, src: number, op: number): void {
    this.bytes(REX | REX_W | rexR(src) | rexB(dest), op, modrmReg(src) | MOD_REG | (dest & 7));
  }

  private push(r: number): void {
    if (r < 8) this.bytes(0x50 | r);
    else this.bytes(REX | REX_B, 0x50 | (r & 7));
  }

  private pop(r: number): void {
    if (r < 8) this.bytes(0x58 | r);
    else this.bytes(REX | REX_B, 0x58 | (r & 7));
  }

  private subRegI32(dest: number, imm: number): void {
    if (signedFit8(imm)) {
      this.bytes(REX | REX_W, 0x83, modrmReg(5) | MOD_REG | (dest & 7), imm & 0xff);
    } else {
      this.bytes(REX | REX_W, 0x81, modrmReg(5) | MOD_REG | (dest & 7));
      this.word32(imm);
    }
  }

  private memToReg64(base: number, disp: number, dest: number): void {
    this.bytes(REX | REX_W | rexR(dest) | rexB(base), 0x8b);
    this.rmDisp(dest, base, disp);
  }

  private regToMem64(src: number, base: number, disp: number): void {
    this.bytes(REX | REX_W | rexR(src) | rexB(base), 0x89);
    this.rmDisp(src, base, disp);
  }

  /** Optional REX (only when a register is r8-r15) then the opcode bytes, then the address. */
  private narrowMem(reg: number, base: number, disp: number, prefix: number[], ops: number[]): void {
    if (reg < 8 && base < 8) this.bytes(...prefix, ...ops);
    else this.bytes(...prefix, REX | rexR(reg) | rexB(base), ...ops);
    this.rmDisp(reg, base, disp);
  }

  private lea(base: number, disp: number, dest: number): void {
    this.bytes(REX | REX_W | rexR(dest) | rexB(base), 0x8d);
    this.rmDisp(dest, base, disp);
  }

  private movI32(dest: number, imm: number): number {
    // zero-extends to 64 bits
    if (dest < 8) this.bytes(0xb8 | dest);
    else this.bytes(REX | REX_B, 0xb8 | (dest & 7));
    const loc = this.codePos();
    this.word32(imm);
    return loc;
  }

  movRegImmFixed(reg: number, imm: number): number {
    // qstr numbers and qstr objects both fit the zero-extended 32-bit form
    return this.movI32(reg, imm);
  }

  /** Relative jump: 2-byte form for a known backward target that fits, else the 32-bit form. */
  private jumpTo(label: number, short: number[], long: number[]): void {
    const dest = this.labelOffset(label);
    let rel = dest - this.offset;
    if (dest !== -1 && rel < 0) {
      if (signedFit8(rel - 2)) {
        this.bytes(...short, (rel - 2) & 0xff);
        return;
      }
    }
    // forward (or too far): the 32-bit form, whose offset counts from the end of the instruction
    rel -= long.length + 4;
    this.bytes(...long);
    this.word32(rel);
  }

  // ---- NativeAssembler ----

  entry(numLocals: number): void {
    this.push(RBP);
    this.push(RBX);
    this.push(R12);
    this.push(R13);
    // an odd count keeps the stack 16-byte aligned
    numLocals |= 1;
    this.subRegI32(RSP, numLocals * WORD);
    this.numLocals = numLocals;
  }

  exit(): void {
    this.subRegI32(RSP, -this.numLocals * WORD);
    this.pop(R13);
    this.pop(R12);
    this.pop(RBX);
    this.pop(RBP);
    this.bytes(0xc3);
  }

  jump(label: number): void {
    this.jumpTo(label, [0xeb], [0xe9]);
  }

  private jcc(cc: number, label: number): void {
    this.jumpTo(label, [0x70 | cc], [0x0f, 0x80 | cc]);
  }

  private testZero(reg: number, boolTest: boolean): void {
    if (boolTest) this.bytes(0x84, modrmReg(reg) | MOD_REG | (reg & 7));
    else this.rr(reg, reg, 0x85);
  }

  jumpIfRegZero(reg: number, label: number, boolTest: boolean): void {
    this.testZero(reg, boolTest);
    this.jcc(CC_E, label);
  }

  jumpIfRegNonzero(reg: number, label: number, boolTest: boolean): void {
    this.testZero(reg, boolTest);
    this.jcc(CC_NE, label);
  }

  jumpIfRegEq(reg1: number, reg2: number, label: number): void {
    this.rr(reg2, reg1, 0x39);
    this.jcc(CC_E, label);
  }

  jumpReg(reg: number): void {
    this.bytes(0xff, modrmReg(4) | MOD_REG | (reg & 7));
  }

  callInd(funId: number): void {
    this.memToReg64(RBP, this.funSlot(funId) * WORD, RAX);
    this.bytes(0xff, modrmReg(2) | MOD_REG | RAX);
  }

  callIndSetupCodeState(funId: number): void {
    this.callInd(funId);
  }

  movLocalReg(local: number, reg: number): void {
    this.regToMem64(reg, RSP, local * WORD);
  }

  movRegImm(reg: number, imm: number): void {
    const v = BigInt.asUintN(64, BigInt(imm));
    if (v <= 0xffffffffn) {
      this.movI32(reg, Number(v) | 0);
    } else {
      this.bytes(REX | REX_W | (reg < 8 ? 0 : REX_B), 0xb8 | (reg & 7));
      this.le(8, v);
    }
  }

  movRegLocal(reg: number, local: number): void {
    this.memToReg64(RSP, local * WORD, reg);
  }

  movRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x89);
  }

  movRegLocalAddr(reg: number, local: number): void {
    const off = local * WORD;
    if (off === 0) this.movRegReg(reg, RSP);
    else this.lea(RSP, off, reg);
  }

  movRegPcrel(reg: number, label: number): void {
    const dest = this.labelOffset(label);
    const rel = dest - (this.offset + 7);
    this.bytes(REX | REX_W | rexR(reg), 0x8d, modrmReg(reg) | (RBP & 7));
    this.word32(rel);
  }

  notReg(reg: number): void {
    this.rr(reg, 2, 0xf7);
  }

  negReg(reg: number): void {
    this.rr(reg, 3, 0xf7);
  }

  shiftRegByCount(kind: ShiftKind, reg: number): void {
    this.rr(reg, kind === "lsl" ? 4 : kind === "lsr" ? 5 : 7, 0xd3);
  }

  orRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x09);
  }

  xorRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x31);
  }

  andRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x21);
  }

  addRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x01);
  }

  subRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x29);
  }

  mulRegReg(dest: number, src: number): void {
    // imul r64, r/m64
    this.bytes(REX | REX_W | rexR(dest) | rexB(src), 0x0f, 0xaf, modrmReg(dest) | MOD_REG | (src & 7));
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void {
    this.xorRegReg(dest, dest);
    // cmp lhs, rhs
    this.rr(lhs, rhs, 0x39);
    const cc = COMPARE_CC[op][unsigned ? 0 : 1];
    this.bytes(0x0f, 0x90 | cc, MOD_REG | (dest & 7));
  }

  loadRegRegOffset(dest: number, base: number, wordOffset: number): void {
    this.memToReg64(base, wordOffset * WORD, dest);
  }

  storeRegRegOffset(src: number, base: number, wordOffset: number): void {
    this.regToMem64(src, base, wordOffset * WORD);
  }

  load8RegReg(dest: number, base: number): void {
    this.load8RegRegOffset(dest, base, 0);
  }

  load16RegReg(dest: number, base: number): void {
    this.load16RegRegOffset(dest, base, 0);
  }

  load32RegReg(dest: number, base: number): void {
    this.load32RegRegOffset(dest, base, 0);
  }

  load8RegRegOffset(dest: number, base: number, offset: number): void {
    this.narrowMem(dest, base, offset, [], [0x0f, 0xb6]);
  }

  load16RegRegOffset(dest: number, base: number, offset: number): void {
    this.narrowMem(dest, base, 2 * offset, [], [0x0f, 0xb7]);
  }

  load32RegRegOffset(dest: number, base: number, offset: number): void {
    this.narrowMem(dest, base, 4 * offset, [], [0x8b]);
  }

  store8RegReg(src: number, base: number): void {
    this.store8RegRegOffset(src, base, 0);
  }

  store16RegReg(src: number, base: number): void {
    this.store16RegRegOffset(src, base, 0);
  }

  store32RegReg(src: number, base: number): void {
    this.store32RegRegOffset(src, base, 0);
  }

  store8RegRegOffset(src: number, base: number, offset: number): void {
    this.narrowMem(src, base, offset, [], [0x88]);
  }

  store16RegRegOffset(src: number, base: number, offset: number): void {
    this.narrowMem(src, base, 2 * offset, [0x66], [0x89]);
  }

  store32RegRegOffset(src: number, base: number, offset: number): void {
    this.narrowMem(src, base, 4 * offset, [], [0x89]);
  }
}
