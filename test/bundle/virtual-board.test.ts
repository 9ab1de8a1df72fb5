// circup onto the virtual board (the real MicroPython VM behind the raw REPL, files through BoardFs),
// with a CircuitPython boot_out.txt in its directory. Installed .py modules are imported and run there;
// the VM is MicroPython 1.27 (.mpy 6.3), so .mpy choices are checked by content.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import { openStream } from "../../src/transport/connect.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { Bundle } from "../../src/bundle/bundle.js";
import { Library } from "../../src/bundle/library.js";
import { ReplDevice } from "../../src/bundle/device.js";
import { CircupManager } from "../../src/bundle/manager.js";
import { parseBootOut } from "../../src/bundle/boot-out.js";
import { BundleError, UnknownModuleError } from "../../src/bundle/errors.js";
import { compileForCircuitPython } from "../../fixtures/bundle/library-bundle.js";
import { BOOT_OUT_8, BOOT_OUT_9, bundles, circuitPythonDir, libraries, listFiles, removeTempDirs } from "./helpers.js";

let boardDir: string;
let stream: ByteStream;
let repl: RawRepl;
let oldZips: Record<string, string>;
let newZips: Record<string, string>;
let said: string[];

const onBoard = async (code: string) => Buffer.from(await repl.exec(code)).toString("utf8").replace(/\r\n/g, "\n");

async function library(zips: Record<string, string>, flavours: string[]): Promise<Library> {
  const list: Bundle[] = [];
  for (const f of flavours) list.push(Bundle.fromZip(new Uint8Array(await fs.readFile(zips[f]!)), zips[f]!, path.basename(zips[f]!)));
  return new Library(list);
}

async function manager(): Promise<CircupManager> {
  const boot = await fs.readFile(path.join(boardDir, "boot_out.txt"), "utf8");
  return new CircupManager(ReplDevice.for(repl), parseBootOut(boot), (l) => said.push(l));
}

beforeAll(async () => {
  boardDir = await circuitPythonDir(BOOT_OUT_9);
  oldZips = await bundles("20240101", { thing: "1.0.0", bus: "5.2.0" });
  newZips = await bundles("20241120", { thing: "1.1.0", bus: "6.0.1" });
  stream = await openStream("virtual:" + boardDir);
  repl = new RawRepl(stream);
  await repl.enter({ softReset: true });
}, 30_000);

afterAll(async () => {
  await repl?.exit().catch(() => {});
  await stream?.close();
  await removeTempDirs();
});

/** The VM loads its directory at boot and writes through afterwards: change the board's files on the board. */
async function setBootOut(text: string): Promise<void> {
  await onBoard(`with open('/boot_out.txt', 'w') as f:\n    f.write(${JSON.stringify(text)})\n`);
}

const CLEAR_LIB = `import os, sys
for k in [k for k in sys.modules if k.startswith('adafruit_') or k == 'neopixel']:
    del sys.modules[k]
def rm(p):
    for e in os.ilistdir(p):
        q = p + '/' + e[0]
        if e[1] & 0x4000:
            rm(q)
            os.rmdir(q)
        else:
            os.remove(q)
try:
    rm('/lib')
    os.rmdir('/lib')
except OSError:
    pass
`;

beforeEach(async () => {
  said = [];
  await onBoard(CLEAR_LIB);
  await setBootOut(BOOT_OUT_9);
});

describe("circup on the virtual board", () => {
  it("installs .py sources with their dependencies into /lib, and they import and run on the board", async () => {
    const m = await manager();
    await m.install(["adafruit-circuitpython-thing"], await library(oldZips, ["py", "9.x-mpy"]), { py: true });
    const files = await listFiles(path.join(boardDir, "lib"));
    expect(Object.keys(files).sort()).toEqual([
      "adafruit_bus_device/__init__.py",
      "adafruit_bus_device/i2c_device.py",
      "adafruit_bus_device/spi_device.py",
      "adafruit_thing.py",
    ]);
    expect(said).toContain("Ready to install: ['adafruit_bus_device', 'adafruit_thing']\n");
    expect(said).toContain("WARNING:\n\tadafruit_nowhere is not a known CircuitPython library.");
    expect(await onBoard("import adafruit_thing\nprint(adafruit_thing.reading())")).toBe("i2c@0x40 v1.0.0\n");
  });

  it("picks the .mpy bundle for the board's CircuitPython major (9 here, then 8)", async () => {
    const lib = await library(oldZips, ["py", "8.x-mpy", "9.x-mpy"]);
    await (await manager()).install(["neopixel"], lib);
    const source = libraries({ thing: "1.0.0", bus: "5.2.0" }).find((l) => l.name === "neopixel")!.files!["neopixel.py"]!;
    let files = await listFiles(path.join(boardDir, "lib"));
    expect(Object.keys(files)).toEqual(["neopixel.mpy"]);
    expect(new Uint8Array(files["neopixel.mpy"]!)).toEqual(compileForCircuitPython(source, "neopixel.py", 9));
    expect([...files["neopixel.mpy"]!.subarray(0, 2)]).toEqual([0x43, 6]);

    await setBootOut(BOOT_OUT_8);
    await (await manager()).install(["neopixel"], lib, { upgrade: true });
    files = await listFiles(path.join(boardDir, "lib"));
    expect(new Uint8Array(files["neopixel.mpy"]!)).toEqual(compileForCircuitPython(source, "neopixel.py", 8));
    expect([...files["neopixel.mpy"]!.subarray(0, 2)]).toEqual([0x43, 5]);
  });

  it("lists versions read from .py and .mpy on the board, and what is out of date", async () => {
    const m = await manager();
    await m.install(["adafruit_thing"], await library(oldZips, ["py", "9.x-mpy"]));
    await m.install(["neopixel"], await library(oldZips, ["py"]), { py: true });
    const newer = await library(newZips, ["py", "9.x-mpy"]);
    const rows = (await m.list(newer)).map((s) => [s.installed.name, s.installed.mpy, s.deviceVersion, s.bundleVersion, s.reason]);
    expect(rows).toEqual([
      ["adafruit_bus_device", true, "5.2.0", "6.0.1", "Major Version"],
      ["adafruit_thing", true, "1.0.0", "1.1.0", "Minor Version"],
      ["neopixel", false, "6.3.12", "6.3.12", null],
    ]);
    expect(await m.freezeLines()).toEqual(["adafruit_bus_device==5.2.0", "adafruit_thing==1.0.0", "neopixel==6.3.12"]);
  });

  it("updates out-of-date modules, removing files the new version no longer has", async () => {
    await (await manager()).install(["adafruit_thing"], await library(oldZips, ["py"]), { py: true });
    const m = await manager();
    const updated = await m.update(await library(newZips, ["py", "9.x-mpy"]), { all: true });
    expect(updated).toEqual(["adafruit_bus_device", "adafruit_thing"]);
    const files = await listFiles(path.join(boardDir, "lib"));
    // Sources stay sources; spi_device.py is gone from the new bus package.
    expect(Object.keys(files).sort()).toEqual(["adafruit_bus_device/__init__.py", "adafruit_bus_device/i2c_device.py", "adafruit_thing.py"]);
    expect(await onBoard("import adafruit_thing\nprint(adafruit_thing.reading())")).toBe("i2c@0x40 v1.1.0\n");
  });

  it("calls an 8.x .mpy on a CircuitPython 9 board out of date (MPY Format) and replaces it", async () => {
    await setBootOut(BOOT_OUT_8);
    const lib = await library(oldZips, ["py", "8.x-mpy", "9.x-mpy"]);
    await (await manager()).install(["neopixel"], lib);
    await setBootOut(BOOT_OUT_9);
    const m = await manager();
    expect((await m.list(lib)).map((s) => s.reason)).toEqual(["MPY Format"]);
    await m.update(lib, { all: true });
    const files = await listFiles(path.join(boardDir, "lib"));
    expect([...files["neopixel.mpy"]!.subarray(0, 2)]).toEqual([0x43, 6]);
    expect((await (await manager()).list(lib)).map((s) => s.outdated)).toEqual([false]);
  });

  it("replaces a .py with the .mpy (or back) and leaves no copy to shadow the new one", async () => {
    const lib = await library(oldZips, ["py", "9.x-mpy"]);
    await (await manager()).install(["neopixel"], lib, { py: true });
    expect(Object.keys(await listFiles(path.join(boardDir, "lib")))).toEqual(["neopixel.py"]);
    expect(said).toContain("Installed 'neopixel'.");
    said = [];
    await (await manager()).install(["neopixel"], lib);
    expect(said).toContain("'neopixel' is already installed.");
    expect(Object.keys(await listFiles(path.join(boardDir, "lib")))).toEqual(["neopixel.py"]);
    await (await manager()).install(["neopixel"], lib, { upgrade: true });
    expect(Object.keys(await listFiles(path.join(boardDir, "lib")))).toEqual(["neopixel.mpy"]);
  });

  it("after an update, installs requirements the new versions added", async () => {
    const zips = await bundles("20250101", { thing: "2.0.0", bus: "6.0.1", thingNeeds: ["adafruit-circuitpython-neopixel"] });
    await (await manager()).install(["adafruit_thing"], await library(oldZips, ["py"]), { py: true });
    const m = await manager();
    expect(await m.update(await library(zips, ["py", "9.x-mpy"]), { names: ["adafruit_thing"] })).toEqual(["adafruit_thing"]);
    expect(said).toContain("Ready to install: ['neopixel']\n");
    expect(Object.keys(await listFiles(path.join(boardDir, "lib"))).sort()).toEqual([
      "adafruit_bus_device/__init__.py",
      "adafruit_bus_device/i2c_device.py",
      "adafruit_bus_device/spi_device.py",
      "adafruit_thing.py",
      "neopixel.mpy",
    ]);
  });

  it("uninstalls files and packages", async () => {
    const m = await manager();
    await m.install(["adafruit_thing", "neopixel"], await library(oldZips, ["py"]), { py: true });
    const r = await m.uninstall(["adafruit_bus_device", "neopixel.py", "missing"]);
    expect(r).toEqual({ removed: ["adafruit_bus_device", "neopixel"], missing: ["missing"] });
    expect(Object.keys(await listFiles(path.join(boardDir, "lib")))).toEqual(["adafruit_thing.py"]);
  });

  it("writes nothing when a module is unknown or no bundle suits the board", async () => {
    const m = await manager();
    await expect(m.install(["adafruit_thing", "no_such_module"], await library(oldZips, ["py"]))).rejects.toThrow(UnknownModuleError);
    await expect(m.install(["neopixel"], await library(oldZips, ["8.x-mpy"]))).rejects.toThrow(BundleError);
    await expect(m.install(["neopixel"], await library(oldZips, ["8.x-mpy"]))).rejects.toThrow(/CircuitPython 9/);
    expect(await listFiles(path.join(boardDir, "lib"))).toEqual({});
  });
});
