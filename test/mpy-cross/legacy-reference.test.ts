// tspy's .mpy 4 / 3 / 2 / 0 output equals what upstream mpy-cross 1.11 / 1.10 / 1.9.2 / 1.8.4 wrote for the
// same programs (./reference-legacy, made outside this repository; see its README), with and without the
// header feature flags -mcache-lookup-bc and -mno-unicode. Needs none of the shared corpora.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileToMpy } from "../../src/mpy-cross/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const refDir = path.join(here, "reference-legacy");
const OPTS: Record<string, { cacheLookupBc?: boolean; unicode?: boolean }> = {
  default: {},
  "cache-nounicode": { cacheLookupBc: true, unicode: false },
};

const refs = fs.readdirSync(refDir).filter((f) => f.endsWith(".mpy")).sort();
/** Programs of ./programs (which also have 1.27 references), or of ./programs-v0 (1.8.4 only). */
const sourceOf = (stem: string) =>
  [path.join(here, "programs", `${stem}.py`), path.join(here, "programs-v0", `${stem}.py`)].find((p) => fs.existsSync(p))!;

describe("pre-1.12 .mpy equals upstream mpy-cross 1.11 / 1.10 / 1.9.2 / 1.8.4 (committed references)", () => {
  it("has references for every version and both flag sets", () => {
    for (const v of ["4", "3", "2", "0"]) for (const o of Object.keys(OPTS)) expect(refs.some((f) => f.endsWith(`.${v}.${o}.mpy`)), `${v} ${o}`).toBe(true);
  });
  for (const ref of refs) {
    const [stem, version, opts] = ref.slice(0, -4).split(".");
    it(ref, () => {
      const src = fs.readFileSync(sourceOf(stem));
      const got = compileToMpy(src, { filename: `${stem}.py`, mpyVersion: version, ...OPTS[opts!] });
      expect(Buffer.from(got).equals(fs.readFileSync(path.join(refDir, ref)))).toBe(true);
    });
  }

  it("writes the feature bits into the header (bit 0 cached lookups, bit 1 unicode)", () => {
    const src = "x = 1\nprint(x.real)\n";
    expect(compileToMpy(src, { filename: "a.py", mpyVersion: "4" })[2]).toBe(0x02);
    expect(compileToMpy(src, { filename: "a.py", mpyVersion: "3", cacheLookupBc: true })[2]).toBe(0x03);
    expect(compileToMpy(src, { filename: "a.py", mpyVersion: "5", unicode: false })[2]).toBe(0x00);
    expect([...compileToMpy(src, { filename: "a.py", mpyVersion: "0", cacheLookupBc: true }).subarray(0, 3)]).toEqual([0x4d, 0, 0x03]);
  });

  it("refuses the flags for releases whose mpy-cross has none", () => {
    expect(() => compileToMpy("x = 1\n", { filename: "a.py", mpyVersion: "6.3", cacheLookupBc: true })).toThrow(/not an option/);
    expect(() => compileToMpy("x = 1\n", { filename: "a.py", mpyVersion: "cp7", unicode: false })).toThrow(/not an option/);
  });
});
