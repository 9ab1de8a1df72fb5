// The interface the native emitter (emit-native.ts) generates machine code through: one implementation
// per code generator (x64.ts, x86.ts here; thumb, arm, xtensa, rv32 by their own modules). It is
// upstream's "generic asm API" (the ASM_* macros every py/asm*.h defines) plus the few places where
// py/emitnative.c asks an architecture for something only it can do (comparisons, x86's shifts by CL
// and its arguments on the stack, Thumb's call of mp_setup_code_state through r4).
//
// Conventions, as upstream:
// - registers are small integers in the assembler's own numbering; `regs` names the roles;
// - "locals" are machine-word slots of the function's C stack frame, numbered from 0 by the emitter;
// - offsets named *Offset of load/store are in units of the access size (word, 16-bit, 8-bit ...);
// - labels are the compiler's label numbers; the emitter runs every pass twice or more (compute,
//   then emit) and a label's offset must not move between the last compute pass and the emit pass.

/** The registers the emitter assigns roles to (REG_* of upstream's asm headers). */
export interface NativeRegs {
  ret: number;
  arg1: number;
  arg2: number;
  arg3: number;
  arg4: number;
  /** Caller-save scratch registers; temp0 is the same register as ret on every arch. */
  temp0: number;
  temp1: number;
  temp2: number;
  /** Callee-save registers for locals; local3 holds the qstr table pointer in .mpy code. */
  local1: number;
  local2: number;
  local3: number;
  funTable: number;
  /** As seen by the function itself when they differ from the call registers (xtensawin's windowed ABI). */
  parentRet: number;
  parentArg1: number;
  parentArg2: number;
  parentArg3: number;
  parentArg4: number;
  /** A register reading as zero: rv32's x0; elsewhere temp0, cleared with clrReg first. */
  zero: number;
}

type Four = readonly [number, number, number, number];
type Three = readonly [number, number, number];

/**
 * A calling convention's registers in groups. `ret` defaults to the first argument register, `zero`
 * to the first temporary, and the parent's registers (xtensawin's window) to the call registers.
 */
export function nativeRegs(r: {
  args: Four; temps: Three; locals: Three; funTable: number; ret?: number; zero?: number; parentArgs?: Four;
}): NativeRegs {
  const ret = r.ret ?? r.args[0];
  const parent = r.parentArgs ?? r.args;
  return {
    ret, arg1: r.args[0], arg2: r.args[1], arg3: r.args[2], arg4: r.args[3],
    temp0: r.temps[0], temp1: r.temps[1], temp2: r.temps[2],
    local1: r.locals[0], local2: r.locals[1], local3: r.locals[2],
    funTable: r.funTable,
    parentRet: r.parentArgs ? parent[0] : ret, parentArg1: parent[0], parentArg2: parent[1], parentArg3: parent[2], parentArg4: parent[3],
    zero: r.zero ?? r.temps[0],
  };
}

/** Comparison of two machine ints, in upstream's order (MP_BINARY_OP_LESS ... NOT_EQUAL). */
export enum CompareOp { Less = 0, More = 1, Equal = 2, LessEqual = 3, MoreEqual = 4, NotEqual = 5 }

export type ShiftKind = "lsl" | "lsr" | "asr";

export interface NativeAssembler {
  /** Bytes in a machine word. */
  readonly wordSize: number;
  readonly regs: NativeRegs;

  // ---- arch facts emitnative.c tests with #if ----

  /** x86: the function's own arguments are on the stack (read them with movArgToReg). */
  readonly parentArgsOnStack: boolean;
  /** x64/x86: a shift count must sit in this register (CL); the shifted value goes in ret. */
  readonly shiftCountReg?: number;
  /** x64/x86: a byte store needs its value in a fixed low register (arg3), not any register. */
  readonly byteStoreFromFixedReg: boolean;
  /** xtensawin: nlr_push is followed by a setjmp call. */
  readonly nlrSetjmp: boolean;
  /**
   * xtensawin (N_PRELUDE_AS_BYTES_OBJ, 1.18's per-function constant tables only): code memory is not
   * byte-readable, so a @native function's prelude is also a bytes object in its constant table and
   * code_state.ip is computed from that object's data.
   */
  readonly preludeAsBytesObj?: boolean;
  /** rv32: a NULL local is stored straight from the zero register. */
  readonly storeNullFromZeroReg: boolean;
  /**
   * ARM: before 1.27 emitnative.c stored viper values through ARM's register-indexed str/strb/strh
   * (an index register, or a constant index other than a 16-bit one moved into it) instead of adding
   * the index to the base.
   */
  readonly storesIndexedByReg?: boolean;
  /** Word index in nlr_buf_t of the saved register that holds the current exception handler's PC. */
  readonly nlrBufIdxLocal1: number;
  /** The words of local2 and local3 in nlr_buf_t, when they are not the two after local1 (x86). */
  readonly nlrBufIdxLocal23?: readonly [number, number];

  // ---- assembler base (py/asmbase.c) ----

  /** Starts a pass over one function: `emit` false counts sizes and records labels, true writes bytes. */
  startPass(emit: boolean): void;
  /** ASM_END_PASS: flush anything pending (e.g. a literal pool). */
  endPass(): void;
  /** Current code offset. */
  codePos(): number;
  labelAssign(label: number): void;
  /** Code up to the next label is dead and not emitted (1.20+ after jumps/raises). */
  suppressCode(): void;
  /** Raw little-endian data of `bytes` bytes (prelude bytes, the prelude-index word). */
  data(bytes: number, value: number): void;
  /** The machine code written by the emit pass. */
  code(): Uint8Array;

  // ---- generic ops (ASM_*) ----

  entry(numLocals: number): void;
  exit(): void;
  jump(label: number): void;
  /** `boolTest`: the register holds a C bool (only its low byte is meaningful). */
  jumpIfRegZero(reg: number, label: number, boolTest: boolean): void;
  jumpIfRegNonzero(reg: number, label: number, boolTest: boolean): void;
  jumpIfRegEq(reg1: number, reg2: number, label: number): void;
  jumpReg(reg: number): void;
  /** Table indexes of mp_fun_table entries for a release that ordered the table differently (1.11). */
  funSlots?: Readonly<Partial<Record<number, number>>>;
  /** Calls entry `funId` of mp_fun_table (held in regs.funTable). */
  callInd(funId: number): void;
  /** The call of mp_setup_code_state in a native function's entry (Thumb/ARM use a different temp). */
  callIndSetupCodeState(funId: number): void;

  movLocalReg(local: number, reg: number): void;
  movRegImm(reg: number, imm: number): void;
  movRegLocal(reg: number, local: number): void;
  movRegReg(dest: number, src: number): void;
  movRegLocalAddr(reg: number, local: number): void;
  /** Address of a label, PC-relative. */
  movRegPcrel(reg: number, label: number): void;
  /**
   * ASM_MOV_REG_IMM_FIX_U16 / _FIX_WORD (1.18): a move whose size does not depend on the value, so a
   * loader can patch it in place (.mpy v5's qstr links). Returns the code offset the loader rewrites:
   * the 32-bit immediate or literal, or (Thumb) the movw, followed by the movt for a word.
   */
  movRegImmFixed?(reg: number, imm: number, size: "u16" | "word"): number;
  /** x86 only: argument `index` of the function itself into a register. */
  movArgToReg?(index: number, reg: number): void;

  /** ASM_NOT_REG; absent on xtensa (the emitter xors with -1 instead). */
  notReg?(reg: number): void;
  negReg(reg: number): void;
  /** Shift `dest` by `src` (arches without shiftCountReg). */
  shiftRegReg?(kind: ShiftKind, dest: number, src: number): void;
  /** Shift `reg` by the count register (arches with shiftCountReg). */
  shiftRegByCount?(kind: ShiftKind, reg: number): void;
  orRegReg(dest: number, src: number): void;
  xorRegReg(dest: number, src: number): void;
  andRegReg(dest: number, src: number): void;
  addRegReg(dest: number, src: number): void;
  subRegReg(dest: number, src: number): void;
  mulRegReg(dest: number, src: number): void;
  /** ASM_CLR_REG (where the arch has a zero register, what it does to clear one). */
  clrReg(reg: number): void;
  /** dest = (lhs OP rhs) as 0/1, signed or unsigned: the arch's whole compare-and-set sequence. */
  compareRegs(op: CompareOp, unsigned: boolean, dest: number, lhs: number, rhs: number): void;

  /** Word load/store with an offset in words. */
  loadRegRegOffset(dest: number, base: number, wordOffset: number): void;
  storeRegRegOffset(src: number, base: number, wordOffset: number): void;
  load8RegReg(dest: number, base: number): void;
  load16RegReg(dest: number, base: number): void;
  load32RegReg(dest: number, base: number): void;
  /** Offsets in units of the access (bytes, halfwords, words of 32 bits). */
  load8RegRegOffset?(dest: number, base: number, offset: number): void;
  load16RegRegOffset(dest: number, base: number, offset: number): void;
  load32RegRegOffset?(dest: number, base: number, offset: number): void;
  /** Indexed by a register (scaled by the access size). */
  load8RegRegReg?(dest: number, base: number, index: number): void;
  load16RegRegReg?(dest: number, base: number, index: number): void;
  load32RegRegReg?(dest: number, base: number, index: number): void;
  store8RegReg(src: number, base: number): void;
  store16RegReg(src: number, base: number): void;
  store32RegReg(src: number, base: number): void;
  store8RegRegOffset?(src: number, base: number, offset: number): void;
  store16RegRegOffset?(src: number, base: number, offset: number): void;
  store32RegRegOffset?(src: number, base: number, offset: number): void;
  store8RegRegReg?(src: number, base: number, index: number): void;
  store16RegRegReg?(src: number, base: number, index: number): void;
  store32RegRegReg?(src: number, base: number, index: number): void;
  /**
   * Thumb: the 16-bit load (or store) of 1 << size bytes at base + offset (a 5-bit count of accesses),
   * which the emitter of 1.18-1.22 asked for directly.
   */
  accessI5?(load: boolean, size: 0 | 1 | 2, reg: number, base: number, offset: number): void;
}

/** An error in what the emitter asked of an assembler that upstream reports to the user. */
export class AsmError extends Error {
  constructor(readonly kind: "SyntaxError" | "NotImplementedError" | "ViperTypeError", message: string) {
    super(message);
  }
}
