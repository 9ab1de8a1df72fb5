// MicroPython bytecode opcode numbers (bytecode of .mpy v6, i.e. MicroPython 1.19 and later) and the
// runtime operator numbers that appear inside the bytecode. Shared by the emitter and the disassembler.
//
// Opcodes are grouped by the shape of their argument; the upper nibble of the opcode says which shape
// (see `opcodeFormat`). Values are fixed by the .mpy format and must never be renumbered.

export const enum OpFormat {
  /** No argument (or, for a few opcodes, one extra raw byte; see `opcodeHasExtraByte`). */
  Byte = 0,
  /** A qstr index (variable-length unsigned). */
  Qstr = 1,
  /** A variable-length unsigned integer (signed for LOAD_CONST_SMALL_INT). */
  VarUint = 2,
  /** A relative jump offset: 1 or 2 bytes (see `encodeJumpOffset`). */
  Offset = 3,
}

export const Op = {
  // qstr-argument group (0x10)
  LOAD_CONST_STRING: 0x10,
  LOAD_NAME: 0x11,
  LOAD_GLOBAL: 0x12,
  LOAD_ATTR: 0x13,
  LOAD_METHOD: 0x14,
  LOAD_SUPER_METHOD: 0x15,
  STORE_NAME: 0x16,
  STORE_GLOBAL: 0x17,
  STORE_ATTR: 0x18,
  DELETE_NAME: 0x19,
  DELETE_GLOBAL: 0x1a,
  IMPORT_NAME: 0x1b,
  IMPORT_FROM: 0x1c,

  // var-uint group (0x20), MAKE_CLOSURE* carry one extra byte after the uint
  MAKE_CLOSURE: 0x20,
  MAKE_CLOSURE_DEFARGS: 0x21,
  LOAD_CONST_SMALL_INT: 0x22, // signed
  LOAD_CONST_OBJ: 0x23,
  LOAD_FAST_N: 0x24,
  LOAD_DEREF: 0x25,
  STORE_FAST_N: 0x26,
  STORE_DEREF: 0x27,
  DELETE_FAST: 0x28,
  DELETE_DEREF: 0x29,
  BUILD_TUPLE: 0x2a,
  BUILD_LIST: 0x2b,
  BUILD_MAP: 0x2c,
  BUILD_SET: 0x2d,
  BUILD_SLICE: 0x2e,
  STORE_COMP: 0x2f,

  // var-uint group (0x30)
  UNPACK_SEQUENCE: 0x30,
  UNPACK_EX: 0x31,
  MAKE_FUNCTION: 0x32,
  MAKE_FUNCTION_DEFARGS: 0x33,
  CALL_FUNCTION: 0x34,
  CALL_FUNCTION_VAR_KW: 0x35,
  CALL_METHOD: 0x36,
  CALL_METHOD_VAR_KW: 0x37,

  // jump group (0x40); UNWIND_JUMP carries one extra byte after the offset
  UNWIND_JUMP: 0x40,
  JUMP: 0x42,
  POP_JUMP_IF_TRUE: 0x43,
  POP_JUMP_IF_FALSE: 0x44,
  JUMP_IF_TRUE_OR_POP: 0x45,
  JUMP_IF_FALSE_OR_POP: 0x46,
  SETUP_WITH: 0x47,
  SETUP_EXCEPT: 0x48,
  SETUP_FINALLY: 0x49,
  POP_EXCEPT_JUMP: 0x4a,
  FOR_ITER: 0x4b,

  // no-argument group (0x50)
  LOAD_CONST_FALSE: 0x50,
  LOAD_CONST_NONE: 0x51,
  LOAD_CONST_TRUE: 0x52,
  LOAD_NULL: 0x53,
  LOAD_BUILD_CLASS: 0x54,
  LOAD_SUBSCR: 0x55,
  STORE_SUBSCR: 0x56,
  DUP_TOP: 0x57,
  DUP_TOP_TWO: 0x58,
  POP_TOP: 0x59,
  ROT_TWO: 0x5a,
  ROT_THREE: 0x5b,
  WITH_CLEANUP: 0x5c,
  END_FINALLY: 0x5d,
  GET_ITER: 0x5e,
  GET_ITER_STACK: 0x5f,

  // no-argument group (0x60)
  STORE_MAP: 0x62,
  RETURN_VALUE: 0x63,
  RAISE_LAST: 0x64,
  RAISE_OBJ: 0x65,
  RAISE_FROM: 0x66,
  YIELD_VALUE: 0x67,
  YIELD_FROM: 0x68,
  IMPORT_STAR: 0x69,

  // single-byte opcodes carrying their operand in the opcode itself
  LOAD_CONST_SMALL_INT_MULTI: 0x70, // 0x70..0xaf: value = op - 0x70 - 16, i.e. -16..47
  LOAD_FAST_MULTI: 0xb0, // 0xb0..0xbf: local 0..15
  STORE_FAST_MULTI: 0xc0, // 0xc0..0xcf: local 0..15
  UNARY_OP_MULTI: 0xd0, // 0xd0..0xd6: UnaryOp 0..6 (only 0..3 are emitted)
  BINARY_OP_MULTI: 0xd7, // 0xd7..0xf9: BinaryOp 0..34
} as const;

export type OpName = keyof typeof Op;

export const SMALL_INT_MULTI_NUM = 64;
export const SMALL_INT_MULTI_EXCESS = 16;
export const FAST_MULTI_NUM = 16;

/** Runtime unary operators that can appear in bytecode (mp_unary_op_t). */
export const enum UnaryOp {
  POSITIVE = 0,
  NEGATIVE = 1,
  INVERT = 2,
  NOT = 3,
}
export const UNARY_OP_NUM_BYTECODE = 4;

/** Runtime binary operators that can appear in bytecode (mp_binary_op_t), plus the two the emitter synthesises. */
export const enum BinaryOp {
  LESS = 0,
  MORE = 1,
  EQUAL = 2,
  LESS_EQUAL = 3,
  MORE_EQUAL = 4,
  NOT_EQUAL = 5,
  IN = 6,
  IS = 7,
  EXCEPTION_MATCH = 8,
  INPLACE_OR = 9,
  INPLACE_XOR = 10,
  INPLACE_AND = 11,
  INPLACE_LSHIFT = 12,
  INPLACE_RSHIFT = 13,
  INPLACE_ADD = 14,
  INPLACE_SUBTRACT = 15,
  INPLACE_MULTIPLY = 16,
  INPLACE_MAT_MULTIPLY = 17,
  INPLACE_FLOOR_DIVIDE = 18,
  INPLACE_TRUE_DIVIDE = 19,
  INPLACE_MODULO = 20,
  INPLACE_POWER = 21,
  OR = 22,
  XOR = 23,
  AND = 24,
  LSHIFT = 25,
  RSHIFT = 26,
  ADD = 27,
  SUBTRACT = 28,
  MULTIPLY = 29,
  MAT_MULTIPLY = 30,
  FLOOR_DIVIDE = 31,
  TRUE_DIVIDE = 32,
  MODULO = 33,
  POWER = 34,
  /** Not in bytecode: the emitter writes IN then NOT. */
  NOT_IN = 100,
  /** Not in bytecode: the emitter writes IS then NOT. */
  IS_NOT = 101,
}
export const BINARY_OP_NUM_BYTECODE = 35;

export const UNARY_OP_NAMES = ["POSITIVE", "NEGATIVE", "INVERT", "NOT", "BOOL", "LEN", "HASH"] as const;
export const BINARY_OP_NAMES = [
  "LESS", "MORE", "EQUAL", "LESS_EQUAL", "MORE_EQUAL", "NOT_EQUAL", "IN", "IS", "EXCEPTION_MATCH",
  "INPLACE_OR", "INPLACE_XOR", "INPLACE_AND", "INPLACE_LSHIFT", "INPLACE_RSHIFT", "INPLACE_ADD",
  "INPLACE_SUBTRACT", "INPLACE_MULTIPLY", "INPLACE_MAT_MULTIPLY", "INPLACE_FLOOR_DIVIDE",
  "INPLACE_TRUE_DIVIDE", "INPLACE_MODULO", "INPLACE_POWER",
  "OR", "XOR", "AND", "LSHIFT", "RSHIFT", "ADD", "SUBTRACT", "MULTIPLY", "MAT_MULTIPLY",
  "FLOOR_DIVIDE", "TRUE_DIVIDE", "MODULO", "POWER",
] as const;

/** The argument shape of an opcode, from its upper nibble (the format's packed 2-bit table). */
export function opcodeFormat(op: number): OpFormat {
  return ((0x000003a4 >> (2 * (op >> 4))) & 3) as OpFormat;
}

/** True for the opcodes followed by one raw byte after their normal argument (MAKE_CLOSURE*, UNWIND_JUMP). */
export function opcodeHasExtraByte(op: number): boolean {
  return op === Op.MAKE_CLOSURE || op === Op.MAKE_CLOSURE_DEFARGS || op === Op.UNWIND_JUMP;
}

/** Jumps whose offset is signed (stored biased by 0x40 / 0x4000); the others are unsigned forward jumps. */
export function jumpIsSigned(op: number): boolean {
  return op === Op.UNWIND_JUMP || op === Op.JUMP || op === Op.POP_JUMP_IF_TRUE || op === Op.POP_JUMP_IF_FALSE;
}

// Built by the first listing that needs it: a compile never does.
let nameByOpcode: Map<number, string> | undefined;

/** A readable name for an opcode byte, e.g. "LOAD_FAST 3", "BINARY_OP ADD" folded in for the multi-opcodes. */
export function opcodeName(op: number): string {
  if (op >= Op.LOAD_CONST_SMALL_INT_MULTI && op < Op.LOAD_CONST_SMALL_INT_MULTI + SMALL_INT_MULTI_NUM) {
    return `LOAD_CONST_SMALL_INT ${op - Op.LOAD_CONST_SMALL_INT_MULTI - SMALL_INT_MULTI_EXCESS}`;
  }
  if (op >= Op.LOAD_FAST_MULTI && op < Op.LOAD_FAST_MULTI + FAST_MULTI_NUM) return `LOAD_FAST ${op - Op.LOAD_FAST_MULTI}`;
  if (op >= Op.STORE_FAST_MULTI && op < Op.STORE_FAST_MULTI + FAST_MULTI_NUM) return `STORE_FAST ${op - Op.STORE_FAST_MULTI}`;
  if (op >= Op.UNARY_OP_MULTI && op < Op.BINARY_OP_MULTI) return `UNARY_OP ${UNARY_OP_NAMES[op - Op.UNARY_OP_MULTI]}`;
  if (op >= Op.BINARY_OP_MULTI && op < Op.BINARY_OP_MULTI + BINARY_OP_NUM_BYTECODE) {
    return `BINARY_OP ${BINARY_OP_NAMES[op - Op.BINARY_OP_MULTI]}`;
  }
  nameByOpcode ??= new Map(Object.entries(Op).map(([k, v]) => [v, k]));
  return nameByOpcode.get(op) ?? `INVALID_0x${op.toString(16).padStart(2, "0")}`;
}

/** Opcodes whose number or form a firmware changed from MicroPython's. */
export interface OpcodeDialect {
  /** Opcodes the firmware numbers differently (by name). */
  readonly renumbered: Readonly<Partial<Record<OpName, number>>>;
  /** raise: one opcode per argument count (RAISE_LAST + n), or this opcode followed by the count byte. */
  readonly raiseWithCountByte: number | null;
  /** STORE_NAME_CONST (STORE_GLOBAL_CONST = +1): a store of a def/class/import name, or null when the
   * firmware has none and stores those like any other name. */
  readonly storeNameConst: number | null;
}

export const OPCODES_MICROPYTHON: OpcodeDialect = { renumbered: {}, raiseWithCountByte: null, storeNameConst: null };

/** Pycopy 3.x (its py/bc0.h): RAISE_VARARGS n at 0x60 frees 0x64-0x66 for the yields and import *. */
export const OPCODES_PYCOPY: OpcodeDialect = {
  renumbered: { YIELD_VALUE: 0x64, YIELD_FROM: 0x65, IMPORT_STAR: 0x66 }, raiseWithCountByte: 0x60, storeNameConst: 0x1d,
};
