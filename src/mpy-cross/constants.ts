// Constant objects the bytecode refers to through LOAD_CONST_OBJ, with upstream's rules for
// sharing one table slot (strict equality: same type and value, 0.0 and -0.0 distinct) and the
// text form the .mpy stores for numbers (their Python repr).
import type { PyConstant } from "./parse-tree.js";

/** The native emitter's reference to mp_fun_table (the runtime's function table), a constant of its own kind. */
export interface FunTableConst { type: "funtable" }

export type ConstObj = PyConstant | FunTableConst;

export const FUN_TABLE: FunTableConst = { type: "funtable" };

export function strictlyEqual(a: ConstObj, b: ConstObj, signedZeroDistinct = true): boolean {
  if (a === b) return true;
  if (a.type !== b.type) return false;
  switch (a.type) {
    case "none":
    case "ellipsis":
    case "funtable":
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
    case "funtable": return true;
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
