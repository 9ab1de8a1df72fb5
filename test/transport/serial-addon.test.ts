// The record of where the serial addon is (written by the build, read by every serial start): used only
// when it was made for this Node and names a file that loads; otherwise the package's own search runs.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadSerialAddon, recordedAddon, recordSerialAddon } from "../../src/transport/serial-addon.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const isAddon = (a: unknown) => typeof (a as { open?: unknown })?.open === "function" && typeof (a as { Poller?: unknown })?.Poller === "function";

describe.skipIf(process.platform === "win32")("serial addon record", () => {
  it("names, for this Node, an addon that loads", async () => {
    const record = path.join(await tempDir("addon"), "serial-addon.json");
    expect(recordSerialAddon(record)).toBe(true);
    const written = JSON.parse(fs.readFileSync(record, "utf8")) as { key: string; file: string };
    expect(written.key).toBe(`${process.platform}-${process.arch}-${process.versions.modules}`);
    expect(written.file).toMatch(/\.node$/);
    expect(isAddon(recordedAddon(record))).toBe(true);
  });

  it("is ignored when made for another Node, or naming a file that is not there", async () => {
    const dir = await tempDir("addon");
    const record = path.join(dir, "serial-addon.json");
    recordSerialAddon(record);
    const good = JSON.parse(fs.readFileSync(record, "utf8")) as { key: string; file: string };
    for (const bad of [{ ...good, key: "other-os-1" }, { ...good, file: "no/such/addon.node" }, "not json"]) {
      fs.writeFileSync(record, typeof bad === "string" ? bad : JSON.stringify(bad));
      expect(recordedAddon(record)).toBeUndefined();
      expect(isAddon(loadSerialAddon(record))).toBe(true); // found the package's way instead
    }
    expect(isAddon(loadSerialAddon(path.join(dir, "missing.json")))).toBe(true);
  });
});
