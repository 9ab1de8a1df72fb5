// The long-double constants extended-float.ts writes as literals, against what its own conversion makes
// of the same integers (and 1/2 against 1 halved).
import { describe, expect, it } from "vitest";
import { EXT_HALF, EXT_ONE, EXT_TEN, extDiv, extFromInt } from "../../src/mpy-cross/extended-float.js";

describe("extended-float constants", () => {
  it("are what extFromInt makes of 1 and 10", () => {
    expect(EXT_ONE).toEqual(extFromInt(1n));
    expect(EXT_TEN).toEqual(extFromInt(10n));
    expect(EXT_HALF).toEqual(extDiv(EXT_ONE, extFromInt(2n)));
  });
});
