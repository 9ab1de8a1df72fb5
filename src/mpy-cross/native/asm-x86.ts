// 32-bit x86 code generator for the native emitter, with the encodings upstream's py/asmx86.c picks
// (so output is byte-identical). cdecl: a function's own arguments are on the stack and every call of
// an mp_fun_table entry pushes its arguments (how many each entry takes is the table below), padding
// the stack to 16 bytes. Locals in a frame addressed from ESP, mp_fun_table in EBP.
import { AsmBase } from "./asm-base.js";
import { MOD_DISP0, MOD_DISP8, MOD_DISP32, MOD_REG, modrmDisp, modrmReg, signedFit8 } from "./x86-modrm.js";
import { CompareOp, type NativeAssembler, nativeRegs, type ShiftKind } from "./asm.js";
import { F } from "./fun-table.js";

const EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
const WORD = 4;

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

/** Arguments each mp_fun_table entry takes (what a call pushes). */
const FUN_N_ARGS: Partial<Record<number, number>> = {
  [F.CONVERT_OBJ_TO_NATIVE]: 2, [F.CONVERT_NATIVE_TO_OBJ]: 2, [F.NATIVE_SWAP_GLOBALS]: 1, [F.LOAD_NAME]: 1,
  [F.LOAD_GLOBAL]: 1, [F.LOAD_BUILD_CLASS]: 0, [F.LOAD_ATTR]: 2, [F.LOAD_METHOD]: 3, [F.LOAD_SUPER_METHOD]: 2,
  [F.STORE_NAME]: 2, [F.STORE_GLOBAL]: 2, [F.STORE_ATTR]: 3, [F.OBJ_SUBSCR]: 3, [F.OBJ_IS_TRUE]: 1,
  [F.UNARY_OP]: 2, [F.BINARY_OP]: 3, [F.BUILD_TUPLE]: 2, [F.BUILD_LIST]: 2, [F.BUILD_MAP]: 1, [F.BUILD_SET]: 2,
  [F.STORE_SET]: 2, [F.LIST_APPEND]: 2, [F.STORE_MAP]: 3, [F.MAKE_FUNCTION_FROM_PROTO_FUN]: 3,
  [F.NATIVE_CALL_FUNCTION_N_KW]: 3, [F.CALL_METHOD_N_KW]: 3, [F.CALL_METHOD_N_KW_VAR]: 3, [F.NATIVE_GETITER]: 2,
  [F.NATIVE_ITERNEXT]: 1, [F.NLR_PUSH]: 1, [F.NLR_POP]: 0, [F.NATIVE_RAISE]: 1, [F.IMPORT_NAME]: 3,
  [F.IMPORT_FROM]: 2, [F.IMPORT_ALL]: 1, [F.NEW_SLICE]: 3, [F.UNPACK_SEQUENCE]: 3, [F.UNPACK_EX]: 3,
  [F.DELETE_NAME]: 1, [F.DELETE_GLOBAL]: 1, [F.NEW_CLOSURE]: 3, [F.ARG_CHECK_NUM_SIG]: 3,
  [F.SETUP_CODE_STATE]: 4, [F.SMALL_INT_FLOOR_DIVIDE]: 2, [F.SMALL_INT_MODULO]: 2, [F.NATIVE_YIELD_FROM]: 3,
  [F.SETJMP]: 1,
};


const REGS = nativeRegs({ args: [EAX, ECX, EDX, EBX], temps: [EAX, ECX, EDX], locals: [EBX, ESI, EDI], funTable: EBP });

/**
 * How 1.11's x86 code generator kept the stack aligned: the frame made odd (locals | 1) and calls
 * pushed without padding; 1.18 and later round the frame to locals | 3 and pad each call to 4 pushed words.
 */
export type X86Align = "v118" | "v111";

export class AsmX86 extends AsmBase implements NativeAssembler {
  readonly wordSize = WORD;
  readonly regs = REGS;
  readonly parentArgsOnStack = true;
  readonly shiftCountReg = ECX;
  readonly byteStoreFromFixedReg = true;
  readonly nlrSetjmp = false;
  readonly storeNullFromZeroReg = false;
  // ebx
  readonly nlrBufIdxLocal1 = 5;
  /** nlr_buf_t saves edi (local3) before esi (local2). */
  readonly nlrBufIdxLocal23 = [7, 6] as const;
  private numLocals = 0;

  constructor(private readonly stackAlign: X86Align = "v118") {
    super();
  }

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

  /** op r/m32 (dest), r32 (src) in register form. */
  private rr(dest: number, src: number, op: number): void {
    this.bytes(op, modrmReg(src) | MOD_REG | dest);
  }

  private mem(ops: number[], reg: number, base: number, disp: number): void {
    this.bytes(...ops);
    this.rmDisp(reg, base, disp);
  }

  /** add/sub of an immediate (sub is /5, add /0): the 8-bit form when it fits. */
  private aluImm(ext: number, dest: number, imm: number): void {
    if (signedFit8(imm)) {
      this.bytes(0x83, modrmReg(ext) | MOD_REG | dest, imm & 0xff);
    } else {
      this.bytes(0x81, modrmReg(ext) | MOD_REG | dest);
      this.word32(imm);
    }
  }

  /** Relative jump: 2-byte form for a known backward target that fits, else the 32-bit form. */
  private jumpTo(label: number, short: number[], long: number[]): void {
    const dest = this.labelOffset(label);
    let rel = dest - this.offset;
    if (dest !== -1 && rel < 0 && signedFit8(rel - 2)) {
      this.bytes(...short, (rel - 2) & 0xff);
      return;
    }
    rel -= long.length + 4;
    this.bytes(...long);
    this.word32(rel);
  }

  // ---- NativeAssembler ----

  entry(numLocals: number): void {
    this.bytes(0x50 | EBP, 0x50 | EBX, 0x50 | ESI, 0x50 | EDI);
    // with the 4 pushes and the return address, keeps the stack 16-byte aligned (1.11: only odd)
    numLocals |= this.stackAlign === "v111" ? 1 : 3;
    this.aluImm(5, ESP, numLocals * WORD);
    this.numLocals = numLocals;
  }

  exit(): void {
    this.aluImm(5, ESP, -this.numLocals * WORD);
    this.bytes(0x58 | EDI, 0x58 | ESI, 0x58 | EBX, 0x58 | EBP, 0xc3);
  }

  jump(label: number): void {
    this.jumpTo(label, [0xeb], [0xe9]);
  }

  private jcc(cc: number, label: number): void {
    this.jumpTo(label, [0x70 | cc], [0x0f, 0x80 | cc]);
  }

  private testZero(reg: number, boolTest: boolean): void {
    this.bytes(boolTest ? 0x84 : 0x85, modrmReg(reg) | MOD_REG | reg);
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
    this.bytes(0xff, modrmReg(4) | MOD_REG | reg);
  }

  callInd(funId: number): void {
    const nArgs = FUN_N_ARGS[funId] ?? 0;
    const align = this.stackAlign === "v111" ? 0 : ((nArgs + 3) & ~3) - nArgs;
    if (align) this.aluImm(5, ESP, align * WORD);
    const argRegs = [REGS.arg1, REGS.arg2, REGS.arg3, REGS.arg4];
    for (let i = nArgs - 1; i >= 0; i--) this.bytes(0x50 | argRegs[i]);
    this.mem([0x8b], EAX, EBP, this.funSlot(funId) * WORD);
    this.bytes(0xff, modrmReg(2) | MOD_REG | EAX);
    if (nArgs > 0) this.aluImm(0, ESP, (nArgs + align) * WORD);
  }

  callIndSetupCodeState(funId: number): void {
    this.callInd(funId);
  }

  movArgToReg(index: number, reg: number): void {
    // above the locals: the 4 saved registers and the return address
    this.mem([0x8b], reg, ESP, (this.numLocals + 4 + 1 + index) * WORD);
  }

  movLocalReg(local: number, reg: number): void {
    this.mem([0x89], reg, ESP, local * WORD);
  }

  movRegImm(reg: number, imm: number): void {
    this.movRegImmFixed(reg, imm);
  }

  movRegImmFixed(reg: number, imm: number): number {
    this.bytes(0xb8 | reg);
    const loc = this.codePos();
    this.word32(imm);
    return loc;
  }

  movRegLocal(reg: number, local: number): void {
    this.mem([0x8b], reg, ESP, local * WORD);
  }

  movRegReg(dest: number, src: number): void {
    this.rr(dest, src, 0x89);
  }

  movRegLocalAddr(reg: number, local: number): void {
    const off = local * WORD;
    if (off === 0) this.movRegReg(reg, ESP);
    else this.mem([0x8d], reg, ESP, off);
  }

  movRegPcrel(reg: number, label: number): void {
    // call the next instruction, pop the return address, add the label's distance from it
    this.bytes(0xe8);
    this.word32(0);
    const rel = this.labelOffset(label) - this.offset;
    this.bytes(0x58 | reg);
    this.bytes(0x81, modrmReg(0) | MOD_REG | reg);
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

  orRegReg(dest: number, src: number): void { this.rr(dest, src, 0x09); }
  xorRegReg(dest: number, src: number): void { this.rr(dest, src, 0x31); }
  andRegReg(dest: number, src: number): void { this.rr(dest, src, 0x21); }
  addRegReg(dest: number, src: number): void { this.rr(dest, src, 0x01); }
  subRegReg(dest: number, src: number): void { this.rr(dest, src, 0x29); }

  mulRegReg(dest: number, src: number): void {
    this.bytes(0x0f, 0xaf, modrmReg(dest) | MOD_REG | src);
  }

  clrReg(reg: number): void {
    this.xorRegReg(reg, reg);
  }

  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void {
    this.xorRegReg(dest, dest);
    this.rr(lhs, rhs, 0x39);
    const cc = COMPARE_CC[op][unsigned ? 0 : 1];
    this.bytes(0x0f, 0x90 | cc, MOD_REG | dest);
  }

  loadRegRegOffset(dest: number, base: number, wordOffset: number): void {
    this.mem([0x8b], dest, base, wordOffset * WORD);
  }

  storeRegRegOffset(src: number, base: number, wordOffset: number): void {
    this.mem([0x89], src, base, wordOffset * WORD);
  }

  load8RegReg(dest: number, base: number): void { this.load8RegRegOffset(dest, base, 0); }
  load16RegReg(dest: number, base: number): void { this.load16RegRegOffset(dest, base, 0); }
  load32RegReg(dest: number, base: number): void { this.load32RegRegOffset(dest, base, 0); }
  load8RegRegOffset(dest: number, base: number, offset: number): void { this.mem([0x0f, 0xb6], dest, base, offset); }
  load16RegRegOffset(dest: number, base: number, offset: number): void { this.mem([0x0f, 0xb7], dest, base, 2 * offset); }
  load32RegRegOffset(dest: number, base: number, offset: number): void { this.mem([0x8b], dest, base, 4 * offset); }
  store8RegReg(src: number, base: number): void { this.store8RegRegOffset(src, base, 0); }
  store16RegReg(src: number, base: number): void { this.store16RegRegOffset(src, base, 0); }
  store32RegReg(src: number, base: number): void { this.store32RegRegOffset(src, base, 0); }
  store8RegRegOffset(src: number, base: number, offset: number): void { this.mem([0x88], src, base, offset); }
  store16RegRegOffset(src: number, base: number, offset: number): void { this.mem([0x66, 0x89], src, base, 2 * offset); }
  store32RegRegOffset(src: number, base: number, offset: number): void { this.mem([0x89], src, base, 4 * offset); }
}
