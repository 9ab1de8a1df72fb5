#!/usr/bin/env node
// `node bench/esp8266.mjs [--size KB] [--quick]` (after `npm run build`): write_flash of a
// MicroPython-sized image to the ESP8266 simulator over a link paced to 115200 and 460800 baud,
// through the ROM loader alone and through the flasher stub (compressed), as % of the line rate.
// Line rate = baud / 10 bytes per second (8N1). The write phase is timed from FLASH_BEGIN to the last
// block's answer (esptool's "Wrote … in N seconds"); the whole command (connect, stub upload,
// verification) is shown beside it. The simulator runs in its own process with `--pace`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { spawn } from "node:child_process";

const root = new URL("..", import.meta.url).pathname;
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

/** The simulator in its own process, as a board is its own device: `npm run fixture -- esp8266`. */
async function startSimulator(baud) {
  const child = spawn(process.execPath, [path.join(root, "fixtures/run.mjs"), "esp8266", "--tcp", "127.0.0.1:0", "--baud", String(baud), "--pace"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve, reject) => {
    let text = "";
    child.stdout.on("data", (d) => {
      text += d.toString();
      const nl = text.indexOf("\n");
      if (nl >= 0) resolve(text.slice(0, nl).trim());
    });
    child.once("exit", (code) => reject(new Error(`simulator exited (${code})`)));
  });
  return { url, stop: () => child.kill() };
}

async function run({ label, linkBaud, hostBaud, noStub }) {
  const sim = await startSimulator(linkBaud);
  const out = new Sink();
  const t0 = performance.now();
  try {
    await runEsptool(
      ["--port", sim.url, "--baud", String(hostBaud), ...(noStub ? ["--no-stub"] : []), "write_flash", "--flash_size", "keep", "0", file],
      { out, err: new Sink(), open: (spec, baud) => openStream(spec, { baud }) },
    );
  } finally {
    sim.stop();
  }
  const total = (performance.now() - t0) / 1000;
  const m = /Wrote \d+ bytes(?: \((\d+) compressed\))? at 0x0+ in ([\d.]+) seconds/.exec(out.text);
  if (!m) throw new Error(`no summary line in:\n${out.text}`);
  const writeSecs = Number(m[2]);
  // The line runs at the link rate for the ROM, and at the rate the stub switched to otherwise.
  const baud = noStub ? linkBaud : hostBaud;
  return {
    label,
    baud,
    sent: m[1] ? Number(m[1]) : image.length,
    writeSecs,
    total,
    pct: (image.length / writeSecs / (baud / 10)) * 100,
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
console.log("Ceiling for the ROM path: 1024 data bytes per ~1070 byte-times (16+8 header bytes, SLIP framing and escapes,");
console.log("12-byte answer before the next block) ≈ 95.7 %; the rest is host/simulator turnaround per block.");
console.log(`Host load average while measuring: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")}`);
