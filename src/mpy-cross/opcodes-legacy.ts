// The bytecode opcode numbers of MicroPython before 1.12 (.mpy 0-4), which 1.12 renumbered into
// groups by argument shape. Same names as `Op` (opcodes.ts) where the opcode exists in both; the
// opcodes only these releases have come after. Also the binary-operator numbering of those releases,
// which had no `@` operator (so everything after INPLACE_MULTIPLY / MULTIPLY sits one lower).
import { BinaryOp, type OpName } from "./opcodes.js";

/** An opcode table the bytecode emitter writes through: the number of each opcode it can emit. */
export type OpTable = Readonly<Record<OpName, number>>;

// The tables below are made on first use: only a compile or listing for one of these releases needs
// them, and every start would otherwise build them.
const makeLegacyOp = () => ({
  LOAD_CONST_FALSE: 0x10,
  LOAD_CONST_NONE: 0x11,
  LOAD_CONST_TRUE: 0x12,
  LOAD_CONST_SMALL_INT: 0x14,
  LOAD_CONST_STRING: 0x16,
  LOAD_CONST_OBJ: 0x17,
  LOAD_NULL: 0x18,
  LOAD_FAST_N: 0x19,
  LOAD_DEREF: 0x1a,
  LOAD_NAME: 0x1b,
  LOAD_GLOBAL: 0x1c,
  LOAD_ATTR: 0x1d,
  LOAD_METHOD: 0x1e,
  LOAD_SUPER_METHOD: 0x1f,
  LOAD_BUILD_CLASS: 0x20,
  LOAD_SUBSCR: 0x21,
  STORE_FAST_N: 0x22,
  STORE_DEREF: 0x23,
  STORE_NAME: 0x24,
  STORE_GLOBAL: 0x25,
  STORE_ATTR: 0x26,
  STORE_SUBSCR: 0x27,
  DELETE_FAST: 0x28,
  DELETE_DEREF: 0x29,
  DELETE_NAME: 0x2a,
  DELETE_GLOBAL: 0x2b,
  DUP_TOP: 0x30,
  DUP_TOP_TWO: 0x31,
  POP_TOP: 0x32,
  ROT_TWO: 0x33,
  ROT_THREE: 0x34,
  JUMP: 0x35,
  POP_JUMP_IF_TRUE: 0x36,
  POP_JUMP_IF_FALSE: 0x37,
  JUMP_IF_TRUE_OR_POP: 0x38,
  JUMP_IF_FALSE_OR_POP: 0x39,
  SETUP_WITH: 0x3d,
  WITH_CLEANUP: 0x3e,
  SETUP_EXCEPT: 0x3f,
  SETUP_FINALLY: 0x40,
  END_FINALLY: 0x41,
  GET_ITER: 0x42,
  FOR_ITER: 0x43,
  /** 1.11 only; 1.10 and earlier have POP_BLOCK and POP_EXCEPT in its place. */
  POP_EXCEPT_JUMP: 0x44,
  UNWIND_JUMP: 0x46,
  GET_ITER_STACK: 0x47,
  BUILD_TUPLE: 0x50,
  BUILD_LIST: 0x51,
  BUILD_MAP: 0x53,
  STORE_MAP: 0x54,
  BUILD_SET: 0x56,
  STORE_COMP: 0x57,
  BUILD_SLICE: 0x58,
  UNPACK_SEQUENCE: 0x59,
  UNPACK_EX: 0x5a,
  RETURN_VALUE: 0x5b,
  YIELD_VALUE: 0x5d,
  YIELD_FROM: 0x5e,
  MAKE_FUNCTION: 0x60,
  MAKE_FUNCTION_DEFARGS: 0x61,
  MAKE_CLOSURE: 0x62,
  MAKE_CLOSURE_DEFARGS: 0x63,
  CALL_FUNCTION: 0x64,
  CALL_FUNCTION_VAR_KW: 0x65,
  CALL_METHOD: 0x66,
  CALL_METHOD_VAR_KW: 0x67,
  IMPORT_NAME: 0x68,
  IMPORT_FROM: 0x69,
  IMPORT_STAR: 0x6a,
  LOAD_CONST_SMALL_INT_MULTI: 0x70,
  LOAD_FAST_MULTI: 0xb0,
  STORE_FAST_MULTI: 0xc0,
  UNARY_OP_MULTI: 0xd0,
  BINARY_OP_MULTI: 0xd7,
  // only in these releases: one raise opcode taking its argument count as a raw byte
  RAISE_VARARGS: 0x5c,
  // only in 1.10 and earlier (1.11 folded them into POP_EXCEPT_JUMP)
  POP_BLOCK: 0x44,
  POP_EXCEPT: 0x45,
  // absent before 1.12 (the emitter writes RAISE_VARARGS instead); kept out of reach of any real opcode
  RAISE_LAST: -1,
  RAISE_OBJ: -1,
  RAISE_FROM: -1,
}) as const satisfies OpTable & Record<string, number>;

let legacyOp: ReturnType<typeof makeLegacyOp> | undefined;
/** The pre-1.12 opcode numbers (by `Op` name, plus the ones only these releases have). */
export const legacyOpTable = (): ReturnType<typeof makeLegacyOp> => (legacyOp ??= makeLegacyOp());

let buildOps: readonly number[] | undefined;
let setupOps: readonly number[] | undefined;
/** Where the build kinds (BuildKind order: tuple, list, map, set, slice) sit in the legacy numbering. */
export function legacyBuildOps(): readonly number[] {
  const op = legacyOpTable();
  return (buildOps ??= [op.BUILD_TUPLE, op.BUILD_LIST, op.BUILD_MAP, op.BUILD_SET, op.BUILD_SLICE]);
}
/** Where the setup-block kinds (SetupBlockKind order: with, except, finally) sit in the legacy numbering. */
export function legacySetupOps(): readonly number[] {
  const op = legacyOpTable();
  return (setupOps ??= [op.SETUP_WITH, op.SETUP_EXCEPT, op.SETUP_FINALLY]);
}

/** The pre-1.12 number of a binary operator (no MAT_MULTIPLY / INPLACE_MAT_MULTIPLY). */
export function legacyBinaryOp(op: number): number {
  if (op === BinaryOp.INPLACE_MAT_MULTIPLY || op === BinaryOp.MAT_MULTIPLY) {
    throw new Error("internal: the @ operator does not exist before MicroPython 1.12");
  }
  if (op > BinaryOp.MAT_MULTIPLY) return op - 2;
  if (op > BinaryOp.INPLACE_MAT_MULTIPLY) return op - 1;
  return op;
}

/** Binary operator names in the legacy numbering (for the disassembler). */
export const LEGACY_BINARY_OP_NAMES: readonly string[] = [
  "LESS", "MORE", "EQUAL", "LESS_EQUAL", "MORE_EQUAL", "NOT_EQUAL", "IN", "IS", "EXCEPTION_MATCH",
  "INPLACE_OR", "INPLACE_XOR", "INPLACE_AND", "INPLACE_LSHIFT", "INPLACE_RSHIFT", "INPLACE_ADD",
  "INPLACE_SUBTRACT", "INPLACE_MULTIPLY", "INPLACE_FLOOR_DIVIDE", "INPLACE_TRUE_DIVIDE", "INPLACE_MODULO",
  "INPLACE_POWER", "OR", "XOR", "AND", "LSHIFT", "RSHIFT", "ADD", "SUBTRACT", "MULTIPLY", "FLOOR_DIVIDE",
  "TRUE_DIVIDE", "MODULO", "POWER",
];
