// The compiler bundle's V8 code caches (bundle-loader.ts) and the flags a big batch sets
// (v8-setting.ts). V8 accepts a cache only from a process with the flags it was made with, so a
// batch must never leave the one-file compile's cache stamped with its flags, and the worker threads
// it starts keep a cache of their own. Run on a copy of the installation (bin/, dist/, package.json),
// so the caches can be removed and watched without disturbing other tests.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT } from "../helpers/cli.js";
import { installationCopy } from "../helpers/installation-copy.js";
import { removeTempDirs } from "../helpers/temp-dirs.js";

let install: string;
let src: string;
const CACHE_NAMES = { one: "mpy-cross.bundle.v8cache", batch: "mpy-cross.bundle.batch.v8cache", flags: "mpy-cross.bundle.flags.v8cache" };
const cacheFile = (kind: keyof typeof CACHE_NAMES) => path.join(install, "dist", CACHE_NAMES[kind]);
const removeCaches = () => {
  for (const kind of ["one", "batch", "flags"] as const) fs.rmSync(cacheFile(kind), { force: true });
};
/** Node options for none of these runs unless a test gives them (a cache is chosen by them). */
const plainEnv = () => {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return env;
};

/** `tspy mpy-cross ARGS` in the copy, with these Node options before the script and in the environment. */
function run(args: string[], nodeOptions: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [...nodeOptions, path.join(install, "bin", "tspy.js"), "mpy-cross", ...args], { cwd: install, encoding: "utf8", env: { ...plainEnv(), ...env } });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
}

/** A file as written: replaced (by a save) means another inode or another time, to the nanosecond. */
const identity = (file: string) => {
  const st = fs.statSync(file, { bigint: true });
  return `${st.ino}@${st.mtimeNs}`;
};

/** Whether a fresh process (with the batch flags set first, or not) loads the bundle with its cache. */
function cacheAccepted(withBatchFlags: boolean): boolean {
  const batch = path.join(install, "dist", "src", "mpy-cross", "batch");
  const script = `
    import { useBatchTiering, MIN_FILES_FOR_BATCH_TIERING } from ${JSON.stringify(path.join(batch, "v8-setting.js"))};
    import { loadBundle, bundleCodeCacheUsed } from ${JSON.stringify(path.join(batch, "bundle-loader.js"))};
    if (${withBatchFlags}) useBatchTiering(MIN_FILES_FOR_BATCH_TIERING);
    if (!loadBundle()) throw new Error("no current bundle");
    process.stdout.write(String(bundleCodeCacheUsed()));`;
  // From a file, not `node -e`: a Node started with options takes the ".flags" cache (bundle-loader.ts).
  const file = path.join(install, "cache-accepted.mjs");
  fs.writeFileSync(file, script);
  const r = spawnSync(process.execPath, [file], { encoding: "utf8", env: plainEnv() });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as boolean;
}

beforeAll(async () => {
  install = await installationCopy("code-cache");
  src = path.join(install, "src-py");
  fs.mkdirSync(src);
  // enough files for the batch flags, each with a few functions so the compile is not trivial
  for (let i = 0; i < 40; i++) {
    fs.writeFileSync(path.join(src, `m${i}.py`), `def f${i}(a, b=${i}):\n    return [x * b for x in range(a) if x % 3]\n\nclass C${i}:\n    def g(self):\n        return {"k": f${i}(4)}\n`);
  }
});
afterAll(removeTempDirs);

describe("the native back end's bundle", () => {
  // dist/mpy-cross-native.bundle.cjs is loaded only by a compile that needs native code, and saves its
  // own code cache then; a bytecode compile leaves it unread.
  const nativeCache = () => path.join(install, "dist", "mpy-cross-native.bundle.v8cache");
  it("is not loaded by a bytecode compile, and is by a native one", () => {
    fs.rmSync(nativeCache(), { force: true });
    run(["-o", path.join(install, "bc.mpy"), path.join(src, "m2.py")]);
    expect(fs.existsSync(nativeCache())).toBe(false);
    fs.writeFileSync(path.join(src, "nat.py"), "@micropython.native\ndef f(a):\n    return a + 1\n");
    run(["-march=x64", "-o", path.join(install, "nat.mpy"), path.join(src, "nat.py")]);
    expect(fs.existsSync(nativeCache())).toBe(true);
    fs.rmSync(path.join(src, "nat.py"));
  });
});

describe("the old qstr pools' bundle", () => {
  // dist/mpy-cross-pools.bundle.cjs holds the pools of the releases before 1.12: a compile for a newer
  // release leaves it unread, one for an older release loads it (and saves its code cache).
  const poolsCache = () => path.join(install, "dist", "mpy-cross-pools.bundle.v8cache");
  it("is not loaded by a compile for a newer release, and is by one for 1.11", () => {
    fs.rmSync(poolsCache(), { force: true });
    run(["-o", path.join(install, "new.mpy"), path.join(src, "m4.py")]);
    run(["--mpy-version", "5", "-o", path.join(install, "v5.mpy"), path.join(src, "m4.py")]);
    expect(fs.existsSync(poolsCache())).toBe(false);
    run(["--mpy-version", "4", "-o", path.join(install, "v4.mpy"), path.join(src, "m4.py")]);
    expect(fs.existsSync(poolsCache())).toBe(true);
  });
});

describe("the old back ends' bundle", () => {
  // dist/mpy-cross-legacy.bundle.cjs holds the emitters, writers and float formatting of .mpy 5 and
  // older: a compile for a current release leaves it unread, even one with float constants for a
  // release whose formatting it holds only once a float is written; one for .mpy 5 loads it.
  const legacyCache = () => path.join(install, "dist", "mpy-cross-legacy.bundle.v8cache");
  it("is not loaded by a compile for .mpy 6, and is by one for .mpy 5", () => {
    fs.rmSync(legacyCache(), { force: true });
    const noFloats = path.join(install, "no_floats.py");
    fs.writeFileSync(noFloats, "def f(a):\n    return [a, 'x', 2 ** 40]\n");
    run(["-o", path.join(install, "new.mpy"), path.join(src, "m4.py")]);
    run(["--mpy-version", "6.1", "-o", path.join(install, "v61.mpy"), noFloats]);
    expect(fs.existsSync(legacyCache())).toBe(false);
    run(["--mpy-version", "5", "-o", path.join(install, "v5.mpy"), path.join(src, "m4.py")]);
    expect(fs.existsSync(legacyCache())).toBe(true);
  });

  it("formats a float constant for 1.22 (.mpy 6.1) from it", () => {
    fs.rmSync(legacyCache(), { force: true });
    const floats = path.join(install, "floats.py");
    fs.writeFileSync(floats, "x = 0.1 + 2.5e-7\n");
    run(["--mpy-version", "6.1", "-o", path.join(install, "f61.mpy"), floats]);
    expect(fs.existsSync(legacyCache())).toBe(true);
  });
});

describe("the .mpy reader's bundle", () => {
  // dist/mpy-cross-dump.bundle.cjs (mpy-cross --dump and the reader) is loaded only by --dump, which
  // saves its code cache; a compile leaves it unread.
  const dumpCache = () => path.join(install, "dist", "mpy-cross-dump.bundle.v8cache");
  it("is not loaded by a compile, and is by --dump, which prints the same as the ES modules", () => {
    fs.rmSync(dumpCache(), { force: true });
    const mpy = path.join(install, "dumped.mpy");
    run(["-o", mpy, path.join(src, "m3.py")]);
    expect(fs.existsSync(dumpCache())).toBe(false);
    const bundled = spawnSync(process.execPath, [path.join(install, "bin", "tspy.js"), "mpy-cross", "--dump", mpy], { encoding: "utf8" });
    expect(bundled.stderr).toBe("");
    expect(bundled.status).toBe(0);
    expect(fs.existsSync(dumpCache())).toBe(true);
    // the same through the ES modules (dist/src), which import dump.ts directly
    const script = `import { runDump } from ${JSON.stringify(path.join(install, "dist", "src", "mpy-cross", "dump.js"))};
      let text = ""; const status = await runDump([${JSON.stringify(mpy)}], { write: (s) => { text += s; return true; } });
      process.stdout.write(status + "\\n" + text);`;
    const direct = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    expect(direct.stderr).toBe("");
    expect(direct.stdout).toBe("0\n" + bundled.stdout);
    expect(bundled.stdout).toMatch(/f3/);
  });
});

describe("the compiler's code caches", () => {
  it("a one-file compile saves the cache a later one-file compile accepts", () => {
    removeCaches();
    run(["-o", path.join(install, "one.mpy"), path.join(src, "m0.py")]);
    expect(fs.existsSync(cacheFile("one"))).toBe(true);
    expect(cacheAccepted(false)).toBe(true);
  });

  // V8 refuses a cache made with other flags, and CI jobs often set some (NODE_OPTIONS=--max-old-space-size).
  it("a run with Node options keeps a cache of its own and leaves the plain one as it was", () => {
    run(["-o", path.join(install, "one.mpy"), path.join(src, "m0.py")]);
    expect(cacheAccepted(false)).toBe(true);
    fs.rmSync(cacheFile("flags"), { force: true });
    const plain = identity(cacheFile("one"));
    // (control: V8 refuses the plain cache under this flag, so a run with it has to save a cache)
    run(["-o", path.join(install, "big-heap.mpy"), path.join(src, "m1.py")], ["--max-old-space-size=3000"]);
    expect(fs.existsSync(cacheFile("flags"))).toBe(true);
    expect(identity(cacheFile("one"))).toBe(plain);
    // the next such run takes that cache: nothing is saved again
    const flagged = identity(cacheFile("flags"));
    run(["-o", path.join(install, "big-heap.mpy"), path.join(src, "m2.py")], ["--max-old-space-size=3000"]);
    expect(identity(cacheFile("flags"))).toBe(flagged);
    // the same flag in NODE_OPTIONS
    run(["-o", path.join(install, "big-heap.mpy"), path.join(src, "m3.py")], [], { NODE_OPTIONS: "--max-old-space-size=3000" });
    expect(identity(cacheFile("flags"))).toBe(flagged);
    expect(identity(cacheFile("one"))).toBe(plain);
    expect(cacheAccepted(false)).toBe(true);
  });

  it("a big batch on this thread leaves the one-file cache as it was", () => {
    const before = fs.readFileSync(cacheFile("one"));
    run(["-r", src, "--out-dir", path.join(install, "out-j0"), "-j", "0"]);
    expect(Buffer.compare(fs.readFileSync(cacheFile("one")), before)).toBe(0);
    expect(cacheAccepted(false)).toBe(true);
  });

  it("a big batch run first saves no one-file cache stamped with its flags", () => {
    removeCaches();
    run(["-r", src, "--out-dir", path.join(install, "out-first"), "-j", "0"]);
    expect(fs.existsSync(cacheFile("one"))).toBe(false);
    run(["-o", path.join(install, "one.mpy"), path.join(src, "m1.py")]);
    expect(cacheAccepted(false)).toBe(true);
  });

  it("worker threads of a big batch run with its flags and keep their own cache", () => {
    removeCaches();
    run(["-r", src, "--out-dir", path.join(install, "out-j1"), "-j", "1"]);
    expect(fs.existsSync(cacheFile("batch"))).toBe(true);
    // the worker's cache carries the batch flags: a process that set them accepts it, one without does not
    expect(cacheAccepted(true)).toBe(true);
    fs.copyFileSync(cacheFile("batch"), cacheFile("one"));
    expect(cacheAccepted(false)).toBe(false);
  });

  it("a small batch sets no flags: its worker's cache is the one-file compile's", () => {
    removeCaches();
    const small = path.join(install, "src-small");
    fs.mkdirSync(small);
    for (let i = 0; i < 4; i++) fs.copyFileSync(path.join(src, `m${i}.py`), path.join(small, `m${i}.py`));
    run(["-r", small, "--out-dir", path.join(install, "out-small"), "-j", "1"]);
    expect(fs.existsSync(cacheFile("batch"))).toBe(false);
    expect(cacheAccepted(false)).toBe(true);
  });

  // A file of a few KB goes "cold" (no TurboFan) after the bundle was loaded with the one-file cache.
  const coldSized = () => {
    const file = path.join(src, "cold.py");
    const funcs = Array.from({ length: 60 }, (_, i) => `def g${i}(a, b=${i}):\n    return [x * b for x in range(a) if x % 3] + [f"{a!r}"]\n`);
    fs.writeFileSync(file, funcs.join("\n"));
    expect(fs.statSync(file).size).toBeGreaterThan(4096);
    return file;
  };

  it("a one-file compile of a few KB, without TurboFan, leaves the one-file cache as it was", () => {
    run(["-o", path.join(install, "one.mpy"), path.join(src, "m1.py")]);
    const before = fs.readFileSync(cacheFile("one"));
    run(["-o", path.join(install, "cold.mpy"), coldSized()]);
    expect(Buffer.compare(fs.readFileSync(cacheFile("one")), before)).toBe(0);
    expect(cacheAccepted(false)).toBe(true);
  });

  it("a one-file compile of a few KB run first saves a cache with the default flags", () => {
    removeCaches();
    run(["-o", path.join(install, "cold.mpy"), coldSized()]);
    expect(fs.existsSync(cacheFile("one"))).toBe(true);
    expect(cacheAccepted(false)).toBe(true);
  });

  it("writes the same bytes without TurboFan as in a big batch", () => {
    const file = coldSized();
    const batchDir = path.join(install, "src-with-cold");
    fs.mkdirSync(batchDir, { recursive: true });
    for (let i = 0; i < 30; i++) fs.copyFileSync(path.join(src, `m${i}.py`), path.join(batchDir, `m${i}.py`));
    fs.copyFileSync(file, path.join(batchDir, "cold.py"));
    run(["-r", batchDir, "--out-dir", path.join(install, "out-with-cold"), "-j", "0"]);
    // the same path: a .mpy names its source
    run(["-o", path.join(install, "cold-one.mpy"), path.join(batchDir, "cold.py")]);
    expect(Buffer.compare(fs.readFileSync(path.join(install, "out-with-cold", "cold.mpy")), fs.readFileSync(path.join(install, "cold-one.mpy")))).toBe(0);
  });

  it("writes the same bytes with the batch flags as file by file", () => {
    const out = path.join(install, "out-j0");
    for (const i of [0, 17, 39]) {
      const one = path.join(install, `single-${i}.mpy`);
      run(["-o", one, path.join(src, `m${i}.py`)]);
      expect(Buffer.compare(fs.readFileSync(path.join(out, `m${i}.mpy`)), fs.readFileSync(one)), `m${i}`).toBe(0);
    }
  });
});
