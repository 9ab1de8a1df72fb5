// The native emitter's Thumb back end (armv6m ... armv7emdp) byte-identical to upstream mpy-cross 1.27.
// The committed references (test/mpy-cross/native/, made by hand with upstream's binary, see
// reference/README.md) cover ARMv7-M; the shared native corpus, when present, covers every Thumb arch.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const dir = path.join(__dirname, "native");

describe("native Thumb code equals upstream mpy-cross 1.27", () => {
  it("natcode.py with -march=armv7m -X emit=native", () => {
    const src = fs.readFileSync(path.join(dir, "natcode.py"));
    const want = fs.readFileSync(path.join(dir, "natcode.armv7m-emit-native.mpy"));
    const got = compileToMpy(src, { filename: "natcode.py", mpyVersion: "6.3", arch: "armv7m", emit: "native" });
    expect(Buffer.from(got).toString("hex")).toBe(want.toString("hex"));
    // header: sub-version 3, arch armv7m (5)
    expect(got[2]).toBe((5 << 2) | 3);
  });

  it("armv6m code differs from armv7m code (no wide instructions)", () => {
    const src = "import micropython\n@micropython.viper\ndef f(x: int) -> int:\n    return x * 100000\n";
    const v6 = compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "armv6m" });
    const v7 = compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "armv7m" });
    expect(Buffer.from(v6).equals(Buffer.from(v7))).toBe(false);
    // movw (0xf240 | ...) appears only in the ARMv7-M code
    const hasMovw = (b: Uint8Array) => Buffer.from(b).toString("hex").match(/4[0-9a-f]f2/) !== null;
    expect(hasMovw(v7)).toBe(true);
  });

  const root = sharedPath("conformance-native", "the shared native corpus for Thumb");
  const arches = ["armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp"];
  describe.runIf(root !== null)("shared native corpus, 6.3", () => {
    for (const arch of arches) {
      for (const kind of ["", "-emitnative"]) {
        const golden = root ? path.join(root, "golden", `6.3-${arch}${kind}`) : "";
        it(`6.3-${arch}${kind}`, () => {
          let n = 0;
          for (const f of fs.readdirSync(golden).filter((f) => f.endsWith(".default.mpy"))) {
            const stem = f.slice(0, -".default.mpy".length);
            const src = fs.readFileSync(path.join(root!, "corpus", `${stem}.py`));
            const got = compileToMpy(src, {
              filename: `${stem}.py`, mpyVersion: "6.3", arch, emit: kind ? "native" : "bytecode",
            });
            expect(Buffer.from(got).toString("hex"), f).toBe(fs.readFileSync(path.join(golden, f)).toString("hex"));
            n++;
          }
          expect(n).toBeGreaterThan(0);
        });
      }
    }
  });
});
