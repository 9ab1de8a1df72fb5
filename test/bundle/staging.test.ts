// Everything is staged before the first write: a damaged bundle member or too little free space stops an
// install with the drive untouched.
import { afterAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import { Bundle } from "../../src/bundle/bundle.js";
import { Library } from "../../src/bundle/library.js";
import { DriveDevice } from "../../src/bundle/device.js";
import { CircupManager } from "../../src/bundle/manager.js";
import { parseBootOut } from "../../src/bundle/boot-out.js";
import { BundleError, ZipError } from "../../src/bundle/errors.js";
import { writeZip } from "../../fixtures/bundle/zip-writer.js";
import { BOOT_OUT_9, circuitPythonDir, listFiles, removeTempDirs } from "./helpers.js";

afterAll(removeTempDirs);

class SmallDrive extends DriveDevice {
  constructor(root: string, private readonly free: number) {
    super(root);
  }
  override async freeBytes(): Promise<number | null> {
    return this.free;
  }
}

const TOP = "tiny-bundle-py-1";

function bundle(entries: { name: string; data: string }[]): Bundle {
  return Bundle.fromZip(writeZip(entries.map((e) => ({ ...e, stored: true }))), "tiny.zip", "tiny.zip");
}

describe("staging", () => {
  it("a member failing its CRC stops the install before anything is written", async () => {
    const drive = await circuitPythonDir();
    const zip = Buffer.from(writeZip([
      { name: `${TOP}/lib/good.py`, data: "__version__ = '1.0.0'\n", stored: true },
      { name: `${TOP}/lib/bad.py`, data: "__version__ = '1.0.0'\n", stored: true },
    ]));
    const at = zip.indexOf("bad.py") + "bad.py".length; // first content byte of the second member
    zip[at] ^= 0x20;
    const lib = new Library([Bundle.fromZip(new Uint8Array(zip), "damaged.zip", "damaged.zip")]);
    const m = new CircupManager(new DriveDevice(drive), parseBootOut(BOOT_OUT_9), () => {});
    await expect(m.install(["good", "bad"], lib, { py: true })).rejects.toThrow(ZipError);
    expect(await listFiles(drive)).toEqual({ "boot_out.txt": Buffer.from(BOOT_OUT_9) });
  });

  it("refuses when the drive has too little free space, writing nothing", async () => {
    const drive = await circuitPythonDir();
    const lib = new Library([bundle([{ name: `${TOP}/lib/big.py`, data: "x = 1\n".repeat(1000) }])]);
    const small = new CircupManager(new SmallDrive(drive, 5000), parseBootOut(BOOT_OUT_9), () => {});
    await expect(small.install(["big"], lib, { py: true })).rejects.toThrow(BundleError);
    await expect(small.install(["big"], lib, { py: true })).rejects.toThrow(/not enough free space \(6000 bytes needed, 5000 free\)/);
    expect(await fs.stat(path.join(drive, "lib", "big.py")).catch(() => null)).toBeNull();
    const roomy = new CircupManager(new SmallDrive(drive, 6000), parseBootOut(BOOT_OUT_9), () => {});
    await roomy.install(["big"], lib, { py: true });
    expect((await fs.stat(path.join(drive, "lib", "big.py"))).size).toBe(6000);
  });
});
