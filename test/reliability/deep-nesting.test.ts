// Issue 12 item 14: deeply nested source compiles where upstream mpy-cross compiles it, to the same
// bytes (reference .mpy from upstream 1.27 in test/mpy-cross/deep-nesting/), instead of overflowing
// the stack of the recursive stages.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const REF = path.join(ROOT, "test", "mpy-cross", "deep-nesting");
const CASES: [string, string, string][] = [
  ["calls-3000", "/tmp/n1.py", "x = " + "f(".repeat(3000) + "1" + ")".repeat(3000)],
  ["dicts-3000", "/tmp/n2.py", "x = " + "{1:".repeat(3000) + "1" + "}".repeat(3000)],
  ["lists-5000", "/tmp/n3.py", "x = " + "[".repeat(5000) + "]".repeat(5000)],
  ["power-5000", "/tmp/n4.py", "x = 2" + "**2".repeat(5000)],
  ["locals-5000", "/tmp/l5000.py", "def f():\n" + Array.from({ length: 5000 }, (_, i) => `    v${i} = 1\n`).join("")],
];

let dir: string;
beforeAll(async () => {
  dir = await tempDir("deep");
});

describe("deeply nested source", () => {
  it("70000 locals in one function: upstream's MemoryError line, not a minute of work", async () => {
    const src = path.join(dir, "locals.py");
    fs.writeFileSync(src, "def f():\n" + Array.from({ length: 70000 }, (_, i) => `    v${i} = 1\n`).join("") + "\n");
    const r = await tspy(["mpy-cross", "-o", path.join(dir, "locals.mpy"), src]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^MemoryError: memory allocation failed, allocating \d+ bytes\n$/);
    expect(fs.existsSync(path.join(dir, "locals.mpy"))).toBe(false);
  });

  for (const [name, sourceName, text] of CASES) {
    it(`${name}: compiles to upstream's bytes`, async () => {
      const src = path.join(dir, `${name}.py`);
      const out = path.join(dir, `${name}.mpy`);
      fs.writeFileSync(src, text + "\n");
      // -s: the source name upstream's reference was made with.
      const r = await tspy(["mpy-cross", "-s", sourceName, "-o", out, src]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(Buffer.compare(fs.readFileSync(out), fs.readFileSync(path.join(REF, `${name}.mpy`)))).toBe(0);
    });
  }
});
