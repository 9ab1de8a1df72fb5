// Facts the installer reads: boot_out.txt, module versions in .py and .mpy (compiled here by tspy's
// mpy-cross for the releases CircuitPython uses), requirement names, version order.
import { describe, expect, it } from "vitest";
import { parseBootOut } from "../../src/bundle/boot-out.js";
import { metadataFromMpy, metadataFromPy, mpyCompat, compatAllows } from "../../src/bundle/module-metadata.js";
import { canonicalModuleName, circupDependencies, requirementNames } from "../../src/bundle/requirements.js";
import { compareVersions } from "../../src/bundle/versions.js";
import { parseBundleName } from "../../src/bundle/bundle.js";
import { compileForCircuitPython } from "../../fixtures/bundle/library-bundle.js";
import { importedModules } from "../../src/bundle/auto-imports.js";

const SOURCE = `"""A driver."""
import time
__version__ = "3.4.15"
__repo__ = "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git"
_ADDR = const(0x40)
class Thing:
    version = "9.9.9"
`;

describe("boot_out.txt", () => {
  it("gives the release, its major and the board", () => {
    expect(parseBootOut("Adafruit CircuitPython 9.2.1 on 2024-11-20; Adafruit Feather M4 Express with samd51j19\r\nBoard ID:feather_m4_express\r\n")).toEqual({
      version: "9.2.1",
      major: 9,
      board: "Adafruit Feather M4 Express with samd51j19",
      boardId: "feather_m4_express",
    });
    expect(parseBootOut("Adafruit CircuitPython 10.0.0-beta.2 on 2025-06-01; Raspberry Pi Pico with rp2040\n").major).toBe(10);
    expect(() => parseBootOut("MicroPython v1.27.0 on 2025-01-01; generic\n")).toThrow(/CircuitPython/);
  });
});

describe("module metadata", () => {
  it("reads __version__ and __repo__ from source", () => {
    expect(metadataFromPy(SOURCE)).toEqual({ version: "3.4.15", repo: "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git" });
    expect(metadataFromPy("x = 1\n")).toEqual({});
  });

  it.each([8, 9, 10])("reads them from a .mpy built for CircuitPython %i", (major) => {
    const mpy = compileForCircuitPython(SOURCE, "thing.py", major);
    const meta = metadataFromMpy(mpy);
    expect(meta.version).toBe("3.4.15");
    expect(meta.repo).toBe("https://github.com/adafruit/Adafruit_CircuitPython_Thing.git");
    expect(compatAllows(meta.mpy!, major)).toBe(true);
  });

  it("knows which releases import which .mpy", () => {
    const cp8 = mpyCompat(compileForCircuitPython("x = 1\n", "x.py", 8));
    const cp9 = mpyCompat(compileForCircuitPython("x = 1\n", "x.py", 9));
    expect([7, 8, 9].map((m) => compatAllows(cp8, m))).toEqual([true, true, false]);
    expect([8, 9, 10].map((m) => compatAllows(cp9, m))).toEqual([false, true, true]);
    // MicroPython's own .mpy ('M' header) is refused by CircuitPython 7 and later.
    expect(mpyCompat(new Uint8Array([0x4d, 6, 0, 31]))).toBe("bad");
  });

  it("finds the version in a .mpy it cannot parse by its x.y.z string", () => {
    const mpy = compileForCircuitPython(SOURCE, "thing.py", 9);
    const broken = new Uint8Array([...mpy.subarray(0, mpy.length - 3)]);
    expect(metadataFromMpy(broken).version).toBe("3.4.15");
  });
});

describe("requirements and names", () => {
  it("canonicalises PyPI names to module names", () => {
    expect(canonicalModuleName("adafruit-circuitpython-ssd1306")).toBe("adafruit_ssd1306");
    expect(canonicalModuleName("Adafruit-CircuitPython-BusDevice")).toBe("adafruit_bus_device");
    expect(canonicalModuleName("adafruit-circuitpython-neopixel")).toBe("neopixel");
    expect(canonicalModuleName("adafruit_display_text.mpy")).toBe("adafruit_display_text");
  });

  it("reads requirement names without specifiers, and pyproject circup dependencies", () => {
    expect(requirementNames("# deps\nAdafruit-Blinka\nadafruit-circuitpython-busdevice>=5.0 ; python_version>'3'\n\nadafruit-circuitpython-register[extra]~=1.9\n")).toEqual([
      "adafruit-blinka",
      "adafruit-circuitpython-busdevice",
      "adafruit-circuitpython-register",
    ]);
    expect(circupDependencies('[project]\nname = "x"\n[circup]\ncircup_dependencies = [\n  "adafruit_ticks",\n  "asyncio",\n]\n')).toEqual(["adafruit_ticks", "asyncio"]);
  });

  it("orders versions as semver does", () => {
    expect(compareVersions("1.2.10", "1.2.9")).toBeGreaterThan(0);
    expect(compareVersions("2.0.0-beta.1", "2.0.0")).toBeLessThan(0);
    expect(compareVersions("1.0", "1.0.0")).toBe(0);
    expect(compareVersions("nonsense", "1.0.0")).toBeNull();
  });

  it("splits bundle names into identity, flavour and tag", () => {
    expect(parseBundleName("adafruit-circuitpython-bundle-9.x-mpy-20241120.zip")).toEqual({ id: "adafruit-circuitpython-bundle", flavour: { kind: "mpy", major: 9 }, tag: "20241120" });
    expect(parseBundleName("circuitpython-community-bundle-py-20241119")).toEqual({ id: "circuitpython-community-bundle", flavour: { kind: "py" }, tag: "20241119" });
    expect(parseBundleName("random.zip")).toBeNull();
  });
});

describe("imports of a program (install --auto)", () => {
  it("finds top-level module names, leaving out relative imports and text in triple quotes", () => {
    const code = `"""
import not_this
"""
import time, board as b
import adafruit_display_text.label
from adafruit_bus_device.i2c_device import I2CDevice
from . import sibling
    import neopixel  # indented, inside a block
x = "import nor_this"
`;
    expect(importedModules(code)).toEqual(["adafruit_bus_device", "adafruit_display_text", "board", "neopixel", "time"]);
  });
});
