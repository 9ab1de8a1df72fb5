// Build-sized compiles: directories (-r), quoted globs, worker threads (-j), the content-addressed
// cache (--cache) and the `mpy-cross` executable. Every output is checked against upstream mpy-cross
// 1.27's own bytes (test/mpy-cross/reference, see its README), so a batch is proven to write exactly
// what one upstream call per file writes.
import { describe, it, expect, beforeAll, afterAll } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, tspy } from "../helpers/cli.js";
import { tempDir, removeTempDirs } from "../helpers/temp-dirs.js";

const here = path.dirname(new URL(import.meta.url).pathname);
const programs = path.join(here, "programs");
const reference = path.join(here, "reference");
const stems = fs.readdirSync(programs).filter((f) => f.endsWith(".py")).map((f) => f.slice(0, -3)).sort();
const upstream = (stem: string) => fs.readFileSync(path.join(reference, `${stem}.default.mpy`));

/** Every file below `dir`, as relative paths. */
function listTree(dir: string, rel = ""): string[] {
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listTree(dir, path.join(rel, e.name)) : [path.join(rel, e.name)]).sort();
}

/** The compiled entries of a cache directory (beside them: the record of outputs, outputs.json). */
const cacheEntries = (cache: string) => listTree(cache).filter((f) => f.endsWith(".mpy"));

let work: string;
beforeAll(async () => {
  work = await tempDir("batch");
  // the programs, twice, in a tree: src/a/*.py and src/b/c/*.py
  for (const sub of ["a", "b/c"]) {
    fs.mkdirSync(path.join(work, "src", sub), { recursive: true });
    for (const s of stems) fs.copyFileSync(path.join(programs, `${s}.py`), path.join(work, "src", sub, `${s}.py`));
  }
  fs.writeFileSync(path.join(work, "src", "a", "notes.txt"), "not python\n");
});
afterAll(removeTempDirs);

describe("mpy-cross on a directory (-r)", () => {
  it("compiles every .py below it, keeping the tree under --out-dir, byte-identical to upstream", async () => {
    const out = path.join(work, "out-r");
    // compiled from inside src/a, so the stored source names are the bare file names upstream was given
    const r = await tspy(["mpy-cross", "-r", ".", "--out-dir", out], { cwd: path.join(work, "src", "a") });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(listTree(out)).toEqual(stems.map((s) => `${s}.mpy`));
    for (const s of stems) expect(Buffer.compare(fs.readFileSync(path.join(out, `${s}.mpy`)), upstream(s)), s).toBe(0);
  });

  it("keeps subdirectories, and each file's .mpy is what a one-file call writes", async () => {
    const out = path.join(work, "out-tree");
    const r = await tspy(["mpy-cross", "-r", "src", "--out-dir", out], { cwd: work });
    expect(r.status).toBe(0);
    expect(listTree(out)).toEqual([...stems.map((s) => `a/${s}.mpy`), ...stems.map((s) => `b/c/${s}.mpy`)].sort());
    const one = path.join(work, "one.mpy");
    const single = await tspy(["mpy-cross", "-o", one, "src/b/c/m05_generators.py"], { cwd: work });
    expect(single.status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(out, "b/c/m05_generators.mpy")), fs.readFileSync(one))).toBe(0);
  });

  it("refuses a directory without -r, in one line", async () => {
    const r = await tspy(["mpy-cross", "--out-dir", path.join(work, "x"), "src"], { cwd: work });
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split("\n")).toEqual(["mpy-cross: src: is a directory"]);
  });
});

describe("mpy-cross on a quoted glob", () => {
  it("expands * and ** itself, keeping the tree below the pattern's fixed part", async () => {
    const out = path.join(work, "out-glob");
    const r = await tspy(["mpy-cross", "src/**/m0*.py", "--out-dir", out], { cwd: work });
    expect(r.status).toBe(0);
    const m0 = stems.filter((s) => s.startsWith("m0"));
    expect(listTree(out)).toEqual([...m0.map((s) => `a/${s}.mpy`), ...m0.map((s) => `b/c/${s}.mpy`)].sort());
    const flat = await tspy(["mpy-cross", "m1?_*.py", "--out-dir", path.join(work, "out-glob2")], { cwd: path.join(work, "src", "a") });
    expect(flat.status).toBe(0);
    const m1 = stems.filter((s) => /^m1\d_/.test(s));
    expect(m1.length).toBeGreaterThan(3);
    expect(listTree(path.join(work, "out-glob2"))).toEqual(m1.map((s) => `${s}.mpy`));
    for (const s of m1) expect(Buffer.compare(fs.readFileSync(path.join(work, "out-glob2", `${s}.mpy`)), upstream(s)), s).toBe(0);
  });

  it("says so when a pattern matches nothing", async () => {
    const r = await tspy(["mpy-cross", "nothing/*.py"], { cwd: work });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("tspy: mpy-cross: nothing/*.py: no files match\n");
  });
});

describe("mpy-cross on worker threads (-j)", () => {
  it("writes upstream's bytes for every file, and reports failures in input order", async () => {
    const dir = path.join(work, "jobs");
    fs.mkdirSync(dir);
    const names: string[] = [];
    // every program, with a broken file after every tenth, so failures land on both threads
    stems.forEach((s, i) => {
      fs.copyFileSync(path.join(programs, `${s}.py`), path.join(dir, `${s}.py`));
      names.push(`${s}.py`);
      if (i % 10 === 9) {
        fs.writeFileSync(path.join(dir, `bad_${i}.py`), "x = (\n");
        names.push(`bad_${i}.py`);
      }
    });
    const bad = names.filter((n) => n.startsWith("bad_"));
    expect(bad.length).toBeGreaterThanOrEqual(2);
    const out = path.join(work, "out-jobs");
    const r = await tspy(["mpy-cross", "-j", "2", "--out-dir", out, ...names], { cwd: dir });
    expect(r.status).toBe(1);
    // upstream's traceback for each broken file, in the order the files were given
    expect(r.stderr).toBe(bad.map((n) => `Traceback (most recent call last):\n  File "${n}", line 2\nSyntaxError: invalid syntax\n`).join(""));
    expect(listTree(out)).toEqual(stems.map((s) => `${s}.mpy`));
    for (const s of stems) expect(Buffer.compare(fs.readFileSync(path.join(out, `${s}.mpy`)), upstream(s)), s).toBe(0);
  });

  it("refuses a thread count that is not a number", async () => {
    const r = await tspy(["mpy-cross", "-j", "many", "x.py"], { cwd: work });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("tspy: mpy-cross: -j needs a whole number of threads, not many\n");
  });
});

describe("a build on several threads", () => {
  it("writes the same bytes on this thread alone, on three threads and from the cache", async () => {
    const trees: Record<string, string> = {};
    const cache = path.join(work, "cache-threads");
    for (const [name, flags] of [["j0", ["-j", "0"]], ["j2", ["-j", "2"]], ["cached", ["--cache", cache]], ["cached-again", ["--cache", cache]]] as const) {
      const out = path.join(work, `out-threads-${name}`);
      const r = await tspy(["mpy-cross", "-r", "src", "--out-dir", out, ...flags], { cwd: work });
      expect(r.stderr, name).toBe("");
      expect(r.status, name).toBe(0);
      trees[name] = out;
    }
    const files = listTree(trees.j0);
    expect(files).toHaveLength(2 * stems.length);
    for (const name of ["j2", "cached", "cached-again"]) {
      expect(listTree(trees[name]), name).toEqual(files);
      for (const f of files) expect(Buffer.compare(fs.readFileSync(path.join(trees[name], f)), fs.readFileSync(path.join(trees.j0, f))), `${name} ${f}`).toBe(0);
    }
  });

  it("leaves the later input's .mpy where two inputs have one output name, as upstream called per file does", async () => {
    const out = path.join(work, "out-same-name");
    const names = [...stems.map((s) => `src/a/${s}.py`), "src/b/c/m01_numbers.py"];
    const r = await tspy(["mpy-cross", "-j", "2", "--out-dir", out, ...names], { cwd: work });
    expect(r.status).toBe(0);
    const one = path.join(work, "later.mpy");
    expect((await tspy(["mpy-cross", "-o", one, "src/b/c/m01_numbers.py"], { cwd: work })).status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(out, "m01_numbers.mpy")), fs.readFileSync(one))).toBe(0);
  });

  it("reports an output it cannot write in one line, in input order, and writes the others", async () => {
    const dir = path.join(work, "unwritable");
    fs.mkdirSync(dir);
    for (const s of stems) fs.copyFileSync(path.join(programs, `${s}.py`), path.join(dir, `${s}.py`));
    fs.writeFileSync(path.join(dir, "zz_bad.py"), "x = (\n");
    const out = path.join(dir, "out");
    // a directory where the first file's .mpy should go
    fs.mkdirSync(path.join(out, `${stems[0]}.mpy`), { recursive: true });
    const r = await tspy(["mpy-cross", "-j", "2", "--out-dir", "out", ...stems.map((s) => `${s}.py`), "zz_bad.py"], { cwd: dir });
    expect(r.status).toBe(1);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toMatch(new RegExp(`^mpy-cross: out/${stems[0]}\\.mpy: [A-Za-z ]+$`));
    expect(lines.slice(1).join("\n")).toBe('Traceback (most recent call last):\n  File "zz_bad.py", line 2\nSyntaxError: invalid syntax\n');
    for (const s of stems.slice(1)) expect(Buffer.compare(fs.readFileSync(path.join(out, `${s}.mpy`)), upstream(s)), s).toBe(0);
  });
});

describe("the compile cache (--cache)", () => {
  it("serves an unchanged file from the cache, and misses on a changed source, option or version", async () => {
    const dir = path.join(work, "cached");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(programs, "m04_closures.py"), path.join(dir, "m04_closures.py"));
    const cache = path.join(work, "cache");
    const out = path.join(dir, "m04_closures.mpy");
    const compile = (...flags: string[]) => tspy(["mpy-cross", "--cache", cache, ...flags, "m04_closures.py"], { cwd: dir });

    expect((await compile()).status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(out), upstream("m04_closures"))).toBe(0);
    const entries = cacheEntries(cache);
    expect(entries).toHaveLength(1);

    // Mark the entry: a run that prints the mark took it from the cache, one that does not compiled.
    // (The output is removed first: one the last run left in place is not even compared, see below.)
    const mark = Buffer.from("cached entry");
    fs.writeFileSync(path.join(cache, entries[0]), mark);
    fs.rmSync(out);
    expect((await compile()).status).toBe(0);
    expect(fs.readFileSync(out)).toEqual(mark);

    for (const flags of [["-O1"], ["--mpy-version", "6.2"], ["-s", "other.py"], ["-msmall-int-bits=63"]]) {
      expect((await compile(...flags)).status, flags.join(" ")).toBe(0);
      expect(fs.readFileSync(out).equals(mark), flags.join(" ")).toBe(false);
    }
    fs.appendFileSync(path.join(dir, "m04_closures.py"), "\n# changed\n");
    expect((await compile()).status).toBe(0);
    expect(fs.readFileSync(out).equals(mark)).toBe(false);
    expect(fs.readFileSync(out)[0]).toBe(0x4d); // a real .mpy: 'M'
  });

  it("leaves an output the last run wrote in place with fresh times, and rewrites one changed since", async () => {
    const dir = path.join(work, "recorded");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(programs, "m04_closures.py"), path.join(dir, "m04_closures.py"));
    const cache = path.join(work, "cache-recorded");
    const out = path.join(dir, "m04_closures.mpy");
    const compile = () => tspy(["mpy-cross", "--cache", cache, "m04_closures.py"], { cwd: dir });
    expect((await compile()).status).toBe(0);
    const mark = Buffer.alloc(fs.statSync(out).size, 0x21);
    fs.writeFileSync(path.join(cache, cacheEntries(cache)[0]), mark);

    // Unchanged since the last run: kept (the marked entry is not read), with fresh times.
    const before = fs.statSync(out);
    expect((await compile()).status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(out), upstream("m04_closures"))).toBe(0);
    expect(fs.statSync(out).mtimeMs).toBeGreaterThanOrEqual(before.mtimeMs);
    expect(fs.statSync(out).ino).toBe(before.ino);

    // Changed behind its back, same size and the old modification time put back: the full check runs.
    const st = fs.statSync(out);
    fs.writeFileSync(out, Buffer.alloc(st.size, 0x3f));
    fs.utimesSync(out, st.atime, st.mtime);
    expect((await compile()).status).toBe(0);
    expect(fs.readFileSync(out)).toEqual(mark);
  });

  it("is taken from $TSPY_MPY_CACHE when --cache is not given", async () => {
    const dir = path.join(work, "envcache");
    fs.mkdirSync(dir);
    fs.copyFileSync(path.join(programs, "m01_numbers.py"), path.join(dir, "m01_numbers.py"));
    const cache = path.join(work, "cache-env");
    const r = await tspy(["mpy-cross", "m01_numbers.py"], { cwd: dir, env: { TSPY_MPY_CACHE: cache } });
    expect(r.status).toBe(0);
    expect(cacheEntries(cache)).toHaveLength(1);
    expect(Buffer.compare(fs.readFileSync(path.join(cache, cacheEntries(cache)[0])), upstream("m01_numbers"))).toBe(0);
  });
});

describe("a cached build asked again (the build record)", () => {
  // The replay leaves every output as it is (no write, no new times); a run that does the work gives
  // each output fresh times at least: the change time of the outputs tells which of the two ran.
  const changeTimes = (out: string) => listTree(out).map((f) => fs.statSync(path.join(out, f)).ctimeMs);
  let dir: string;
  let cache: string;
  let out: string;
  const build = (...flags: string[]) => tspy(["mpy-cross", "-r", "src", "--out-dir", "out", "--cache", "cache", ...flags], { cwd: dir });
  beforeAll(async () => {
    dir = path.join(work, "replay");
    cache = path.join(dir, "cache");
    out = path.join(dir, "out");
    for (const sub of ["a", "b/c"]) {
      fs.mkdirSync(path.join(dir, "src", sub), { recursive: true });
      for (const s of stems) fs.copyFileSync(path.join(programs, `${s}.py`), path.join(dir, "src", sub, `${s}.py`));
    }
    // What the build must write: the same tree compiled without a cache (the tests above prove that
    // equal, file by file, to one upstream call per file).
    expect((await tspy(["mpy-cross", "-r", "src", "--out-dir", "ref"], { cwd: dir })).status).toBe(0);
    // Sources changed less than a second before a run are not trusted to a record (see build-record.ts).
    await new Promise((r) => setTimeout(r, 1100));
  });

  const expectUpstreamBytes = () => {
    const ref = path.join(dir, "ref");
    const files = listTree(ref);
    expect(files).toHaveLength(2 * stems.length);
    for (const f of files) expect(Buffer.compare(fs.readFileSync(path.join(out, f)), fs.readFileSync(path.join(ref, f))), f).toBe(0);
  };

  it("is done without touching an output, and the outputs are upstream's bytes", async () => {
    const first = await build();
    expect(first.stderr).toBe("");
    expect(first.status).toBe(0);
    expectUpstreamBytes();
    const before = changeTimes(out);
    const again = await build();
    expect(again.stderr).toBe("");
    expect(again.status).toBe(0);
    expect(changeTimes(out)).toEqual(before);
    expectUpstreamBytes();
  });

  it("does the work again after an edited source, a new file, an output changed by hand or other options", async () => {
    await build();
    const edited = path.join(dir, "src", "a", "m04_closures.py");
    const keep = fs.readFileSync(edited);
    fs.appendFileSync(edited, "\nEDITED = 1\n");
    expect((await build()).status).toBe(0);
    const editedOut = fs.readFileSync(path.join(out, "a", "m04_closures.mpy"));
    expect(editedOut.equals(fs.readFileSync(path.join(dir, "ref", "a", "m04_closures.mpy")))).toBe(false);
    expect(editedOut.includes(Buffer.from("EDITED"))).toBe(true);
    fs.writeFileSync(edited, keep);

    fs.copyFileSync(path.join(programs, "m09_classes.py"), path.join(dir, "src", "b", "new_module.py"));
    expect((await build()).status).toBe(0);
    const one = await tspy(["mpy-cross", "-o", "new.mpy", "src/b/new_module.py"], { cwd: dir });
    expect(one.status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(path.join(out, "b", "new_module.mpy")), fs.readFileSync(path.join(dir, "new.mpy")))).toBe(0);
    fs.rmSync(path.join(dir, "src", "b", "new_module.py"));
    fs.rmSync(path.join(out, "b", "new_module.mpy"));

    // Same size, the modification time put back: only the change time tells.
    const hand = path.join(out, "b", "c", "m01_numbers.mpy");
    const st = fs.statSync(hand);
    fs.writeFileSync(hand, Buffer.alloc(st.size, 0x3f));
    fs.utimesSync(hand, st.atime, st.mtime);
    expect((await build()).status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(hand), fs.readFileSync(path.join(dir, "ref", "b", "c", "m01_numbers.mpy")))).toBe(0);

    expect((await build("-O3")).status).toBe(0);
    expect(fs.readFileSync(path.join(out, "a", "m04_closures.mpy")).equals(fs.readFileSync(path.join(dir, "ref", "a", "m04_closures.mpy")))).toBe(false);
    expect((await build()).status).toBe(0);
    expectUpstreamBytes();
  });

  it("is not recorded from sources changed just before the run (their times may not show a change after it)", async () => {
    await build();
    const touched = path.join(dir, "src", "a", "m01_numbers.py");
    fs.writeFileSync(touched, fs.readFileSync(touched));
    expect((await build()).status).toBe(0);
    const before = changeTimes(out);
    expect((await build()).status).toBe(0);
    // the run after a racy one does the work (new times), whatever the clock says by then
    expect(changeTimes(out)).not.toEqual(before);
    expectUpstreamBytes();
  });

  it("is not recorded when a file fails, so the error is reported again", async () => {
    const broken = path.join(dir, "src", "b", "broken.py");
    fs.writeFileSync(broken, "x = (\n");
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 2; i++) {
      const r = await build();
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('Traceback (most recent call last):\n  File "src/b/broken.py", line 2\nSyntaxError: invalid syntax\n');
    }
    fs.rmSync(broken);
  });
});

describe("the mpy-cross executable (bin/mpy-cross.js)", () => {
  it("compiles as upstream's binary does, for tools that run `mpy-cross` by name", () => {
    const out = path.join(work, "shim.mpy");
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "mpy-cross.js"), "-o", out, "m09_classes.py"], { cwd: programs, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(Buffer.compare(fs.readFileSync(out), upstream("m09_classes"))).toBe(0);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    expect(pkg.bin["mpy-cross"]).toBe("bin/mpy-cross.js");
  });

  it("answers --version with the emulated release", () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "mpy-cross.js"), "--version"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^MicroPython v1\.27\.0 .*mpy v6\.3\n$/);
  });
});
