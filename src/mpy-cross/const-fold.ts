// The arithmetic the parser does at compile time (MICROPY_COMP_CONST_FOLDING with float folding), with
// the runtime semantics of mpy-cross's own VM on a 64-bit host: Python integer semantics, floats as
// C doubles, and "no fold" wherever the VM would raise (division by zero, negative shift, bad types)
// or produce a complex number.
import type { ParseNode, PyConstant } from "./parse-tree.js";
import { Tok } from "./tokens.js";

/**
 * A folded number: an int (any size) or a double. `mpz` marks an int the VM holds as a big-int object
 * even though its value may be small: such a result stays a constant object rather than becoming a
 * small-int leaf.
 */
export type Num =
  | { readonly type: "int"; readonly value: bigint; readonly mpz?: boolean }
  | { readonly type: "float"; readonly value: number };

/** Fits the host VM's 63-bit small ints (values beyond are always big-int objects). */
export function fitsHostSmallInt(v: bigint): boolean {
  return v >= HOST_SMALL_MIN && v <= HOST_SMALL_MAX;
}

/** Binary operators in upstream's mp_binary_op_t terms that the parser folds. */
export type BinaryOp =
  | "or" | "xor" | "and" | "lshift" | "rshift" | "add" | "sub" | "mul" | "matmul" | "floordiv" | "truediv"
  | "mod" | "pow";

/** The operator a term/arith/shift operator token stands for. */
export function binaryOpForToken(tok: Tok): BinaryOp | null {
  switch (tok) {
    case Tok.OP_DBL_LESS: return "lshift";
    case Tok.OP_DBL_MORE: return "rshift";
    case Tok.OP_PLUS: return "add";
    case Tok.OP_MINUS: return "sub";
    case Tok.OP_STAR: return "mul";
    case Tok.OP_AT: return "matmul";
    case Tok.OP_DBL_SLASH: return "floordiv";
    case Tok.OP_SLASH: return "truediv";
    case Tok.OP_PERCENT: return "mod";
    case Tok.OP_DBL_STAR: return "pow";
    default: return null;
  }
}

// The host VM's small ints are 63-bit; beyond that ints are mpz with 32-bit digits.
const HOST_SMALL_MIN = -(1n << 62n);
const HOST_SMALL_MAX = (1n << 62n) - 1n;

/** int → double the way the VM converts: exact rounding for small ints, digit-wise for mpz. */
export function intToFloat(v: bigint): number {
  if (v >= HOST_SMALL_MIN && v <= HOST_SMALL_MAX) return Number(v);
  const neg = v < 0n;
  let mag = neg ? -v : v;
  const digits: number[] = [];
  while (mag > 0n) {
    digits.push(Number(mag & 0xffffffffn));
    mag >>= 32n;
  }
  let val = 0;
  for (let i = digits.length - 1; i >= 0; i--) val = val * 4294967296 + digits[i]!;
  return neg ? -val : val;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n) && ((a < 0n) !== (b < 0n)) ? q - 1n : q;
}

function floorMod(a: bigint, b: bigint): bigint {
  const r = a % b;
  return r !== 0n && ((r < 0n) !== (b < 0n)) ? r + b : r;
}

function copysignZero(sign: number): number {
  return sign < 0 || Object.is(sign, -0) ? -0 : 0;
}

/** C's fmod (JS % on numbers is exactly fmod). */
const fmod = (x: number, y: number): number => x % y;

function floatFloorDiv(x: number, y: number): number {
  let mod = fmod(x, y);
  let div = (x - mod) / y;
  if (mod === 0) {
    mod = copysignZero(y);
  } else if ((mod < 0) !== (y < 0)) {
    mod += y;
    div -= 1;
  }
  if (div === 0) return copysignZero(x / y);
  let floordiv = Math.floor(div);
  if (div - floordiv > 0.5) floordiv += 1;
  return floordiv;
}

function floatOp(op: BinaryOp, x: number, y: number): Num | null {
  let r: number;
  switch (op) {
    case "add": r = x + y; break;
    case "sub": r = x - y; break;
    case "mul": r = x * y; break;
    case "floordiv":
      if (y === 0) return null;
      r = floatFloorDiv(x, y);
      break;
    case "truediv":
      if (y === 0) return null;
      r = x / y;
      break;
    case "mod":
      if (y === 0) return null;
      r = fmod(x, y);
      if (r === 0) r = copysignZero(y);
      else if ((r < 0) !== (y < 0)) r += y;
      break;
    case "pow":
      if (x === 0 && y < 0 && Number.isFinite(y)) return null;
      // a negative base to a fractional power is complex: never folded
      if (x < 0 && y !== Math.floor(y) && !Number.isNaN(y)) return null;
      r = cPow(x, y);
      break;
    default:
      return null; // bitwise ops and @ are TypeErrors on floats
  }
  return { type: "float", value: r };
}

/** C99 pow differs from JS ** on a few special cases. */
function cPow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 1) return 1;
  if (x === -1 && !Number.isFinite(y)) return 1;
  return x ** y;
}

function intOp(op: BinaryOp, a: bigint, b: bigint): Num | null {
  switch (op) {
    case "or": return { type: "int", value: a | b };
    case "xor": return { type: "int", value: a ^ b };
    case "and": return { type: "int", value: a & b };
    case "lshift":
      if (b < 0n) return null;
      return { type: "int", value: a << b };
    case "rshift":
      if (b < 0n) return null;
      return { type: "int", value: a >> b };
    case "add": return { type: "int", value: a + b };
    case "sub": return { type: "int", value: a - b };
    case "mul": return { type: "int", value: a * b };
    case "floordiv":
      if (b === 0n) return null;
      return { type: "int", value: floorDiv(a, b) };
    case "mod":
      if (b === 0n) return null;
      return { type: "int", value: floorMod(a, b) };
    case "truediv":
      if (b === 0n) return null;
      return { type: "float", value: intToFloat(a) / intToFloat(b) };
    case "pow":
      if (b < 0n) return floatOp("pow", intToFloat(a), intToFloat(b));
      return { type: "int", value: a ** b };
    default:
      return null; // @ on ints
  }
}

/**
 * lhs op rhs, or null where upstream's fold gives up (an exception, a complex result). Since 1.24 the VM
 * turns big-int results that fit back into small ints (`normalise`); before, any big-int operand made
 * a big-int result.
 */
export function foldBinary(op: BinaryOp, lhs: Num, rhs: Num, normalise = true): Num | null {
  try {
    if (lhs.type === "int" && rhs.type === "int") {
      const r = intOp(op, lhs.value, rhs.value);
      if (r === null || r.type === "float") return r;
      // (the VM also moves `0 << n` to a big int once n reaches the machine word's 64 bits)
      const mpz = !fitsHostSmallInt(r.value) ||
        (!normalise && (lhs.mpz === true || rhs.mpz === true || (op === "lshift" && rhs.value >= 64n)));
      return mpz ? { type: "int", value: r.value, mpz } : r;
    }
    const x = lhs.type === "int" ? intToFloat(lhs.value) : lhs.value;
    const y = rhs.type === "int" ? intToFloat(rhs.value) : rhs.value;
    return floatOp(op, x, y);
  } catch {
    // BigInt beyond the engine's size limit: upstream would run out of memory and not fold either
    return null;
  }
}

/** +x, -x, ~x (the parser has already refused ~ on floats). */
export function foldUnary(tok: Tok, v: Num): Num {
  if (v.type === "float") return tok === Tok.OP_MINUS ? { type: "float", value: -v.value } : v;
  let value = v.value;
  if (tok === Tok.OP_MINUS) value = -value;
  else if (tok === Tok.OP_TILDE) value = ~value;
  else return v;
  // a big int stays one, whatever its new value
  const mpz = v.mpz === true || !fitsHostSmallInt(value);
  return mpz ? { type: "int", value, mpz } : { type: "int", value };
}

/** mp_obj_is_true for the constants a parse tree can hold. */
export function constantIsTrue(c: PyConstant): boolean {
  switch (c.type) {
    case "int": return c.value !== 0n;
    case "float": return c.value !== 0; // NaN is true, as in C
    case "complex": return c.imag !== 0;
    case "str": return c.value.length > 0;
    case "bytes": return c.value.length > 0;
    case "none": return false;
    case "bool": return c.value;
    case "ellipsis": return true;
    case "tuple": return c.items.length > 0;
  }
}

/** mp_parse_node_is_const: a node that stands for a constant object. */
export function isConstNode(pn: ParseNode): boolean {
  if (pn === null) return false;
  switch (pn.kind) {
    case "smallint":
    case "string":
    case "const":
      return true;
    case "token":
      return pn.tok === Tok.KW_NONE || pn.tok === Tok.KW_FALSE || pn.tok === Tok.KW_TRUE || pn.tok === Tok.ELLIPSIS;
    case "struct":
      return pn.rule === "atom_paren" && pn.nodes[0] === null;
    default:
      return false;
  }
}

/** mp_parse_node_convert_to_obj, for a node isConstNode accepted. */
export function constNodeValue(pn: ParseNode): PyConstant {
  if (pn === null) throw new Error("constNodeValue: null node");
  switch (pn.kind) {
    case "smallint": return { type: "int", value: BigInt(pn.value) };
    case "string": return { type: "str", value: pn.value, qstr: true };
    case "const": return pn.value;
    case "token":
      if (pn.tok === Tok.KW_NONE) return { type: "none" };
      if (pn.tok === Tok.KW_FALSE) return { type: "bool", value: false };
      if (pn.tok === Tok.KW_TRUE) return { type: "bool", value: true };
      return { type: "ellipsis" };
    default:
      return { type: "tuple", items: [] }; // atom_paren of nothing: ()
  }
}

/**
 * A node whose constant truth value is `value` (mp_parse_node_is_const_true/false). Before 1.20 only
 * True/False and small ints counted (`anyObject` false).
 */
export function isConstBool(pn: ParseNode, value: boolean, anyObject = true): boolean {
  if (!anyObject) {
    if (pn === null) return false;
    if (pn.kind === "token") return pn.tok === (value ? Tok.KW_TRUE : Tok.KW_FALSE);
    return pn.kind === "smallint" && (pn.value !== 0) === value;
  }
  return isConstNode(pn) && constantIsTrue(constNodeValue(pn)) === value;
}

/** mp_parse_node_get_number_maybe: the int or float a node holds, if any. */
export function nodeNumber(pn: ParseNode): Num | null {
  if (pn === null) return null;
  if (pn.kind === "smallint") return { type: "int", value: BigInt(pn.value) };
  if (pn.kind === "const" && (pn.value.type === "int" || pn.value.type === "float")) return pn.value;
  return null;
}

// One object per constant, as upstream's math module hands out its own float objects: two uses of
// `math.nan` are then the same constant in the .mpy (pointer-equal), although nan != nan.
const MATH_CONSTANTS: ReadonlyMap<string, Num> = new Map<string, Num>([
  ["e", { type: "float", value: Math.E }],
  ["pi", { type: "float", value: Math.PI }],
  ["tau", { type: "float", value: 2 * Math.PI }],
  ["inf", { type: "float", value: Infinity }],
  ["nan", { type: "float", value: NaN }],
]);

/** Constants of the modules the parser may read attributes of (`math.pi`): only math's floats. */
export function moduleConstant(module: string, attr: string): Num | null {
  if (module !== "math") return null;
  return MATH_CONSTANTS.get(attr) ?? null;
}
