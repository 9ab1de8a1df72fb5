// Inline RISC-V assembler (@micropython.asm_rv32, -march=rv32imc, .mpy 6.3) byte-identical to upstream
// mpy-cross 1.27, error texts included. The .mpy and .err files were made by hand with upstream's
// binary (built outside the repo) from tspy's own programs: see reference/README.md.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { CompileError, compileToMpy } from "../../src/mpy-cross/index.js";
import { resolveArchFlags } from "../../src/mpy-cross/native/target.js";

const dir = path.join(__dirname, "native-rv32");
const errDir = path.join(dir, "err");

function compile(file: string, source: Uint8Array | string, archFlags?: number): Uint8Array {
  return compileToMpy(source, { filename: file, mpyVersion: "6.3", arch: "rv32imc", archFlags });
}

/** What mpy-cross prints on stderr for a file it rejects. */
function stderrOf(file: string, source: Uint8Array | string): string {
  try {
    compile(file, source);
  } catch (e) {
    if (e instanceof CompileError) return e.format();
    throw e;
  }
  return "(compiled)";
}

describe("inline RV32 assembler equals upstream mpy-cross 1.27", () => {
  it("ir_rv32.py: every instruction form, both register spellings, far and forward labels", () => {
    const got = compile("ir_rv32.py", fs.readFileSync(path.join(dir, "ir_rv32.py")));
    const want = fs.readFileSync(path.join(dir, "ir_rv32.rv32imc.mpy"));
    expect(Buffer.from(got).toString("hex")).toBe(want.toString("hex"));
  });

  const cases = fs.readdirSync(errDir).filter((f) => f.endsWith(".py")).sort();
  it("has the error cases", () => {
    expect(cases.length).toBeGreaterThan(50);
  });
  // each case has upstream's stderr (.err) or, for the few it accepts, its .mpy
  it.each(cases)("%s: rejected with upstream's message, or compiled as upstream", (f) => {
    const stem = path.join(errDir, f.replace(/\.py$/, ""));
    const src = fs.readFileSync(path.join(errDir, f));
    if (fs.existsSync(`${stem}.mpy`)) {
      expect(Buffer.from(compile(f, src)).toString("hex")).toBe(fs.readFileSync(`${stem}.mpy`).toString("hex"));
    } else {
      expect(stderrOf(f, src)).toBe(fs.readFileSync(`${stem}.err`, "utf8"));
    }
  });

  it("c.and and friends keep two bits of each register, as upstream packs them", () => {
    // a2 (x12) and s0 (x8) encode alike in c.and: upstream's packing drops the third bit
    const src = (r: string) => `import micropython\n@micropython.asm_rv32\ndef f():\n    c_and(${r}, a1)\n`;
    expect(Buffer.from(compile("t.py", src("a2")))).toEqual(Buffer.from(compile("t.py", src("s0"))));
  });
});

describe("-march-flags (MicroPython 1.27)", () => {
  it("zba: sh1add/sh2add/sh3add inline and viper's scaled indexes, header flag and number", () => {
    const got = compile("zb_rv32.py", fs.readFileSync(path.join(dir, "zb_rv32.py")), 1);
    expect(Buffer.from(got).toString("hex")).toBe(fs.readFileSync(path.join(dir, "zb_rv32.rv32imc-zba.mpy")).toString("hex"));
    // bit 6 of the feature byte, then the flags as a number before the qstr count
    expect(got[2] & 0x40).toBe(0x40);
    expect(got[4]).toBe(1);
  });

  it("records the flags on a bytecode-only file too", () => {
    const got = compile("plain.py", fs.readFileSync(path.join(dir, "plain.py")), 1);
    expect(Buffer.from(got).toString("hex")).toBe(fs.readFileSync(path.join(dir, "plain.rv32imc-zba.mpy")).toString("hex"));
  });

  it("without zba the Zba instructions are unknown", () => {
    expect(stderrOf("zb_rv32.py", fs.readFileSync(path.join(dir, "zb_rv32.py")))).toContain("invalid RV32 instruction 'sh1add'");
  });

  // what upstream 1.27's mpy-cross did with each spelling (tried by hand)
  it.each([
    ["zba", 1], ["1", 1], ["0x1", 1], ["0b1", 1], ["0", 0], ["zbaxyz", 1], [" 1", 1],
    ["2", "unrecognised"], ["-1", "unrecognised"], ["0o1", "unrecognised"], ["ZBA", "unrecognised"], ["", "unrecognised"],
  ] as const)("-march=rv32imc -march-flags=%j: %s", (text, want) => {
    const r = resolveArchFlags("1.27.0", "rv32imc", text);
    expect(typeof want === "number" ? r.flags : r.problem).toBe(want);
  });

  it("other arches refuse them, no -march ignores them, older releases lack the option", () => {
    expect(resolveArchFlags("1.27.0", "x64", "zba").problem).toBe("unrecognised");
    expect(resolveArchFlags("1.27.0", undefined, "zba")).toEqual({});
    expect(resolveArchFlags("1.22.2", "x64", "zba").problem).toBe("unknown-option");
  });
});
