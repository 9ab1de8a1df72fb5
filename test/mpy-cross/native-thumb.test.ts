// Inline Thumb assembler (@micropython.asm_thumb) byte-identical to upstream mpy-cross 1.27: the .mpy
// files were made by hand with upstream's binary (built outside the repo) from tspy's own it_thumb.py.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";

const dir = path.join(__dirname, "native-thumb");
const src = fs.readFileSync(path.join(dir, "it_thumb.py"));

describe("inline Thumb assembler equals upstream mpy-cross 1.27", () => {
  for (const arch of ["armv6m", "armv7m"]) {
    it(`it_thumb.py with -march=${arch}`, () => {
      const want = fs.readFileSync(path.join(dir, `it_thumb.${arch}.mpy`));
      const got = compileToMpy(src, { filename: "it_thumb.py", mpyVersion: "6.3", arch });
      expect(Buffer.from(got).toString("hex")).toBe(want.toString("hex"));
    });
  }

  it("refuses ARMv7-M instructions on armv6m with upstream's message", () => {
    const v7 = "import micropython\n@micropython.asm_thumb\ndef f(r0):\n    movw(r0, 5)\n";
    expect(() => compileToMpy(v7, { filename: "t.py", mpyVersion: "6.3", arch: "armv6m" })).toThrow(
      "unsupported Thumb instruction 'movw' with 2 arguments",
    );
    expect(compileToMpy(v7, { filename: "t.py", mpyVersion: "6.3", arch: "armv7m" }).length).toBeGreaterThan(0);
  });

  it("reports a high register where only r0-r7 fit", () => {
    const bad = "import micropython\n@micropython.asm_thumb\ndef f(r0):\n    add(r0, r0, r9)\n";
    expect(() => compileToMpy(bad, { filename: "t.py", mpyVersion: "6.3", arch: "armv6m" })).toThrow("'add' expects at most r7");
  });
});
