// Every parser of input tspy did not make: archives (tar.gz, zip), firmware images (UF2, ESP8266), .mpy
// files, and what a SAM-BA monitor or an ESP ROM answers. Each is fed valid samples damaged at random
// (bytes flipped, cut short, spliced) and pure noise, with a fixed seed. Whatever it is fed, a parser
// returns or throws a TspyError of one line: never a TypeError, RangeError or a message with a stack.
import { describe, expect, it } from "vitest";
import { TspyError } from "../../src/errors.js";
import { readZip } from "../../src/bundle/zip-reader.js";
import { parseImage, buildV1 } from "../../src/flash/esp8266/image.js";
import { Esp8266Loader } from "../../src/flash/esp8266/loader.js";
import { parseResponse } from "../../src/flash/esp8266/protocol.js";
import { SlipDecoder, slipEncode } from "../../src/flash/esp8266/slip.js";
import { SambaClient } from "../../src/flash/samba/client.js";
import { detectSamd21 } from "../../src/flash/samba/samd21.js";
import { buildUf2, parseUf2, uf2ToBinary } from "../../src/flash/uf2/format.js";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { readMpy } from "../../src/mpy-cross/mpy-reader.js";
import { planUpipArchive } from "../../src/upip/upip-members.js";
import { readTarGzBytes } from "../../src/upip/tar-gz.js";
import { writeZip } from "../../fixtures/bundle/zip-writer.js";
import { ScriptedDevice } from "../helpers/scripted-device.js";
import { seeded } from "../helpers/seeded.js";
import { tarGz } from "../helpers/tar-gz.js";

const SEED = 0xf022;
const CASES = 300;

const int = (rand: () => number, n: number) => Math.floor(rand() * n);

function noise(rand: () => number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = int(rand, 256);
  return b;
}

/** A damaged copy of `sample`: some bytes flipped, maybe cut short, maybe a run of noise spliced in. */
function mutate(rand: () => number, sample: Uint8Array): Buffer {
  let b = Buffer.from(sample);
  const kind = int(rand, 4);
  if (kind === 0 || kind === 3) for (let i = 0, n = 1 + int(rand, 8); i < n && b.length; i++) b[int(rand, b.length)] = int(rand, 256);
  if (kind === 1 || kind === 3) b = b.subarray(0, int(rand, b.length + 1));
  if (kind === 2) {
    const at = int(rand, b.length + 1);
    b = Buffer.concat([b.subarray(0, at), noise(rand, 1 + int(rand, 64)), b.subarray(at)]);
  }
  return b;
}

interface Tally {
  accepted: number;
  refused: number;
  wrong: string[];
}

/** Run `parse` and file the outcome: fine, a one-line TspyError, or wrong (anything else). */
async function attempt(t: Tally, label: string, parse: () => unknown): Promise<void> {
  try {
    await parse();
    t.accepted++;
  } catch (e) {
    if (e instanceof TspyError && !e.message.includes("\n") && e.message.length > 0) t.refused++;
    else if (t.wrong.length < 5) t.wrong.push(`${label}: ${(e as Error)?.constructor?.name}: ${String((e as Error)?.message ?? e).split("\n")[0]}`);
    else t.wrong.push("…");
  }
}

async function fuzz(name: string, samples: Uint8Array[], parse: (b: Buffer) => unknown): Promise<Tally> {
  const rand = seeded(SEED ^ name.length);
  const t: Tally = { accepted: 0, refused: 0, wrong: [] };
  for (let i = 0; i < CASES; i++) {
    const input = i % 5 === 4 ? noise(rand, int(rand, 1024)) : mutate(rand, samples[i % samples.length]!);
    await attempt(t, `${name} case ${i}`, () => parse(input));
  }
  return t;
}

const report: string[] = [];
function check(name: string, t: Tally): void {
  report.push(`${name}: ${t.accepted} accepted, ${t.refused} refused in one line, ${t.wrong.length} wrong`);
  expect(t.wrong, name).toEqual([]);
}

describe(`fuzzing the parsers of untrusted input (seed 0x${SEED.toString(16)}, ${CASES} cases each)`, () => {
  it("tar.gz (upip and mip archives)", async () => {
    const py = new TextEncoder().encode("def f():\n    return 1\n");
    const samples = [
      tarGz([{ name: "pkg-1.0/pkg.py", data: py }, { name: "pkg-1.0/pkg.egg-info/requires.txt", data: new TextEncoder().encode("other\n") }]),
      tarGz([{ name: "pkg-1.0/a/b.py", data: new Uint8Array(3000).fill(65) }]),
    ];
    check("tar.gz", await fuzz("tar.gz", samples, async (b) => planUpipArchive(await readTarGzBytes(b, "fuzz.tar.gz"), "fuzz.tar.gz")));
  });

  it("zip (CircuitPython library bundles)", async () => {
    const samples = [
      writeZip([{ name: "bundle/lib/x.py", data: "x = 1\n".repeat(50) }, { name: "bundle/lib/" }, { name: "bundle/lib/y.mpy", data: "M\x06", stored: true }]),
    ];
    check("zip", await fuzz("zip", samples, (b) => {
      const z = readZip(b, "fuzz.zip");
      for (const e of z.entries) if (!e.isDir) z.read(e);
    }));
  });

  it("UF2 images", async () => {
    const samples = [buildUf2(new Uint8Array(1000).fill(7), { base: 0x2000 }), buildUf2(new Uint8Array(300), { base: 0x10000000, familyId: 0xe48bff56 })];
    check("uf2", await fuzz("uf2", samples, (b) => uf2ToBinary(parseUf2(b, "fuzz.uf2"))));
  });

  it("ESP8266 firmware images (image_info)", async () => {
    const image = buildV1([{ addr: 0x40100000, data: Buffer.alloc(64, 1) }, { addr: 0x3ffe8000, data: Buffer.alloc(32, 2) }], { flashMode: 0, flashSizeFreq: 0, entry: 0x40100004 }).get(0)!;
    check("esp image", await fuzz("esp image", [image], (b) => parseImage(b, "fuzz.bin")));
  });

  it(".mpy files", async () => {
    const src = "import os\nclass A:\n    def f(self, x=1.5, *a, **k):\n        return [i * 2 for i in range(x)], b'\\x00', (1, 2)\nprint(A().f)\n";
    const samples = [compileToMpy(src, { filename: "a.py" }), compileToMpy(src, { filename: "a.py", mpyVersion: "5" })];
    check(".mpy", await fuzz(".mpy", samples, (b) => readMpy(b)));
  });

  it("ESP ROM answers (SLIP frames and responses)", async () => {
    const rand = seeded(SEED + 1);
    const t: Tally = { accepted: 0, refused: 0, wrong: [] };
    for (let i = 0; i < CASES; i++) {
      // The decoder and response parser on raw noise.
      const dec = new SlipDecoder();
      await attempt(t, `slip ${i}`, () => dec.push(noise(rand, int(rand, 200))).map((f) => parseResponse(f)));
      // A loader talking to a device that answers each command with a frame of random content.
      const dev = new ScriptedDevice();
      dev.onWrite = (w) => {
        const req = new SlipDecoder().push(w)[0];
        if (!req) return;
        const body = noise(rand, int(rand, 16));
        const frame = Buffer.concat([Buffer.from([0x01, req[1]!]), noise(rand, 6), body]);
        dev.send(slipEncode(frame));
      };
      const loader = new Esp8266Loader(dev, 115200);
      await attempt(t, `loader ${i}`, () => loader.readReg(0x3ff00050));
    }
    check("esp answers", t);
  });

  it("SAM-BA monitor answers", async () => {
    const rand = seeded(SEED + 2);
    const t: Tally = { accepted: 0, refused: 0, wrong: [] };
    for (let i = 0; i < CASES / 3; i++) {
      const dev = new ScriptedDevice();
      const good = rand() < 0.3; // sometimes the right greeting, so the later answers get read too
      dev.onWrite = (w) => {
        const cmd = w.toString("latin1");
        if (cmd === "N#") dev.send(good ? "\n\r" : noise(rand, 2));
        else if (cmd === "V#") dev.send(Buffer.concat([noise(rand, int(rand, 40)), Buffer.from("\n\r")]));
        else if (cmd.startsWith("w")) dev.send(noise(rand, 4));
      };
      const client = new SambaClient(dev);
      await attempt(t, `samba ${i}`, async () => {
        await client.connect();
        await detectSamd21(client);
      });
    }
    check("sam-ba answers", t);
    console.log(`fuzz (seed 0x${SEED.toString(16)}):\n  ${report.join("\n  ")}`);
  });
});
