// The module constant table shares a slot between strictly equal constants only (upstream's rule):
// same type and value, 0.0 and -0.0 apart where the release tells them apart, NaN never shared.
import { describe, expect, it } from "vitest";
import { ConstTable, type ConstObj, FUN_TABLE } from "../../src/mpy-cross/constants.js";

const str = (value: string): ConstObj => ({ type: "str", value });
const int = (value: bigint): ConstObj => ({ type: "int", value });
const float = (value: number): ConstObj => ({ type: "float", value });

describe("ConstTable", () => {
  it("gives equal constants one slot and keeps types apart", () => {
    const t = new ConstTable();
    expect(t.use(str("1"))).toBe(0);
    expect(t.use(int(1n))).toBe(1);
    expect(t.use(float(1))).toBe(2);
    expect(t.use({ type: "complex", imag: 1 })).toBe(3);
    expect(t.use({ type: "bool", value: true })).toBe(4);
    expect(t.use(str("1"))).toBe(0);
    expect(t.use(int(1n))).toBe(1);
    expect(t.use(float(1))).toBe(2);
    expect(t.use({ type: "complex", imag: 1 })).toBe(3);
    expect(t.use({ type: "bool", value: true })).toBe(4);
    expect(t.use({ type: "bool", value: false })).toBe(5);
    expect(t.use(FUN_TABLE)).toBe(6);
    expect(t.use({ type: "none" })).toBe(7);
    expect(t.use(FUN_TABLE)).toBe(6);
    expect(t.items.length).toBe(8);
  });

  it("compares tuples and bytes by their contents", () => {
    const t = new ConstTable();
    const tup = (...items: ConstObj[]): ConstObj => ({ type: "tuple", items: items as never });
    expect(t.use(tup(int(1n), str("a")))).toBe(0);
    expect(t.use(tup(int(1n), str("b")))).toBe(1);
    expect(t.use(tup(int(1n), str("a")))).toBe(0);
    expect(t.use({ type: "bytes", value: new Uint8Array([1, 2]) })).toBe(2);
    expect(t.use({ type: "bytes", value: new Uint8Array([1, 2]) })).toBe(2);
    expect(t.use({ type: "bytes", value: new Uint8Array([1]) })).toBe(3);
  });

  it("keeps -0.0 apart from 0.0 only when told to, and never shares NaN", () => {
    const distinct = new ConstTable(true);
    expect(distinct.use(float(0))).toBe(0);
    expect(distinct.use(float(-0))).toBe(1);
    expect(distinct.use(float(-0))).toBe(1);
    expect(distinct.use(float(0))).toBe(0);
    const same = new ConstTable(false);
    expect(same.use(float(-0))).toBe(0);
    expect(same.use(float(0))).toBe(0);
    const nan = float(NaN);
    expect(same.use(nan)).toBe(1);
    expect(same.use(float(NaN))).toBe(2);
    expect(same.use(nan)).toBe(1);
  });
});
