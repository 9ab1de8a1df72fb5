// Compile errors as upstream mpy-cross 1.11, 1.10, 1.9.2 and 1.8.4 (and CircuitPython 2.3.1, 3.1.2) print them (./reference-errors, made outside
// this repository; see its README): the words of each release, the traceback lines, and the programs
// those releases compiled where later ones refuse them.
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { compileToMpy, CompileError, MPY_VERSIONS } from "../../src/mpy-cross/index.js";
import { resolveArch } from "../../src/mpy-cross/native/target.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "reference-errors");

/** `### NAME` blocks of a file, by name. */
function blocks(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of fs.readFileSync(path.join(dir, file), "utf8").split(/^### /m).slice(1)) {
    const nl = part.indexOf("\n");
    out.set(part.slice(0, nl), part.slice(nl + 1));
  }
  return out;
}

const cases = blocks("cases.txt");

/** What tspy's mpy-cross prints for a source, as the CLI compiles it (the release's default arch). */
function printed(name: string, version: string): string {
  const arch = resolveArch(MPY_VERSIONS[version]!.emulates, undefined, "bytecode").arch;
  try {
    compileToMpy(cases.get(name)!, { filename: `${name}.py`, mpyVersion: version, arch });
    return "(compiles)\n";
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    return e.format();
  }
}

// CircuitPython 2.3.1's mpy-cross printed exactly 1.9.2's for every case
for (const [version, release, file] of [
  ["4", "1.11", "4"], ["3", "1.10", "3"], ["2", "1.9.2", "2"], ["0", "1.8.4", "0"], ["cp2", "CircuitPython 2.3.1", "2"], ["cp3", "CircuitPython 3.1.2", "cp3"],
] as const) {
  describe(`compile errors of mpy-cross ${release} (--mpy-version ${version})`, () => {
    const expected = blocks(`expected.${file}.txt`);
    it("has the expected output of most cases", () => {
      expect(expected.size).toBeGreaterThan(cases.size - 10);
      for (const name of expected.keys()) expect(cases.has(name), name).toBe(true);
    });
    for (const [name, want] of expected) {
      it(name, () => expect(printed(name, version)).toBe(want));
    }
  });
}
