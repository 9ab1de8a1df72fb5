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

/**
 * A module's constant-object table with upstream's sharing rule: a constant strictly equal to one
 * already there gets that one's slot. Why maps: the emitter asks once per LOAD_CONST_OBJ in every
 * pass, and comparing with every entry made a module with many constants pay for the square of their
 * number. str, int, float and complex constants are found by value; the others (tuples, bytes, None,
 * bools, NaN) by the object itself when it comes again (each pass hands the same parse-tree constant),
 * else by comparing with the entries of the same kind and length only.
 */
export class ConstTable {
  readonly items: ConstObj[] = [];
  private readonly strs = new Map<string, number>();
  private readonly ints = new Map<bigint, number>();
  /** Floats by value; a map takes 0.0 and -0.0 as one key, so a distinct -0.0 has a slot of its own. */
  private readonly floats = new Map<number, number>();
  private negativeZero = -1;
  private readonly imags = new Map<number, number>();
  private readonly byObject = new Map<ConstObj, number>();
  /** Slots of the other constants, by kind and length (otherKey). */
  private readonly others = new Map<number, number[]>();

  constructor(private readonly signedZeroDistinct = true) {}

  /** The slot of `obj`, added at the end when no equal constant is in the table yet. */
  use(obj: ConstObj): number {
    switch (obj.type) {
      case "str": return this.byValue(this.strs, obj.value, obj);
      case "int": return this.byValue(this.ints, obj.value, obj);
      case "float":
        // NaN equals nothing (not even itself, unless it is the same object): compared below
        if (obj.value !== obj.value) break;
        if (obj.value === 0 && this.signedZeroDistinct && Object.is(obj.value, -0)) {
          if (this.negativeZero < 0) this.negativeZero = this.add(obj);
          return this.negativeZero;
        }
        return this.byValue(this.floats, obj.value, obj);
      case "complex":
        if (obj.imag !== obj.imag) break;
        return this.byValue(this.imags, obj.imag, obj);
    }
    let i = this.byObject.get(obj);
    if (i !== undefined) return i;
    const key = otherKey(obj);
    let slots = this.others.get(key);
    if (!slots) this.others.set(key, (slots = []));
    i = slots.find((j) => strictlyEqual(this.items[j], obj, this.signedZeroDistinct));
    if (i === undefined) {
      i = this.add(obj);
      slots.push(i);
    }
    this.byObject.set(obj, i);
    return i;
  }

  private byValue<K>(map: Map<K, number>, key: K, obj: ConstObj): number {
    let i = map.get(key);
    if (i === undefined) {
      i = this.add(obj);
      map.set(key, i);
    }
    return i;
  }

  private add(obj: ConstObj): number {
    this.items.push(obj);
    return this.items.length - 1;
  }
}

/** Strictly equal constants have the same kind and length: a number that tells most unequal ones apart. */
function otherKey(obj: ConstObj): number {
  switch (obj.type) {
    case "tuple": return obj.items.length * 8;
    case "bytes": return obj.value.length * 8 + 1;
    case "none": return 2;
    case "bool": return obj.value ? 3 : 4;
    case "ellipsis": return 5;
    case "funtable": return 6;
    default: return 7;
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
