// The native emitter's Thumb back end (armv6m ... armv7emdp) byte-identical to upstream mpy-cross 1.27,
// and the older releases' native rows (asm-compat.ts) on the shared corpus.
// The committed references (test/mpy-cross/native/, made by hand with upstream's binary, see
// reference/README.md) cover ARMv7-M; the shared native corpus, when present, covers every Thumb arch.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";
import { AsmThumb } from "../../src/mpy-cross/native/asm-thumb.js";

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

  it("natasm.py (@asm_thumb) with -march=armv7m, .mpy 6.3 and .mpy v5 (1.18)", () => {
    const src = fs.readFileSync(path.join(dir, "natasm.py"));
    for (const [ver, ref] of [["6.3", "natasm.armv7m.mpy"], ["5", "natasm.v5.armv7m.mpy"]]) {
      const got = compileToMpy(src, { filename: "natasm.py", mpyVersion: ver, arch: "armv7m" });
      expect(Buffer.from(got).toString("hex"), ref).toBe(fs.readFileSync(path.join(dir, ref)).toString("hex"));
    }
  });

  it("1.18 data() takes values up to 63 bits (its parser sized small ints by the host), 1.19 only 31", () => {
    const src = "import micropython\n@micropython.asm_thumb\ndef f(r0):\n    data(4, 0x7FFFFFFF)\n";
    expect(compileToMpy(src, { filename: "t.py", mpyVersion: "5", arch: "armv7m" }).length).toBeGreaterThan(0);
    expect(() => compileToMpy(src, { filename: "t.py", mpyVersion: "6", arch: "armv7m" })).toThrow("'data' requires integer arguments");
    const big = src.replace("0x7FFFFFFF", "0x7FFFFFFFFFFFFFFF");
    expect(() => compileToMpy(big, { filename: "t.py", mpyVersion: "5", arch: "armv7m" })).toThrow("'data' requires integer arguments");
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

  const root = sharedPath("conformance-native", "the shared native corpus for Thumb and older releases");
  // golden directories this back end and the older-release rows make byte-identical
  const dirs: [string, string][] = [
    ...["armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp"].map((a): [string, string] => ["6.3", a]),
    ...["6.2", "6.1", "6"].flatMap((v) => ["x64", "armv6m", "armv7m"].map((a): [string, string] => [v, a])),
  ];
  describe.runIf(root !== null)("shared native corpus", () => {
    for (const [ver, arch] of dirs) {
      for (const kind of ["", "-emitnative"]) {
        const golden = root ? path.join(root, "golden", `${ver}-${arch}${kind}`) : "";
        it(`${ver}-${arch}${kind}`, () => {
          let n = 0;
          for (const f of fs.readdirSync(golden).filter((f) => f.endsWith(".default.mpy"))) {
            const stem = f.slice(0, -".default.mpy".length);
            const src = fs.readFileSync(path.join(root!, "corpus", `${stem}.py`));
            const got = compileToMpy(src, {
              filename: `${stem}.py`, mpyVersion: ver, arch, emit: kind ? "native" : "bytecode",
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

// Encodings checked against the ARMv7-M Architecture Reference Manual by hand (not upstream output).
describe("Thumb jumps of the releases before 1.27", () => {
  const asm = (v6mJump: "fixed" | "short", armv7m: boolean) =>
    new AsmThumb({ armv7m, armEntryStub: false, loadStore: "legacy", pcrelSxth: true, v6mJump, bccW: "legacy" });
  const run = (a: AsmThumb, body: () => void) => {
    for (const emit of [false, true]) {
      a.startPass(emit);
      body();
    }
    return Buffer.from(a.code()).toString("hex");
  };

  it("an ARMv6-M forward jump is one b.n (1.22), not the padded 1.27 form", () => {
    const a = asm("short", false);
    // b label; nop; nop; label: -> b.n +2 (rel = 6 - 0 - 4 = 2: 0xe001)
    const hex = run(a, () => { a.jump(1); a.op16(0xbf00); a.op16(0xbf00); a.labelAssign(1); });
    expect(hex).toBe("01e0" + "00bf00bf");
    const b = asm("fixed", false);
    expect(run(b, () => { b.jump(1); b.labelAssign(1); }).length).toBeGreaterThan(4);
  });

  it("a jump beyond 12 bits on ARMv6-M is upstream's NotImplementedError before 1.27, a long form in 1.27", () => {
    const body = Array.from({ length: 300 }, (_, i) => `        x = x + ${i}\n`).join("");
    const src = `import micropython\n@micropython.native\ndef f(x):\n    while x:\n${body}    return x\n`;
    expect(() => compileToMpy(src, { filename: "t.py", mpyVersion: "6.2", arch: "armv6m" })).toThrow("native method too big");
    expect(compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "armv6m" }).length).toBeGreaterThan(2048);
  });

  it("an ARMv6-M conditional forward jump skips the b.n with the inverted condition", () => {
    const a = asm("short", false);
    // cmp r0, #0; bne skip (0xd100); b.n label (rel 0: 0xe000); nop; label:
    const hex = run(a, () => { a.jumpIfRegZero(0, 1); a.op16(0xbf00); a.labelAssign(1); });
    expect(hex).toBe("0028" + "00d1" + "00e0" + "00bf");
  });
});
