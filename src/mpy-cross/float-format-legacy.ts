// repr() of floats as MicroPython 1.20 - 1.25 printed them (and so as their mpy-cross stored float
// constants): the 'g' format with 16 significant digits, computed digit by digit by repeated
// subtraction of powers of ten. That is not always the shortest or even the nearest decimal
// (6.02e23 prints as 6.019999999999999e+23), so it is reproduced step by step here rather than
// derived from JavaScript's number formatting. Double precision only (mpy-cross uses doubles).

const PRECISION = 16;
const BUF_SIZE = 32;
const MIN_BUF_SIZE = 7; // room for "+9e+199"

/**
 * pow(10, n) as glibc computes it on the x86-64 hosts upstream's mpy-cross runs on: the nearest
 * double, except where 10^n lies exactly halfway between two doubles and glibc rounds up
 * (measured for every n from -330 to 310).
 */
const GLIBC_POW10_ROUNDS_UP = new Map<number, number>([
  [23, Number("1.0000000000000001e23")],
  [210, Number("1.0000000000000001e210")],
]);

function pow10(n: number): number {
  return GLIBC_POW10_ROUNDS_UP.get(n) ?? Number(`1e${n}`);
}

/** The unbiased binary exponent field of a double (subnormals report -1023). */
function binaryExponent(x: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return ((view.getUint16(0) >> 4) & 0x7ff) - 1023;
}

/**
 * How a release finds powers of ten while printing: the decimal exponent of f (for f < 1 also the mantissa
 * scaled into [1, 10), printed when the exponent form is chosen), the power of ten of each digit position,
 * and the test "f holds at least one more unit of that digit".
 */
interface PowerScheme {
  belowOne(f: number): { e: number; eSign: string; scaled: number };
  atLeastOne(f: number): number;
  unit(digitIndex: number): number;
  holds(f: number, unit: number): boolean;
}

/** 1.20 - 1.25: pow(10, n) from libm, starting from an exponent guessed from the binary one. */
const POW10_SCHEME: PowerScheme = {
  belowOne(f) {
    let e = -Math.trunc(binaryExponent(f) * 0.3010299956639812);
    let uBase = pow10(-e);
    while (uBase > f) {
      ++e;
      uBase = pow10(-e);
    }
    return { e, eSign: "-", scaled: f / uBase };
  },
  atLeastOne(f) {
    let e = Math.trunc(binaryExponent(f) * 0.3010299956639812);
    while (f >= pow10(e + 1)) ++e;
    return e;
  },
  unit: (digitIndex) => pow10(digitIndex),
  holds: (f, unit) => f >= unit,
};

/** mp_format_float(f, buf, 32, 'g', 16, sign) of those releases (see the scheme for what differs). */
export function legacyFormatG(value: number, sign = "", scheme: PowerScheme = POW10_SCHEME): string {
  let f = Math.abs(value);
  const out = signPrefix(value, sign);
  const bufRemaining = BUF_SIZE - 1 - out.length;
  if (!Number.isFinite(f)) return out.join("") + (Number.isNaN(f) ? "nan" : "inf");

  let prec = PRECISION;
  let fmt = "g";
  let e: number;
  let dec = 0;
  let eSign = "";
  let numDigits = 0;
  let signedE = 0;

  if (f === 0) {
    e = 0;
    if (prec + 6 > bufRemaining) prec = bufRemaining - 6;
  } else if (f < 1) {
    const below = scheme.belowOne(f);
    e = below.e;
    if (e <= 4) {
      fmt = "f";
      dec = 0;
      prec += e - 1;
      if (prec + 2 > bufRemaining) prec = bufRemaining - 2;
      numDigits = prec;
      signedE = 0;
      ++numDigits;
    } else {
      f = below.scaled;
      eSign = below.eSign;
      dec = 0;
      if (prec > bufRemaining - MIN_BUF_SIZE) prec = bufRemaining - MIN_BUF_SIZE + 1;
      signedE = -e;
    }
  } else {
    e = scheme.atLeastOne(f);
    if (prec + (MIN_BUF_SIZE - 1) > bufRemaining) prec = bufRemaining - (MIN_BUF_SIZE - 1);
    if (e < prec) {
      fmt = "f";
      prec -= e + 1;
    }
    if (fmt === "f") {
      dec = e;
      numDigits = prec + e + 1;
    } else {
      eSign = "+";
    }
    signedE = e;
  }
  if (prec < 0) prec = 0;
  if (fmt === "g") {
    if (prec === 0) prec = 1;
    numDigits = prec;
  }

  const digits: string[] = [...out];
  let d = 0;
  for (let digitIndex = signedE; numDigits >= 0; --digitIndex) {
    const uBase = digitIndex > 0 ? scheme.unit(digitIndex) : 1.0;
    for (d = 0; d < 9; ++d) {
      if (!scheme.holds(f, uBase)) break;
      f -= uBase;
    }
    if (numDigits > 0) {
      digits.push(String.fromCharCode(48 + d));
      if (dec === 0 && prec > 0) digits.push(".");
    }
    --dec;
    --numDigits;
    if (digitIndex <= 0) f *= 10.0;
  }

  if (d >= 5) ({ e, eSign } = roundUpLastDigit(digits, fmt, e, eSign, BUF_SIZE));

  return finishText(digits, prec, e, eSign);
}

/** The leading sign: "-" for negatives and -0 (never NaN), else the requested sign, if any. */
function signPrefix(value: number, sign: string): string[] {
  if ((value < 0 || Object.is(value, -0)) && !Number.isNaN(value)) return ["-"];
  return sign ? [sign] : [];
}

/** Joins the digits; 'g' drops trailing fraction zeros (and a bare point), then appends the exponent. */
function finishText(chars: string[], prec: number, e: number, eSign: string): string {
  let text = chars.join("");
  if (prec > 0) {
    text = text.replace(/0+$/, "");
    if (text.endsWith(".")) text = text.slice(0, -1);
  }
  if (eSign) {
    text += "e" + eSign;
    if (e >= 100) text += String(Math.floor(e / 100));
    text += String(Math.floor(e / 10) % 10) + String(e % 10);
  }
  return text;
}

/**
 * Round half up on the last digit, carrying leftwards over the decimal point. A carry out of the leading
 * digit either shifts the point (exponent formats, the exponent grows) or inserts a leading 1; the text
 * only grows while it stays under bufSize characters. Returns the possibly adjusted exponent.
 */
function roundUpLastDigit(
  digits: string[],
  fmt: string,
  e: number,
  eSign: string,
  bufSize: number,
): { e: number; eSign: string } {
  let rs = digits.length - 1;
  for (;;) {
    if (digits[rs] === ".") {
      rs--;
      continue;
    }
    if (digits[rs] < "0" || digits[rs] > "9") {
      rs++;
      break;
    }
    if (digits[rs] < "9") {
      digits[rs] = String.fromCharCode(digits[rs].charCodeAt(0) + 1);
      break;
    }
    digits[rs] = "0";
    if (rs === 0) break;
    rs--;
  }
  if (digits[rs] === "0") {
    if (digits[rs + 1] === "." && fmt !== "f") {
      // 9.99 rounds to 10.0: shift the point and bump the exponent
      digits[rs] = ".";
      digits[rs + 1] = "0";
      if (eSign === "-") {
        e--;
        if (e === 0) eSign = "+";
      } else {
        e++;
      }
      digits.splice(rs, 0, "1");
      digits.pop();
    } else {
      const grows = digits.length + 1 < bufSize;
      digits.splice(rs, 0, "1");
      if (!grows) digits.pop();
    }
  }
  return { e, eSign };
}

/** repr() of a float in those releases: always shows a decimal point (or exponent, inf, nan). */
export function legacyFloatRepr(x: number): string {
  const s = legacyFormatG(x);
  return /[.en]/.test(s) ? s : s + ".0";
}

export function legacyComplexRepr(real: number, imag: number): string {
  if (real === 0) return `${legacyFormatG(imag)}j`;
  const im = legacyFormatG(imag);
  return `(${legacyFormatG(real)}${imag >= 0 || Number.isNaN(imag) ? "+" : ""}${im}j)`;
}

// ---- MicroPython 1.19 and earlier: scaling by a table of powers of ten ----

const POS_POW = [1e256, 1e128, 1e64, 1e32, 1e16, 1e8, 1e4, 1e2, 1e1];
const NEG_POW = [1e-256, 1e-128, 1e-64, 1e-32, 1e-16, 1e-8, 1e-4, 1e-2, 1e-1];
const ROUND_TO_ONE = 0.999999999995;
const DEC_EXP = 256;

/** mp_format_float(f, buf, 32, 'g', 16, sign) of 1.19 and earlier (mantissa scaled into [1, 10) first). */
export function legacyFormatG119(value: number, sign = ""): string {
  let f = Math.abs(value);
  const s = signPrefix(value, sign);
  const bufRemaining = BUF_SIZE - 1 - s.length;
  if (!Number.isFinite(f)) return s.join("") + (Number.isNaN(f) ? "nan" : "inf");

  let prec = PRECISION;
  let fmt = "g";
  let e = 0;
  let dec = 0;
  let eSign = "";
  let numDigits = 0;

  if (f === 0) {
    e = 0;
    if (prec + 6 > bufRemaining) prec = bufRemaining - 6;
  } else if (f < 1) {
    const firstDig = f >= ROUND_TO_ONE ? "1" : "0";
    e = 0;
    for (let i = 0, e1 = DEC_EXP; e1; e1 >>= 1, i++) {
      if (NEG_POW[i] > f) {
        e += e1;
        f *= POS_POW[i];
      }
    }
    let eSignChar = "-";
    if (f < 1 && f >= ROUND_TO_ONE) {
      f = 1.0;
      if (e === 0) eSignChar = "+";
    } else if (f < 1) {
      e++;
      f *= 10.0;
    }
    if (e <= 4) {
      fmt = "f";
      dec = -1;
      s.push(firstDig);
      prec += e - 1;
      if (prec + 2 > bufRemaining) prec = bufRemaining - 2;
      numDigits = prec;
      if (numDigits) {
        s.push(".");
        while (--e && numDigits) {
          s.push("0");
          numDigits--;
        }
      }
    } else {
      eSign = eSignChar;
      dec = 0;
      if (prec > bufRemaining - MIN_BUF_SIZE) prec = bufRemaining - MIN_BUF_SIZE + 1;
    }
  } else {
    e = 0;
    for (let i = 0, e1 = DEC_EXP; e1; e1 >>= 1, i++) {
      if (POS_POW[i] <= f) {
        e += e1;
        f *= NEG_POW[i];
      }
    }
    if (Math.trunc(f) >= 10) {
      e += 1;
      f *= 0.1;
    }
    if (prec + (MIN_BUF_SIZE - 1) > bufRemaining) prec = bufRemaining - (MIN_BUF_SIZE - 1);
    if (e < prec) {
      fmt = "f";
      prec -= e + 1;
    }
    if (fmt === "f") {
      dec = e;
      numDigits = prec + e + 1;
    } else {
      eSign = "+";
    }
  }
  if (prec < 0) prec = 0;
  if (fmt === "g") {
    if (prec === 0) prec = 1;
    numDigits = prec;
  }

  for (let i = 0; i < numDigits; ++i, --dec) {
    const d = Math.trunc(f) | 0;
    s.push(d < 0 ? "0" : String.fromCharCode(48 + d));
    if (dec === 0 && prec > 0) s.push(".");
    f -= d;
    f *= 10.0;
  }

  // 1.19 has no buffer cap here: a carry out of the leading digit always lengthens the text
  if (f >= 5.0) ({ e, eSign } = roundUpLastDigit(s, fmt, e, eSign, Infinity));

  return finishText(s, prec, e, eSign);
}

export function legacyFloatRepr119(x: number): string {
  const s = legacyFormatG119(x);
  return /[.en]/.test(s) ? s : s + ".0";
}

export function legacyComplexRepr119(real: number, imag: number): string {
  if (real === 0) return `${legacyFormatG119(imag)}j`;
  return `(${legacyFormatG119(real)}${imag >= 0 || Number.isNaN(imag) ? "+" : ""}${legacyFormatG119(imag)}j)`;
}

// ---- Between 1.19 and 1.20 (CircuitPython 8.x): the table builds each digit's power of ten ----

/** y backed off by two units in the last place: "x >= y" that forgives y's own rounding. */
function holdsWithin2Ulp(x: number, y: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, y);
  view.setBigUint64(0, view.getBigUint64(0) - 2n);
  return x >= view.getFloat64(0);
}

/** 10^n (0 <= n < 512) as the product of the table entries for n's bits, largest first. */
function tablePower(n: number): number {
  let u = 1.0;
  for (let i = 0, m = DEC_EXP; m; m >>= 1, i++) if (m & n) u *= POS_POW[i];
  return u;
}

/** f itself is never scaled on the way to its exponent, so whole numbers keep all their digits. */
const TABLE_EXACT_SCHEME: PowerScheme = {
  belowOne(f) {
    let e = 0;
    let fMod = f;
    for (let i = 0, e1 = DEC_EXP; e1; e1 >>= 1, i++) {
      if (NEG_POW[i] > fMod) {
        e += e1;
        fMod *= POS_POW[i];
      }
    }
    let eSign = "-";
    if (fMod < 1 && fMod >= ROUND_TO_ONE) {
      if (e === 0) eSign = "+";
    } else if (fMod < 1) {
      e++;
    }
    return { e, eSign, scaled: f * tablePower(e) };
  },
  atLeastOne(f) {
    let e = 0;
    let u = 1.0;
    for (let i = 0, e1 = DEC_EXP; e1; e1 >>= 1, i++) {
      const next = u * POS_POW[i];
      if (holdsWithin2Ulp(f, next)) {
        u = next;
        e += e1;
      }
    }
    return e;
  },
  unit: tablePower,
  holds: holdsWithin2Ulp,
};

export function tableExactFloatRepr(x: number): string {
  const s = legacyFormatG(x, "", TABLE_EXACT_SCHEME);
  return /[.en]/.test(s) ? s : s + ".0";
}

export function tableExactComplexRepr(real: number, imag: number): string {
  const g = (v: number) => legacyFormatG(v, "", TABLE_EXACT_SCHEME);
  if (real === 0) return `${g(imag)}j`;
  return `(${g(real)}${imag >= 0 || Number.isNaN(imag) ? "+" : ""}${g(imag)}j)`;
}
