// Float constants as older mpy-cross releases printed them into .mpy files. Expected texts are what
// upstream mpy-cross 1.19.1 and 1.22.2 wrote for `a = 6.02e23`, `c = 41.3125`, `d = 65.5`, `e = 2.5j`
// (neither is the shortest repr in every case, which is the point).
import { describe, expect, it } from "vitest";
import {
  legacyComplexRepr, legacyComplexRepr119, legacyFloatRepr, legacyFloatRepr119,
} from "../../src/mpy-cross/float-format-legacy.js";

describe("legacy float repr", () => {
  it("1.20-1.25: 16 digits by pow(10, n), with glibc's rounding of 10^23", () => {
    expect(legacyFloatRepr(6.02e23)).toBe("6.019999999999999e+23");
    expect(legacyFloatRepr(41.3125)).toBe("41.3125");
    expect(legacyFloatRepr(65.5)).toBe("65.5");
    expect(legacyComplexRepr(0, 2.5)).toBe("2.5j");
  });

  it("1.19 and earlier: 16 digits after scaling by a table of powers of ten", () => {
    expect(legacyFloatRepr119(6.02e23)).toBe("6.02e+23");
    expect(legacyFloatRepr119(41.3125)).toBe("41.31250000000001");
    expect(legacyFloatRepr119(65.5)).toBe("65.50000000000001");
    expect(legacyComplexRepr119(0, 2.5)).toBe("2.5j");
  });
});
