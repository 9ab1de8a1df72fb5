// Espressif's own esptool, where one is on this machine, against the same simulator as tspy: the memory
// commands must print the same lines and leave the same bytes, and make_image must write the same
// files. This also checks the simulator, since esptool's requests and stub are not tspy's.
// Which esptool: $TSPY_REF_ESPTOOL (a command line, e.g. "python3 /path/esptool.py"), else esptool.py
// or esptool on PATH; without one the file skips with a note. Checked with esptool 3.3.3 and 4.8.1 run
// from their sources.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startSim, type SimHandle } from "./esp8266-helpers.js";

function findEsptool(): string[] | null {
  const given = process.env.TSPY_REF_ESPTOOL;
  const candidates = given ? [given.split(" ")] : [["esptool.py"], ["esptool"]];
  for (const argv of candidates) {
    const r = spawnSync(argv[0]!, [...argv.slice(1), "version"], { encoding: "utf8" });
    if (r.status === 0 && /\d+\.\d+/.test(r.stdout)) return argv;
  }
  console.log("note: no esptool (set TSPY_REF_ESPTOOL or put esptool.py on PATH); skipping the comparison with Espressif's esptool");
  return null;
}

const esptool = findEsptool();
const dir = mkdtempSync(path.join(tmpdir(), "tspy-vs-esptool-"));
let sim: SimHandle | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** esptool in a child process, asynchronously: the simulator answers from this process's event loop. */
function runEsptool(args: string[]): Promise<{ status: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(esptool![0]!, [...esptool!.slice(1), ...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("close", (status) => resolve({ status, out }));
  });
}

/** The command's own lines: from the first line matching `from`, without the trailing reset line. */
function ownLines(out: string, from: RegExp): string[] {
  const lines = out.split("\n");
  return lines.slice(lines.findIndex((l) => from.test(l))).filter((l) => l && !/^(Staying in|Hard resetting|Note: this link)/.test(l));
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 11 + seed) & 0xff));

describe.runIf(esptool !== null)("tspy and Espressif's esptool on the same simulated ESP8266", () => {
  const cases: [string, string[], RegExp][] = [
    ["read_mem", ["read_mem", "0x3ff00054"], /^0x3ff00054 =/],
    ["write_mem", ["write_mem", "0x3ffe9000", "0x00c0ffee", "0x00ffff00"], /^Wrote/],
    ["read_flash_status", ["read_flash_status", "--bytes", "3"], /^Status value/],
    ["write_flash_status", ["write_flash_status", "--bytes", "3", "0x1a2b3c"], /^Initial flash status/],
    ["write_flash_status 2", ["write_flash_status", "--non-volatile", "0x12345"], /^Initial flash status/],
    ["dump_mem", ["dump_mem", "0x3ff00050", "1030", "@OUT"], /bytes read|^Read /],
  ];
  for (const [name, args, from] of cases) {
    for (const stub of [["--no-stub"], []]) {
      it(`${name} ${stub.join(" ") || "(stub)"}: same lines, same effect`, async () => {
        const results: { lines: string[]; file?: Buffer; ram: Buffer; status: number[] }[] = [];
        for (const tool of ["esptool", "tspy"] as const) {
          sim = await startSim({ sim: { flashStatus: 0x3c0280 } });
          const out = path.join(dir, `${name}-${tool}.bin`);
          const argv = ["--port", sim.url.replace("tcp://", "socket://"), ...stub, "--after", stub.length ? "no_reset" : "no_reset_stub", ...args.map((a) => (a === "@OUT" ? out : a))];
          const r = tool === "esptool" ? await runEsptool(argv) : await runCli("esptool", argv).then((x) => ({ status: x.code, out: x.out }));
          expect(r.status, `${tool} ${argv.join(" ")}\n${r.out}`).toBe(0);
          results.push({
            lines: ownLines(r.out, from),
            file: args.includes("@OUT") ? readFileSync(out) : undefined,
            ram: sim.server.sim.readRam(0x3ffe9000, 4),
            status: [sim.server.sim.flashStatus, sim.server.sim.nonVolatileFlashStatus],
          });
          await sim.close();
          sim = undefined;
        }
        expect(results[1]!.lines).toEqual(results[0]!.lines);
        expect(results[1]!.ram.equals(results[0]!.ram)).toBe(true);
        expect(results[1]!.status).toEqual(results[0]!.status);
        if (results[0]!.file) expect(results[1]!.file!.equals(results[0]!.file)).toBe(true);
      }, 120_000);
    }
  }

  it("load_ram through the ROM: same lines, same RAM, same entry point", async () => {
    const img = path.join(dir, "ram-");
    writeFileSync(path.join(dir, "iram.bin"), bytes(6500, 1));
    writeFileSync(path.join(dir, "dram.bin"), bytes(123, 2));
    const made = await runEsptool(["make_image", "-f", path.join(dir, "iram.bin"), "-a", "0x40100000", "-f", path.join(dir, "dram.bin"), "-a", "0x3fffb800", "-e", "0x40100004", img]);
    expect(made.status).toBe(0);
    const seen: { lines: string[]; entry?: number; segs?: string }[] = [];
    for (const tool of ["esptool", "tspy"] as const) {
      sim = await startSim();
      const argv = ["--port", sim.url.replace("tcp://", "socket://"), "--no-stub", "load_ram", `${img}0x00000.bin`];
      const r = tool === "esptool" ? await runEsptool(argv) : await runCli("esptool", argv).then((x) => ({ status: x.code, out: x.out }));
      expect(r.status, r.out).toBe(0);
      const boot = sim.server.sim.ramBoot;
      seen.push({ lines: ownLines(r.out, /^RAM boot/), entry: boot?.entry, segs: boot?.segments.map((s) => `${s.addr.toString(16)}:${s.data.toString("hex")}`).join(",") });
      await sim.close();
      sim = undefined;
    }
    expect(seen[1]).toEqual(seen[0]);
  }, 120_000);

  it("make_image: the same files", async () => {
    const segs = [
      ["a.bin", bytes(1001, 3), "0x40100000"],
      ["b.bin", bytes(30, 4), "0x3ffe8000"],
      ["c.bin", bytes(100, 5), "0x40220000"],
    ] as const;
    for (const [f, data] of segs) writeFileSync(path.join(dir, f), data);
    const args = (prefix: string) => [...segs.flatMap(([f, , a]) => ["-f", path.join(dir, f), "-a", a]), "-e", "0x40100040", path.join(dir, prefix)];
    const ref = await runEsptool(["--chip", "esp8266", "make_image", ...args("ref-")]);
    expect(ref.status).toBe(0);
    const r = await runCli("esptool", ["--chip", "esp8266", "make_image", ...args("tspy-")]);
    expect(r.error).toBeUndefined();
    // esptool 4 and later say what they make (3.x says nothing after its version line).
    if (ref.out.includes("Creating")) expect(r.out.split("\n")).toEqual(ref.out.split("\n").slice(1));
    for (const suffix of ["0x00000.bin", "0x20000.bin"]) {
      expect(readFileSync(path.join(dir, `tspy-${suffix}`)).equals(readFileSync(path.join(dir, `ref-${suffix}`))), suffix).toBe(true);
    }
  });
});
