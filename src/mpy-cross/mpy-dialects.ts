// What the .mpy reader needs to know of one firmware's bytecode: for each opcode byte its name, the
// shape of its argument and whether a raw byte follows, and the qstrs the firmware numbers itself.
// The emitter writes through opcode tables (opcodes.ts, opcodes-legacy.ts); these are the same
// numbers seen from the reading side, one row per bytecode that differs:
//  - MicroPython 1.19+ (.mpy 6.x) and 1.12-1.18 (.mpy 5; its conditional-or-pop jumps are signed);
//  - Pycopy 3.x (.mpy 5 with its own opcodes and a static qstr list with "__dir__" moved);
//  - 1.11 (.mpy 4), 1.9.3-1.10 (.mpy 3, also CircuitPython 3-6), 1.9-1.9.2 (.mpy 2, CircuitPython 2) and
//    1.8.x (.mpy 0): the opcode numbers before 1.12's regrouping (1.8's own load group and comprehension
//    adds, opcodes-1-8.ts), with 1.9.2's own operator numbers for .mpy 2 and 0.
import {
  BINARY_OP_NAMES, BinaryOp, OPCODES_PYCOPY, Op, OpFormat, UNARY_OP_NAMES, jumpIsSigned, opcodeFormat, opcodeName, type OpName,
} from "./opcodes.js";
import { LEGACY_BINARY_OP_NAMES, legacyOpTable, type OpTable } from "./opcodes-legacy.js";
import { COMP_ADD_OPS_1_8, opTable1_8 } from "./opcodes-1-8.js";
import { operators1_9_2 } from "./opcodes-1-9.js";
import { PYCOPY_STATIC_QSTRS, STATIC_QSTRS } from "./static-qstrs.js";

export interface OpcodeInfo {
  /** The opcode's name; the multi-opcodes carry their operand: "LOAD_FAST 3", "BINARY_OP ADD". */
  readonly name: string;
  readonly format: OpFormat;
  /** One raw byte follows the argument (MAKE_CLOSURE*: cells captured; UNWIND_JUMP: handlers to unwind; a count-byte raise). */
  readonly extraByte: boolean;
  /** A jump whose stored offset is biased (may go backwards). */
  readonly signedJump: boolean;
  /** LOAD_NAME/LOAD_GLOBAL/LOAD_ATTR/STORE_ATTR: a cache byte follows the qstr when the header says lookups are cached. */
  readonly cachedLookup: boolean;
}

export interface BytecodeDialect {
  /** Who writes this bytecode, for the dump's header line. */
  readonly label: string;
  /** Indexed by opcode byte; undefined = not an opcode of this firmware. */
  readonly ops: readonly (OpcodeInfo | undefined)[];
  /** The firmware's static qstrs by number (.mpy 4 and later name them by number), or none (.mpy 3 and 2). */
  readonly staticQstrs?: readonly string[];
  /** What the bits of a prelude's scope-flags byte mean (1.12 moved them). */
  readonly scopeFlags: readonly (readonly [number, string])[];
}

const CACHED_LOOKUPS: readonly string[] = ["LOAD_NAME", "LOAD_GLOBAL", "LOAD_ATTR", "STORE_ATTR"];

function info(name: string, format: OpFormat, extraByte: boolean, signedJump: boolean): OpcodeInfo {
  return { name, format, extraByte, signedJump, cachedLookup: CACHED_LOOKUPS.includes(name) };
}

/** MicroPython 1.12+: the argument shape is the opcode's upper nibble; the extra-byte opcodes share bit pattern 0xx0000x. */
function modernOps(orPopSigned: boolean): (OpcodeInfo | undefined)[] {
  return Array.from({ length: 256 }, (_, op) => {
    const name = opcodeName(op);
    if (name.startsWith("INVALID")) return undefined;
    const signed = jumpIsSigned(op) || (orPopSigned && (op === Op.JUMP_IF_TRUE_OR_POP || op === Op.JUMP_IF_FALSE_OR_POP));
    return info(name, opcodeFormat(op), (op & 0x9e) === 0, signed);
  });
}

/** Pycopy: a few opcodes moved (OPCODES_PYCOPY), one raise taking a count byte, and stores of def/class/import names. */
function pycopyOps(): (OpcodeInfo | undefined)[] {
  const ops = modernOps(true);
  for (const name of ["RAISE_LAST", "RAISE_OBJ", "RAISE_FROM", ...Object.keys(OPCODES_PYCOPY.renumbered)] as OpName[]) ops[Op[name]] = undefined;
  for (const [name, op] of Object.entries(OPCODES_PYCOPY.renumbered)) ops[op!] = info(name, opcodeFormat(op!), false, false);
  ops[OPCODES_PYCOPY.raiseWithCountByte!] = info("RAISE_VARARGS", OpFormat.Byte, true, false);
  ops[OPCODES_PYCOPY.storeNameConst!] = info("STORE_NAME_CONST", OpFormat.Qstr, false, false);
  ops[OPCODES_PYCOPY.storeNameConst! + 1] = info("STORE_GLOBAL_CONST", OpFormat.Qstr, false, false);
  return ops;
}

// The argument shape of each pre-1.12 opcode (their numbers carry no shape), by name.
const LEGACY_QSTR_OPS = [
  "LOAD_CONST_STRING", "LOAD_NAME", "LOAD_GLOBAL", "LOAD_ATTR", "LOAD_METHOD", "LOAD_SUPER_METHOD", "STORE_NAME",
  "STORE_GLOBAL", "STORE_ATTR", "DELETE_NAME", "DELETE_GLOBAL", "IMPORT_NAME", "IMPORT_FROM",
];
const LEGACY_UINT_OPS = [
  "LOAD_CONST_SMALL_INT", "LOAD_CONST_OBJ", "LOAD_FAST_N", "LOAD_DEREF", "STORE_FAST_N", "STORE_DEREF", "DELETE_FAST",
  "DELETE_DEREF", "BUILD_TUPLE", "BUILD_LIST", "BUILD_MAP", "BUILD_SET", "BUILD_SLICE", "STORE_COMP", "UNPACK_SEQUENCE",
  "UNPACK_EX", "MAKE_FUNCTION", "MAKE_FUNCTION_DEFARGS", "MAKE_CLOSURE", "MAKE_CLOSURE_DEFARGS", "CALL_FUNCTION",
  "CALL_FUNCTION_VAR_KW", "CALL_METHOD", "CALL_METHOD_VAR_KW", "LIST_APPEND", "MAP_ADD", "SET_ADD",
];
const LEGACY_JUMP_OPS = ["JUMP", "POP_JUMP_IF_TRUE", "POP_JUMP_IF_FALSE", "JUMP_IF_TRUE_OR_POP", "JUMP_IF_FALSE_OR_POP", "UNWIND_JUMP"];
const LEGACY_FORWARD_OPS = ["SETUP_WITH", "SETUP_EXCEPT", "SETUP_FINALLY", "FOR_ITER", "POP_EXCEPT_JUMP"];
const LEGACY_EXTRA_BYTE_OPS = ["MAKE_CLOSURE", "MAKE_CLOSURE_DEFARGS", "UNWIND_JUMP", "RAISE_VARARGS"];
const LEGACY_MULTI = new Set(["LOAD_CONST_SMALL_INT_MULTI", "LOAD_FAST_MULTI", "STORE_FAST_MULTI", "UNARY_OP_MULTI", "BINARY_OP_MULTI"]);

/**
 * The pre-1.12 opcodes. 0x44 is POP_EXCEPT_JUMP in 1.11 and POP_BLOCK (then 0x45 POP_EXCEPT) before.
 * Operator names are given in their numbering (1.9.2's differs from 1.9.3-1.11's).
 */
function legacyOps(
  table: OpTable, popExceptJump: boolean, unaryNames: readonly string[], binaryNames: readonly string[], more: Readonly<Record<string, number>> = {},
): (OpcodeInfo | undefined)[] {
  const ops: (OpcodeInfo | undefined)[] = new Array(256).fill(undefined);
  const skip = new Set(popExceptJump ? ["POP_BLOCK", "POP_EXCEPT"] : ["POP_EXCEPT_JUMP"]);
  for (const [name, op] of Object.entries({ ...table, ...more })) {
    if (op < 0 || skip.has(name) || LEGACY_MULTI.has(name)) continue;
    const format = LEGACY_QSTR_OPS.includes(name) ? OpFormat.Qstr : LEGACY_UINT_OPS.includes(name) ? OpFormat.VarUint
      : LEGACY_JUMP_OPS.includes(name) || LEGACY_FORWARD_OPS.includes(name) ? OpFormat.Offset : OpFormat.Byte;
    ops[op] = info(name, format, LEGACY_EXTRA_BYTE_OPS.includes(name), LEGACY_JUMP_OPS.includes(name));
  }
  const multi = (base: number, names: readonly string[]) => names.forEach((n, i) => { ops[base + i] = info(n, OpFormat.Byte, false, false); });
  multi(legacyOpTable().LOAD_CONST_SMALL_INT_MULTI, Array.from({ length: 64 }, (_, i) => `LOAD_CONST_SMALL_INT ${i - 16}`));
  multi(legacyOpTable().LOAD_FAST_MULTI, Array.from({ length: 16 }, (_, i) => `LOAD_FAST ${i}`));
  multi(legacyOpTable().STORE_FAST_MULTI, Array.from({ length: 16 }, (_, i) => `STORE_FAST ${i}`));
  multi(legacyOpTable().UNARY_OP_MULTI, unaryNames.map((n) => `UNARY_OP ${n}`));
  multi(legacyOpTable().BINARY_OP_MULTI, binaryNames.map((n) => `BINARY_OP ${n}`));
  return ops;
}

/** 1.9.2's operator names in its own numbering (operators1_9_2() holds the numbers of the ones the compiler emits). */
function operatorNames192(): { unary: string[]; binary: string[] } {
  const unary = ["BOOL", "LEN", "HASH"];
  for (const [op, n] of Object.entries(operators1_9_2().unary)) unary[n] = UNARY_OP_NAMES[Number(op)]!;
  const binary: string[] = [];
  for (const [op, n] of Object.entries(operators1_9_2().binary)) {
    const o = Number(op);
    binary[n!] = o === BinaryOp.NOT_IN ? "NOT_IN" : o === BinaryOp.IS_NOT ? "IS_NOT" : BINARY_OP_NAMES[o]!;
  }
  for (let i = 0; i < binary.length; i++) binary[i] ??= "DIVMOD"; // the one the runtime has and the compiler never emits
  return { unary, binary };
}

// 0x10 in a bytecode prelude: CircuitPython 6 (.mpy 3) and 7+ (.mpy 5, 'C' 6.x) mark async functions there.
const MODERN_FLAGS = [[0x01, "generator"], [0x02, "**kw"], [0x04, "*args"], [0x08, "defkw"], [0x10, "async"]] as const;
const FLAGS_1_9 = [[0x01, "*args"], [0x02, "**kw"], [0x04, "generator"], [0x08, "defkw"]] as const;
// 1.11 keeps its native emitter's bits in every prelude
const FLAGS_1_11 = [...FLAGS_1_9, [0x10, "refglobals"], [0x20, "hasconsts"]] as const;
const FLAGS_1_10 = [...FLAGS_1_9, [0x10, "async"]] as const;

const LEGACY_UNARY_NAMES = UNARY_OP_NAMES.slice(0, 4);
const OPS_1_9_2 = operatorNames192();

export const DIALECT_V6: BytecodeDialect = { label: "MicroPython 1.19+", ops: modernOps(false), staticQstrs: STATIC_QSTRS, scopeFlags: MODERN_FLAGS };
export const DIALECT_V5: BytecodeDialect = { label: "MicroPython 1.12-1.18", ops: modernOps(true), staticQstrs: STATIC_QSTRS, scopeFlags: MODERN_FLAGS };
export const DIALECT_PYCOPY: BytecodeDialect = { label: "Pycopy 3.x", ops: pycopyOps(), staticQstrs: PYCOPY_STATIC_QSTRS, scopeFlags: MODERN_FLAGS };
export const DIALECT_V4: BytecodeDialect = {
  label: "MicroPython 1.11", ops: legacyOps(legacyOpTable(), true, LEGACY_UNARY_NAMES, LEGACY_BINARY_OP_NAMES), staticQstrs: STATIC_QSTRS, scopeFlags: FLAGS_1_11,
};
export const DIALECT_V3: BytecodeDialect = {
  label: "MicroPython 1.9.3-1.10, CircuitPython 3-6", ops: legacyOps(legacyOpTable(), false, LEGACY_UNARY_NAMES, LEGACY_BINARY_OP_NAMES), scopeFlags: FLAGS_1_10,
};
export const DIALECT_V2: BytecodeDialect = {
  label: "MicroPython 1.9-1.9.2, CircuitPython 2", ops: legacyOps(legacyOpTable(), false, OPS_1_9_2.unary, OPS_1_9_2.binary), scopeFlags: FLAGS_1_9,
};
export const DIALECT_V0: BytecodeDialect = {
  label: "MicroPython 1.8", scopeFlags: FLAGS_1_9,
  ops: legacyOps(opTable1_8(), false, OPS_1_9_2.unary, OPS_1_9_2.binary, { LIST_APPEND: COMP_ADD_OPS_1_8.list, MAP_ADD: COMP_ADD_OPS_1_8.dict, SET_ADD: COMP_ADD_OPS_1_8.set }),
};
