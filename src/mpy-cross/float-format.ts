// repr() of floats as MicroPython 1.27 prints them, and so as its mpy-cross stores float constants.
// It is not the shortest round-tripping text: upstream scales the value to 16 decimal digits in long
// double arithmetic, rounds, and only adds digits (up to 19) while the text does not read back as the
// same double. So 99.9 (really 99.9000000000000056...) prints as 99.90000000000001. The steps are
// reproduced here on the x87 model in extended-float.ts.
import { EXT_HALF, EXT_ONE, extAdd, extDecimalExp, extFromDouble, extToDouble, extTrunc } from "./extended-float.js";
import { readDecimalFloat } from "./parse-number.js";

const SAFE_DIGITS = 16;
const MAX_DIGITS = 19;
// repr keeps plain notation up to this decimal exponent
const MAX_EXP_ZEROS = 16;
// the marker upstream uses for "no decimal point among the digits"
const NO_DOT = 255;

function rawExponent(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return ((view.getUint16(0) >> 4) & 0x7ff) - 1023;
}

/** 10^n in long double, rounded to a double (upstream's bound for finding the decimal exponent). */
function powerOfTen(n: number): number {
  return extToDouble(extDecimalExp(EXT_ONE, n));
}

/** Decimal exponent of f > 0: the e with 10^e <= f < 10^(e+1), found the way upstream searches. */
function decimalExponent(f: number): number {
  let e = Math.trunc(rawExponent(f) * 0.3010299956639812);
  const above = f >= 1;
  while ((f >= powerOfTen(e + (above ? 1 : 0))) === above) e += above ? 1 : -1;
  return e;
}

/** Lays out `numDigits` digits of `mantissa` with decimal exponent `e` in %g style (no sign). */
function layOut(mantissa: bigint, numDigits: number, dec: number, e: number): string {
  let trailingZeros = 0;
  if (mantissa >= 10n ** BigInt(numDigits)) {
    // rounding carried into an extra digit
    mantissa /= 10n;
    e++;
  }
  let prefix = "";
  if (e !== 0) {
    if (e >= 0) {
      if (e < MAX_EXP_ZEROS) {
        dec += e;
        if (dec >= numDigits) trailingZeros = dec - (numDigits - 1);
        e = 0;
      }
    } else if (e >= -4) {
      let dropped = 0;
      while (e < 0 && mantissa % 10n === 0n) {
        mantissa /= 10n;
        dropped++;
        e++;
      }
      numDigits -= dropped;
      prefix = "0." + "0".repeat(Math.max(0, dropped - e - 1));
      dec = NO_DOT;
      e = 0;
    }
  }
  const digits = mantissa.toString().padStart(numDigits, "0").slice(-numDigits);
  let body: string;
  let dot = dec >= NO_DOT;
  if (dec + 1 < numDigits) {
    dot = true;
    body = digits.slice(0, dec + 1) + "." + digits.slice(dec + 1);
  } else {
    body = digits;
  }
  if (trailingZeros) {
    let untilDot = dec - (numDigits - 1);
    for (; trailingZeros > 0; trailingZeros--) {
      if (untilDot-- === 0) {
        body += ".";
        dot = true;
      }
      body += "0";
    }
  }
  let text = prefix + body;
  if (dot) {
    text = text.replace(/0+$/, "");
    if (text.endsWith(".")) text = text.slice(0, -1);
  }
  if (e !== 0) {
    const mag = Math.abs(e);
    text += (e >= 0 ? "e+" : "e-") + (mag >= 100 ? String(mag) : String(mag).padStart(2, "0"));
  }
  return text;
}

/** mp_format_float(|f|, 'g', repr precision) for a finite f >= 0. */
function formatMagnitude(f: number): string {
  const e = f === 0 ? 0 : decimalExponent(f);
  for (let numDigits = SAFE_DIGITS; ; numDigits++) {
    const decExp = f === 0 ? 0 : numDigits - e - 1;
    const scaled = extDecimalExp(extFromDouble(f), decExp);
    const mantissa = extTrunc(extAdd(scaled, EXT_HALF));
    const text = layOut(mantissa, numDigits, 0, e);
    if (numDigits >= MAX_DIGITS || readDecimalFloat(text) === f) return text;
  }
}

/** repr(float) of MicroPython 1.27; `alwaysDecimal` false for the parts of a complex repr. */
export function floatRepr127(x: number, alwaysDecimal = true, sign = ""): string {
  if (Number.isNaN(x)) return sign + "nan";
  const negative = x < 0 || Object.is(x, -0);
  const lead = negative ? "-" : sign;
  const f = Math.abs(x);
  if (f === Infinity) return lead + "inf";
  let text = formatMagnitude(f);
  if (alwaysDecimal && !text.includes(".") && !text.includes("e")) text += ".0";
  return lead + text;
}

/** repr(complex) of MicroPython 1.27 (real part shown only when nonzero). */
export function complexRepr127(real: number, imag: number): string {
  if (real !== 0) return `(${floatRepr127(real, false)}${floatRepr127(imag, false, "+")}j)`;
  return `${floatRepr127(imag, false)}j`;
}
