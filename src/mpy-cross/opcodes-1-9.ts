// Operator numbers of MicroPython 1.9.2 and older (.mpy 2 and 0; its py/runtime0.h): the unary
// operators start with BOOL/LEN/HASH, the binary ones with the arithmetic group. `not in` / `is not`
// have numbers here too, but the emitter writes them as IN/IS then NOT, as every release does.
import { BinaryOp, UnaryOp } from "./opcodes.js";

export interface OperatorNumbers {
  readonly unary: Readonly<Record<UnaryOp, number>>;
  /** By tspy's BinaryOp (the @ operators do not exist there). */
  readonly binary: Readonly<Partial<Record<BinaryOp, number>>>;
}

const BINARY_1_9_ORDER: readonly BinaryOp[] = [
  BinaryOp.OR, BinaryOp.XOR, BinaryOp.AND, BinaryOp.LSHIFT, BinaryOp.RSHIFT, BinaryOp.ADD, BinaryOp.SUBTRACT,
  BinaryOp.MULTIPLY, BinaryOp.FLOOR_DIVIDE, BinaryOp.TRUE_DIVIDE, BinaryOp.MODULO, BinaryOp.POWER,
  -1 as BinaryOp, // DIVMOD: runtime only
  BinaryOp.INPLACE_OR, BinaryOp.INPLACE_XOR, BinaryOp.INPLACE_AND, BinaryOp.INPLACE_LSHIFT, BinaryOp.INPLACE_RSHIFT,
  BinaryOp.INPLACE_ADD, BinaryOp.INPLACE_SUBTRACT, BinaryOp.INPLACE_MULTIPLY, BinaryOp.INPLACE_FLOOR_DIVIDE,
  BinaryOp.INPLACE_TRUE_DIVIDE, BinaryOp.INPLACE_MODULO, BinaryOp.INPLACE_POWER,
  BinaryOp.LESS, BinaryOp.MORE, BinaryOp.EQUAL, BinaryOp.LESS_EQUAL, BinaryOp.MORE_EQUAL, BinaryOp.NOT_EQUAL,
  BinaryOp.IN, BinaryOp.IS, BinaryOp.EXCEPTION_MATCH, BinaryOp.NOT_IN, BinaryOp.IS_NOT,
];

let operators192: OperatorNumbers | undefined;

/** 1.9.2's operator numbers, made on first use: only a 1.9.2 or 1.8 compile or listing needs them, not every start. */
export const operators1_9_2 = (): OperatorNumbers => (operators192 ??= {
  unary: { [UnaryOp.POSITIVE]: 3, [UnaryOp.NEGATIVE]: 4, [UnaryOp.INVERT]: 5, [UnaryOp.NOT]: 6 },
  binary: Object.fromEntries(BINARY_1_9_ORDER.map((op, i) => [op, i]).filter(([op]) => op !== -1)),
});
