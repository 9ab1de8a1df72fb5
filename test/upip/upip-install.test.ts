import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { stageUpip } from "../../src/upip/upip-install.js";
import { writeStaged } from "../../src/upip/staged.js";
import { LocalDirTarget } from "../../src/upip/install-target.js";
import { parseRequirement } from "../../src/upip/requirement.js";
import {
  ArchiveError,
  DependencyCycleError,
  FetchError,
  HashMismatchError,
  PackageNotFoundError,
} from "../../src/upip/errors.js";
import { buildTar } from "../../fixtures/pypi/tar-writer.js";
import { buildSdist } from "../../fixtures/pypi/sdist.js";
import type { PypiFixture } from "../../fixtures/pypi-fixture.js";
import { listTree, publish, removeTempDirs, startIndex, tempDir } from "./helpers.js";

let index: PypiFixture;

const req = (s: string) => parseRequirement(s)!;

async function install(specs: string[], indexes = [index.pypiIndex]) {
  const dir = await tempDir("dest");
  const packages = await stageUpip(specs.map(req), { indexes });
  await writeStaged(new LocalDirTarget(dir), "/", packages);
  return { dir, packages, tree: await listTree(dir) };
}

/** Install that must fail: returns the error and checks the destination stayed empty. */
async function refused(specs: string[], indexes = [index.pypiIndex]): Promise<Error> {
  const dir = await tempDir("dest");
  let error: Error | undefined;
  try {
    const packages = await stageUpip(specs.map(req), { indexes });
    await writeStaged(new LocalDirTarget(dir), "/", packages);
  } catch (err) {
    error = err as Error;
  }
  expect(await listTree(dir)).toEqual({});
  expect(error).toBeDefined();
  return error!;
}

beforeAll(async () => {
  index = await startIndex();
  await publish(index, { name: "pycopy-app", version: "1.0", files: { "app.py": "import helper\n" }, requires: ["pycopy-helper", "pycopy-util==0.1"] });
  await publish(index, { name: "pycopy-helper", version: "2.0", files: { "helper.py": "import util\n" }, requires: ["pycopy-util"] });
  await publish(index, { name: "pycopy-util", version: "0.1", files: { "util/__init__.py": "X = 1\n", "util/more.py": "Y = 2\n" } });
  await publish(index, { name: "pycopy-util", version: "0.2", files: { "util/__init__.py": "X = 2\n" } });
  await publish(index, { name: "wide-window", version: "3.0", files: { "big.py": "# " + "abc".repeat(20000) + "\n" }, windowBits: 15 });
  await publish(index, { name: "cycle-a", version: "1", files: { "a.py": "" }, requires: ["cycle-b"] });
  await publish(index, { name: "cycle-b", version: "1", files: { "b.py": "" }, requires: ["cycle-a"] });
  await publish(index, { name: "has-bad-dep", version: "1", files: { "ok.py": "" }, requires: ["no-such-package"] });
  await publish(index, { name: "dotdot", version: "1", files: { "ok.py": "" }, extra: [{ name: "dotdot-1/../../evil.py", data: "x" }] });
  await publish(index, { name: "absolute", version: "1", files: {}, extra: [{ name: "/etc/evil.py", data: "x" }] });
  await publish(index, { name: "symlink", version: "1", files: {}, extra: [{ name: "symlink-1/link.py", typeflag: "2", linkname: "/etc/passwd" }] });
  await publish(index, { name: "hardlink", version: "1", files: { "a.py": "" }, extra: [{ name: "hardlink-1/b.py", typeflag: "1", linkname: "hardlink-1/a.py" }] });
  const whole = buildSdist({ name: "truncated", version: "1", files: { "t.py": "# " + "random ".repeat(3000) } });
  await publish(index, { name: "truncated", version: "1", files: {} }, whole.subarray(0, Math.floor(whole.length * 0.6)));
  await publish(index, { name: "notgzip", version: "1", files: {} }, new TextEncoder().encode("<html>not an archive</html>"));
  const shortTar = buildTar([{ name: "shorttar-1/x.py", data: "y".repeat(2000) }]).subarray(0, 1024);
  await publish(index, { name: "shorttar", version: "1", files: {} }, new Uint8Array(gzipSync(shortTar)));
  await publish(index, { name: "gzipped-text", version: "1", files: {} }, new Uint8Array(gzipSync("just some text, no tar headers here\n".repeat(40))));
  await publish(index, { name: "liar", version: "1", files: { "l.py": "" } });
  await fs.writeFile(
    path.join(index.dir, "pypi", "liar", "index.json"),
    JSON.stringify({ info: { version: "1" }, releases: { "1": [{ url: `${index.url}/files/liar/liar-1.tar.gz`, digests: { sha256: "0".repeat(64) } }] } }),
  );
  await fs.writeFile(
    path.join(index.dir, "pypi", "liar", "simple.html"),
    `<html><body><a href="${index.url}/files/liar/liar-1.tar.gz#sha256=${"1".repeat(64)}">liar-1.tar.gz</a></body></html>`,
  );
  await fs.writeFile(path.join(index.dir, "faults.json"), JSON.stringify({ "/pypi/server-error/json": 500, "/pypi/forbidden/json": 403 }));
});

afterAll(async () => {
  await index.close();
  await removeTempDirs();
});

describe("upip install from a PyPI-style index", () => {
  it("installs a package and its dependencies with upip's member rules", async () => {
    const { tree, packages } = await install(["pycopy-app"]);
    expect(tree).toEqual({
      "app.py": "import helper\n",
      "helper.py": "import util\n",
      "util/__init__.py": "X = 1\n",
      "util/more.py": "Y = 2\n",
    });
    expect(packages.map((p) => `${p.name} ${p.version}`).sort()).toEqual(["pycopy-app 1.0", "pycopy-helper 2.0", "pycopy-util 0.1"]);
  });

  it("fetches each package once even when several need it", async () => {
    const before = index.requests.length;
    await install(["pycopy-app"]);
    const fetched = index.requests.slice(before).filter((p) => p.startsWith("/files/"));
    expect(fetched.sort()).toEqual([
      "/files/pycopy-app/pycopy-app-1.0.tar.gz",
      "/files/pycopy-helper/pycopy-helper-2.0.tar.gz",
      "/files/pycopy-util/pycopy-util-0.1.tar.gz",
    ]);
  });

  it("takes the latest version unless NAME==VERSION is given", async () => {
    expect((await install(["pycopy-util"])).tree).toEqual({ "util/__init__.py": "X = 2\n" });
    expect((await install(["pycopy-util==0.1"])).tree["util/__init__.py"]).toBe("X = 1\n");
  });

  it("installs archives made with a 32 KB window (the host has the memory)", async () => {
    const { tree } = await install(["wide-window"]);
    expect(tree["big.py"]!.length).toBe(60003);
  });

  it("leaves files that are already up to date alone, and rewrites changed ones", async () => {
    const { dir } = await install(["pycopy-util==0.1"]);
    const past = new Date("2020-01-01T00:00:00Z");
    await fs.utimes(path.join(dir, "util", "__init__.py"), past, past);
    await fs.writeFile(path.join(dir, "util", "more.py"), "edited locally\n");
    await fs.utimes(path.join(dir, "util", "more.py"), past, past);
    const report = await writeStaged(new LocalDirTarget(dir), "/", await stageUpip([req("pycopy-util==0.1")], { indexes: [index.pypiIndex] }));
    expect(report.upToDate).toEqual([1]);
    expect((await fs.stat(path.join(dir, "util", "__init__.py"))).mtime).toEqual(past);
    expect(await fs.readFile(path.join(dir, "util", "more.py"), "utf8")).toBe("Y = 2\n");
  });

  it("reads PEP 503 Simple API indexes too (Pycopy's upip), newest version first", async () => {
    const { tree, packages } = await install(["pycopy-app"], [index.simpleIndex]);
    expect(tree["util/__init__.py"]).toBe("X = 1\n");
    expect(packages.map((p) => `${p.name} ${p.version}`)).toEqual(["pycopy-app 1.0", "pycopy-helper 2.0", "pycopy-util 0.1"]);
    expect((await install(["pycopy-util"], [index.simpleIndex])).tree).toEqual({ "util/__init__.py": "X = 2\n" });
    expect(await refused(["no-such-package"], [index.simpleIndex])).toBeInstanceOf(PackageNotFoundError);
    expect(await refused(["liar"], [index.simpleIndex])).toBeInstanceOf(HashMismatchError);
  });

  it("tries the indexes in order, moving on when one does not know the package", async () => {
    const other = await startIndex();
    try {
      const { tree } = await install(["pycopy-util==0.1"], [other.pypiIndex, index.pypiIndex]);
      expect(tree["util/more.py"]).toBe("Y = 2\n");
      expect(other.requests).toEqual(["/pypi/pycopy-util/json"]);
    } finally {
      await other.close();
    }
  });
});

describe("upip install refuses bad input and writes nothing", () => {
  it("unknown package", async () => {
    const err = await refused(["no-such-package"]);
    expect(err).toBeInstanceOf(PackageNotFoundError);
    expect(err.message).toContain("no-such-package");
  });

  it("unknown version", async () => {
    expect(await refused(["pycopy-util==9.9"])).toBeInstanceOf(PackageNotFoundError);
  });

  it("an unknown dependency leaves the package that needed it uninstalled too", async () => {
    expect(await refused(["has-bad-dep"])).toBeInstanceOf(PackageNotFoundError);
  });

  it("index unreachable", async () => {
    const gone = await startIndex();
    await gone.close();
    const err = await refused(["pycopy-util"], [gone.pypiIndex]);
    expect(err).toBeInstanceOf(FetchError);
    expect(err.message).toMatch(/cannot reach .*connection refused/);
  });

  it("HTTP errors", async () => {
    expect((await refused(["server-error"])).message).toMatch(/HTTP 500/);
    expect((await refused(["forbidden"])).message).toMatch(/HTTP 403/);
  });

  it("a truncated archive", async () => {
    const err = await refused(["truncated"]);
    expect(err).toBeInstanceOf(ArchiveError);
    expect(err.message).toMatch(/truncated/);
  });

  it("a gzip file whose tar is cut short", async () => {
    expect(await refused(["shorttar"])).toBeInstanceOf(ArchiveError);
  });

  it("a gzip file that holds no tar", async () => {
    expect((await refused(["gzipped-text"])).message).toMatch(/not a valid tar/);
  });

  it("a file that is not gzip", async () => {
    expect((await refused(["notgzip"])).message).toMatch(/not a gzip file/);
  });

  it("members escaping the target: .., absolute paths, links", async () => {
    expect((await refused(["dotdot"])).message).toMatch(/\.\./);
    expect((await refused(["absolute"])).message).toMatch(/absolute/);
    expect((await refused(["symlink"])).message).toMatch(/link/);
    expect((await refused(["hardlink"])).message).toMatch(/link/);
  });

  it("an archive whose sha256 differs from the index's", async () => {
    expect(await refused(["liar"])).toBeInstanceOf(HashMismatchError);
  });

  it("packages that need one path as both a file and a directory", async () => {
    const dir = await tempDir("dest");
    const file = (p: string) => ({ path: p, data: new TextEncoder().encode(p) });
    const pkg = (name: string, paths: string[]) => ({ name, version: "1", source: "", files: paths.map(file), deps: [], notes: [] });
    await expect(writeStaged(new LocalDirTarget(dir), "/", [pkg("a", ["ok.py", "util"]), pkg("b", ["util/__init__.py"])])).rejects.toThrow(
      "a installs a file at /util, where b needs a directory",
    );
    expect(await listTree(dir)).toEqual({});
  });

  it("a dependency cycle", async () => {
    const err = await refused(["cycle-a"]);
    expect(err).toBeInstanceOf(DependencyCycleError);
    expect(err.message).toBe("dependency cycle: cycle-a → cycle-b → cycle-a");
  });
});
