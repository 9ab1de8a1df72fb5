// Native code for x64 (-march=x64) byte-identical to upstream mpy-cross 1.27: nx_mixed.x64.mpy was made
// by hand with upstream's binary (built outside the repo) from tspy's own nx_mixed.py.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";

const dir = path.join(__dirname, "native-x64");

describe("native x64 output equals upstream mpy-cross 1.27", () => {
  it("nx_mixed.py with -march=x64", () => {
    const src = fs.readFileSync(path.join(dir, "nx_mixed.py"));
    const want = fs.readFileSync(path.join(dir, "nx_mixed.x64.mpy"));
    const got = compileToMpy(src, { filename: "nx_mixed.py", mpyVersion: "6.3", arch: "x64" });
    expect(Buffer.from(got).equals(want)).toBe(true);
    // the header carries sub-version 3 and arch x64 (2)
    expect(got[2]).toBe((2 << 2) | 3);
  });

  it("bytecode-only code with -march keeps a plain header", () => {
    const got = compileToMpy("print(1)\n", { filename: "t.py", mpyVersion: "6.3", arch: "x64" });
    expect(got[2]).toBe(0);
  });

  it("reports upstream's viper type error", () => {
    const src = "import micropython\n@micropython.viper\ndef f():\n    x = 1\n    x = None\n";
    expect(() => compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "x64" })).toThrow(
      "local 'x' has type 'int' but source is 'None'",
    );
  });
});
