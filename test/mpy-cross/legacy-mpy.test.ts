// Pre-1.12 .mpy (4 = MicroPython 1.11, 3 = 1.10, cp3..cp6 = CircuitPython 3.1.2 ... 6.3.0) against the shared corpus's goldens, made with those
// releases' own mpy-cross: every golden, for every option set, must be byte-identical.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy, CompileError } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const conformance = sharedPath("conformance", "the pre-1.12 .mpy conformance cases");
const OPTION_SETS: Record<string, { optimize?: number; sourceName?: string }> = {
  default: {}, O1: { optimize: 1 }, O3: { optimize: 3 }, s: { sourceName: "renamed.py" },
};

/** The .mpy versions checked here: every golden of each must be byte-identical. */
const VERSIONS = ["4", "3", "cp3", "cp4", "cp5", "cp6"];

function compileCase(version: string, stem: string, opt: string): Uint8Array | CompileError {
  const src = fs.readFileSync(path.join(conformance!, "corpus", `${stem}.py`));
  try {
    return compileToMpy(src, { filename: `${stem}.py`, mpyVersion: version, ...OPTION_SETS[opt] });
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
}

describe.runIf(conformance !== null)("pre-1.12 .mpy equals upstream mpy-cross 1.11 / 1.10 and CircuitPython 3-6", () => {
  for (const version of VERSIONS) {
    const dir = path.join(conformance ?? "", "golden", version);
    const goldens = conformance === null ? [] : fs.readdirSync(dir).filter((f) => f.endsWith(".mpy")).sort();
    it(`${version}: has goldens`, () => expect(goldens.length).toBeGreaterThan(100));
    for (const g of goldens) {
      const [stem, opt] = g.slice(0, -4).split(".");
      it(`${version}/${stem}.${opt}`, () => {
        const got = compileCase(version, stem!, opt!);
        expect(got).toBeInstanceOf(Uint8Array);
        expect(Buffer.from(got as Uint8Array).equals(fs.readFileSync(path.join(dir, g))), `${version}/${g} differs`).toBe(true);
      });
    }
    it(`${version}: files the reference rejects are rejected`, () => {
      const failed = fs.readFileSync(path.join(dir, "FAILED.txt"), "utf8");
      for (const line of failed.split("\n").filter(Boolean)) {
        const stem = line.split(":")[0]!.replace(/\.py$/, "");
        expect(compileCase(version, stem, "default"), stem).toBeInstanceOf(CompileError);
      }
    });
  }
});
