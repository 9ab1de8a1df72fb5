// Installing onto a board: the virtual board (the real MicroPython VM behind the raw REPL), through the
// files layer. The installed packages are then imported on the board itself.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import path from "node:path";
import { promises as fs } from "node:fs";
import { openVirtualBoard } from "../../src/transport/virtual/index.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardTarget } from "../../src/upip/board-target.js";
import { stageUpip } from "../../src/upip/upip-install.js";
import { parseMipSpec, stageMip } from "../../src/upip/mip.js";
import { writeStaged } from "../../src/upip/staged.js";
import { parseRequirement } from "../../src/upip/requirement.js";
import { InstallError, PackageNotFoundError } from "../../src/upip/errors.js";
import { writeMipPackage } from "../../fixtures/pypi/mip-index.js";
import type { PypiFixture } from "../../fixtures/pypi-fixture.js";
import { listTree, publish, removeTempDirs, startIndex, tempDir } from "./helpers.js";

let index: PypiFixture;
let boardDir: string;
let stream: ByteStream;
let repl: RawRepl;
let expectedNumbers: string;

const onBoard = async (code: string) => Buffer.from(await repl.exec(code)).toString("utf8").replace(/\r\n/g, "\n");

beforeAll(async () => {
  index = await startIndex();
  await publish(index, { name: "pycopy-sensor", version: "1.1", files: { "sensor/__init__.py": "from sensor.units import C\ndef read():\n    return 21.5\n", "sensor/units.py": "C = 'degC'\n" }, requires: ["pycopy-fmt"] });
  await publish(index, { name: "pycopy-fmt", version: "0.3", files: { "fmt.py": "def show(v, u):\n    return '%.1f %s' % (v, u)\n" } });
  await publish(index, { name: "pycopy-broken-dep", version: "1", files: { "b.py": "" }, requires: ["pycopy-missing"] });
  await writeMipPackage(path.join(index.dir, "mip"), { name: "blink", version: "2.0", flavour: "py", files: { "blink/__init__.py": "def on():\n    return 'on'\n" } });
  // .mpy files built by upstream mpy-cross (v1.27 → 6.3, v1.18 → 5), kept as reference data by the compiler's tests.
  const reference = path.join(import.meta.dirname, "..", "mpy-cross", "reference");
  await writeMipPackage(path.join(index.dir, "mip"), { name: "numbers", version: "1", flavour: 6, files: { "m01_numbers.mpy": await fs.readFile(path.join(reference, "m01_numbers.default.mpy")) } });
  await writeMipPackage(path.join(index.dir, "mip"), { name: "numbers-v5", version: "1", flavour: 6, files: { "m01_numbers.mpy": await fs.readFile(path.join(reference, "v5", "m01_numbers.default.mpy")) } });
  expectedNumbers = (await fs.readFile(path.join(reference, "m01_numbers.out"), "utf8")).replace(/\r\n/g, "\n");
  boardDir = await tempDir("board");
  stream = await openVirtualBoard(boardDir);
  repl = new RawRepl(stream);
  await repl.enter({ softReset: true });
}, 30_000);

afterAll(async () => {
  await repl?.exit().catch(() => {});
  await stream?.close();
  await index?.close();
  await removeTempDirs();
});

describe("install onto the virtual board", () => {
  it("reads the lib directory and .mpy version from the board", async () => {
    const target = new BoardTarget(repl);
    const sysPath = JSON.parse((await onBoard("import sys\nprint('[' + ','.join('\"%s\"' % p for p in sys.path) + ']')")).trim()) as string[];
    expect(await target.libDir()).toBe(sysPath.find((p) => p.endsWith("/lib")));
    const sysMpy = Number((await onBoard("import sys\nprint(sys.implementation._mpy)")).trim());
    expect(await target.mpyVersion()).toEqual({ major: sysMpy & 0xff, minor: (sysMpy >> 8) & 3, arch: (sysMpy >> 10) & 15 });
  });

  it("upip: a package with a dependency lands in /lib and imports on the board", async () => {
    const target = new BoardTarget(repl);
    const packages = await stageUpip([parseRequirement("pycopy-sensor")!], { indexes: [index.pypiIndex] });
    await writeStaged(target, await target.libDir(), packages);
    expect(await onBoard("import sensor, fmt\nprint(fmt.show(sensor.read(), sensor.C))")).toBe("21.5 degC\n");
    const tree = await listTree(boardDir);
    expect(Object.keys(tree).filter((p) => p.startsWith("lib/")).sort()).toEqual(["lib/fmt.py", "lib/sensor/__init__.py", "lib/sensor/units.py"]);
    // Again: the board hashes what it has, and nothing needs to cross the link.
    const again = await writeStaged(target, await target.libDir(), packages);
    expect(again.upToDate).toEqual(packages.map((p) => p.files.length));
  });

  it("mip: a package from the index imports on the board", async () => {
    const target = new BoardTarget(repl);
    const packages = await stageMip([parseMipSpec("blink")], { index: index.mipIndex, mpy: null });
    await writeStaged(target, await target.libDir(), packages);
    expect(await onBoard("import blink\nprint(blink.on())")).toBe("on\n");
  });

  it("mip: the .mpy build matching the board's version imports and runs; an older .mpy is refused", async () => {
    const target = new BoardTarget(repl);
    const mpy = await target.mpyVersion();
    const packages = await stageMip([parseMipSpec("numbers")], { index: index.mipIndex, mpy });
    await writeStaged(target, await target.libDir(), packages);
    expect(index.requests).toContain("/mip/package/6/numbers/latest.json");
    expect(await onBoard("import m01_numbers")).toBe(expectedNumbers);
    await expect(stageMip([parseMipSpec("numbers-v5")], { index: index.mipIndex, mpy })).rejects.toBeInstanceOf(InstallError);
    // ... as the board itself would have refused it at import time.
    await target.writeFile("/lib/old_numbers.mpy", await fs.readFile(path.join(import.meta.dirname, "..", "mpy-cross", "reference", "v5", "m01_numbers.default.mpy")));
    expect(await onBoard("try:\n import old_numbers\nexcept ValueError as e:\n print(e)")).toBe("incompatible .mpy file\n");
  });

  it("a failed resolution leaves the board untouched", async () => {
    const before = await listTree(boardDir);
    await expect(stageUpip([parseRequirement("pycopy-broken-dep")!], { indexes: [index.pypiIndex] })).rejects.toBeInstanceOf(PackageNotFoundError);
    expect(await listTree(boardDir)).toEqual(before);
  });
});
