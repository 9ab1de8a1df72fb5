// `tspy circup` as users run it: the shipped CLI (bin/tspy.js → dist) against a mounted drive directory
// (--path), the virtual board (-d virtual:DIR), local zips, a URL and a github: release on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { promises as fs } from "node:fs";
import path from "node:path";
import { tspy } from "../helpers/cli.js";
import { writeZip } from "../../fixtures/bundle/zip-writer.js";
import { startReleaseServer, type ReleaseServer } from "../../fixtures/bundle/release-server.js";
import { BOOT_OUT_9, bundles, circuitPythonDir, listFiles, removeTempDirs, tempDir } from "./helpers.js";

let oldZips: Record<string, string>;
let newZips: Record<string, string>;
let server: ReleaseServer;

const bundleArgs = (zips: Record<string, string>, flavours = ["py", "8.x-mpy", "9.x-mpy"]) => flavours.flatMap((f) => ["--bundle", zips[f]!]);

beforeAll(async () => {
  oldZips = await bundles("20240101", { thing: "1.0.0", bus: "5.2.0" });
  newZips = await bundles("20241120", { thing: "1.1.0", bus: "6.0.1" });
  const assets: Record<string, Uint8Array> = {};
  for (const f of Object.values(newZips)) assets[path.basename(f)] = new Uint8Array(await fs.readFile(f));
  server = await startReleaseServer([{ repo: "adafruit/Adafruit_CircuitPython_Bundle", tag: "20241120", assets }], {
    "adafruit-circuitpython-bundle-py-20240101.zip": new Uint8Array(await fs.readFile(oldZips["py"]!)),
  });
});

afterAll(async () => {
  await server?.close();
  await removeTempDirs();
});

describe("tspy circup --path DIR (a mounted CIRCUITPY drive)", () => {
  it("install, list, update --all, freeze, uninstall", async () => {
    const drive = await circuitPythonDir();
    let r = await tspy(["circup", "--path", drive, ...bundleArgs(oldZips), "install", "adafruit_thing"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Found device Adafruit Feather M4 Express with samd51j19 at");
    expect(r.stdout).toContain("running CircuitPython 9.2.1.");
    expect(r.stdout).toContain("Installed 'adafruit_thing'.");
    let files = await listFiles(path.join(drive, "lib"));
    expect(Object.keys(files).sort()).toEqual(["adafruit_bus_device/__init__.mpy", "adafruit_bus_device/i2c_device.mpy", "adafruit_bus_device/spi_device.mpy", "adafruit_thing.mpy"]);
    expect([...files["adafruit_thing.mpy"]!.subarray(0, 2)]).toEqual([0x43, 6]);

    r = await tspy(["circup", "list", "--path", drive, ...bundleArgs(newZips)]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^adafruit_bus_device\s+5\.2\.0\s+6\.0\.1\s+Major Version$/m);
    expect(r.stdout).toMatch(/^adafruit_thing\s+1\.0\.0\s+1\.1\.0\s+Minor Version$/m);
    expect(r.stdout).toContain("The following modules are out of date or probably need an update.");

    // Not a terminal and no --all: nothing is changed.
    r = await tspy(["circup", "--path", drive, ...bundleArgs(newZips), "update"]);
    expect(r.status).toBe(0);
    expect(await listFiles(path.join(drive, "lib"))).toEqual(files);

    r = await tspy(["circup", "--path", drive, ...bundleArgs(newZips), "update", "--all"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Found 2 module[s] needing update.");
    expect(r.stdout).toContain("Updated adafruit_thing");
    files = await listFiles(path.join(drive, "lib"));
    expect(Object.keys(files).sort()).toEqual(["adafruit_bus_device/__init__.mpy", "adafruit_bus_device/i2c_device.mpy", "adafruit_thing.mpy"]);

    const cwd = await tempDir("freeze");
    r = await tspy(["circup", "--path", drive, "freeze", "-r"], { cwd });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("adafruit_bus_device==6.0.1\nadafruit_thing==1.1.0\n");
    expect(await fs.readFile(path.join(cwd, "requirements.txt"), "utf8")).toBe("adafruit_bus_device==6.0.1\nadafruit_thing==1.1.0\n");

    r = await tspy(["circup", "--path", drive, "uninstall", "adafruit_thing"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Uninstalled 'adafruit_thing'.");
    expect(Object.keys(await listFiles(path.join(drive, "lib"))).sort()).toEqual(["adafruit_bus_device/__init__.mpy", "adafruit_bus_device/i2c_device.mpy"]);
  });

  it("install -r requirements.txt --py", async () => {
    const drive = await circuitPythonDir();
    const req = path.join(await tempDir("req"), "requirements.txt");
    await fs.writeFile(req, "# board libraries\nadafruit-circuitpython-neopixel>=6\nAdafruit-Blinka\n");
    const r = await tspy(["circup", "--path", drive, ...bundleArgs(oldZips), "install", "--py", "-r", req]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(Object.keys(await listFiles(path.join(drive, "lib")))).toEqual(["neopixel.py"]);
  });

  it("install --auto: what code.py imports, through the user's own modules", async () => {
    const drive = await circuitPythonDir();
    await fs.writeFile(path.join(drive, "code.py"), "import time, board\nimport neopixel\nfrom helpers import go\ngo()\n");
    await fs.writeFile(path.join(drive, "helpers.py"), "import adafruit_thing\ndef go():\n    pass\n");
    const r = await tspy(["circup", "--path", drive, ...bundleArgs(oldZips), "install", "--auto"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Finding imports from: code.py");
    expect(Object.keys(await listFiles(path.join(drive, "lib"))).sort()).toEqual([
      "adafruit_bus_device/__init__.mpy",
      "adafruit_bus_device/i2c_device.mpy",
      "adafruit_bus_device/spi_device.mpy",
      "adafruit_thing.mpy",
      "neopixel.mpy",
    ]);
  });

  it("--cpy-version stands in for a missing boot_out.txt and picks that release's .mpy", async () => {
    const drive = await tempDir("no-boot-out");
    const r = await tspy(["circup", "--path", drive, "--cpy-version", "8.2.10", ...bundleArgs(oldZips), "install", "neopixel"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("running CircuitPython 8.2.10.");
    const files = await listFiles(path.join(drive, "lib"));
    expect([...files["neopixel.mpy"]!.subarray(0, 2)]).toEqual([0x43, 5]);
  });

  it("bad input: one line on stderr, non-zero status, nothing written", async () => {
    const drive = await circuitPythonDir();
    const evil = path.join(await tempDir("evil"), "evil-bundle-py-1.zip");
    await fs.writeFile(evil, writeZip([{ name: "evil-bundle-py-1/lib/ok.py", data: "" }, { name: "evil-bundle-py-1/lib/../../../escaped.py", data: "x" }]));
    const notCircuitPython = await tempDir("nocpy");
    for (const [args, status, pattern] of [
      [["circup", "--path", drive, ...bundleArgs(oldZips), "install", "adafruit_thing", "nope_module"], 1, /Unknown module named, 'nope_module'/],
      [["circup", "--path", drive, "--bundle", evil, "install", "ok"], 1, /refusing entry .*\.\./],
      [["circup", "--path", notCircuitPython, ...bundleArgs(oldZips), "install", "neopixel"], 1, /boot_out\.txt/],
      [["circup", "--path", drive, "--bundle", oldZips["8.x-mpy"]!, "install", "neopixel"], 1, /CircuitPython 9/],
      [["circup", "--path", drive, "frobnicate"], 2, /unknown command/],
      [["circup", "--path", drive, "install"], 2, /name at least one module/],
      [["circup", "--path", drive, "--bundle", "/nonexistent/x-py-1.zip", "show"], 1, /cannot read bundle/],
    ] as const) {
      const r = await tspy([...args]);
      expect(r.status, args.join(" ")).toBe(status);
      expect(r.stderr).toMatch(pattern);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(await listFiles(path.join(drive, "lib"))).toEqual({});
    for (const dir of [drive, path.dirname(drive), path.dirname(evil), path.dirname(path.dirname(evil))]) {
      expect(await fs.stat(path.join(dir, "escaped.py")).catch(() => null)).toBeNull();
    }
  });
});

describe("tspy circup on the virtual board", () => {
  it("installs through the raw REPL and the module runs on the board", async () => {
    const board = await circuitPythonDir(BOOT_OUT_9);
    let r = await tspy(["-d", `virtual:${board}`, "circup", ...bundleArgs(oldZips), "install", "--py", "adafruit_thing"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Found device Adafruit Feather M4 Express with samd51j19 at virtual:${board}, running CircuitPython 9.2.1.`);
    r = await tspy(["-d", `virtual:${board}`, "exec", "import adafruit_thing; print(adafruit_thing.reading())"]);
    expect(r.stdout.replace(/\r\n/g, "\n")).toBe("i2c@0x40 v1.0.0\n");
    r = await tspy(["-d", `virtual:${board}`, "circup", "freeze"]);
    expect(r.stdout).toContain("adafruit_bus_device==5.2.0\nadafruit_thing==1.0.0\n");
  });

  it("a board without boot_out.txt that is not CircuitPython is refused, naming what it runs", async () => {
    const board = await tempDir("micropython-board");
    const r = await tspy(["-d", `virtual:${board}`, "circup", ...bundleArgs(oldZips), "install", "neopixel"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/runs micropython 1\.27\.0, not CircuitPython/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(await listFiles(board)).toEqual({});
  });
});

describe("bundles from the network (127.0.0.1)", () => {
  it("show: a bundle from a URL", async () => {
    const r = await tspy(["circup", "--bundle", `${server.url}/files/adafruit-circuitpython-bundle-py-20240101.zip`, "show", "ada"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("adafruit_bus_device\nadafruit_thing\n2 shown of 3 packages.\n");
  });

  it("install: github:OWNER/REPO finds the latest release and fetches the py and 9.x-mpy assets", async () => {
    const drive = await circuitPythonDir();
    const env = { TSPY_GITHUB_URL: server.url, TSPY_CACHE_DIR: await tempDir("cache") };
    server.requests.length = 0;
    let r = await tspy(["circup", "--path", drive, "--bundle", "github:adafruit/Adafruit_CircuitPython_Bundle", "install", "neopixel"], { env });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(server.requests).toEqual([
      "/adafruit/Adafruit_CircuitPython_Bundle/releases/latest",
      "/adafruit/Adafruit_CircuitPython_Bundle/releases/download/20241120/adafruit-circuitpython-bundle-py-20241120.zip",
      "/adafruit/Adafruit_CircuitPython_Bundle/releases/download/20241120/adafruit-circuitpython-bundle-9.x-mpy-20241120.zip",
    ]);
    const files = await listFiles(path.join(drive, "lib"));
    expect(Object.keys(files)).toEqual(["neopixel.mpy"]);
    expect(files["neopixel.mpy"]!.equals(await extract(newZips["9.x-mpy"]!, "lib/neopixel.mpy"))).toBe(true);

    // The release's assets are cached: the next command only asks which release is the latest.
    server.requests.length = 0;
    r = await tspy(["circup", "--path", drive, "--bundle", "github:adafruit/Adafruit_CircuitPython_Bundle", "list"], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^neopixel\s+6\.3\.12\s+6\.3\.12$/m);
    expect(server.requests).toEqual(["/adafruit/Adafruit_CircuitPython_Bundle/releases/latest"]);

    // --offline: the newest cached release, no request at all; nothing cached is one clear line.
    server.requests.length = 0;
    r = await tspy(["circup", "--offline", "--path", drive, "--bundle", "github:adafruit/Adafruit_CircuitPython_Bundle", "freeze"], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("neopixel==6.3.12");
    r = await tspy(["circup", "--offline", "--path", drive, "--bundle", "github:adafruit/Adafruit_CircuitPython_Bundle", "list"], { env });
    expect(r.stdout).toContain("Using bundle adafruit-circuitpython-bundle-9.x-mpy-20241120");
    expect(server.requests).toEqual([]);
    r = await tspy(["circup", "--offline", "--path", drive, "--bundle", "github:adafruit/CircuitPython_Community_Bundle", "list"], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--offline: no release of adafruit\/CircuitPython_Community_Bundle in the cache/);
  });
});

/** A member's bytes, found in the test's own archive by name through Node's zlib (stored order is known). */
async function extract(zipPath: string, member: string): Promise<Buffer> {
  const { inflateRawSync } = await import("node:zlib");
  const data = await fs.readFile(zipPath);
  for (let at = 0; data.readUInt32LE(at) === 0x04034b50; ) {
    const method = data.readUInt16LE(at + 8);
    const size = data.readUInt32LE(at + 18);
    const nameLen = data.readUInt16LE(at + 26);
    const name = data.subarray(at + 30, at + 30 + nameLen).toString();
    const body = data.subarray(at + 30 + nameLen, at + 30 + nameLen + size);
    if (name.endsWith("/" + member)) return method === 8 ? inflateRawSync(body) : Buffer.from(body);
    at += 30 + nameLen + size;
  }
  throw new Error(`${member} not in ${zipPath}`);
}
