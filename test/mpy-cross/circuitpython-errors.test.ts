// Compile errors as each CircuitPython release's own mpy-cross prints them: its texts (1.9.4's in 3-6,
// CRLF ends from its translation in 4+, the garbled texts of 6.x) and which programs it rejects at all
// (the bytes of those it accepts are compared too).
// The expected stderr and exit codes in circuitpython-errors/ were recorded from mpy-cross built by hand
// from the adafruit/circuitpython tags (see its README); the cases are small programs written for this.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileToMpy, CompileError, MPY_VERSIONS } from "../../src/mpy-cross/index.js";
import { resolveArch } from "../../src/mpy-cross/native/target.js";
import { tspy } from "../helpers/cli.js";

const DIR = path.join(import.meta.dirname, "circuitpython-errors");
const RELEASES: Record<string, string> = {
  cp3: "3.1.2", cp4: "4.1.2", cp5: "5.3.1", cp6: "6.3.0", cp7: "7.3.3", cp8: "8.2.10", cp9: "9.2.9", cp10: "10.2.1",
};
/** Programs that release's mpy-cross compiles to native code (x64 by default), which tspy does not
 * write for these formats yet: it must refuse them with one line rather than write wrong bytes. */
const NATIVE_ONLY: Record<string, string[]> = { cp5: ["invalid_arch_native"], cp6: ["invalid_arch_native"], cp7: ["invalid_arch_native"], cp8: ["invalid_arch_native"] };

/** `mpy`: the bytes it wrote (hex), for a program it accepted. */
interface Expected { exit: number; stderr: string; mpy?: string }

/** What `tspy mpy-cross --mpy-version V case.py` writes to stderr, and its exit code, without a process. */
function tspyCompile(version: string, name: string): Expected {
  const file = `${name}.py`;
  const source = fs.readFileSync(path.join(DIR, "cases", file));
  const arch = resolveArch(MPY_VERSIONS[version].emulates, undefined, "bytecode").arch;
  try {
    const mpy = compileToMpy(source, { filename: file, mpyVersion: version, arch });
    return { exit: 0, stderr: "", mpy: Buffer.from(mpy).toString("hex") };
  } catch (e) {
    if (e instanceof CompileError) return { exit: 1, stderr: e.format() };
    return { exit: 1, stderr: `(not a compile error) ${(e as Error).message}` };
  }
}

for (const [version, release] of Object.entries(RELEASES)) {
  const expected = JSON.parse(fs.readFileSync(path.join(DIR, `expected-${release}.json`), "utf8")) as Record<string, Expected>;
  describe(`--mpy-version ${version}: errors as CircuitPython ${release}'s mpy-cross prints them`, () => {
    const names = Object.keys(expected).filter((n) => !NATIVE_ONLY[version]?.includes(n));
    it.each(names)("%s", (name) => {
      expect(tspyCompile(version, name)).toEqual(expected[name]);
    });
  });
}

describe("CircuitPython error texts through the CLI", () => {
  it("cp6 prints the traceback its mpy-cross prints, byte for byte", async () => {
    const want = JSON.parse(fs.readFileSync(path.join(DIR, "expected-6.3.0.json"), "utf8")) as Record<string, Expected>;
    const r = await tspy(["mpy-cross", "--mpy-version", "cp6", "-o", "/dev/null", "arg_reused.py"], { cwd: path.join(DIR, "cases") });
    expect(r.stderr).toBe(want.arg_reused.stderr);
    expect(r.status).toBe(1);
  });

  it("cp5 refuses @micropython.native in one line (its mpy-cross writes .mpy 3 native code)", async () => {
    const r = await tspy(["mpy-cross", "--mpy-version", "cp5", "-o", "/dev/null", "invalid_arch_native.py"], { cwd: path.join(DIR, "cases") });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("native code of CircuitPython 5.3.1");
  });
});
