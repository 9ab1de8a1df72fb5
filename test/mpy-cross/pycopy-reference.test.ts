// tspy's `--mpy-version pycopy` output equals what Pycopy 3.6.1's own mpy-cross wrote for the same
// programs (./reference-pycopy, made outside this repository; see its README). Needs no shared corpus.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileToMpy } from "../../src/mpy-cross/index.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const refDir = path.join(here, "reference-pycopy");
const refs = fs.readdirSync(refDir).filter((f) => /^[^.]+\.mpy$/.test(f)).sort();
// Written with -mcache-lookup-bc, which Pycopy's unix port needs (its loader refuses the others)
const cached = fs.readdirSync(refDir).filter((f) => f.endsWith(".cache-lookup.mpy")).sort();

describe("Pycopy's .mpy 5 equals Pycopy 3.6.1's mpy-cross (committed references)", () => {
  it("has references", () => expect(refs.length).toBeGreaterThanOrEqual(5));
  for (const ref of refs) {
    it(ref, () => {
      const stem = ref.slice(0, -4);
      const src = fs.readFileSync(path.join(here, "programs", `${stem}.py`));
      const got = compileToMpy(src, { filename: `${stem}.py`, mpyVersion: "pycopy" });
      expect(Buffer.from(got).equals(fs.readFileSync(path.join(refDir, ref)))).toBe(true);
    });
  }
});

describe("Pycopy's .mpy 5 with -mcache-lookup-bc equals Pycopy 3.6.1's mpy-cross -mcache-lookup-bc", () => {
  it("has references", () => expect(cached.length).toBeGreaterThanOrEqual(3));
  for (const ref of cached) {
    it(ref, () => {
      const stem = ref.slice(0, -".cache-lookup.mpy".length);
      const src = fs.readFileSync(path.join(here, "programs", `${stem}.py`));
      const got = compileToMpy(src, { filename: `${stem}.py`, mpyVersion: "pycopy", cacheLookupBc: true });
      expect(got[2]! & 1).toBe(1);
      expect(Buffer.from(got).equals(fs.readFileSync(path.join(refDir, ref)))).toBe(true);
    });
  }
});
