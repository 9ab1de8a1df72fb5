// tspy bundle build → tspy circup install, on the virtual board (a CircuitPython 9 boot_out.txt in its
// directory). The zips are read back with the same code circup install uses (Bundle.fromZip), and their
// layout is checked against Adafruit's: TOP/lib/..., TOP/requirements/<module>/requirements.txt.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tspy } from "../helpers/cli.js";
import { readZip } from "../../src/bundle/zip-reader.js";
import { Bundle } from "../../src/bundle/bundle.js";
import { BOOT_OUT_9, circuitPythonDir, listFiles, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

async function sources(): Promise<string[]> {
  const root = await tempDir("libsrc");
  const thing = path.join(root, "Adafruit_CircuitPython_Thing");
  await fs.mkdir(path.join(thing, "examples"), { recursive: true });
  await fs.writeFile(path.join(thing, "adafruit_thing.py"),
    `from adafruit_bus_device.i2c_device import I2CDevice\n__version__ = "1.1.0"\n__repo__ = "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git"\ndef reading():\n    return I2CDevice(0x40).describe() + " v" + __version__\n`);
  await fs.writeFile(path.join(thing, "examples", "thing_simpletest.py"), "import adafruit_thing\n");
  await fs.writeFile(path.join(thing, "setup.py"), "raise SystemExit\n");
  await fs.writeFile(path.join(thing, "requirements.txt"), "Adafruit-Blinka\nadafruit-circuitpython-busdevice\n");
  const bus = path.join(root, "Adafruit_CircuitPython_BusDevice");
  await fs.mkdir(path.join(bus, "adafruit_bus_device"), { recursive: true });
  await fs.writeFile(path.join(bus, "adafruit_bus_device", "__init__.py"), "");
  await fs.writeFile(path.join(bus, "adafruit_bus_device", "i2c_device.py"),
    `__version__ = "6.0.1"\nclass I2CDevice:\n    def __init__(self, addr):\n        self.addr = addr\n    def describe(self):\n        return "i2c@0x%02x" % self.addr\n`);
  await fs.writeFile(path.join(bus, "requirements.txt"), "Adafruit-Blinka\n");
  return [thing, bus];
}

describe("tspy bundle build", () => {
  it("writes Adafruit-shaped zips per major and the JSON, and circup installs them on the virtual board", async () => {
    const out = await tempDir("bundles-out");
    const r = await tspy(["bundle", "build", ...(await sources()), "--circuitpython", "9,10", "--out", out, "--tag", "20250101", "--name", "test-bundle"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect((await fs.readdir(out)).sort()).toEqual([
      "test-bundle-10.x-mpy-20250101.zip", "test-bundle-20250101.json", "test-bundle-9.x-mpy-20250101.zip", "test-bundle-py-20250101.zip",
    ]);
    const zipNames = async (f: string) => readZip(new Uint8Array(await fs.readFile(path.join(out, f))), f).entries.map((e) => e.name).filter((n) => !n.endsWith("/")).sort();
    expect(await zipNames("test-bundle-9.x-mpy-20250101.zip")).toEqual([
      "test-bundle-9.x-mpy-20250101/lib/adafruit_bus_device/__init__.mpy",
      "test-bundle-9.x-mpy-20250101/lib/adafruit_bus_device/i2c_device.mpy",
      "test-bundle-9.x-mpy-20250101/lib/adafruit_thing.mpy",
      "test-bundle-9.x-mpy-20250101/requirements/adafruit_bus_device/requirements.txt",
      "test-bundle-9.x-mpy-20250101/requirements/adafruit_thing/requirements.txt",
    ]);
    expect(await zipNames("test-bundle-py-20250101.zip")).toContain("test-bundle-py-20250101/lib/adafruit_bus_device/i2c_device.py");
    const json = JSON.parse(await fs.readFile(path.join(out, "test-bundle-20250101.json"), "utf8"));
    expect(json.adafruit_thing).toMatchObject({ package: false, version: "1.1.0", repo: "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git", path: "lib/adafruit_thing.py", dependencies: ["adafruit-blinka", "adafruit-circuitpython-busdevice"] });
    expect(json.adafruit_bus_device).toMatchObject({ package: true, version: "6.0.1", path: "lib/adafruit_bus_device" });
    // Read back as circup install reads bundles: CircuitPython 9's .mpy ('C', .mpy 6), CircuitPython 10's too
    const nine = Bundle.fromZip(new Uint8Array(await fs.readFile(path.join(out, "test-bundle-9.x-mpy-20250101.zip"))), "9", "test-bundle-9.x-mpy-20250101.zip");
    expect(nine.name).toEqual({ id: "test-bundle", flavour: { kind: "mpy", major: 9 }, tag: "20250101" });
    const thing9 = nine.modules.get("adafruit_thing")!;
    expect([...thing9.files[0]!.data.subarray(0, 2)]).toEqual([0x43, 6]);
    expect(thing9.metadata.version).toBe("1.1.0");
    expect(nine.requirementsOf("adafruit_thing")).toContain("adafruit-circuitpython-busdevice");

    // circup install from the built bundles onto a CircuitPython 9 board: the 9.x build's files
    const board = await circuitPythonDir(BOOT_OUT_9);
    const zip = (f: string) => path.join(out, f);
    const dev = `virtual:${board}`;
    let i = await tspy(["-d", dev, "circup", "--bundle", zip("test-bundle-py-20250101.zip"), "--bundle", zip("test-bundle-9.x-mpy-20250101.zip"), "install", "adafruit_thing"]);
    expect(i.status).toBe(0);
    expect(i.stdout).toContain("Installed 'adafruit_bus_device'.");
    const files = await listFiles(board);
    expect(Object.keys(files).sort()).toEqual(["boot_out.txt", "lib/adafruit_bus_device/__init__.mpy", "lib/adafruit_bus_device/i2c_device.mpy", "lib/adafruit_thing.mpy"]);
    expect(files["lib/adafruit_thing.mpy"]).toEqual(Buffer.from(thing9.files[0]!.data));

    // With only the py bundle at hand, install compiles it for the board: the same bytes as the 9.x build
    const board2 = await circuitPythonDir(BOOT_OUT_9);
    i = await tspy(["-d", `virtual:${board2}`, "circup", "--bundle", zip("test-bundle-py-20250101.zip"), "install", "adafruit_thing"]);
    expect(i.status).toBe(0);
    expect(i.stdout).toContain("Compiling the py bundle's modules for CircuitPython 9.2.1 (.mpy cp9).");
    const files2 = await listFiles(board2);
    expect(files2).toEqual(files);
    // A newer release of the library, again only as the py bundle: update keeps the module compiled
    const [thingSrc] = await sources();
    await fs.writeFile(path.join(thingSrc!, "adafruit_thing.py"), (await fs.readFile(path.join(thingSrc!, "adafruit_thing.py"), "utf8")).replace('"1.1.0"', '"1.2.0"'));
    const out2 = await tempDir("bundles-out2");
    expect((await tspy(["bundle", "build", thingSrc!, "--circuitpython", "9", "--out", out2, "--tag", "20250201", "--name", "test-bundle"])).status).toBe(0);
    i = await tspy(["-d", `virtual:${board2}`, "circup", "--bundle", path.join(out2, "test-bundle-py-20250201.zip"), "update", "--all"]);
    expect(i.status).toBe(0);
    expect(i.stdout).toContain("Updated adafruit_thing");
    const files3 = await listFiles(board2);
    expect(Object.keys(files3).filter((f) => f.startsWith("lib/adafruit_thing"))).toEqual(["lib/adafruit_thing.mpy"]);
    const updated = Bundle.fromZip(new Uint8Array(await fs.readFile(path.join(out2, "test-bundle-9.x-mpy-20250201.zip"))), "9", "test-bundle-9.x-mpy-20250201.zip");
    expect(files3["lib/adafruit_thing.mpy"]).toEqual(Buffer.from(updated.modules.get("adafruit_thing")!.files[0]!.data));

    // --py: the sources, which the (MicroPython) VM behind the board imports and runs
    const board3 = await circuitPythonDir(BOOT_OUT_9);
    i = await tspy(["-d", `virtual:${board3}`, "circup", "--bundle", zip("test-bundle-py-20250101.zip"), "install", "--py", "adafruit_thing"]);
    expect(i.status).toBe(0);
    i = await tspy(["-d", `virtual:${board3}`, "exec", "import sys; sys.path.append('/lib'); import adafruit_thing; print(adafruit_thing.reading())"]);
    expect(i.stdout).toContain("i2c@0x40 v1.1.0");
  }, 120_000);

  it("refuses bad input in one line", async () => {
    const [thing] = await sources();
    const cases: [string[], RegExp][] = [
      [["bundle", "build", thing!], /--circuitpython N\[,N\.\.\.\] is required/],
      [["bundle", "build", thing!, "--circuitpython", "nine"], /takes major releases like 9,10/],
      [["bundle", "build", thing!, "--circuitpython", "4"], /cannot write CircuitPython 4's \.mpy yet|^$/],
      [["bundle", "build", "/nonexistent-dir", "--circuitpython", "9"], /no such directory/],
    ];
    for (const [args, message] of cases) {
      const r = await tspy([...args, "--out", await tempDir("bad-out")]);
      if (r.status === 0) continue; // CircuitPython 4 may be written by now
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
  });
});
