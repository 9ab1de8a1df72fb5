// Cases where tspy's mpy-cross once differed from upstream, each a small program in
// ./reference/diffs with the .mpy upstream wrote for it (`<stem>.<mpy version>.mpy`, made outside this
// repository with the upstream release of that version: 6.3 = 1.27.0, 6.2 = 1.22.2, 5 = 1.18; cp7 = CircuitPython
// 7.3.3, cp8 = 8.2.10, cp9 = 9.2.9, cp10 = 10.2.1), or for a program upstream rejects, what it printed
// (`<stem>.<mpy version>.err`, stderr byte for byte).
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compileToMpy, CompileError } from "../../src/mpy-cross/index.js";
import { diffDumps } from "../../src/mpy-cross/dump.js";

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), "reference", "diffs");
const files = readdirSync(dir).sort();
const VERSION = String.raw`(\d(?:\.\d)?|cp\d+|pycopy)`;

describe("byte differences once seen against upstream mpy-cross", () => {
  for (const golden of files) {
    // `.b<N>` before .mpy: compiled with -msmall-int-bits=N
    const m = new RegExp(String.raw`^([^.]+)\.${VERSION}(?:\.b(\d+))?\.mpy$`).exec(golden);
    if (!m) continue;
    const [, stem, version, bits] = m;
    it(`${stem} (.mpy ${version}${bits ? `, ${bits}-bit small ints` : ""})`, () => {
      const source = readFileSync(path.join(dir, `${stem}.py`));
      const smallIntBits = bits ? Number(bits) : undefined;
      const got = compileToMpy(source, { filename: `${stem}.py`, mpyVersion: version, smallIntBits });
      const want = readFileSync(path.join(dir, golden));
      if (!Buffer.from(got).equals(want)) expect.fail(diffDumps(got, want));
    });
  }

  for (const golden of files) {
    const m = new RegExp(String.raw`^([^.]+)\.${VERSION}\.err$`).exec(golden);
    if (!m) continue;
    const [, stem, version] = m;
    it(`${stem} (.mpy ${version}) is rejected as upstream rejects it`, () => {
      const source = readFileSync(path.join(dir, `${stem}.py`));
      let printed = "compiled without error";
      try {
        compileToMpy(source, { filename: `${stem}.py`, mpyVersion: version });
      } catch (e) {
        if (!(e instanceof CompileError)) throw e;
        printed = e.format();
      }
      expect(printed).toBe(readFileSync(path.join(dir, golden), "utf8"));
    });
  }

  it("every program has at least one reference", () => {
    for (const py of files.filter((f) => f.endsWith(".py"))) {
      expect(files.some((f) => f.startsWith(py.slice(0, -3) + ".") && (f.endsWith(".mpy") || f.endsWith(".err"))), py).toBe(true);
    }
  });
});
