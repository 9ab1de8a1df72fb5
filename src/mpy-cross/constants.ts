// Constant objects the bytecode refers to through LOAD_CONST_OBJ, with upstream's rules for
// sharing one table slot (strict equality: same type and value, 0.0 and -0.0 distinct) and the
// text form the .mpy stores for numbers (their Python repr).
import type { PyConstant } from "./parse-tree.js";

export type ConstObj = PyConstant;

export function strictlyEqual(a: ConstObj, b: ConstObj, signedZeroDistinct = true): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "none":
    case "ellipsis":
      return true;
    case "bool":
      return a.value === (b as typeof a).value;
    case "int":
      return a.value === (b as typeof a).value;
    case "float": {
      const bv = (b as typeof a).value;
      if (a.value === 0 && bv === 0) return !signedZeroDistinct || Object.is(a.value, bv);
      return a.value === bv;
    }
    case "complex": {
      const bc = b as typeof a;
      return a.imag === bc.imag;
    }
    case "str":
      return a.value === (b as typeof a).value;
    case "bytes": {
      const x = a.value, y = (b as typeof a).value;
      return x.length === y.length && x.every((v, i) => v === y[i]);
    }
    case "tuple": {
      const x = a.items, y = (b as typeof a).items;
      return x.length === y.length && x.every((v, i) => strictlyEqual(v, y[i], signedZeroDistinct));
    }
  }
}

/** Python truthiness of a constant (upstream folds `if <const>:` with it). */
export function constIsTrue(c: ConstObj): boolean {
  switch (c.type) {
    case "none": return false;
    case "ellipsis": return true;
    case "bool": return c.value;
    case "int": return c.value !== 0n;
    case "float": return c.value !== 0;
    case "complex": return c.imag !== 0;
    case "str": return c.value.length > 0;
    case "bytes": return c.value.length > 0;
    case "tuple": return c.items.length > 0;
  }
}

/** repr() of a float as MicroPython 1.27 prints it: shortest round-trip digits, Python's layout. */
export function floatRepr(x: number, alwaysDecimal = true): string {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return (Object.is(x, -0) ? "-0" : "0") + (alwaysDecimal ? ".0" : "");
  const sign = x < 0 ? "-" : "";
  const [mant, expStr] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expStr);
  let body: string;
  if (exp < -4 || exp >= 16) {
    body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body += `e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp < 0) {
    body = "0." + "0".repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    body = digits + "0".repeat(exp + 1 - digits.length) + (alwaysDecimal ? ".0" : "");
  } else {
    body = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }
  return sign + body;
}

export function complexRepr(real: number, imag: number): string {
  if (real !== 0) {
    const im = floatRepr(imag, false);
    const signed = im.startsWith("-") ? im : "+" + im;
    return `(${floatRepr(real, false)}${signed}j)`;
  }
  return `${floatRepr(imag, false)}j`;
}
