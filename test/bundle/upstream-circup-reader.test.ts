// What upstream circup (adafruit/circup 3.0.1: circup/bundle.py, shared.py, command_utils.py) relies on
// when it installs from a bundle, checked on zips `tspy bundle build` writes. The rules below restate
// circup's behaviour as facts; they are this test's own code, not circup's:
// - a bundle repository OWNER/REPO is fetched as REPO lowercased with _ as -, "-{platform}-{tag}.zip",
//   platform py, 8.x-mpy, 9.x-mpy or 10.x-mpy; each zip holds one top directory of the same name;
// - modules are the *.py/*.mpy files and the directories in TOP/lib; a package's version is the first
//   __version__ found in its files in sorted path order;
// - dependencies come from TOP/requirements/<module>/requirements.txt of the **py** zip only;
// - a .mpy's version: 'C' 6 files: the first "N.N.N\0" in the bytes; 'C' 5: the bytes before
//   "__version__", bounded by a length byte worth twice their count; 'M' 3: the same with the plain count;
// - a .py's: a `__version__ = "..."` line; the tag must read as a version (minor and patch optional).
// Run by hand against circup 3.0.1 itself too (README, "circup"): install, freeze, list, --py all work.
import { promises as fs } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tspy } from "../helpers/cli.js";
import { readZip } from "../../src/bundle/zip-reader.js";
import { removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

const PLATFORMS: Record<string, string> = { py: "py", 8: "8.x-mpy", 9: "9.x-mpy", 10: "10.x-mpy" };

/** Where circup expects the zip of a bundle repository (its bundle id rule). */
const zipNameFor = (repo: string, platform: string, tag: string) => `${repo.split("/")[1]!.toLowerCase().replace(/_/g, "-")}-${platform}-${tag}.zip`;

/** The version circup reads from a .mpy, by the rule for each header it knows; null: no version. */
function mpyVersion(bytes: Uint8Array): string | null {
  const b = Buffer.from(bytes);
  const head = b.subarray(0, 2).toString("latin1");
  if (head === "C\x06") {
    const m = /(\d+\.\d+\.\d+)\x00/.exec(b.toString("latin1"));
    return m ? m[1]! : null;
  }
  const lengthBytes = head === "C\x05" ? 2 : head === "M\x03" ? 1 : 0;
  if (!lengthBytes) throw new Error(`circup calls this .mpy a bad file format (header ${JSON.stringify(head)})`);
  const at = b.indexOf("__version__") - lengthBytes;
  for (let back = 1; at >= 0 && back < at; back++) {
    const count = head === "C\x05" ? b[at - back]! >> 1 : b[at - back]!;
    if (count === back - 1) return b.subarray(at - back + 1, at).toString("utf8");
  }
  return null;
}

/** The version circup reads from a .py (a one-line dunder assignment). */
const pyVersion = (text: string) => /__version__\s*=\s*['"](.+)['"]/.exec(text)?.[1] ?? null;

/** A tag as circup's semver reading takes it: v?MAJOR[.MINOR[.PATCH]][-pre][+build]. */
const tagReadsAsVersion = (tag: string) => /^v?\d+(\.\d+){0,2}(-[\w.-]+)?(\+[\w.-]+)?$/.test(tag);

async function librarySources(): Promise<string[]> {
  const root = await tempDir("circup-facts");
  const thing = path.join(root, "Adafruit_CircuitPython_Thing");
  await fs.mkdir(thing, { recursive: true });
  await fs.writeFile(path.join(thing, "adafruit_thing.py"), `import adafruit_helper\n__version__ = "1.2.3"\n__repo__ = "https://github.com/adafruit/Adafruit_CircuitPython_Thing.git"\ndef thing():\n    return adafruit_helper.help() + 1\n`);
  await fs.writeFile(path.join(thing, "requirements.txt"), "Adafruit-Blinka\nadafruit-circuitpython-helper\n");
  const helper = path.join(root, "Adafruit_CircuitPython_Helper");
  await fs.mkdir(path.join(helper, "adafruit_helper"), { recursive: true });
  await fs.writeFile(path.join(helper, "adafruit_helper", "__init__.py"), `__version__ = "0.4.0"\ndef help():\n    return 41\n`);
  await fs.writeFile(path.join(helper, "adafruit_helper", "extra.py"), `__version__ = "0.4.0"\nX = 1\n`);
  await fs.writeFile(path.join(helper, "requirements.txt"), "Adafruit-Blinka\n");
  return [thing, helper];
}

describe("bundles as upstream circup reads them", () => {
  it("has the names, layout, requirements and versions circup looks for, for CircuitPython 8, 9 and 10", async () => {
    const out = await tempDir("circup-facts-out");
    const tag = "20261202";
    // the repository's own name, as Adafruit's are spelled; circup lowercases it and turns _ into -
    const repo = "example/Example_CircuitPython_Bundle";
    const r = await tspy(["bundle", "build", ...(await librarySources()), "--circuitpython", "8,9,10", "--out", out, "--tag", tag, "--name", repo.split("/")[1]!]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(tagReadsAsVersion(tag)).toBe(true);
    const files = new Set(await fs.readdir(out));
    for (const [major, platform] of Object.entries(PLATFORMS)) {
      const zipName = zipNameFor(repo, platform, tag);
      expect(files.has(zipName), zipName).toBe(true);
      const top = zipName.slice(0, -4);
      const zip = readZip(new Uint8Array(await fs.readFile(path.join(out, zipName))), zipName);
      const names = zip.entries.map((e) => e.name);
      expect(names.every((n) => n.startsWith(`${top}/`)), "one top directory named as the zip").toBe(true);
      const lib = (rel: string) => zip.entries.find((e) => e.name === `${top}/lib/${rel}`);
      const ext = platform === "py" ? "py" : "mpy";
      const single = lib(`adafruit_thing.${ext}`);
      const pkgFiles = names.filter((n) => n.startsWith(`${top}/lib/adafruit_helper/`) && !n.endsWith("/")).sort();
      expect(single, `${platform}: adafruit_thing.${ext}`).toBeDefined();
      expect(pkgFiles.map((n) => n.slice(`${top}/lib/`.length))).toEqual([`adafruit_helper/__init__.${ext}`, `adafruit_helper/extra.${ext}`]);
      const versionOf = (data: Uint8Array) => (ext === "py" ? pyVersion(Buffer.from(data).toString("utf8")) : mpyVersion(data));
      expect(versionOf(zip.read(single!)), `${platform}: adafruit_thing's version`).toBe("1.2.3");
      expect(versionOf(zip.read(zip.entries.find((e) => e.name === pkgFiles[0])!)), `${platform}: adafruit_helper's version`).toBe("0.4.0");
      if (ext === "mpy") {
        // the header circup tells the CircuitPython range by: 'C' 5 for 7-8, 'C' 6 for 9 and later
        expect([...zip.read(single!).subarray(0, 2)]).toEqual(Number(major) >= 9 ? [0x43, 6] : [0x43, 5]);
      }
      if (platform === "py") {
        // circup resolves dependencies from the py bundle only
        const req = zip.entries.find((e) => e.name === `${top}/requirements/adafruit_thing/requirements.txt`);
        expect(Buffer.from(zip.read(req!)).toString("utf8")).toContain("adafruit-circuitpython-helper");
        expect(names).toContain(`${top}/requirements/adafruit_helper/requirements.txt`);
      }
    }
  });

  it("refuses a tag circup could not order, in one line", async () => {
    const r = await tspy(["bundle", "build", ...(await librarySources()), "--circuitpython", "9", "--out", await tempDir("circup-facts-bad"), "--tag", "latest_build"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("--tag");
  });

  it("reads versions from .mpy 3 (CircuitPython 3-6) by the count byte before them", () => {
    // "1.0" as stored in an .mpy 3 qstr: length byte 3, then "__version__" with its own length byte
    const bytes = Buffer.concat([Buffer.from("M\x03\x00\x1f\x00"), Buffer.from([3]), Buffer.from("1.0"), Buffer.from([11]), Buffer.from("__version__")]);
    expect(mpyVersion(bytes)).toBe("1.0");
  });
});
