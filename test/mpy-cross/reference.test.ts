// Our compiler against upstream mpy-cross 1.27: byte-identical .mpy for every program in
// test/mpy-cross/programs under each option set, and the same stdout when the result is imported
// into the real MicroPython VM. See reference/README.md for where the reference data comes from.
//
// PASSING lists the programs (or "program.option") that currently match byte for byte; the compiler
// work extends it as more match. A mismatch prints the first differing lines of the two dumps.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { diffDumps } from "../../src/mpy-cross/dump.js";

const PASSING: string[] = [];

const here = path.dirname(fileURLToPath(import.meta.url));
const programs = path.join(here, "programs");
const reference = path.join(here, "reference");
const OPTIONS = {
  default: {},
  O1: { optimize: 1 },
  O3: { optimize: 3 },
  s: { sourceName: "renamed.py" },
} as const;
type OptionName = keyof typeof OPTIONS;

const stems = fs.readdirSync(programs).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();

function passingCases(): [string, OptionName][] {
  const out: [string, OptionName][] = [];
  for (const entry of PASSING) {
    const [stem, opt] = entry.split(".") as [string, OptionName | undefined];
    if (opt) out.push([stem, opt]);
    else for (const o of Object.keys(OPTIONS) as OptionName[]) out.push([stem, o]);
  }
  return out;
}

type Compile = (source: Uint8Array, opts: { filename: string; sourceName?: string; optimize?: number }) => Uint8Array;

// Loaded only when there is something to compile, so this file stands on its own while the
// compiler is being written.
async function loadCompiler(): Promise<Compile> {
  const spec = "../../src/mpy-cross/index.js";
  const mod = (await import(/* @vite-ignore */ spec)) as { compileToMpy: Compile };
  return mod.compileToMpy;
}

/** Imports a module into a fresh VM the way run.mjs does, returning its stdout. */
async function runInVm(stem: string, file: string, bytes: Uint8Array): Promise<string> {
  const require = createRequire(path.join(here, "../../package.json"));
  const { loadMicroPython } = await import(require.resolve("@micropython/micropython-webassembly-pyscript"));
  let text = "";
  const mp = await loadMicroPython({ stdout: (l: string) => { text += l + "\n"; }, stderr: () => {} });
  mp.FS.mkdir("/t");
  mp.FS.writeFile(`/t/${file}`, bytes);
  try {
    mp.runPython(`import sys\nsys.path.insert(0, '/t')\n__import__('${stem}')`);
  } catch (e) {
    text += `exception: ${(e as Error).message}\n`;
  }
  return text;
}

describe("reference data", () => {
  it("has four upstream .mpy files and an expected output for every program", () => {
    for (const stem of stems) {
      for (const o of Object.keys(OPTIONS)) expect(fs.existsSync(path.join(reference, `${stem}.${o}.mpy`)), `${stem}.${o}`).toBe(true);
      expect(fs.existsSync(path.join(reference, `${stem}.out`)), stem).toBe(true);
    }
    expect(stems.length).toBeGreaterThanOrEqual(30);
  });

  it("upstream's .mpy of every program prints the recorded output in the VM", async () => {
    for (const stem of stems) {
      const got = await runInVm(stem, `${stem}.mpy`, fs.readFileSync(path.join(reference, `${stem}.default.mpy`)));
      expect(got, stem).toBe(fs.readFileSync(path.join(reference, `${stem}.out`), "utf8"));
    }
  }, 60_000);
});

// (vitest rejects an empty describe block, hence the guard while PASSING is empty.)
const cases = passingCases();
if (cases.length) describe("compileToMpy matches upstream mpy-cross 1.27 byte for byte", () => {
  for (const [stem, opt] of cases) {
    it(`${stem} ${opt}`, async () => {
      const compile = await loadCompiler();
      const source = fs.readFileSync(path.join(programs, `${stem}.py`));
      const got = compile(source, { filename: `${stem}.py`, ...OPTIONS[opt] });
      const want = fs.readFileSync(path.join(reference, `${stem}.${opt}.mpy`));
      if (!Buffer.from(got).equals(want)) {
        expect.fail(`${stem}.${opt}: ${got.length} bytes, upstream ${want.length}\n${diffDumps(got, want)}`);
      }
      if (opt === "default") {
        const out = await runInVm(stem, `${stem}.mpy`, got);
        expect(out).toBe(fs.readFileSync(path.join(reference, `${stem}.out`), "utf8"));
      }
    }, 30_000);
  }
});
