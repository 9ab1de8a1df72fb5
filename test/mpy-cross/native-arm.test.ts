// The ARM-state back end (-march=armv6, py/asmarm.c's encodings). Hand-checked encodings from the ARM
// Architecture Reference Manual (not upstream output), and the shared native corpus when present.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { AsmArm } from "../../src/mpy-cross/native/asm-arm.js";
import { CompareOp } from "../../src/mpy-cross/native/asm.js";
import { sharedPath } from "../helpers/shared-corpus.js";

function words(body: (a: AsmArm) => void): string[] {
  const a = new AsmArm();
  for (const emit of [false, true]) {
    a.startPass(emit);
    body(a);
  }
  const b = Buffer.from(a.code());
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 4) out.push(b.readUInt32LE(i).toString(16).padStart(8, "0"));
  return out;
}

describe("ARM encodings", () => {
  it("entry pushes r1-r8 and lr, exit pops them with pc", () => {
    expect(words((a) => { a.entry(2); a.exit(); })).toEqual(["e92d41fe", "e8bd81fe"]);
    // 5 locals: 6 words reserved (kept even)
    expect(words((a) => a.entry(5))).toEqual(["e92d41fe", "e24dd018"]);
  });

  it("immediates: mov, mvn, or a literal skipped by a branch", () => {
    expect(words((a) => a.movRegImm(1, 0x42))).toEqual(["e3a01042"]);
    expect(words((a) => a.movRegImm(1, -2))).toEqual(["e3e01001"]);
    expect(words((a) => a.movRegImm(2, 0x12345))).toEqual(["e59f2000", "ea000000", "00012345"]);
  });

  it("a forward branch counts words from pc + 8", () => {
    expect(words((a) => { a.jump(1); a.movRegReg(0, 1); a.labelAssign(1); })).toEqual(["ea000000", "e1a00001"]);
  });

  it("comparisons set the result with two conditional moves", () => {
    expect(words((a) => a.compareRegs(CompareOp.Less, false, 0, 1, 2))).toEqual(["e1510002", "b3a00001", "a3a00000"]);
  });
});

describe("@native/@viper for armv6", () => {
  it("the header names armv6 (3)", () => {
    const src = "import micropython\n@micropython.native\ndef f(x):\n    return x + 1\n";
    expect(compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "armv6" })[2]).toBe((3 << 2) | 3);
  });

  const root = sharedPath("conformance-native", "the shared native corpus for armv6");
  describe.runIf(root !== null)("shared native corpus", () => {
    for (const kind of ["", "-emitnative"]) {
      it(`6.3-armv6${kind}`, () => {
        const golden = path.join(root!, "golden", `6.3-armv6${kind}`);
        let n = 0;
        for (const f of fs.readdirSync(golden).filter((f) => f.endsWith(".default.mpy"))) {
          const stem = f.slice(0, -".default.mpy".length);
          const src = fs.readFileSync(path.join(root!, "corpus", `${stem}.py`));
          const got = compileToMpy(src, { filename: `${stem}.py`, mpyVersion: "6.3", arch: "armv6", emit: kind ? "native" : "bytecode" });
          expect(Buffer.from(got).toString("hex"), f).toBe(fs.readFileSync(path.join(golden, f)).toString("hex"));
          n++;
        }
        expect(n).toBeGreaterThan(0);
      });
    }
  });
});
