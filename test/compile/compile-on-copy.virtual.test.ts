// cp --compile, sync --compile and mpy-cross --board against the virtual board: MicroPython 1.27
// (a real VM: what was written is imported and run), and the scripted old releases, each of which
// gets either .mpy its loader accepts or, where this build lacks the flavour, one line and the sources.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";
import { MPY_VERSIONS } from "../../src/mpy-cross/mpy-writer.js";
import { FIRMWARE_PROFILES } from "../../src/transport/virtual/firmware.js";

afterAll(removeTempDirs);

async function project(): Promise<{ dir: string; src: string; board: string }> {
  const dir = await tempDir("compile-copy");
  const src = path.join(dir, "src");
  fs.mkdirSync(path.join(src, "lib"), { recursive: true });
  fs.writeFileSync(path.join(src, "lib", "greet.py"), "def hi(n):\n    return 'hi %d' % (n * 2)\n");
  fs.writeFileSync(path.join(src, "main.py"), "import greet\nprint(greet.hi(21))\n");
  fs.writeFileSync(path.join(src, "boot.py"), "pass\n");
  fs.writeFileSync(path.join(src, "mod.py"), "X = 6 * 7\n");
  fs.writeFileSync(path.join(src, "notes.txt"), "plain\n");
  const board = path.join(dir, "board");
  fs.mkdirSync(board);
  return { dir, src, board };
}

const listTree = (root: string): string[] => {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const n of fs.readdirSync(d).sort()) {
      const full = path.join(d, n);
      if (fs.statSync(full).isDirectory()) walk(full, rel + n + "/");
      else out.push(rel + n);
    }
  };
  walk(root, "");
  return out;
};

describe("compile-on-copy on MicroPython 1.27", () => {
  it("cp --compile writes x.mpy that the board imports and runs; start-up scripts stay source", async () => {
    const { src, board } = await project();
    const dev = `virtual:${board}`;
    const r = await tspy(["-d", dev, "cp", "--compile", path.join(src, "mod.py"), path.join(src, "boot.py"), ":", "+", "exec", "import mod; print(mod.X, mod.__file__)"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("42 mod.mpy");
    expect(listTree(board)).toEqual(["boot.py", "mod.mpy"]);
    // .mpy 6.3, bytecode only: 'M', 6, feature byte 0, 31-bit small ints
    expect([...fs.readFileSync(path.join(board, "mod.mpy")).subarray(0, 4)]).toEqual([0x4d, 6, 0, 31]);
    // A destination named .py is written as the .mpy of that name.
    const r2 = await tspy(["-d", dev, "cp", "--compile", path.join(src, "mod.py"), ":other.py", "+", "exec", "import other; print(other.X)"]);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toContain("42");
    expect(fs.existsSync(path.join(board, "other.mpy"))).toBe(true);
    expect(fs.existsSync(path.join(board, "other.py"))).toBe(false);
  });

  it("sync --compile writes the tree as .mpy, runs it, and skips unchanged files by the compiled bytes", async () => {
    const { src, board } = await project();
    const dev = `virtual:${board}`;
    let r = await tspy(["-d", dev, "sync", "--compile", src, ":", "+", "exec", "import sys; sys.path.append('/lib'); exec(open('main.py').read())"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("hi 42");
    expect(listTree(board)).toEqual(["boot.py", "lib/greet.mpy", "main.py", "mod.mpy", "notes.txt"]);
    expect(r.stdout).toContain("sync: 5 copied, 0 unchanged, 0 removed");
    r = await tspy(["-d", dev, "sync", "--compile", src, ":"]);
    expect(r.stdout).toContain("sync: 0 copied, 5 unchanged, 0 removed");
    // A comment changes the source but not the .mpy: nothing to send. A new value does.
    fs.appendFileSync(path.join(src, "mod.py"), "# a comment\n");
    r = await tspy(["-d", dev, "sync", "--compile", src, ":"]);
    expect(r.stdout).toContain("sync: 0 copied, 5 unchanged, 0 removed");
    // A source left on the board beside its .mpy would still be imported first: one line says so
    fs.writeFileSync(path.join(board, "mod.py"), "X = 0\n");
    fs.writeFileSync(path.join(src, "mod.py"), "X = 43\n");
    r = await tspy(["-d", dev, "sync", "--compile", src, ":", "+", "exec", "import mod; print(mod.X)"]);
    expect(r.stdout).toContain("sync: 1 copied, 4 unchanged, 0 removed");
    expect(r.stderr).toBe("tspy: :mod.py is still on the board and is imported before :mod.mpy (tspy rm :mod.py to use the compiled one)\n");
    r = await tspy(["-d", dev, "rm", ":mod.py", "+", "exec", "import mod; print(mod.X)"]);
    expect(r.stdout).toContain("43");
  });

  it("a source that does not compile stops the copy with upstream's message, writing nothing", async () => {
    const { src, board } = await project();
    fs.writeFileSync(path.join(src, "bad.py"), "x = 1\nbreak\n");
    const r = await tspy(["-d", `virtual:${board}`, "sync", "--compile", src, ":"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toBe(`tspy: ${path.join(src, "bad.py")}, line 2: SyntaxError: 'break'/'continue' outside loop\n`);
    expect(r.stderr).not.toContain("    at ");
    expect(listTree(board)).toEqual([]);
  });

  it("mpy-cross --board compiles for the connected board", async () => {
    const { src, board } = await project();
    const r = await tspy(["-d", `virtual:${board}`, "mpy-cross", "--board", "-o", "-", path.join(src, "mod.py")]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("mpy-cross: compiling for MicroPython 1.27.0 (webassembly): .mpy 6.3\n");
    const bad = await tspy(["-d", `virtual:${board}`, "mpy-cross", "--board", "--mpy-version", "5", path.join(src, "mod.py")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
  });
});

/** Per scripted release: the .mpy key it loads (its loader's header flags are in its profile). */
const OLD: [firmware: string, key: string][] = [
  ["1.18", "5"],
  ["1.12", "5"],
  ["1.9.4", "3"],
  ["1.8.4", "0"],
  ["cp-2.3.1", "cp2"],
  ["cp-2.3.1-unix", "cp2"],
  ["cp-9.2.9", "cp9"],
  ["pycopy-3.6.1", "pycopy"],
];

describe.each(OLD)("cp --compile on scripted %s", (firmware, key) => {
  // The unix ports of those releases cached map lookups in bytecode (header flag bit 0)
  const needsCacheLookup = (FIRMWARE_PROFILES[firmware]!.mpyLoader!.flags & 1) === 1;
  it("writes .mpy its loader accepts, or says in one line why the sources go instead", async () => {
    const { src, board } = await project();
    const r = await tspy(["-d", `virtual:${board}?firmware=${firmware}`, "cp", "--compile", path.join(src, "mod.py"), ":", "+", "exec", "import mod; print(mod.__file__)"]);
    expect(r.status).toBe(0);
    // cached lookups need the -mcache-lookup-bc option, which only the older formats' mpy-cross has
    const writable = MPY_VERSIONS[key] !== undefined && (!needsCacheLookup || MPY_VERSIONS[key]!.featureFlagOptions === true);
    if (writable) {
      expect(r.stderr).toBe("");
      expect(listTree(board)).toEqual(["mod.mpy"]);
      expect(r.stdout).toContain("mod.mpy");
      // the loader took it, and the flag bits are the board's
      const loaderFlags = FIRMWARE_PROFILES[firmware]!.mpyLoader!.flags;
      expect(fs.readFileSync(path.join(board, "mod.mpy"))[2]! & 3).toBe(loaderFlags & 3);
    } else {
      const lines = r.stderr.trim().split("\n");
      expect(lines).toHaveLength(1);
      // without the version there is nothing to probe the flags with; with it, the flags are what is missing
      const what = MPY_VERSIONS[key] === undefined ? key : `${key} with -mcache-lookup-bc`;
      expect(lines[0]).toMatch(new RegExp(`loads \\.mpy ${what}, which this tspy cannot write yet; copying the sources$`));
      expect(listTree(board)).toEqual(["mod.py"]);
    }
  });
});

describe("sync --compile on scripted CircuitPython 9.2.9", () => {
  it("writes CircuitPython's own .mpy ('C', 6), which the board imports; code.py and boot.py stay source", async () => {
    const { src, board } = await project();
    fs.writeFileSync(path.join(src, "code.py"), "import mod\n");
    const dev = `virtual:${board}?firmware=cp-9.2.9`;
    const r = await tspy(["-d", dev, "sync", "--compile", src, ":", "+", "exec", "import sys; sys.path.append('/lib'); import mod, greet; print(mod.__file__, greet.__file__)"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("mod.mpy /lib/greet.mpy");
    expect(listTree(board)).toEqual(["boot.py", "code.py", "lib/greet.mpy", "main.py", "mod.mpy", "notes.txt"]);
    expect([...fs.readFileSync(path.join(board, "mod.mpy")).subarray(0, 4)]).toEqual([0x43, 6, 0, 31]);
  });
});
