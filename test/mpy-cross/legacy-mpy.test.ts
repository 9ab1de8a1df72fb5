// Pre-1.12 .mpy (4 = MicroPython 1.11, 3 = 1.10) against the shared corpus's goldens, made with those
// releases' own mpy-cross. Every case listed in PASSING must be byte-identical; the list only grows as
// the emitter learns each release's differences (the runner, ../shared/conformance/run.mjs, shows the rest).
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy, CompileError } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const conformance = sharedPath("conformance", "the pre-1.12 .mpy conformance cases");
const OPTION_SETS: Record<string, { optimize?: number; sourceName?: string }> = {
  default: {}, O1: { optimize: 1 }, O3: { optimize: 3 }, s: { sourceName: "renamed.py" },
};

/** Cases known to match, per .mpy version: "stem.opt". */
const PASSING: Record<string, readonly string[]> = {
  "4": [
    "03_str_bytes_literals.default", "25_exceptions.default", "30_asserts.default", "38_long_function.default", "43_empty.default", "p03_operators.default", "p08_classes.default", "p10_with.default", "p11_loops.default", "p12_unpacking.default", "p16_asserts.default", "p17_empty.default", "p18_comments_only.default", "p19_docstring_only.default", "p20_crlf.default", "p21_tabs.default", "p22_unicode_names.default", "p23_long_function.default", "p24_many_locals.default", "p25_deep_nesting.default", "p26_globals_module.default", "p30_builtin_types.default",
  ],
  "3": [],
};

function compileCase(version: string, stem: string, opt: string): Uint8Array | CompileError {
  const src = fs.readFileSync(path.join(conformance!, "corpus", `${stem}.py`));
  try {
    return compileToMpy(src, { filename: `${stem}.py`, mpyVersion: version, ...OPTION_SETS[opt] });
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
}

describe.runIf(conformance !== null)("pre-1.12 .mpy equals upstream mpy-cross 1.11 / 1.10", () => {
  for (const [version, cases] of Object.entries(PASSING)) {
    for (const c of cases) {
      const [stem, opt] = c.split(".");
      it(`${version}/${c}`, () => {
        const want = fs.readFileSync(path.join(conformance!, "golden", version, `${stem}.${opt}.mpy`));
        const got = compileCase(version, stem!, opt!);
        expect(got).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(got as Uint8Array).equals(want), `${version}/${c} differs`).toBe(true);
      });
    }
    it(`${version}: files the reference rejects are rejected`, () => {
      const failed = fs.readFileSync(path.join(conformance!, "golden", version, "FAILED.txt"), "utf8");
      for (const line of failed.split("\n").filter(Boolean)) {
        const stem = line.split(":")[0]!.replace(/\.py$/, "");
        expect(compileCase(version, stem, "default"), stem).toBeInstanceOf(CompileError);
      }
    });
  }
});
