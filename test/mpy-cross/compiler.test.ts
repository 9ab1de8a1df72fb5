// The compiler against upstream: each program in ./programs compiled by tspy must equal, byte for
// byte, what upstream mpy-cross 1.27 wrote (./reference, made outside this repository), and the
// .mpy must run in the real MicroPython VM with the output the source gives there.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { compileToMpy, CompileError } from "../../src/mpy-cross/index.js";
import { diffDumps } from "../../src/mpy-cross/dump.js";

const here = path.dirname(new URL(import.meta.url).pathname);
const programsDir = path.join(here, "programs");
const referenceDir = path.join(here, "reference");
const programs = readdirSync(programsDir).filter((f) => f.endsWith(".py")).sort();

const OPTION_SETS = {
  default: {},
  O1: { optimize: 1 },
  O3: { optimize: 3 },
  s: { sourceName: "renamed.py" },
} as const;

describe("mpy-cross output equals upstream mpy-cross 1.27", () => {
  for (const file of programs) {
    const stem = file.slice(0, -3);
    for (const [opt, flags] of Object.entries(OPTION_SETS)) {
      const golden = path.join(referenceDir, `${stem}.${opt}.mpy`);
      if (!existsSync(golden)) continue;
      it(`${stem} ${opt}`, () => {
        const got = compileToMpy(readFileSync(path.join(programsDir, file)), { filename: file, ...flags });
        const want = readFileSync(golden);
        if (!Buffer.from(got).equals(want)) expect.fail(diffDumps(got, want));
      });
    }
  }
});


// .mpy v5 (upstream mpy-cross 1.18).
describe(".mpy v5 output equals upstream mpy-cross 1.18", () => {
  for (const file of programs) {
    const stem = file.slice(0, -3);
    for (const [opt, flags] of Object.entries(OPTION_SETS)) {
      const golden = path.join(referenceDir, "v5", `${stem}.${opt}.mpy`);
      if (!existsSync(golden)) continue;
      it(`${stem} ${opt}`, () => {
        const got = compileToMpy(readFileSync(path.join(programsDir, file)), { filename: file, mpyVersion: "5", ...flags });
        const want = readFileSync(golden);
        if (!Buffer.from(got).equals(want)) expect.fail(diffDumps(got, want));
      });
    }
  }
});

interface Vm {
  runPython(code: string): unknown;
  FS: { mkdir(p: string): void; writeFile(p: string, data: Uint8Array): void };
}
const VM_MODULE = "@micropython/micropython-webassembly-pyscript";

async function runInVm(stem: string, mpy: Uint8Array): Promise<string> {
  const { loadMicroPython } = (await import(VM_MODULE)) as {
    loadMicroPython(o: { stdout: (s: string) => void; stderr: (s: string) => void }): Promise<Vm>;
  };
  let text = "";
  const mp = await loadMicroPython({ stdout: (l) => (text += l + "\n"), stderr: () => undefined });
  mp.FS.mkdir("/t");
  mp.FS.writeFile(`/t/${stem}.mpy`, mpy);
  try {
    mp.runPython(`import sys\nsys.path.insert(0, '/t')\n__import__('${stem}')`);
  } catch (e) {
    text += `exception: ${(e as Error).message}\n`;
  }
  return text;
}

describe("compiled programs run in the MicroPython VM", () => {
  for (const file of programs) {
    const stem = file.slice(0, -3);
    const expected = path.join(referenceDir, `${stem}.out`);
    if (!existsSync(expected)) continue;
    it(stem, async () => {
      const mpy = compileToMpy(readFileSync(path.join(programsDir, file)), { filename: file });
      expect(await runInVm(stem, mpy)).toBe(readFileSync(expected, "utf8"));
    });
  }
});

describe("compile errors", () => {
  const cases: [string, string, number][] = [
    ["x = 1\nbreak\n", "'break'/'continue' outside loop", 2],
    ["def f():\n    pass\nreturn 5\n", "'return' outside function", 3],
    ["nonlocal x\n", "can't declare nonlocal in outer code", 1],
    ["def f():\n    nonlocal q\n", "no binding for nonlocal found", 2],
    ["def f(a, a):\n    pass\n", "argument name reused", 1],
    ["def f(a=1, b):\n    pass\n", "non-default argument follows default argument", 1],
    ["f() = 3\n", "can't assign to expression", 1],
    ["del 5\n", "can't delete expression", 1],
    ["a, *b, *c = x\n", "multiple *x in assignment", 1],
    ["x = yield 3\n", "'yield' outside function", 1],
    ["try:\n    pass\nexcept:\n    pass\nexcept ValueError:\n    pass\n", "default 'except' must be last", 3],
    ["def f():\n    from os import *\n", "import * not at module level", 2],
    ["f(**a, b)\n", "positional arg after **", 1],
    ["f(a=1, b)\n", "positional arg after keyword arg", 1],
    ["@micropython.native\ndef f():\n    pass\n", "invalid arch", 1],
  ];
  for (const [src, message, line] of cases) {
    it(message, () => {
      let err: unknown;
      try {
        compileToMpy(src, { filename: "bad.py" });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CompileError);
      expect((err as CompileError).message).toBe(message);
      expect((err as CompileError).line).toBe(line);
      expect((err as CompileError).kind).toBe("SyntaxError");
    });
  }
});
