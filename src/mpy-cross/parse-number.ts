// Number literals → values, as upstream's py/parsenum.c reads them inside mpy-cross on x86-64.
// Integers are exact (BigInt). Floats are not simply correctly rounded: upstream gathers up to ~19
// significant digits into a 64-bit mantissa, scales it by 10^exp in 80-bit long double arithmetic
// (binary powering), then rounds to double. A float literal's bits end up in the .mpy (via its repr),
// so that arithmetic is reproduced here with a small exact model of the x87 extended format.
import type { PyConstant } from "./parse-tree.js";
import { extDecimalExp, extFromInt, extToDouble } from "./extended-float.js";

/** A literal upstream rejects; the parser reports `message` as a SyntaxError on the token's line. */
export class NumberSyntaxError extends Error {}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/**
 * Integer literal text from the lexer (digits, letters, no underscores left) → value. Before 1.25 a
 * leading zero simply meant decimal (`rejectLeadingZeros` false).
 */
export function parseIntegerLiteral(text: string, rejectLeadingZeros = true): bigint {
  let i = 0;
  const n = text.length;
  // (upstream also skips spaces and a sign here; the lexer never produces them)
  let base = 0;
  let start = i;
  if (n - i > 1 && text.charCodeAt(i) === 0x30) {
    const p = text.charCodeAt(i + 1) | 0x20;
    if (p === 0x78) base = 16;
    else if (p === 0x6f) base = 8;
    else if (p === 0x62) base = 2;
    if (base !== 0) {
      i += 2;
      start = i;
    } else {
      // a leading 0 without a prefix: only zeros are allowed (reported as base 0)
      base = rejectLeadingZeros ? 1 : 10;
    }
  } else {
    base = 10;
  }
  let value = 0n;
  const big = BigInt(base === 1 ? 10 : base);
  let j = i;
  for (; j < n; j++) {
    let d = text.charCodeAt(j);
    if (d >= 0x30 && d <= 0x39) d -= 0x30;
    else if (d === 0x5f) continue;
    else {
      d |= 0x20;
      if (d >= 0x61 && d <= 0x7a) d -= 0x61 - 10;
      else break;
    }
    if (d >= base) break;
    value = value * big + BigInt(d);
  }
  if (j === start || j !== n) {
    throw new NumberSyntaxError(`invalid syntax for integer with base ${base === 1 ? 0 : base}: '${text.slice(start)}'`);
  }
  return value;
}

// --- float literals ------------------------------------------------------------------------------

const MANTISSA_MAX = 0x1999999999999998n;
const INT_MAX = 2147483647;

/** mantissa × 10^decExp as upstream computes it (MICROPY_FLOAT_FORMAT_IMPL_EXACT), rounded to a double. */
function decimalExp(mantissa: bigint, decExp: number): number {
  return extToDouble(extDecimalExp(extFromInt(mantissa), decExp));
}

/**
 * Where scanned digits go: `full` says the accumulator has stopped taking digits, `push` takes one
 * (where: 0 integer part, 1 fraction) and returns how it moves the decimal exponent.
 */
interface DigitAccumulator {
  full(): boolean;
  push(dig: number, where: number): number;
}

/**
 * Shared scan of digits, optional fraction and exponent. With deferZeros, zeros (and digits the
 * accumulator can no longer take) wait until a later nonzero digit, so trailing ones never reach it.
 * Returns the decimal exponent to apply and where parsing stopped.
 */
function scanDecimal(
  text: string,
  from: number,
  acc: DigitAccumulator,
  deferZeros: boolean,
): { exp: number; end: number } | null {
  const top = text.length;
  let i = from;
  let state = 0; // 0 integer part, 1 fraction, 2 exponent
  let expNeg = false;
  let expVal = 0;
  let expExtra = 0;
  let zerosInt = 0;
  let zerosFrac = 0;
  while (i < top) {
    const c = text.charCodeAt(i++);
    if (c >= 0x30 && c <= 0x39) {
      const dig = c - 0x30;
      if (state === 2) {
        if (expVal < Math.trunc((Math.trunc(INT_MAX / 2) - 9) / 10)) expVal = 10 * expVal + dig;
      } else if (deferZeros && (dig === 0 || acc.full())) {
        if (state === 0) zerosInt++;
        else zerosFrac++;
      } else {
        for (; zerosInt > 0; zerosInt--) expExtra += acc.push(0, 0);
        for (; zerosFrac > 0; zerosFrac--) expExtra += acc.push(0, 1);
        expExtra += acc.push(dig, state);
      }
    } else if (state === 0 && c === 0x2e) {
      state = 1;
    } else if (state !== 2 && (c | 0x20) === 0x65) {
      state = 2;
      if (i < top) {
        if (text.charCodeAt(i) === 0x2b) i++;
        else if (text.charCodeAt(i) === 0x2d) {
          i++;
          expNeg = true;
        }
      }
      if (i === top) return null;
    } else if (c === 0x5f) {
      continue;
    } else {
      i--;
      break;
    }
  }
  if (expNeg) expVal = -expVal;
  return { exp: expVal + expExtra + zerosInt, end: i };
}

/** Decimal digits with optional fraction and exponent; returns the value and where parsing stopped. */
function parseDecimal(text: string, from: number): { value: number; end: number } | null {
  let mantissa = 0n;
  const scanned = scanDecimal(
    text,
    from,
    {
      full: () => mantissa >= MANTISSA_MAX,
      push: (dig, where) => {
        if (mantissa < MANTISSA_MAX) {
          mantissa = mantissa * 10n + BigInt(dig);
          return where === 1 ? -1 : 0;
        }
        return where === 0 ? 1 : 0;
      },
    },
    true,
  );
  if (scanned === null) return null;
  return { value: decimalExp(mantissa, scanned.exp), end: scanned.end };
}

/**
 * 10^n as glibc's pow(10, n) gives it: exact up to 10^22, correctly rounded beyond except for two exact
 * ties that it rounds up (measured over n = -400..400).
 */
function pow10(n: number): number {
  if (n >= 0 && n <= 22) return 10 ** n;
  if (n === 23) return 1.0000000000000001e23;
  if (n === 210) return 1.0000000000000001e210;
  return Number(`1e${n}`);
}

/**
 * 1.20-1.25: digits accumulate in a double (10·v + d, rounded each step, up to 1e200), then one
 * multiplication or division by a power of ten; exponents below -307 are pre-scaled by 1e-307.
 */
function parseDecimalDouble(text: string, from: number, deferZeros: boolean): { value: number; end: number } | null {
  let value = 0;
  const scanned = scanDecimal(
    text,
    from,
    {
      full: () => value >= 1e200,
      push: (dig, where) => {
        if (value < 1e200) {
          value = 10 * value + dig;
          return where === 1 ? -1 : 0;
        }
        return where === 0 ? 1 : 0;
      },
    },
    deferZeros,
  );
  if (scanned === null) return null;
  let expVal = scanned.exp;
  if (expVal < -307) {
    expVal += 307;
    value *= 1e-307;
  }
  if (expVal < 0 && expVal >= -22) value /= pow10(-expVal);
  else value *= pow10(expVal);
  return { value, end: scanned.end };
}

/**
 * CircuitPython 3.x (MicroPython 1.9.4's reader): integer digits accumulate as 10·v + d, each fraction
 * digit adds d times a multiplier that starts at 0.1 and is multiplied by 0.1 per digit (both rounded
 * each step), then the value is multiplied by pow(10, exp). No `_` between digits.
 */
function parseDecimalFracMult(text: string, from: number): { value: number; end: number } | null {
  const top = text.length;
  let i = from;
  let value = 0;
  let fracMult = 0.1;
  let expVal = 0;
  let state = 0; // 0: integer part, 1: fraction, 2: exponent
  let expNeg = false;
  while (i < top) {
    const c = text.charCodeAt(i++);
    if (c >= 0x30 && c <= 0x39) {
      const dig = c - 0x30;
      if (state === 2) expVal = 10 * expVal + dig;
      else if (state === 1) {
        value += dig * fracMult;
        fracMult *= 0.1;
      } else value = 10 * value + dig;
    } else if (state === 0 && c === 0x2e) {
      state = 1;
    } else if (state !== 2 && (c | 0x20) === 0x65) {
      state = 2;
      if (i < top) {
        if (text.charCodeAt(i) === 0x2b) i++;
        else if (text.charCodeAt(i) === 0x2d) {
          i++;
          expNeg = true;
        }
      }
      if (i === top) return null;
    } else {
      i--;
      break;
    }
  }
  if (expNeg) expVal = -expVal;
  return { value: value * pow10(expVal), end: i };
}

/** Which release's float reading to reproduce. */
export type FloatLiteralMode = "extended" | "double" | "double-1.19" | "frac-mult";

/** FLOAT_OR_IMAG literal text → float or imaginary constant. */
export function parseFloatLiteral(text: string, mode: FloatLiteralMode = "extended"): PyConstant {
  const top = text.length;
  let i = 0;
  while (i < top && isSpace(text.charCodeAt(i))) i++;
  const start = i;
  const parsed = mode === "extended" ? parseDecimal(text, i)
    : mode === "frac-mult" ? parseDecimalFracMult(text, i)
    : parseDecimalDouble(text, i, mode === "double");
  if (parsed === null) throw new NumberSyntaxError("invalid syntax for number");
  let { value, end } = parsed;
  let imag = false;
  if (end < top && (text.charCodeAt(end) | 0x20) === 0x6a) {
    if (end === start) value = 1;
    end++;
    imag = true;
  }
  if (end === start) throw new NumberSyntaxError("invalid syntax for number");
  while (end < top && isSpace(text.charCodeAt(end))) end++;
  if (end !== top) throw new NumberSyntaxError("invalid syntax for number");
  return imag ? { type: "complex", imag: value } : { type: "float", value };
}

/** The double upstream 1.27's float reader gives for plain decimal text (no sign, no spaces). */
export function readDecimalFloat(text: string): number {
  const parsed = parseDecimal(text, 0);
  return parsed === null ? NaN : parsed.value;
}
