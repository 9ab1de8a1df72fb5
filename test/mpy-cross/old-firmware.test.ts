// The .mpy flavours of the seeds' old firmware (issue 10), byte for byte against the shared corpus's
// goldens (made with each release's own mpy-cross), plus the opcode forms each firmware changed.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileToMpy, CompileError } from "../../src/mpy-cross/index.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const conformance = sharedPath("conformance", "old-firmware .mpy goldens");

/** Corpus files whose output does not match yet, per version (what is left to reproduce). */
const PENDING_1_9_2: readonly string[] = [];
const NOT_YET: Record<string, readonly string[]> = {
  pycopy: [],
  "0": [],
  "2": PENDING_1_9_2,
  // CircuitPython 2.3.1 writes the bytes of MicroPython 1.9.2
  cp2: PENDING_1_9_2,
};

const OPTION_SETS: Record<string, { optimize?: number; sourceName?: string }> = {
  default: {}, O1: { optimize: 1 }, O3: { optimize: 3 }, s: { sourceName: "renamed.py" },
};

function compileOrError(src: Buffer, stem: string, version: string, opts: { optimize?: number; sourceName?: string }): Uint8Array | string {
  try {
    return compileToMpy(src, { filename: `${stem}.py`, mpyVersion: version, ...opts });
  } catch (e) {
    if (e instanceof CompileError) return e.message;
    throw e;
  }
}

describe.runIf(conformance !== null)("old-firmware goldens", () => {
  for (const version of Object.keys(NOT_YET)) {
    // (computed here even when the describe is skipped: vitest still collects its body)
    const goldenDir = path.join(conformance ?? "", "golden", version);
    it(`${version}: every corpus file not listed as pending is byte-identical, in every option set`, () => {
      const failures: string[] = [];
      let compared = 0;
      for (const f of fs.readdirSync(goldenDir).filter((n) => n.endsWith(".mpy"))) {
        const [stem, opt] = f.slice(0, -4).split(".");
        if (NOT_YET[version].includes(stem) || OPTION_SETS[opt] === undefined) continue;
        const src = fs.readFileSync(path.join(conformance!, "corpus", `${stem}.py`));
        const got = compileOrError(src, stem, version, OPTION_SETS[opt]);
        compared++;
        if (typeof got === "string" || !Buffer.from(got).equals(fs.readFileSync(path.join(goldenDir, f)))) failures.push(f);
      }
      expect(compared).toBeGreaterThan(0);
      expect(failures).toEqual([]);
    });
  }
});

describe("MicroPython 1.9.2's operator numbers (its py/runtime0.h)", () => {
  const code = (src: string, v: string) => Buffer.from(compileToMpy(src, { filename: "t.py", mpyVersion: v }));
  it("`not in` is written as IN (BINARY_OP_MULTI 0xd7 + 31) then NOT (UNARY_OP_MULTI 0xd0 + 6), as 1.9.2's emitter did", () => {
    expect(code("a not in b\n", "2").includes(Buffer.from([0xd7 + 31, 0xd0 + 6]))).toBe(true);
    // 1.10: IN (6) then UNARY_OP NOT (0xd0 + 3)
    expect(code("a not in b\n", "3").includes(Buffer.from([0xd7 + 6, 0xd0 + 3]))).toBe(true);
  });
  it("unary minus is operator 4 (BOOL, LEN and HASH come first)", () => {
    expect(code("-a\n", "2").includes(0xd0 + 4)).toBe(true);
  });
  it("has no `_` in number literals yet", () => {
    expect(() => compileToMpy("x = 1_000\n", { filename: "t.py", mpyVersion: "2" })).toThrow(CompileError);
    expect(() => compileToMpy("x = 1_000\n", { filename: "t.py", mpyVersion: "3" })).not.toThrow();
  });
  it("writes .mpy version 2 in the header, for cp2 too", () => {
    expect([...code("\n", "2").subarray(0, 2)]).toEqual([0x4d, 2]);
    expect(code("x = 1\n", "cp2")).toEqual(code("x = 1\n", "2"));
  });
});

describe("MicroPython 1.8.4's bytecode (.mpy 0, its py/bc0.h and py/emitbc.c)", () => {
  const code = (src: string) => Buffer.from(compileToMpy(src, { filename: "t.py", mpyVersion: "0" }));
  it("writes .mpy version 0 in the header", () => {
    expect([...code("\n").subarray(0, 3)]).toEqual([0x4d, 0, 0x02]);
  });
  it("numbers LOAD_FAST_N to LOAD_METHOD one higher than 1.9 (LOAD_GLOBAL 0x1d, LOAD_METHOD 0x1f)", () => {
    expect(code("def f():\n    g.h()\n").includes(0x1d)).toBe(true);
    expect(code("def f():\n    g.h()\n").includes(0x1f)).toBe(true);
  });
  it("adds to a comprehension's list with LIST_APPEND (0x52) and the collection's index past one-slot iterators", () => {
    // for depth 0 the list sits 2 below the top: the iterator, then the item
    expect(code("[x for x in y]\n").includes(Buffer.from([0x52, 2]))).toBe(true);
    expect(code("[x for x in y]\n").includes(0x47)).toBe(false); // no GET_ITER_STACK
  });
  // texts and verdicts of upstream mpy-cross 1.8.4 on these sources
  const error = (src: string, v = "0") => {
    try {
      compileToMpy(src, { filename: "t.py", mpyVersion: v });
      return null;
    } catch (e) {
      if (e instanceof CompileError) return e.message;
      throw e;
    }
  };
  it.each([
    ["try:\n    pass\nexcept:\n    pass\nexcept E:\n    pass\n", "default 'except:' must be last"],
    ["x = {1: 2, 3}\n", "expecting key:value for dictionary"],
    ["1 = 2\n", "can't assign to literal"],
    ["a, b += 1\n", "illegal expression for augmented assignment"],
    ["def f(x, x):\n    pass\n", "name reused for argument"],
    ["x = 'a' b'b'\n", "cannot mix bytes and nonbytes literals"],
    ["if x:\n    y = 1\n  z = 2\n", "unindent does not match any outer indentation level"],
    ["@micropython.native\ndef f():\n    pass\n", "invalid micropython decorator"],
  ])("words the error of %j as 1.8.4: %s", (src, text) => {
    expect(error(src)).toBe(text);
  });
  it("compiles what 1.8.4 accepted: a positional argument after *x, async with in a plain def", () => {
    expect(error("f(*a, b)\n")).toBeNull();
    expect(error("f(*a, b)\n", "2")).toBe("non-keyword arg after */**");
    // `async` outside an async function became an error only in 1.16
    for (const v of ["0", "2", "3", "4"]) expect(error("def f():\n    async with a:\n        pass\n", v)).toBeNull();
    expect(error("def f():\n    async with a:\n        pass\n", "5")).toBe("async for/with outside async function");
  });
  it("has no variable annotations before 1.13, and const() of 1.8 takes small ints only", () => {
    for (const v of ["0", "2", "3", "4"]) expect(error("x: int = 1\n", v)).toBe("invalid syntax");
    expect(error("x: int = 1\n", "5")).toBeNull();
    expect(error("from micropython import const\nX = const(1 << 70)\n")).toBe("constant must be an integer");
    expect(error("from micropython import const\nX = const(1 << 70)\n", "2")).toBeNull();
  });
});

describe("Pycopy's own opcodes (pfalcon/pycopy v3.6.1 py/bc0.h)", () => {
  const code = (src: string) => Buffer.from(compileToMpy(src, { filename: "t.py", mpyVersion: "pycopy" }));
  it("raise carries its argument count in a byte after 0x60", () => {
    // bare raise: RAISE_VARARGS 0 then the module's implicit return (LOAD_CONST_NONE, RETURN_VALUE)
    expect(code("raise\n").includes(Buffer.from([0x60, 0x00, 0x51, 0x63]))).toBe(true);
    expect(compileToMpy("raise\n", { filename: "t.py", mpyVersion: "5" }).includes(0x60)).toBe(false);
  });
  it("a def's name is stored with STORE_NAME_CONST (0x1d), an assignment with STORE_NAME (0x16)", () => {
    const def = code("def f():\n    pass\n");
    const assign = code("f = 1\n");
    // the opcode, then the qstr "f" spelled inline (length 1 << 1, "f")
    expect(def.includes(Buffer.from([0x1d, 0x02, 0x66]))).toBe(true);
    expect(assign.includes(Buffer.from([0x16, 0x02, 0x66]))).toBe(true);
    expect(assign.includes(Buffer.from([0x1d, 0x02, 0x66]))).toBe(false);
  });
  it("numbers __dir__ after <module> in its static qstrs", () => {
    // the module's simple name <module> is static qstr 6 on Pycopy, 7 on MicroPython
    expect(code("\n").includes(Buffer.from([0x00, 0x06]))).toBe(true);
  });
});
