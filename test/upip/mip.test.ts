import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";
import { parseMipSpec, rewriteMipUrl, stageMip } from "../../src/upip/mip.js";
import { writeStaged } from "../../src/upip/staged.js";
import { LocalDirTarget, type MpyVersion } from "../../src/upip/install-target.js";
import { DependencyCycleError, FetchError, HashMismatchError, InstallError, PackageNotFoundError } from "../../src/upip/errors.js";
import { writeMipPackage } from "../../fixtures/pypi/mip-index.js";
import type { PypiFixture } from "../../fixtures/pypi-fixture.js";
import { listTree, removeTempDirs, startIndex, tempDir } from "./helpers.js";

let index: PypiFixture;
const V63: MpyVersion = { major: 6, minor: 3, arch: 0 };

/** A bytecode-only .mpy header (no native code) followed by filler. */
const mpyFile = (major: number, flags = 0) => new Uint8Array([0x4d, major, flags, 31, 1, 2, 3]);

async function install(specs: string[], mpy: MpyVersion | null = null, targetDir = "/lib") {
  const dir = await tempDir("mip-dest");
  const packages = await stageMip(specs.map(parseMipSpec), { index: index.mipIndex, mpy });
  await writeStaged(new LocalDirTarget(dir), targetDir, packages);
  return { tree: await listTree(dir), packages };
}

async function refused(specs: string[], mpy: MpyVersion | null = null): Promise<Error> {
  const dir = await tempDir("mip-dest");
  let error: Error | undefined;
  try {
    await writeStaged(new LocalDirTarget(dir), "/lib", await stageMip(specs.map(parseMipSpec), { index: index.mipIndex, mpy }));
  } catch (err) {
    error = err as Error;
  }
  expect(await listTree(dir)).toEqual({});
  expect(error).toBeDefined();
  return error!;
}

async function put(rel: string, data: string | Uint8Array) {
  const file = path.join(index.dir, "mip", rel);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
}

beforeAll(async () => {
  index = await startIndex();
  const root = path.join(index.dir, "mip");
  await writeMipPackage(root, { name: "aioble", version: "0.5", flavour: "py", files: { "aioble/__init__.py": "from .core import *\n", "aioble/core.py": "X = 1\n" }, deps: [["logging"]] });
  await writeMipPackage(root, { name: "logging", version: "0.6", flavour: "py", files: { "logging.py": "def info(*a): pass\n" } });
  await writeMipPackage(root, { name: "logging", version: "0.5", flavour: "py", files: { "logging.py": "# old\n" }, latest: false });
  await writeMipPackage(root, { name: "aioble", version: "0.5", flavour: 6, files: { "aioble/__init__.mpy": mpyFile(6), "aioble/core.mpy": mpyFile(6, 2) }, deps: [["logging", "0.6"]] });
  await writeMipPackage(root, { name: "logging", version: "0.6", flavour: 6, files: { "logging.mpy": mpyFile(6) } });
  await writeMipPackage(root, { name: "stale-mpy", version: "1", flavour: 6, files: { "stale.mpy": mpyFile(5) } });
  await writeMipPackage(root, { name: "native-mpy", version: "1", flavour: 6, files: { "nat.mpy": mpyFile(6, (5 << 2) | 3) } });
  await writeMipPackage(root, { name: "tampered", version: "1", flavour: "py", files: { "t.py": "evil = True\n" }, lieAboutHash: { "t.py": "0123abcd" } });
  await writeMipPackage(root, { name: "loop-a", version: "1", flavour: "py", files: { "a.py": "" }, deps: [["loop-b", "1"]] });
  await writeMipPackage(root, { name: "loop-b", version: "1", flavour: "py", files: { "b.py": "" }, deps: [["loop-a", "1"]] });
  await writeMipPackage(root, { name: "needs-ghost", version: "1", flavour: "py", files: { "n.py": "" }, deps: [["ghost"]] });
  await put("package/py/escape/latest.json", JSON.stringify({ v: 1, hashes: [], urls: [["../../boot.py", "boot.py"]], deps: [] }));
  await put("package/py/absolute/latest.json", JSON.stringify({ v: 1, hashes: [], urls: [["/boot.py", "boot.py"]], deps: [] }));
  await put("package/py/reads-host/latest.json", JSON.stringify({ v: 1, hashes: [], urls: [["x.py", "/etc/hostname"]], deps: [] }));
  await put("package/py/garbage/latest.json", "{ not json");
  await put("package/py/local-dep/latest.json", JSON.stringify({ v: 1, hashes: [], deps: [["/etc/package.json", "1"]] }));
  // A package.json served from a plain URL, with relative and absolute file URLs.
  await put("repo/mylib/package.json", JSON.stringify({ urls: [["mylib/__init__.py", "src/init.py"], ["mylib/extra.py", `${"http://127.0.0.1:PORT"}/mip/repo/extra.py`]], deps: [["logging"]], version: "2.1" }));
  await put("repo/mylib/src/init.py", "VERSION = '2.1'\n");
  await put("repo/extra.py", "EXTRA = 1\n");
  await put("repo/single.py", "SINGLE = 1\n");
  const pj = path.join(index.dir, "mip", "repo/mylib/package.json");
  await fs.writeFile(pj, (await fs.readFile(pj, "utf8")).replace("http://127.0.0.1:PORT", index.url));
});

afterAll(async () => {
  await index.close();
  await removeTempDirs();
});

describe("mip install", () => {
  it("installs .py packages and their dependencies from the index into the target directory", async () => {
    const { tree } = await install(["aioble"]);
    expect(tree).toEqual({
      "lib/aioble/__init__.py": "from .core import *\n",
      "lib/aioble/core.py": "X = 1\n",
      "lib/logging.py": "def info(*a): pass\n",
    });
    expect(index.requests).toContain("/mip/package/py/aioble/latest.json");
  });

  it("picks the .mpy variant for the board's .mpy version", async () => {
    const { tree } = await install(["aioble"], V63);
    expect(Object.keys(tree).sort()).toEqual(["lib/aioble/__init__.mpy", "lib/aioble/core.mpy", "lib/logging.mpy"]);
    expect(index.requests).toContain("/mip/package/6/aioble/latest.json");
    expect(index.requests).toContain("/mip/package/6/logging/0.6.json");
  });

  it("honours NAME@VERSION and --target", async () => {
    const { tree } = await install(["logging@0.5"], null, "/flash/lib");
    expect(tree).toEqual({ "flash/lib/logging.py": "# old\n" });
  });

  it("installs from a package.json URL (relative and absolute file URLs) and single files", async () => {
    const { tree, packages } = await install([`${index.mipIndex}/repo/mylib`, `${index.mipIndex}/repo/single.py`]);
    expect(tree).toEqual({
      "lib/mylib/__init__.py": "VERSION = '2.1'\n",
      "lib/mylib/extra.py": "EXTRA = 1\n",
      "lib/logging.py": "def info(*a): pass\n",
      "lib/single.py": "SINGLE = 1\n",
    });
    expect(packages[0]!.version).toBe("2.1");
  });

  it("installs from a local package.json", async () => {
    const dir = await tempDir("localpkg");
    await fs.mkdir(path.join(dir, "src"));
    await fs.writeFile(path.join(dir, "src", "m.py"), "M = 1\n");
    await fs.writeFile(path.join(dir, "package.json"), JSON.stringify({ urls: [["m.py", "src/m.py"]], version: "0.1" }));
    const { tree } = await install([path.join(dir, "package.json")]);
    expect(tree).toEqual({ "lib/m.py": "M = 1\n" });
  });
});

describe("mip refuses bad input and writes nothing", () => {
  it("unknown package and unknown dependency", async () => {
    expect(await refused(["no-such"])).toBeInstanceOf(PackageNotFoundError);
    expect(await refused(["needs-ghost"])).toBeInstanceOf(PackageNotFoundError);
  });

  it("content that does not match its hash", async () => {
    const err = await refused(["tampered"]);
    expect(err).toBeInstanceOf(HashMismatchError);
    expect(err.message).toContain("t.py");
  });

  it(".mpy files the board cannot import", async () => {
    expect((await refused(["stale-mpy"], V63)).message).toMatch(/version 5.*version 6/);
    expect((await refused(["native-mpy"], V63)).message).toMatch(/native code/);
  });

  it("destinations outside the target, and file URLs that are not http", async () => {
    expect(await refused(["escape"])).toBeInstanceOf(InstallError);
    expect(await refused(["absolute"])).toBeInstanceOf(InstallError);
    // A file URL starting with "/" is relative to the index host, never a path on this machine.
    expect((await refused(["reads-host"])).message).toContain(`${index.mipIndex}/package/py/reads-host//etc/hostname`);
    expect((await refused(["local-dep"])).message).toMatch(/refusing local dependency/);
  });

  it("a dependency cycle", async () => {
    expect((await refused(["loop-a"])).message).toBe("dependency cycle: loop-a → loop-b → loop-a");
    expect(await refused(["loop-a"])).toBeInstanceOf(DependencyCycleError);
  });

  it("an index that is down, or answers garbage", async () => {
    const gone = await startIndex();
    await gone.close();
    let err: unknown;
    try {
      await stageMip([parseMipSpec("aioble")], { index: gone.mipIndex, mpy: null });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FetchError);
    expect((await refused(["garbage"])).message).toMatch(/not JSON/);
  });
});

describe("mip specs", () => {
  it("splits versions and rewrites the forge shorthands as mip does", () => {
    expect(parseMipSpec("aioble@0.5")).toEqual({ source: "aioble", version: "0.5" });
    expect(parseMipSpec("github:org/repo/pkg@v1")).toEqual({ source: "github:org/repo/pkg", version: "v1" });
    expect(parseMipSpec("https://user@host/x.json")).toEqual({ source: "https://user@host/x.json" });
    expect(rewriteMipUrl("github:org/repo/a/b.py")).toBe("https://raw.githubusercontent.com/org/repo/HEAD/a/b.py");
    expect(rewriteMipUrl("gitlab:org/repo/p.json", "v2")).toBe("https://gitlab.com/org/repo/-/raw/v2/p.json");
    expect(rewriteMipUrl("codeberg:org/repo/p.py", "main")).toBe("https://codeberg.org/api/v1/repos/org/repo/raw/p.py?ref=main");
    expect(createHash("sha256").update("").digest("hex")).toMatch(/^e3b0c442/);
  });
});
