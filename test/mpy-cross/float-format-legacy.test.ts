// The 16-digit float repr of MicroPython 1.20-1.25 and its predecessor of 1.19 and earlier: every
// float constant that upstream mpy-cross 1.18 wrote into the v5 reference files must be reproduced
// exactly from its own value, and so must constants that 1.19-1.22 wrote (one not the shortest form).
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { readMpy, type RawCode, type MpyConst } from "../../src/mpy-cross/mpy-reader.js";
import { legacyComplexRepr, legacyFloatRepr, legacyFloatRepr119 } from "../../src/mpy-cross/float-format-legacy.js";

const v5Dir = path.join(path.dirname(new URL(import.meta.url).pathname), "reference", "v5");

function floatTexts(rc: RawCode, out: string[]): string[] {
  for (const c of rc.constants ?? []) if ((c as MpyConst).type === "float") out.push((c as { text: string }).text);
  for (const child of rc.children) floatTexts(child, out);
  return out;
}

describe("legacy float repr", () => {
  const texts = readdirSync(v5Dir)
    .filter((f) => f.endsWith(".default.mpy"))
    .flatMap((f) => floatTexts(readMpy(readFileSync(path.join(v5Dir, f))).root, []));

  it("reproduces every float constant of the upstream 1.18 references", () => {
    expect(texts.length).toBeGreaterThan(10);
    for (const t of texts) expect(legacyFloatRepr119(parseFloat(t))).toBe(t);
  });

  it("keeps the old non-shortest digits and layout", () => {
    // constants as upstream mpy-cross 1.19-1.22 wrote them (their .mpy v6 files of the shared corpus)
    for (const t of ["6.019999999999999e+23", "1e+16", "1e-07", "25000000000.0", "0.001"]) {
      expect(legacyFloatRepr(parseFloat(t))).toBe(t);
    }
    expect(legacyComplexRepr(0, 2.5)).toBe("2.5j");
    expect(legacyComplexRepr(0, 2000)).toBe("2000j");
    // the same double as 1.19 printed it (scaled by its table of powers of ten) and as 1.20-1.22 did
    expect(legacyFloatRepr119(41.3125)).toBe("41.31250000000001");
    expect(legacyFloatRepr(41.3125)).toBe("41.3125");
  });
});
