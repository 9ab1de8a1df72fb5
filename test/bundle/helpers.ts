// Shared by the bundle tests: temporary directories, a CircuitPython board directory, the bundles.
import { promises as fs } from "node:fs";
import path from "node:path";
import { tempDir, removeTempDirs } from "../helpers/temp-dirs.js";
import { writeBundles, type LibrarySpec } from "../../fixtures/bundle/library-bundle.js";

export const BOOT_OUT_9 = "Adafruit CircuitPython 9.2.1 on 2024-11-20; Adafruit Feather M4 Express with samd51j19\r\n";
export const BOOT_OUT_8 = "Adafruit CircuitPython 8.2.10 on 2024-02-14; Adafruit Feather M4 Express with samd51j19\r\n";

export { tempDir, removeTempDirs };

export async function circuitPythonDir(bootOut = BOOT_OUT_9): Promise<string> {
  const dir = await tempDir("cpy");
  await fs.writeFile(path.join(dir, "boot_out.txt"), bootOut);
  return dir;
}

/** A driver that needs a bus helper package; both work on a plain MicroPython VM. */
export function libraries(version: { thing: string; bus: string; thingNeeds?: string[] }): LibrarySpec[] {
  return [
    {
      name: "adafruit_thing",
      files: {
        "adafruit_thing.py": `from adafruit_bus_device.i2c_device import I2CDevice\n__version__ = "${version.thing}"\n__repo__ = "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git"\ndef reading():\n    return I2CDevice(0x40).describe() + " v${version.thing}"\n`,
      },
      requires: ["Adafruit-Blinka", "adafruit-circuitpython-busdevice", "adafruit-circuitpython-nowhere", ...(version.thingNeeds ?? [])],
    },
    {
      name: "adafruit_bus_device",
      files: {
        "adafruit_bus_device/__init__.py": "",
        "adafruit_bus_device/i2c_device.py": `__version__ = "${version.bus}"\nclass I2CDevice:\n    def __init__(self, addr):\n        self.addr = addr\n    def describe(self):\n        return "i2c@0x%02x" % self.addr\n`,
        ...(version.bus.startsWith("5.") ? { "adafruit_bus_device/spi_device.py": "class SPIDevice:\n    pass\n" } : {}),
      },
    },
    { name: "neopixel", files: { "neopixel.py": `__version__ = "6.3.12"\ndef count():\n    return 3\n` } },
  ];
}

export async function bundles(tag: string, version: { thing: string; bus: string; thingNeeds?: string[] }, flavours: ("py" | number)[] = ["py", 8, 9]): Promise<Record<string, string>> {
  return writeBundles(await tempDir("bundles"), "adafruit-circuitpython-bundle", tag, libraries(version), flavours);
}

/** Every file below `root`, relative path → bytes. */
export async function listFiles(root: string): Promise<Record<string, Buffer>> {
  const out: Record<string, Buffer> = {};
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else out[path.relative(root, p).split(path.sep).join("/")] = await fs.readFile(p);
    }
  };
  await walk(root);
  return out;
}
