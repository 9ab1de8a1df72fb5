// Issue 12 item 16: the project's own suite passes on a clone of the project alone. Every test that reads
// the shared corpora goes through test/helpers/shared-corpus.ts, which skips with a printed note; here the
// corpus-reading test files run with the shared directory pointed at an empty one.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return testFiles(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

describe("a clone without ../shared", () => {
  it("no test names the shared directory except through the helper", () => {
    const offenders = testFiles(path.join(ROOT, "test"))
      .filter((f) => !f.endsWith(path.join("helpers", "shared-corpus.ts")) && !f.endsWith("fresh-clone.test.ts"))
      .filter((f) => /\.\.\/shared\b|\/work\/shared/.test(fs.readFileSync(f, "utf8")))
      .map((f) => path.relative(ROOT, f));
    expect(offenders).toEqual([]);
  });

  it("the corpus-reading test files pass and print why they skip", () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-noshared-"));
    try {
      const r = spawnSync(
        process.execPath,
        [path.join(ROOT, "node_modules/vitest/vitest.mjs"), "run", "test/mpy-cross/parser.test.ts", "test/mpy-cross/mpy-reader.test.ts"],
        { cwd: ROOT, env: { ...process.env, TSPY_SHARED_DIR: empty, CI: "1" }, encoding: "utf8", timeout: 120_000 },
      );
      const out = r.stdout + r.stderr;
      expect(out).not.toMatch(/ENOENT/);
      expect(r.status, out.slice(-2000)).toBe(0);
      expect(out).toMatch(/note: .*conformance is absent/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  }, 120_000);
});
