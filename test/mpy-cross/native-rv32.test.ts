// Inline RISC-V assembler (@micropython.asm_rv32, -march=rv32imc, .mpy 6.3) byte-identical to upstream
// mpy-cross 1.27, error texts included. The .mpy and .err files were made by hand with upstream's
// binary (built outside the repo) from tspy's own programs: see reference/README.md.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { CompileError, compileToMpy } from "../../src/mpy-cross/index.js";

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
  it.each(cases)("rejects %s with upstream's message", (f) => {
    const want = fs.readFileSync(path.join(errDir, f.replace(/\.py$/, ".err")), "utf8");
    expect(stderrOf(f, fs.readFileSync(path.join(errDir, f)))).toBe(want);
  });

  it("c.and and friends keep two bits of each register, as upstream packs them", () => {
    // a2 (x12) and s0 (x8) encode alike in c.and: upstream's packing drops the third bit
    const src = (r: string) => `import micropython\n@micropython.asm_rv32\ndef f():\n    c_and(${r}, a1)\n`;
    expect(Buffer.from(compile("t.py", src("a2")))).toEqual(Buffer.from(compile("t.py", src("s0"))));
  });
});
