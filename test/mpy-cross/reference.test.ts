// The reference data in ./reference is consistent: every program has its four upstream .mpy files
// and an expected output, and upstream's own .mpy prints that output in the real MicroPython VM.
// (Byte equality of our compiler with these files is tested in compiler.test.ts, which shows
// diffDumps from src/mpy-cross/dump.ts on a mismatch.) See reference/README.md for the data's origin.
import { describe, it, expect } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const programs = path.join(here, "programs");
const reference = path.join(here, "reference");
const OPTIONS = ["default", "O1", "O3", "s"];

const stems = fs.readdirSync(programs).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();

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
      for (const o of OPTIONS) expect(fs.existsSync(path.join(reference, `${stem}.${o}.mpy`)), `${stem}.${o}`).toBe(true);
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
