// Issue 12 items 5-7: archives and bundles are bounded (the target's free space, the headers' claims),
// `upip check` refuses everything `install` refuses, and a requirement must name a version after `===`.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UsageError } from "../../src/errors.js";
import { readZip } from "../../src/bundle/zip-reader.js";
import { ArchiveError, InstallError } from "../../src/upip/errors.js";
import type { InstallTarget } from "../../src/upip/install-target.js";
import { parseRequirement } from "../../src/upip/requirement.js";
import { writeStaged } from "../../src/upip/staged.js";
import { readTarGzBytes } from "../../src/upip/tar-gz.js";
import { tspy } from "../helpers/cli.js";
import { tarGz } from "../helpers/tar-gz.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const py = new TextEncoder().encode("x = 1\n");
const fine = tarGz([{ name: "okpkg-1.0/okpkg.py", data: py }]);

describe("upip check applies install's rules", () => {
  const bad: [string, Uint8Array][] = [
    ["a .. member", tarGz([{ name: "okpkg-1.0/../../evil.py", data: py }])],
    ["an absolute member", tarGz([{ name: "/etc/evil.py", data: py }])],
    ["a character device", tarGz([{ name: "okpkg-1.0/tty", type: "3" }])],
    ["a FIFO", tarGz([{ name: "okpkg-1.0/fifo", type: "6" }])],
    ["a symlink", tarGz([{ name: "okpkg-1.0/link.py", type: "2", linkname: "/etc/passwd" }])],
    ["a member claiming 1 GB", tarGz([{ name: "okpkg-1.0/big.py", claim: 1 << 30 }])],
  ];
  it("says a clean archive is fine", async () => {
    const dir = await tempDir("check");
    const file = path.join(dir, "ok.tar.gz");
    await fs.writeFile(file, fine);
    const r = await tspy(["upip", "check", file]);
    expect(r.status).toBe(0);
  });
  for (const [what, gz] of bad) {
    it(`refuses ${what}`, async () => {
      const dir = await tempDir("check");
      const file = path.join(dir, "bad.tar.gz");
      await fs.writeFile(file, gz);
      const r = await tspy(["upip", "check", file]);
      expect(r.status).not.toBe(0);
      expect(r.stdout.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }
});

describe("size limits", () => {
  it("stops inflating a gzip bomb at the target's free space", async () => {
    const bomb = tarGz([{ name: "okpkg-1.0/zeros.py", data: new Uint8Array(4 << 20) }]);
    expect(bomb.length).toBeLessThan(64 * 1024);
    await expect(readTarGzBytes(bomb, "bomb", { maxBytes: 1 << 20, limitName: "the board's free space" })).rejects.toThrow(/more than the board's free space/);
  });

  it("refuses a member whose header claims more than the limit before inflating it", async () => {
    const gz = tarGz([{ name: "okpkg-1.0/a.py", claim: 300 << 20 }]);
    await expect(readTarGzBytes(gz, "claim")).rejects.toThrow(ArchiveError);
    await expect(readTarGzBytes(gz, "claim")).rejects.toThrow(/claims 314572800 bytes/);
  });

  it("writes nothing when the packages do not fit the target's free space", async () => {
    const written: string[] = [];
    const target: InstallTarget = {
      describe: () => "board",
      where: (p) => `:${p}`,
      libDir: async () => "/lib",
      mpyVersion: async () => null,
      writeFile: async (p) => void written.push(p),
      freeBytes: async () => 10_000,
    };
    const pkg = { name: "big", version: "1", source: "x", deps: [], notes: [], files: [{ path: "small.py", data: new Uint8Array(10) }, { path: "big.py", data: new Uint8Array(20_000) }] };
    await expect(writeStaged(target, "/lib", [pkg])).rejects.toThrow(InstallError);
    await expect(writeStaged(target, "/lib", [pkg])).rejects.toThrow(/20000 bytes, more than the 10000 bytes free/);
    expect(written).toEqual([]);
  });

  it("refuses a bundle member claiming 500 MB before inflating it", () => {
    // A zip of one stored entry whose directory claims 500 MB (the local data is 1 byte).
    const name = new TextEncoder().encode("lib/huge.mpy");
    const local = new Uint8Array(30 + name.length + 1);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint32(20, 1, true);
    cv.setUint32(24, 500 << 20, true);
    cv.setUint16(28, name.length, true);
    central.set(name, 46);
    const eocd = new Uint8Array(22);
    const ev = new DataView(eocd.buffer);
    ev.setUint32(0, 0x06054b50, true);
    ev.setUint16(8, 1, true);
    ev.setUint16(10, 1, true);
    ev.setUint32(12, central.length, true);
    ev.setUint32(16, local.length, true);
    const zip = new Uint8Array([...local, ...central, ...eocd]);
    const archive = readZip(zip, "bundle.zip");
    expect(() => archive.read(archive.entries[0]!)).toThrow(/claims 524288000 bytes/);
  });
});

describe("requirement names", () => {
  it("refuses okpkg=== and other operators without a version", () => {
    for (const bad of ["okpkg===", "okpkg==", "okpkg>=", "okpkg>=1.0,", "okpkg~="]) expect(() => parseRequirement(bad), bad).toThrow(UsageError);
    expect(parseRequirement("okpkg>=1.0,<2")).toEqual({ name: "okpkg", ignoredConstraint: ">=1.0,<2" });
    expect(parseRequirement("okpkg===1.0")).toEqual({ name: "okpkg", ignoredConstraint: "===1.0" });
  });
});
