// The .mpy reader and dumper against files written by upstream mpy-cross (v1.27 → 6.3, v1.18 → v5,
// and the shared conformance corpus for 6.2/6.1/6/5). Expected facts come from the Python sources
// (names of functions and classes, literals, line numbers) and from the format itself, never from
// the reader's own output.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { readMpy, MpyFormatError, SCOPE_FLAG, type MpyFile, type RawCode, type MpyConst } from "../../src/mpy-cross/mpy-reader.js";
import { dumpMpy, runDump } from "../../src/mpy-cross/dump.js";
import { DIALECT_PYCOPY } from "../../src/mpy-cross/mpy-dialects.js";
import { TspyError } from "../../src/errors.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const programs = path.join(here, "programs");
const reference = path.join(here, "reference");
const sharedCorpus = sharedPath("conformance", "reading the shared corpus's golden .mpy files") ?? "";
const OPTS = ["default", "O1", "O3", "s"] as const;

const stems = fs.readdirSync(programs).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();

function codes(rc: RawCode, out: RawCode[] = []): RawCode[] {
  out.push(rc);
  for (const c of rc.children) codes(c, out);
  return out;
}

/** Names of every `def` and `class` in a Python source: each becomes a code object of that name. */
function definedNames(src: string): string[] {
  return [...src.matchAll(/^\s*(?:async\s+)?(?:def|class)\s+([\p{L}_][\p{L}\p{N}_]*)/gmu)].map((m) => m[1]!);
}

function allConsts(file: MpyFile): MpyConst[] {
  const out: MpyConst[] = [...file.constants];
  for (const rc of codes(file.root)) out.push(...(rc.constants ?? []));
  const flat: MpyConst[] = [];
  const walk = (c: MpyConst): void => {
    flat.push(c);
    if (c.type === "tuple") c.items.forEach(walk);
  };
  out.forEach(walk);
  return flat;
}

function load(rel: string): Uint8Array {
  return fs.readFileSync(path.join(reference, rel));
}

/** Structural facts of any well-formed file; problems are collected so one expect covers thousands of instructions. */
function checkStructure(file: MpyFile, bytes: Uint8Array): void {
  const problems: string[] = [];
  if (file.consumed !== bytes.length) problems.push(`consumed ${file.consumed} of ${bytes.length}`);
  for (const rc of codes(file.root)) {
    if (rc.kind !== "bytecode") continue;
    const name = rc.prelude!.name;
    const ins = rc.instructions!;
    // Instructions tile the code exactly: each starts where the previous ended.
    let at = 0;
    for (const i of ins) {
      if (i.offset !== at) problems.push(`${name}: instruction at ${i.offset}, expected ${at}`);
      at += i.size;
    }
    if (rc.codeOffset! + at !== rc.dataLength) problems.push(`${name}: code ends at ${rc.codeOffset! + at}, not ${rc.dataLength}`);
    const starts = new Set([...ins.map((i) => i.offset), at]);
    for (const i of ins) if (i.target !== undefined && !starts.has(i.target)) problems.push(`${name}: jump into an instruction at ${i.offset}`);
    // A function body always ends by returning, raising or jumping back.
    const last = ins[ins.length - 1]!.name;
    if (!["RETURN_VALUE", "RAISE_LAST", "RAISE_OBJ", "RAISE_FROM", "RAISE_VARARGS", "JUMP"].includes(last)) problems.push(`${name}: ends with ${last}`);
  }
  expect(problems).toEqual([]);
}

describe("readMpy on upstream 1.27 output (.mpy 6.3)", () => {
  for (const stem of stems) {
    it(`${stem}: every option set parses fully and names its source and functions`, () => {
      const src = fs.readFileSync(path.join(programs, `${stem}.py`), "utf8");
      for (const opt of OPTS) {
        const bytes = load(`${stem}.${opt}.mpy`);
        const file = readMpy(bytes);
        expect(file.header.version).toBe(6);
        expect(file.header.arch).toBe(0);
        expect(file.header.smallIntBits).toBe(31);
        expect(file.sourceFile).toBe(opt === "s" ? "renamed.py" : `${stem}.py`);
        expect(file.qstrs[0]!.text).toBe(file.sourceFile);
        expect(file.root.prelude!.name).toBe("<module>");
        const names = new Set(codes(file.root).map((c) => c.prelude?.name));
        expect(definedNames(src).filter((n) => !names.has(n)), opt).toEqual([]);
        checkStructure(file, bytes);
      }
    });
  }
});

describe("readMpy on upstream 1.18 output (.mpy v5)", () => {
  const v5 = fs.readdirSync(path.join(reference, "v5")).filter((f) => f.endsWith(".mpy"));
  it("has reference files for most programs", () => {
    expect(v5.length).toBeGreaterThanOrEqual(4 * 30);
  });
  it("parses each file fully; source names, function names and code tiling hold", () => {
    for (const f of v5) {
      const [stem, opt] = f.split(".") as [string, string];
      const bytes = load(`v5/${f}`);
      const file = readMpy(bytes);
      expect(file.header.version).toBe(5);
      expect(file.header.qstrWindowSize).toBe(32);
      const sourceName = opt === "s" ? "renamed.py" : `${stem}.py`;
      expect(file.sourceFile).toBe(sourceName);
      // v5 repeats the source file name in every code object.
      for (const rc of codes(file.root)) expect(rc.prelude!.sourceFile).toBe(sourceName);
      const names = new Set(codes(file.root).map((c) => c.prelude?.name));
      expect(definedNames(fs.readFileSync(path.join(programs, `${stem}.py`), "utf8")).filter((n) => !names.has(n)), f).toEqual([]);
      checkStructure(file, bytes);
    }
  });
});

describe("readMpy on .mpy 4, 3, 2 and 0 (reference-legacy: upstream 1.11, 1.10, 1.9.2, 1.8.4) and Pycopy's .mpy 5", () => {
  const legacyDir = path.join(here, "reference-legacy");
  const pycopyDir = path.join(here, "reference-pycopy");
  const legacy = fs.readdirSync(legacyDir).filter((f) => /\.[0234]\.\w+(-\w+)?\.mpy$/.test(f));
  // 1.8.4's own programs sit beside the shared ones
  const source = (stem: string): string => fs.readFileSync(path.join(stem.startsWith("v0_") ? path.join(here, "programs-v0") : programs, `${stem}.py`), "utf8");
  const pycopy = fs.readdirSync(pycopyDir).filter((f) => f.endsWith(".mpy"));
  const lookups = new Set(["LOAD_NAME", "LOAD_GLOBAL", "LOAD_ATTR", "STORE_ATTR"]);

  it("has references of every old version, with and without the feature flags", () => {
    for (const v of ["4", "3", "2", "0"]) for (const o of ["default", "cache-nounicode"]) expect(legacy.some((f) => f.includes(`.${v}.${o}.`)), `${v} ${o}`).toBe(true);
    expect(pycopy.length).toBeGreaterThanOrEqual(5);
  });

  it("parses each file fully; header, source and function names, code tiling hold", () => {
    for (const f of legacy) {
      const [stem, version, opts] = f.split(".") as [string, string, string];
      const bytes = fs.readFileSync(path.join(legacyDir, f));
      const file = readMpy(bytes);
      expect(file.header.version, f).toBe(Number(version));
      // -mcache-lookup-bc sets bit 0, unicode (the default) bit 1
      expect(file.header.featureFlags, f).toBe(opts === "default" ? 2 : 1);
      expect(file.header.qstrWindowSize, f).toBe(version === "4" ? 32 : undefined);
      expect(file.root.prelude!.name).toBe("<module>");
      for (const rc of codes(file.root)) expect(rc.prelude!.sourceFile, f).toBe(`${stem}.py`);
      const names = new Set(codes(file.root).map((c) => c.prelude?.name));
      expect(definedNames(source(stem)).filter((n) => !names.has(n)), f).toEqual([]);
      checkStructure(file, bytes);
    }
  });

  it("a cached lookup takes one byte more in RAM (opcode, 2-byte qstr, cache byte)", () => {
    for (const f of legacy) {
      const sizes = new Set<number>();
      for (const rc of codes(readMpy(fs.readFileSync(path.join(legacyDir, f))).root)) {
        for (const ins of rc.instructions!) if (lookups.has(ins.name)) sizes.add(ins.size);
      }
      expect([...sizes], f).toEqual([f.includes("cache") ? 4 : 3]);
    }
  });

  it("`not in` and `is not` read as IN/IS then NOT in 1.9.2's operator numbers and in 1.10's", () => {
    const src = fs.readFileSync(path.join(programs, "m28_conditions.py"), "utf8");
    expect(src).toMatch(/ not in | is not /);
    const bytesOf = new Map<string, string>();
    for (const v of ["2", "3"]) {
      const root = readMpy(fs.readFileSync(path.join(legacyDir, `m28_conditions.${v}.default.mpy`))).root;
      const ins = codes(root).flatMap((rc) => rc.instructions!);
      const k = ins.findIndex((i, j) => i.name === "BINARY_OP IN" && ins[j + 1]?.name === "UNARY_OP NOT");
      expect(k, v).toBeGreaterThanOrEqual(0);
      bytesOf.set(v, `${ins[k]!.opcode} ${ins[k + 1]!.opcode}`);
    }
    // 1.9.2: BINARY_OP_MULTI 0xd7 + 31, UNARY_OP_MULTI 0xd0 + 6; 1.10: 0xd7 + 6, 0xd0 + 3
    expect(Object.fromEntries(bytesOf)).toEqual({ "2": `${0xd7 + 31} ${0xd0 + 6}`, "3": `${0xd7 + 6} ${0xd0 + 3}` });
  });

  it(".mpy 0: 1.8's load opcodes one higher and an add opcode per comprehension kind", () => {
    const src = fs.readFileSync(path.join(programs, "m10_comprehensions.py"), "utf8");
    expect(src).toMatch(/\[[^\]]* for /);
    const ins = codes(readMpy(fs.readFileSync(path.join(legacyDir, "m10_comprehensions.0.default.mpy"))).root).flatMap((rc) => rc.instructions!);
    const byName = (n: string) => ins.find((i) => i.name === n);
    expect([byName("LOAD_NAME")?.opcode, byName("LIST_APPEND")?.opcode, byName("STORE_COMP")]).toEqual([0x1c, 0x52, undefined]);
  });

  it("tells Pycopy's .mpy 5 from MicroPython's by the module's name, and reads it to its last byte", () => {
    for (const f of pycopy) {
      const stem = f.split(".")[0]!;
      const bytes = fs.readFileSync(path.join(pycopyDir, f));
      const file = readMpy(bytes);
      expect(file.dialect, f).toBe(DIALECT_PYCOPY);
      expect(file.header.featureFlags, f).toBe(f.includes("cache") ? 3 : 2);
      expect(file.root.prelude!.name).toBe("<module>");
      const names = new Set(codes(file.root).map((c) => c.prelude?.name));
      expect(definedNames(fs.readFileSync(path.join(programs, `${stem}.py`), "utf8")).filter((n) => !names.has(n)), f).toEqual([]);
      checkStructure(file, bytes);
      // a def's name is stored with Pycopy's own opcode (0x1d)
      expect(file.root.instructions!.some((i) => i.name === "STORE_NAME_CONST" && i.opcode === 0x1d), f).toBe(true);
      // read as MicroPython's bytecode, the same bytes give no module: a wrong opcode or a wrong name
      let asMicroPython: string;
      try {
        asMicroPython = readMpy(bytes, { firmware: "micropython" }).root.prelude!.name;
      } catch (e) {
        expect(e).toBeInstanceOf(MpyFormatError);
        asMicroPython = "(refused)";
      }
      expect(asMicroPython, f).not.toBe("<module>");
    }
    // and MicroPython's own .mpy 5 stays MicroPython's
    expect(readMpy(load("v5/m04_closures.default.mpy")).dialect).not.toBe(DIALECT_PYCOPY);
  });

  it("Pycopy's yields, raise and import * have their own numbers", () => {
    const gen = readMpy(fs.readFileSync(path.join(pycopyDir, "m05_generators.mpy")));
    const ins = codes(gen.root).flatMap((rc) => rc.instructions!);
    expect(ins.find((i) => i.name === "YIELD_VALUE")?.opcode).toBe(0x64);
    const exc = readMpy(fs.readFileSync(path.join(pycopyDir, "m18_exceptions.mpy")));
    const raises = codes(exc.root).flatMap((rc) => rc.instructions!).filter((i) => i.name === "RAISE_VARARGS");
    // `raise X` (one argument), a bare `raise` (none), `raise X from Y` (two): the count is the byte after the opcode
    expect(raises.length).toBeGreaterThan(0);
    expect(raises.every((i) => i.opcode === 0x60 && i.size === 2 && i.extra! <= 2)).toBe(true);
  });
});

describe("facts taken from the program sources", () => {
  const code = (file: MpyFile, name: string): RawCode => {
    const rc = codes(file.root).find((c) => c.prelude?.name === name);
    if (!rc) throw new Error(`no code named ${name}`);
    return rc;
  };

  it("literal constants appear with their values (6.3 and v5)", () => {
    for (const rel of ["m01_numbers.default.mpy", "v5/m01_numbers.default.mpy"]) {
      const consts = allConsts(readMpy(load(rel)));
      expect(consts).toContainEqual({ type: "int", value: 123456789012345678901234567890n });
      expect(consts.some((c) => c.type === "complex" && c.text === "3j")).toBe(true);
    }
    const strings = allConsts(readMpy(load("m17_many_constants.default.mpy")));
    expect(strings).toContainEqual({ type: "str", value: "a string constant number 149" });
    const bytesConsts = allConsts(readMpy(load("m02_strings.default.mpy")));
    expect(bytesConsts).toContainEqual({ type: "bytes", value: Uint8Array.from([...Buffer.from("bytes"), 0, 0xff]) });
    const big = allConsts(readMpy(load("v5/m12_bigints.O3.mpy")));
    expect(big).toContainEqual({ type: "int", value: 0xffffffffffffn });
  });

  it("argument names, counts and scope flags follow the def line", () => {
    // def f(a, b=2, *args, c, d=4, **kw)
    for (const rel of ["m11_star_args.default.mpy", "v5/m11_star_args.default.mpy"]) {
      const p = code(readMpy(load(rel)), "f").prelude!;
      // Positional names first, in order; the keyword-only ones follow (upstream orders those itself).
      expect(p.argNames.slice(0, 2)).toEqual(["a", "b"]);
      expect([...p.argNames].sort()).toEqual(["a", "b", "c", "d"]);
      expect([p.nPosArgs, p.nKwonlyArgs, p.nDefPosArgs]).toEqual([2, 2, 1]);
      expect(p.scopeFlags & SCOPE_FLAG.VARARGS).toBeTruthy();
      expect(p.scopeFlags & SCOPE_FLAG.VARKEYWORDS).toBeTruthy();
      expect(p.scopeFlags & SCOPE_FLAG.DEFKWARGS).toBeTruthy();
      expect(p.scopeFlags & SCOPE_FLAG.GENERATOR).toBeFalsy();
    }
    const gen = code(readMpy(load("m05_generators.default.mpy")), "count_up").prelude!;
    expect(gen.scopeFlags & SCOPE_FLAG.GENERATOR).toBeTruthy();
    expect(gen.argNames).toEqual(["n"]);
  });

  it("line numbers of instructions match the source lines", () => {
    const src = fs.readFileSync(path.join(programs, "m40_line_numbers.py"), "utf8").split("\n");
    const endLine = src.indexOf('print("end")') + 1;
    const zLine = src.findIndex((l) => l.startsWith("z = f(")) + 1;
    for (const rel of ["m40_line_numbers.default.mpy", "v5/m40_line_numbers.default.mpy"]) {
      const ins = readMpy(load(rel)).root.instructions!;
      const loadsOf = (name: string) => ins.filter((i) => i.qstr === name);
      expect(loadsOf("print").at(-1)!.line).toBe(endLine);
      expect(ins.find((i) => i.name === "STORE_NAME" && i.qstr === "z")!.line).toBeGreaterThanOrEqual(zLine);
    }
    // -O3 drops the line table: everything is line 1.
    const o3 = readMpy(load("m40_line_numbers.O3.mpy")).root;
    expect(o3.prelude!.lineInfo.length).toBe(0);
    expect(new Set(o3.instructions!.map((i) => i.line))).toEqual(new Set([1]));
  });

  it("an empty module is `return None`", () => {
    for (const rel of ["m38_empty.default.mpy", "v5/m38_empty.default.mpy"]) {
      const root = readMpy(load(rel)).root;
      expect(root.instructions!.map((i) => i.name)).toEqual(["LOAD_CONST_NONE", "RETURN_VALUE"]);
      expect(root.children).toEqual([]);
    }
  });

  it("big programs use the long encodings: 2-byte jumps, LOAD_FAST_N, wide constant indices", () => {
    const jumps = codes(readMpy(load("m15_long_jumps.default.mpy")).root).flatMap((c) => c.instructions!);
    expect(jumps.some((i) => i.target !== undefined && i.size === 3 && Math.abs(i.arg!) > 4000)).toBe(true);
    const locals = code(readMpy(load("m16_many_locals.default.mpy")), "very_many").instructions!;
    expect(locals.some((i) => i.name === "LOAD_FAST_N" && i.arg === 299)).toBe(true);
    const many = readMpy(load("m17_many_constants.default.mpy"));
    expect(many.qstrs.length).toBeGreaterThan(256);
    const strs = many.root.instructions!.filter((i) => i.name === "LOAD_CONST_OBJ");
    expect(strs.some((i) => i.constIndex! >= 128 && i.size === 3)).toBe(true);
  });

  it("static qstrs decode to their text (print, range, __init__)", () => {
    const file = readMpy(load("m09_classes.default.mpy"));
    const byText = new Map(file.qstrs.map((q) => [q.text, q]));
    for (const t of ["print", "range", "__init__", "<module>"]) {
      if (byText.has(t)) expect(byText.get(t)!.staticNumber, t).toBeGreaterThan(0);
    }
    expect(byText.get("__init__")?.staticNumber).toBeDefined();
    expect(byText.get("Shape")?.staticNumber).toBeUndefined();
  });
});

describe("the shared conformance corpus (every .mpy version)", () => {
  const golden = path.join(sharedCorpus, "golden");
  const present = sharedCorpus !== "" && fs.existsSync(golden);
  // the header's version byte and first byte of each golden directory
  const HEADERS: Record<string, [number, string]> = {
    "6.3": [6, "M"], "6.2": [6, "M"], "6.1": [6, "M"], "6": [6, "M"], "5": [5, "M"], "4": [4, "M"], "3": [3, "M"], "2": [2, "M"], "0": [0, "M"],
    pycopy: [5, "M"], cp2: [2, "M"], cp3: [3, "M"], cp4: [3, "M"], cp5: [3, "M"], cp6: [3, "M"], cp7: [5, "C"], cp8: [5, "C"], cp9: [6, "C"], cp10: [6, "C"],
  };
  for (const [ver, [major, magic]] of Object.entries(HEADERS)) {
    it.runIf(present)(`reads every golden/${ver} file to its last byte`, () => {
      const dir = path.join(golden, ver);
      const files = fs.readdirSync(dir).filter((f) => f.endsWith(".mpy"));
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) {
        const [stem, opt] = f.split(".") as [string, string];
        const bytes = fs.readFileSync(path.join(dir, f));
        const file = readMpy(bytes);
        expect([file.header.version, file.header.magic], f).toEqual([major, magic]);
        expect(file.dialect === DIALECT_PYCOPY, f).toBe(ver === "pycopy");
        expect(file.sourceFile).toBe(opt === "s" ? "renamed.py" : `${stem}.py`);
        const src = fs.readFileSync(path.join(sharedCorpus, "corpus", `${stem}.py`), "utf8");
        const names = new Set(codes(file.root).map((c) => c.prelude?.name));
        expect(definedNames(src).filter((n) => !names.has(n)), `${ver}/${f}`).toEqual([]);
        checkStructure(file, bytes);
      }
    });
  }
});

describe("native code (upstream mpy-cross -march=..., see native/*.py)", () => {
  const native = path.join(here, "native");
  const read = (f: string): { file: MpyFile; bytes: Uint8Array } => {
    const bytes = fs.readFileSync(path.join(native, f));
    return { file: readMpy(bytes), bytes };
  };
  const byName = (file: MpyFile, n: string): RawCode | undefined => codes(file.root).find((c) => c.prelude?.name === n);

  it("reads native and viper functions beside bytecode (6.3 x64 and rv32imc, v5 x64, v4 x64)", () => {
    for (const [f, arch, version] of [
      ["natcode.x64.mpy", "x64", 6], ["natcode.rv32imc.mpy", "rv32imc", 6], ["natcode.v5.x64.mpy", "x64", 5], ["natcode.v4.x64.mpy", "x64", 4],
    ] as const) {
      const { file, bytes } = read(f);
      expect(file.consumed, f).toBe(bytes.length);
      expect([file.header.archName, file.header.version], f).toEqual([arch, version]);
      if (version === 6) expect(file.header.subVersion, f).toBe(3);
      expect(file.sourceFile).toBe("natcode.py");
      const add = byName(file, "add_native")!;
      expect(add.kind).toBe("native");
      expect(add.prelude!.nPosArgs).toBe(2);
      expect(add.prelude!.nDefPosArgs).toBe(1);
      expect(add.prelude!.argNames).toEqual(["a", "b"]);
      expect(byName(file, "plain")!.kind).toBe("bytecode");
      const kinds = codes(file.root).map((c) => c.kind).sort();
      expect(kinds, f).toEqual(["bytecode", "bytecode", "bytecode", "native", "viper"]);
      // The viper function has no prelude; the dump names it by the store that follows its MAKE_FUNCTION.
      expect(dumpMpy(bytes)).toContain("code (no prelude; stored as double_viper) (viper,");
    }
  });

  it("reads a module compiled entirely to native code (-X emit=native)", () => {
    const { file, bytes } = read("natcode.armv7m-emit-native.mpy");
    expect(file.consumed).toBe(bytes.length);
    expect(file.header.archName).toBe("armv7m");
    expect(file.root.kind).toBe("native");
    expect(file.root.prelude!.name).toBe("<module>");
    expect(byName(file, "<listcomp>")!.kind).toBe("native");
    expect(file.constants.some((c) => c.type === "funtable")).toBe(true);
  });

  it("reads inline assembler functions (6.3 and v5)", () => {
    for (const f of ["natasm.armv7m.mpy", "natasm.v5.armv7m.mpy"]) {
      const { file, bytes } = read(f);
      expect(file.consumed).toBe(bytes.length);
      const asm = file.root.children[0]!;
      expect(asm.kind).toBe("asm");
      // def asm_add(r0, r1): two arguments, and 4 bytes of Thumb code plus the return.
      expect(asm.asmNPosArgs).toBe(2);
      expect(asm.dataLength).toBeGreaterThanOrEqual(4);
    }
  });
});

describe("malformed input", () => {
  const good = load("m04_closures.default.mpy");
  const good5 = load("v5/m04_closures.default.mpy");
  const native = fs.readFileSync(path.join(here, "native", "natcode.x64.mpy"));
  const native5 = fs.readFileSync(path.join(here, "native", "natcode.v5.x64.mpy"));

  it("rejects other files and versions with one-line errors", () => {
    expect(() => readMpy(Buffer.from("print('hi')\n"))).toThrow(/not a \.mpy file/);
    const v7 = Uint8Array.from(good);
    v7[1] = 7;
    expect(() => readMpy(v7)).toThrow(/unsupported \.mpy version 7/);
    expect(() => readMpy(new Uint8Array(0))).toThrow(MpyFormatError);
    expect(() => readMpy(Buffer.concat([good, Buffer.from([0])]))).toThrow(/1 unexpected bytes/);
    expect(readMpy(Buffer.concat([good, Buffer.from([0])]), { allowTrailing: true }).consumed).toBe(good.length);
  });

  it("every truncation is an MpyFormatError, never a crash", () => {
    for (const buf of [good, good5, native, native5]) {
      const problems: string[] = [];
      for (let n = 0; n < buf.length; n++) {
        try {
          readMpy(buf.subarray(0, n));
          problems.push(`prefix of ${n} bytes parsed`);
        } catch (e) {
          if (!(e instanceof MpyFormatError) || e.message.includes("\n")) problems.push(`prefix of ${n} bytes: ${e}`);
        }
      }
      expect(problems).toEqual([]);
    }
  });

  it("corrupted bytes give MpyFormatError or a parse, never another exception", () => {
    let seed = 12345;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (const buf of [good, good5, native, native5]) {
      const problems: string[] = [];
      for (let k = 0; k < 400; k++) {
        const bad = Uint8Array.from(buf);
        const at = 2 + rand(bad.length - 2);
        bad[at] = rand(256);
        try {
          readMpy(bad, { allowTrailing: true });
        } catch (e) {
          if (!(e instanceof MpyFormatError && e instanceof TspyError)) problems.push(`byte ${at} = ${bad[at]}: ${e}`);
        }
      }
      expect(problems).toEqual([]);
    }
  });
});

describe("dump", () => {
  it("shows header, qstrs, constants and every instruction", () => {
    const bytes = load("m04_closures.default.mpy");
    const text = dumpMpy(bytes);
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/^mpy version 6, arch none, small int bits 31$/);
    expect(text).toContain("source file: m04_closures.py");
    for (const n of definedNames(fs.readFileSync(path.join(programs, "m04_closures.py"), "utf8"))) {
      expect(text).toMatch(new RegExp(`^ *code ${n} \\(bytecode`, "m"));
    }
    const file = readMpy(bytes);
    const nIns = codes(file.root).reduce((s, c) => s + c.instructions!.length, 0);
    const insLines = lines.filter((l) => /^ +\d* +(>>| {2}) *\d+ [0-9a-f]{2}( [0-9a-f]{2})* +[A-Z_]+/.test(l));
    expect(insLines.length).toBe(nIns);
    // The closure's nonlocal counter: stored through its cell.
    expect(text).toMatch(/STORE_DEREF/);
    expect(text).toMatch(/MAKE_CLOSURE_DEFARGS #\d+ inc n_closed=1/);
  });

  it("dumps v5 files, with each code object's constants", () => {
    const text = dumpMpy(load("v5/m01_numbers.default.mpy"));
    expect(text.split("\n")[0]).toMatch(/^mpy version 5, arch none, small int bits 31, flags 0x2, qstr window 32$/);
    expect(text).toContain("int     123456789012345678901234567890");
  });

  it("dumps .mpy 3 and Pycopy files, naming whose bytecode they hold", () => {
    const v3 = dumpMpy(fs.readFileSync(path.join(here, "reference-legacy", "m04_closures.3.cache-nounicode.mpy")));
    expect(v3.split("\n").slice(0, 2)).toEqual(["mpy version 3, arch none, small int bits 31, flags 0x1", "bytecode: MicroPython 1.9.3-1.10, CircuitPython 3-6"]);
    // 1.10's flags: bit 2 (0x04) marks a generator; m04_closures has none, but its closures have cells
    expect(v3).toMatch(/cells: \[\d/);
    const pyc = dumpMpy(fs.readFileSync(path.join(here, "reference-pycopy", "m04_closures.mpy")));
    expect(pyc.split("\n")[1]).toBe("bytecode: Pycopy 3.x");
    expect(pyc).toMatch(/STORE_NAME_CONST make_counter/);
  });

  it("runDump writes dumps and reports unreadable files on one line each", async () => {
    let out = "";
    let err = "";
    const sink = { write: (s: string) => (out += s) };
    const errSink = { write: (s: string) => (err += s) };
    const ok = path.join(reference, "m38_empty.default.mpy");
    expect(await runDump([ok], sink, errSink)).toBe(0);
    expect(out).toContain("LOAD_CONST_NONE");
    expect(err).toBe("");
    out = "";
    const notMpy = path.join(programs, "m38_empty.py");
    const missing = path.join(reference, "no-such-file.mpy");
    expect(await runDump([missing, notMpy, ok], sink, errSink)).toBe(1);
    expect(err.trim().split("\n")).toEqual([`${missing}: cannot read (ENOENT)`, `${notMpy}: not a .mpy file (first byte 0x23, expected 'M')`]);
    expect(out).toContain(`==> ${ok} <==`);
  });
});
