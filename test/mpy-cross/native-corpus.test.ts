// Native code of the Xtensa, x86 and RISC-V code generators against the shared native corpus
// (../shared/conformance-native: programs and the .mpy upstream's mpy-cross wrote for them). Every golden
// file of the listed directories must come out byte-identical; files upstream rejects are left to the
// conformance runner. Skips with a note on a clone without ../shared.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const root = sharedPath("conformance-native", "the native corpus byte-equality tests");

/** Golden directories checked here, with stems not yet expected to pass (work still open). */
const DIRS: Record<string, (stem: string) => boolean> = {
  "6.3-xtensa": (s) => !s.startsWith("asmxtensa_"),
  "6.3-xtensa-emitnative": () => true,
  "6.3-xtensawin": () => true,
  "6.3-xtensawin-emitnative": () => true,
  "6.2-xtensa": (s) => !s.startsWith("asmxtensa_"),
  "6.2-xtensa-emitnative": () => true,
  "6.1-xtensa": (s) => !s.startsWith("asmxtensa_"),
  "6-xtensa": (s) => !s.startsWith("asmxtensa_"),
};

describe.runIf(root !== null)("native corpus: upstream bytes for xtensa, x86, rv32imc", () => {
  for (const [dir, expected] of Object.entries(DIRS)) {
    const m = /^([\d.]+)-([a-z0-9]+)(-emitnative)?$/.exec(dir)!;
    const [, version, arch, emitNative] = m;
    it(`${dir}`, () => {
      const golden = path.join(root!, "golden", dir);
      const stems = fs.readdirSync(golden).filter((f) => f.endsWith(".default.mpy")).map((f) => f.slice(0, -".default.mpy".length));
      const checked = stems.filter(expected);
      expect(checked.length).toBeGreaterThan(0);
      const wrong: string[] = [];
      for (const stem of checked) {
        const src = fs.readFileSync(path.join(root!, "corpus", `${stem}.py`));
        const want = fs.readFileSync(path.join(golden, `${stem}.default.mpy`));
        let got: Uint8Array | undefined;
        try {
          got = compileToMpy(src, { filename: `${stem}.py`, mpyVersion: version, arch, emit: emitNative ? "native" : undefined });
        } catch {
          got = undefined;
        }
        if (!got || !Buffer.from(got).equals(want)) wrong.push(stem);
      }
      expect(wrong).toEqual([]);
    });
  }
});
