#!/usr/bin/env node
// `node bench/esp8266.mjs [--size KB] [--quick]` (after `npm run build`): write_flash of a
// MicroPython-sized image to the ESP8266 simulator over a link paced to 115200 and 460800 baud,
// through the ROM loader alone and through the flasher stub (compressed), as % of the line rate.
// Line rate = baud / 10 bytes per second (8N1). The write phase is timed from FLASH_BEGIN to the last
// block's answer (esptool's "Wrote … in N seconds"); the whole command (connect, stub upload,
// verification) is shown beside it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";

const root = new URL("..", import.meta.url).pathname;
const { Esp8266Server } = await import(path.join(root, "dist/fixtures/esp8266/server.js"));
const { sampleFirmware } = await import(path.join(root, "dist/fixtures/esp8266/sample-image.js"));
const { runEsptool } = await import(path.join(root, "dist/src/flash/esp8266/index.js"));
const { openStream } = await import(path.join(root, "dist/src/transport/connect.js"));

const args = process.argv.slice(2);
const sizeKb = Number(args[args.indexOf("--size") + 1] ?? 0) || (args.includes("--quick") ? 120 : 600);
const image = sampleFirmware(sizeKb * 1024).file;
const dir = mkdtempSync(path.join(tmpdir(), "tspy-bench-esp8266-"));
const file = path.join(dir, "firmware.bin");
writeFileSync(file, image);

class Sink extends Writable {
  text = "";
  _write(c, _e, done) {
    this.text += c.toString();
    done();
  }
}

async function run({ label, linkBaud, hostBaud, noStub }) {
  const server = new Esp8266Server({ host: "127.0.0.1", port: 0, baud: linkBaud, pace: true, persist: false, sim: {} });
  const where = await server.listen();
  const out = new Sink();
  const t0 = performance.now();
  try {
    await runEsptool(
      ["--port", `tcp://${where.host}:${where.port}`, "--baud", String(hostBaud), ...(noStub ? ["--no-stub"] : []), "write_flash", "--flash_size", "keep", "0", file],
      { out, err: new Sink(), open: (spec, baud) => openStream(spec, { baud }) },
    );
  } finally {
    await server.close();
  }
  const total = (performance.now() - t0) / 1000;
  const m = /Wrote \d+ bytes(?: \((\d+) compressed\))? at 0x0+ in ([\d.]+) seconds/.exec(out.text);
  if (!m) throw new Error(`no summary line in:\n${out.text}`);
  const writeSecs = Number(m[2]);
  const lineBytesPerSec = server.sim.baud / 10;
  return {
    label,
    baud: server.sim.baud,
    sent: m[1] ? Number(m[1]) : image.length,
    writeSecs,
    total,
    pct: (image.length / writeSecs / lineBytesPerSec) * 100,
  };
}

const cases = [
  { label: "ROM loader (--no-stub)", linkBaud: 115200, hostBaud: 115200, noStub: true },
  { label: "ROM loader (--no-stub)", linkBaud: 460800, hostBaud: 460800, noStub: true },
  { label: "stub, compressed", linkBaud: 115200, hostBaud: 115200, noStub: false },
  { label: "stub, compressed", linkBaud: 115200, hostBaud: 460800, noStub: false },
];

console.log(`write_flash of ${image.length} bytes (MicroPython-shaped image) to the simulated ESP8266, paced link`);
console.log("");
console.log("| path                    |   baud | bytes on the wire | write phase | % of line rate | whole command |");
console.log("|-------------------------|-------:|------------------:|------------:|---------------:|--------------:|");
for (const c of cases) {
  const r = await run(c);
  console.log(
    `| ${r.label.padEnd(23)} | ${String(r.baud).padStart(6)} | ${String(r.sent).padStart(17)} | ${r.writeSecs.toFixed(1).padStart(9)} s | ${r.pct
      .toFixed(1)
      .padStart(13)}% | ${r.total.toFixed(1).padStart(11)} s |`,
  );
}
console.log("");
console.log("% of line rate = image bytes ÷ write time ÷ (baud/10). Above 100 % means compression carried more than the line could.");
