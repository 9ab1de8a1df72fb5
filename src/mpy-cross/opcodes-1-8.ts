// The bytecode numbers of MicroPython 1.8.x (.mpy 0; its py/bc0.h), as differences from the pre-1.12
// table of 1.9-1.11 (opcodes-legacy.ts): the load group from LOAD_FAST_N to LOAD_METHOD sits one
// higher (1.9 put LOAD_SUPER_METHOD at its end), iterators are plain objects (no GET_ITER_STACK), and
// each comprehension kind adds to its collection with an opcode of its own instead of STORE_COMP.
import { legacyOpTable, type OpTable } from "./opcodes-legacy.js";

/** Marks an opcode the release does not have (the emitter never writes it there). */
const ABSENT = -1;

let op18: OpTable | undefined;

/** 1.8's opcode table, made on first use: only a 1.8 compile or listing needs it, not every start. */
export const opTable1_8 = (): OpTable => (op18 ??= {
  ...legacyOpTable(),
  LOAD_FAST_N: 0x1a,
  LOAD_DEREF: 0x1b,
  LOAD_NAME: 0x1c,
  LOAD_GLOBAL: 0x1d,
  LOAD_ATTR: 0x1e,
  LOAD_METHOD: 0x1f,
  LOAD_SUPER_METHOD: ABSENT,
  GET_ITER_STACK: ABSENT,
  STORE_COMP: ABSENT,
});

/** The add-to-collection opcodes of a list, dict and set comprehension (each takes the collection's stack index). */
export interface CompAddOps {
  readonly list: number;
  readonly dict: number;
  readonly set: number;
}

export const COMP_ADD_OPS_1_8: CompAddOps = { list: 0x52, dict: 0x55, set: 0x57 };
