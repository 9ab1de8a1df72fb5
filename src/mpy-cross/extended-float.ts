// A small exact model of the x87 80-bit "long double" that upstream's mpy-cross uses on x86-64 when it
// reads float literals and prints float constants (MICROPY_FLOAT_FORMAT_IMPL_EXACT): 64-bit mantissa,
// every operation rounded to nearest-even. Values are non-negative; signs are handled by the callers.

/** A finite positive x87 extended value: mant (exactly 64 bits, top bit set) × 2^exp; or zero/inf. */
export interface Ext {
  readonly mant: bigint;
  readonly exp: number;
  readonly special?: "zero" | "inf";
}

const EXT_MIN_EXP = -16382 - 63; // exponent of the smallest normal's mantissa unit
const EXT_MAX_EXP = 16383 - 63;

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/** Rounds v × 2^exp (v > 0, any size, `sticky` = lost nonzero bits below) to 64 bits, nearest-even. */
function roundToExt(v: bigint, exp: number, sticky: boolean): Ext {
  const len = bitLength(v);
  if (len > 64) {
    const shift = len - 64;
    const kept = v >> BigInt(shift);
    const rem = v - (kept << BigInt(shift));
    const half = 1n << BigInt(shift - 1);
    let m = kept;
    if (rem > half || (rem === half && (sticky || (kept & 1n) === 1n))) m += 1n;
    exp += shift;
    if (m >> 64n) {
      m >>= 1n;
      exp += 1;
    }
    return finishExt(m, exp);
  }
  return finishExt(v << BigInt(64 - len), exp - (64 - len));
}

function finishExt(mant: bigint, exp: number): Ext {
  if (exp > EXT_MAX_EXP) return { mant: 0n, exp: 0, special: "inf" };
  // Denormal long doubles are far below double range; treating them as zero changes no double result.
  if (exp < EXT_MIN_EXP) return { mant: 0n, exp: 0, special: "zero" };
  return { mant, exp };
}

export function extFromInt(v: bigint): Ext {
  return v === 0n ? { mant: 0n, exp: 0, special: "zero" } : roundToExt(v, 0, false);
}

export function extMul(a: Ext, b: Ext): Ext {
  if (a.special === "zero" || b.special === "zero") return { mant: 0n, exp: 0, special: "zero" };
  if (a.special === "inf" || b.special === "inf") return { mant: 0n, exp: 0, special: "inf" };
  return roundToExt(a.mant * b.mant, a.exp + b.exp, false);
}

export function extDiv(a: Ext, b: Ext): Ext {
  if (a.special === "zero" || b.special === "inf") return { mant: 0n, exp: 0, special: "zero" };
  if (a.special === "inf") return { mant: 0n, exp: 0, special: "inf" };
  // 130 quotient bits are plenty for a correctly rounded 64-bit result with a sticky bit.
  const num = a.mant << 130n;
  const q = num / b.mant;
  const r = num - q * b.mant;
  return roundToExt(q, a.exp - b.exp - 130, r !== 0n);
}

/** Rounds an extended value to the nearest double (ties to even), with subnormals and overflow. */
export function extToDouble(x: Ext): number {
  if (x.special === "zero") return 0;
  if (x.special === "inf") return Infinity;
  // value = mant × 2^exp with mant in [2^63, 2^64): unbiased exponent e = exp + 63
  const e = x.exp + 63;
  let keepBits = 53;
  if (e < -1022) keepBits = 53 - (-1022 - e); // subnormal: fewer mantissa bits survive
  if (keepBits < 0) return 0; // below half the smallest subnormal
  const shift = BigInt(64 - keepBits);
  let m = x.mant >> shift;
  const rem = x.mant - (m << shift);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (m & 1n) === 1n)) m += 1n;
  const unitExp = x.exp + Number(shift);
  // m × 2^unitExp is exactly representable now (m ≤ 2^53); scale in two steps to avoid overflow.
  const value = Number(m) * 2 ** Math.trunc(unitExp / 2) * 2 ** (unitExp - Math.trunc(unitExp / 2));
  return value;
}

const ZERO: Ext = { mant: 0n, exp: 0, special: "zero" };

/** A finite non-negative double, exactly. */
export function extFromDouble(x: number): Ext {
  if (x === 0) return ZERO;
  if (x === Infinity) return { mant: 0n, exp: 0, special: "inf" };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const field = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & 0xfffffffffffffn;
  // subnormals have no hidden bit and the exponent of the smallest normal
  return field === 0 ? roundToExt(frac, -1074, false) : roundToExt(frac | (1n << 52n), field - 1075, false);
}

/** a + b for non-negative finite operands, rounded to the extended format. */
export function extAdd(a: Ext, b: Ext): Ext {
  if (a.special === "inf" || b.special === "inf") return { mant: 0n, exp: 0, special: "inf" };
  if (a.special === "zero") return b;
  if (b.special === "zero") return a;
  const low = Math.min(a.exp, b.exp);
  const sum = (a.mant << BigInt(a.exp - low)) + (b.mant << BigInt(b.exp - low));
  return roundToExt(sum, low, false);
}

/** The integer part (C's conversion to an unsigned integer type). */
export function extTrunc(x: Ext): bigint {
  if (x.special) return 0n;
  return x.exp >= 0 ? x.mant << BigInt(x.exp) : x.mant >> BigInt(-x.exp);
}

// As literals (what extFromInt gives, which test/mpy-cross/extended-float.test.ts checks): computing them
// ran cold BigInt arithmetic at every start.
export const EXT_ONE: Ext = { mant: 1n << 63n, exp: -63 };
export const EXT_HALF: Ext = { mant: 1n << 63n, exp: -64 };
export const EXT_TEN: Ext = { mant: 10n << 60n, exp: -60 };
const TEN = EXT_TEN;

/**
 * num × 10^decExp computed as upstream's mp_decimal_exp does with long doubles: 10 is squared
 * repeatedly and multiplied into (or divided out of) the result bit by bit, each step rounded.
 */
export function extDecimalExp(num: Ext, decExp: number): Ext {
  if (decExp === 0 || num.special === "zero") return num;
  const neg = decExp < 0;
  let n = neg ? -decExp : decExp;
  let res = num;
  let expo = TEN;
  while (n) {
    if (n & 1) res = neg ? extDiv(res, expo) : extMul(res, expo);
    n = Math.floor(n / 2);
    if (n) expo = extMul(expo, expo);
  }
  return res;
}
