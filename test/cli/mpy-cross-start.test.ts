// How bin/ starts `tspy mpy-cross`: a one-file compile starts the compiler bundle itself (bin/tspy.js,
// compilerBundle) and requires no module of ours; a build with a cache goes through dist/fast-path.cjs,
// which can answer a repeated build by stats before any compiler loads; a bundle older than its modules
// is not used. Run on a copy of the installation, so its files can be aged and removed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/cli.js";
import { installationCopy } from "../helpers/installation-copy.js";
import { removeTempDirs } from "../helpers/temp-dirs.js";

let install: string;
let work: string;
const SOURCE = "def add(a, b):\n    return a + b\n\nprint(add(1, 2))\n";

beforeAll(async () => {
  install = await installationCopy("mpy-cross-start");
  work = path.join(install, "work");
  fs.mkdirSync(work);
  fs.writeFileSync(path.join(work, "small.py"), SOURCE);
});
afterAll(removeTempDirs);

/** `tspy mpy-cross ARGS` from the copy, with Node's module tracing on: which files of ours it loaded. */
function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [path.join(install, "bin", "tspy.js"), "mpy-cross", ...args], {
    cwd: work,
    encoding: "utf8",
    env: { ...process.env, TSPY_MPY_CACHE: "", NODE_DEBUG: "module", ...env },
  });
  const loaded = [...r.stderr.matchAll(/load "([^"]+)"/g)].map((m) => path.relative(install, m[1]!));
  const errors = r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("MODULE "));
  return { status: r.status, loaded, errors };
}

/** The upstream-format .mpy the ES modules write for the same input, to compare against. */
function expected(name: string): Buffer {
  const script = `import { compileToMpy } from ${JSON.stringify(path.join(ROOT, "dist", "src", "mpy-cross", "index.js"))};
    process.stdout.write(Buffer.from(compileToMpy(${JSON.stringify(SOURCE)}, { filename: ${JSON.stringify(name)} })).toString("hex"));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  return Buffer.from(r.stdout, "hex");
}

describe("bin/'s start of tspy mpy-cross", () => {
  it("a one-file compile loads bin/tspy.js and nothing else of ours, and writes what the compiler does", () => {
    const r = run(["-o", "a.mpy", "small.py"]);
    expect(r).toEqual({ status: 0, loaded: ["bin/tspy.js"], errors: [] });
    expect(Buffer.compare(fs.readFileSync(path.join(work, "a.mpy")), expected("small.py"))).toBe(0);
  });

  it("a build with a cache goes through dist/fast-path.cjs, with --cache or $TSPY_MPY_CACHE", () => {
    const cache = path.join(install, "cache");
    for (const [args, env] of [
      [["--cache", cache, "-o", "b.mpy", "small.py"], {}],
      [["-o", "c.mpy", "small.py"], { TSPY_MPY_CACHE: cache }],
    ] as const) {
      const r = run([...args], env);
      expect({ args, ...r }).toEqual({ args, status: 0, loaded: ["bin/tspy.js", "dist/fast-path.cjs"], errors: [] });
    }
    expect(Buffer.compare(fs.readFileSync(path.join(work, "b.mpy")), expected("small.py"))).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(work, "c.mpy")), fs.readFileSync(path.join(work, "b.mpy")))).toBe(0);
  });

  it("a compile with no code cache beside the bundle saves one, which the next compile takes", () => {
    const cacheFile = path.join(install, "dist", "mpy-cross.bundle.v8cache");
    fs.rmSync(cacheFile, { force: true });
    expect(run(["-o", "d.mpy", "small.py"]).status).toBe(0);
    expect(fs.existsSync(cacheFile)).toBe(true);
    const saved = fs.readFileSync(cacheFile);
    expect(run(["-o", "e.mpy", "small.py"]).status).toBe(0);
    // taken, not refused: a refused cache is saved again, with other bytes or another time
    expect(Buffer.compare(fs.readFileSync(cacheFile), saved)).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(work, "e.mpy")), expected("small.py"))).toBe(0);
  });

  it("a bundle older than its modules is not used: the compile goes the longer way", () => {
    // A stale bundle that would fail if it were run, dated before the module it was made from.
    const bundle = path.join(install, "dist", "mpy-cross.bundle.cjs");
    fs.writeFileSync(bundle, '(function () { throw new Error("the stale bundle ran"); })');
    const entry = path.join(install, "dist", "src", "mpy-cross", "batch", "bundle-entry.js");
    const earlier = new Date(fs.statSync(entry).mtimeMs - 60_000);
    fs.utimesSync(bundle, earlier, earlier);
    const r = run(["-o", "f.mpy", "small.py"]);
    expect(r).toEqual({ status: 0, loaded: ["bin/tspy.js", "dist/fast-path.cjs"], errors: [] });
    expect(Buffer.compare(fs.readFileSync(path.join(work, "f.mpy")), expected("small.py"))).toBe(0);
  });
});
