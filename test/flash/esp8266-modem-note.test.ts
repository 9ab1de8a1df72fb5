// The "no modem lines" note on a link that cannot reset the board (TCP): said once per run, and only
// after a command that changed the flash. Its own file: the note's once-only state is per process.
import { afterEach, expect, it } from "vitest";
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sampleFirmware } from "../../fixtures/esp8266/sample-image.js";
import { runCli, startSim, type SimHandle } from "./esp8266-helpers.js";

let sim: SimHandle | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

const NOTE = /no modem lines/;

it("read commands stay quiet; the first write says it; later ones do not repeat it", async () => {
  sim = await startSim();
  const fw = path.join(mkdtempSync(path.join(tmpdir(), "tspy-modem-")), "fw.bin");
  writeFileSync(fw, sampleFirmware().file);
  for (const cmd of [["read_mac"], ["chip_id"], ["flash_id"]]) {
    const r = await runCli("esptool", ["--port", sim.url, ...cmd]);
    expect(r.error, cmd[0]).toBeUndefined();
    expect(r.out, cmd[0]).not.toMatch(NOTE);
  }
  const first = await runCli("esptool", ["--port", sim.url, "write_flash", "0", fw]);
  expect(first.error).toBeUndefined();
  expect(first.out.match(new RegExp(NOTE, "g"))).toHaveLength(1);
  const again = await runCli("esptool", ["--port", sim.url, "erase_region", "0x100000", "0x1000"]);
  expect(again.error).toBeUndefined();
  expect(again.out).not.toMatch(NOTE);
}, 60_000);
