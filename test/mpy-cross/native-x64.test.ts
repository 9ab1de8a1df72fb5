// Native code for x64 (-march=x64) byte-identical to upstream mpy-cross 1.27: nx_mixed.x64.mpy was made
// by hand with upstream's binary (built outside the repo) from tspy's own nx_mixed.py.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import type { CompileError } from "../../src/mpy-cross/compile-error.js";

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

  it("a viper error carries the line of the statement it came from, and the first one wins (as upstream 1.18 and 1.27 print)", () => {
    const src = "import micropython\n@micropython.viper\ndef f(n: int):\n    a = 1\n    c = a + n\n    c = 's'\n    d = 1.5 + n\n";
    for (const mpyVersion of ["5", "6.3"]) {
      let err: unknown;
      try {
        compileToMpy(src, { filename: "t.py", mpyVersion, arch: "x64" });
      } catch (e) {
        err = e;
      }
      expect((err as CompileError).format()).toBe(
        "Traceback (most recent call last):\n  File \"t.py\", line 6, in f\nViperTypeError: local 'c' has type 'int' but source is 'object'\n",
      );
    }
  });

  it("an error upstream's emitter raises (native yield in viper) prints without a traceback", () => {
    const src = "import micropython\n@micropython.viper\ndef g():\n    yield 1\n";
    let err: unknown;
    try {
      compileToMpy(src, { filename: "t.py", mpyVersion: "5", arch: "x64" });
    } catch (e) {
      err = e;
    }
    expect((err as CompileError).format()).toBe("NotImplementedError: native yield\n");
  });

  it("reports upstream's viper type error", () => {
    const src = "import micropython\n@micropython.viper\ndef f():\n    x = 1\n    x = None\n";
    expect(() => compileToMpy(src, { filename: "t.py", mpyVersion: "6.3", arch: "x64" })).toThrow(
      "local 'x' has type 'int' but source is 'None'",
    );
  });
});
