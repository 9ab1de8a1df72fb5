// esptool's memory commands (read_mem, write_mem, dump_mem, load_ram, read_flash_status) against the
// ESP8266 simulator through the ROM and through the stub, and make_image's file layout, built here
// byte by byte from the format rather than with tspy's image code.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, startSim, type SimHandle } from "./esp8266-helpers.js";
import { dumpMem } from "../../src/flash/esp8266/memory.js";
import type { Connected } from "../../src/flash/esp8266/operations.js";

const dir = mkdtempSync(path.join(tmpdir(), "tspy-esp8266-mem-"));
let sim: SimHandle | undefined;

afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** The lines after the connection preamble (the command's own output). */
function after(out: string, marker: RegExp): string[] {
  const lines = out.split("\n");
  const at = lines.findIndex((l) => marker.test(l));
  return lines.slice(at);
}

/** A v1 image as the format describes it: 8-byte header, (addr, len, bytes) segments, 0-padding, XOR byte at 16n-1. */
function v1Image(entry: number, segments: [number, Buffer][]): Buffer {
  const head = Buffer.from([0xe9, segments.length, 0, 0, 0, 0, 0, 0]);
  head.writeUInt32LE(entry, 4);
  const parts = [head];
  let sum = 0xef;
  for (const [addr, data] of segments) {
    const padded = Buffer.concat([data, Buffer.alloc((4 - (data.length % 4)) % 4)]);
    const h = Buffer.alloc(8);
    h.writeUInt32LE(addr, 0);
    h.writeUInt32LE(padded.length, 4);
    parts.push(h, padded);
    for (const b of padded) sum ^= b;
  }
  let body = Buffer.concat(parts);
  body = Buffer.concat([body, Buffer.alloc(15 - (body.length % 16))]);
  return Buffer.concat([body, Buffer.from([sum])]);
}

const bytes = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + seed * 13) & 0xff));

describe("read_mem / write_mem", () => {
  // With the stub, --after no_reset_stub keeps it (and the RAM) for the next command; no_reset would
  // reboot into the ROM loader, as esptool does.
  for (const [stub, stay] of [[[], "no_reset_stub"], [["--no-stub"], "no_reset"]] as const) {
    it(`reads an eFuse word and read-modify-writes RAM with a mask ${stub.join(" ") || "(stub)"}`, async () => {
      sim = await startSim({ persist: true });
      // eFuse word 0 of the default MAC 5c:cf:7f:0e:5a:21: MAC byte 5 on top, 0x00a5c3 below.
      const r = await runCli("esptool", ["--port", sim.url, ...stub, "--after", stay, "read_mem", "0x3ff00050"]);
      expect(r.error).toBeUndefined();
      expect(after(r.out, /^0x3ff00050/)).toEqual(["0x3ff00050 = 0x2100a5c3", stub.length ? "Staying in bootloader." : "Staying in flasher stub.", ""]);
      const w = await runCli("esptool", ["--port", sim.url, ...stub, "--after", stay, "write_mem", "0x3ffe9000", "0x12345678", "0xffff00ff"]);
      expect(w.error).toBeUndefined();
      expect(w.out).toContain("Wrote 12345678, mask ffff00ff to 3ffe9000\n");
      // Bits outside the mask kept their old value (RAM starts at 0 in the simulator).
      expect([...sim.server.sim.readRam(0x3ffe9000, 4)]).toEqual([0x78, 0x00, 0x34, 0x12]);
      const w2 = await runCli("esptool", ["--port", sim.url, ...stub, "--after", stay, "write_mem", "0x3ffe9000", "0xab00"]);
      expect(w2.out).toContain("Wrote 0000ab00, mask ffffffff to 3ffe9000\n");
      const back = await runCli("esptool", ["--port", sim.url, ...stub, "--after", stay, "read_mem", "0x3ffe9000"]);
      expect(back.out).toContain("0x3ffe9000 = 0x0000ab00\n");
    });
  }

  it("checks its arguments before the port is opened", async () => {
    const none = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "read_mem"]);
    expect(none.code).toBe(2);
    expect(none.error?.message).toMatch(/read_mem: missing arguments; usage: tspy esptool read_mem ADDR/);
    const many = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "write_mem", "1", "2", "3", "4"]);
    expect(many.code).toBe(2);
    expect(many.error?.message).toMatch(/too many arguments/);
    const bad = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "read_mem", "zz"]);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toMatch(/address "zz" must be a number/);
  });

  it("--after no_reset leaves the stub for the ROM loader, as esptool does", async () => {
    sim = await startSim({ persist: true });
    const r = await runCli("esptool", ["--port", sim.url, "--after", "no_reset", "read_mem", "0x3ff00050"]);
    expect(r.out).toContain("Stub running...");
    expect(r.out.trimEnd().split("\n").pop()).toBe("Staying in bootloader.");
    expect(sim.server.sim.state).toBe("rom");
  });
});

describe("dump_mem", () => {
  it("reads word by word into a file, with esptool's progress lines", async () => {
    sim = await startSim({ persist: true });
    const pattern = bytes(16, 1);
    // A pattern at the start of the region, put there word by word (write_mem is tested above).
    for (let i = 0; i < 4; i++) {
      const word = pattern.readUInt32LE(i * 4);
      await runCli("esptool", ["--port", sim.url, "--no-stub", "--after", "no_reset", "write_mem", `0x${(0x3ffe8000 + i * 4).toString(16)}`, `0x${word.toString(16)}`]);
    }
    const out = path.join(dir, "dump.bin");
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "--after", "no_reset", "dump_mem", "0x3ffe8000", "2048", out]);
    expect(r.error).toBeUndefined();
    expect(after(r.out, /bytes read/)).toEqual(["1024 bytes read... (50 %)", "2048 bytes read... (100 %)", "Read 2048 bytes", "Done!", "Staying in bootloader.", ""]);
    const got = readFileSync(out);
    expect(got.length).toBe(2048);
    expect(got.subarray(0, 16).equals(pattern)).toBe(true);
    expect(got.subarray(16).equals(Buffer.alloc(2048 - 16))).toBe(true);
  });

  it("rounds SIZE down to whole words and reads registers as well as RAM", async () => {
    sim = await startSim();
    const out = path.join(dir, "efuse.bin");
    const r = await runCli("esptool", ["--port", sim.url, "dump_mem", "0x3ff00050", "10", out]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Read 8 bytes\nDone!\n");
    expect([...readFileSync(out)]).toEqual([0xc3, 0xa5, 0x00, 0x21, 0x5a, 0x0e, 0x00, 0x02]);
  });

  it("redraws its progress line in place on a terminal, as esptool's print_overwrite", async () => {
    let text = "";
    const io = { out: (l: string) => void (text += `${l}\n`), write: (t: string) => void (text += t), tty: true, progress: { write: () => true } };
    // A loader whose every word reads as its own address.
    const c = { loader: { readReg: async (a: number) => a }, facts: {} } as unknown as Connected;
    const data = await dumpMem(c, 0x1000, 2048, io);
    expect(text).toBe("\r1024 bytes read... (50 %)\r2048 bytes read... (100 %)\rRead 2048 bytes\nDone!\n");
    expect([data.length, data.readUInt32LE(4), data.readUInt32LE(2044)]).toEqual([2048, 0x1004, 0x17fc]);
  });

  it("refuses an output it cannot write before touching the board", async () => {
    const r = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "dump_mem", "0", "4", path.join(dir, "no", "such", "dir", "x.bin")]);
    expect(r.code).not.toBe(0);
    expect(r.out).not.toContain("Connecting");
  });
});

describe("read_flash_status", () => {
  it("reads RDSR, RDSR2 and RDSR3 into one value (2 bytes by default)", async () => {
    sim = await startSim({ sim: { flashStatus: 0x12021c } });
    const two = await runCli("esptool", ["--port", sim.url, "read_flash_status"]);
    expect(two.error).toBeUndefined();
    expect(two.out).toContain("Status value: 0x021c\n");
    const one = await runCli("esptool", ["--port", sim.url, "--no-stub", "read_flash_status", "--bytes", "1"]);
    expect(one.out).toContain("Status value: 0x001c\n");
    const three = await runCli("esptool", ["--port", sim.url, "read_flash_status", "--bytes=3"]);
    expect(three.out).toContain("Status value: 0x12021c\n");
    const bad = await runCli("esptool", ["--port", sim.url, "read_flash_status", "--bytes", "4"]);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toMatch(/--bytes: invalid choice "4" \(choose from 1, 2, 3\)/);
  });
});

describe("write_flash_status", () => {
  it("prints the status before, the value and after; WEVSR writes only the volatile copy, --non-volatile both", async () => {
    sim = await startSim({ sim: { flashStatus: 0x00021c } });
    const r = await runCli("esptool", ["--port", sim.url, "write_flash_status", "0x1234"]);
    expect(r.error).toBeUndefined();
    expect(after(r.out, /^Initial flash status/)).toEqual([
      "Initial flash status: 0x021c",
      "Setting flash status: 0x1234",
      "After flash status:   0x1234",
      "",
    ]);
    expect([sim.server.sim.flashStatus, sim.server.sim.nonVolatileFlashStatus]).toEqual([0x1234, 0x021c]);
    const nv = await runCli("esptool", ["--port", sim.url, "--no-stub", "write_flash_status", "--bytes", "3", "--non-volatile", "0xabcdef"]);
    expect(nv.out).toContain("Initial flash status: 0x001234\nSetting flash status: 0xabcdef\nAfter flash status:   0xabcdef\n");
    expect([sim.server.sim.flashStatus, sim.server.sim.nonVolatileFlashStatus]).toEqual([0xabcdef, 0xabcdef]);
    // a value wider than --bytes keeps only its low bytes, as esptool's mask does
    const one = await runCli("esptool", ["--port", sim.url, "write_flash_status", "--bytes", "1", "0x1ff"]);
    expect(one.out).toContain("Setting flash status: 0xff\nAfter flash status:   0xff\n");
    expect(sim.server.sim.flashStatus).toBe(0xabcdff);
  });

  it("refuses a missing or non-numeric value in one line, before connecting", async () => {
    const none = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "write_flash_status"]);
    expect(none.code).toBe(2);
    expect(none.error?.message).toMatch(/missing arguments/);
    const bad = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "write_flash_status", "lots"]);
    expect(bad.code).toBe(2);
    expect(bad.out).not.toContain("Connecting");
  });
});

describe("load_ram", () => {
  const iram = bytes(7000, 2); // more than one 0x1800 block
  const dram = bytes(301, 3); // not a multiple of 4: the image pads it
  const entry = 0x40100010;
  const imagePath = path.join(dir, "ram.bin");
  writeFileSync(imagePath, v1Image(entry, [[0x40100000, iram], [0x3fffb400, dram]]));

  for (const stub of [["--no-stub"], []]) {
    it(`loads every segment and runs the entry point ${stub.join(" ") || "(through the stub)"}`, async () => {
      sim = await startSim();
      const r = await runCli("esptool", ["--port", sim.url, ...stub, "load_ram", imagePath]);
      expect(r.error).toBeUndefined();
      expect(after(r.out, /^RAM boot/)).toEqual([
        "RAM boot...",
        "Downloading 7000 bytes at 40100000... done!",
        "Downloading 304 bytes at 3fffb400... done!",
        "All segments done, executing at 40100010",
        "Exiting immediately.",
        "",
      ]);
      const chip = sim.server.sim;
      expect(chip.state).toBe("app");
      expect(chip.ramBoot?.entry).toBe(entry);
      const segs = chip.ramBoot!.segments;
      expect(segs.map((s) => [s.addr, s.data.length])).toEqual([
        [0x40100000, 7000],
        [0x3fffb400, 304],
      ]);
      expect(segs[0]!.data.equals(iram)).toBe(true);
      expect(segs[1]!.data.equals(Buffer.concat([dram, Buffer.alloc(3)]))).toBe(true);
    });
  }

  it("refuses a segment over the running stub's RAM, before sending it (exit 2, the stub keeps running)", async () => {
    sim = await startSim();
    const over = path.join(dir, "over.bin");
    writeFileSync(over, v1Image(0x40100000, [[0x40100000, bytes(64, 4)], [0x3ffe8000, bytes(0x200, 5)]]));
    const r = await runCli("esptool", ["--port", sim.url, "load_ram", over]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toMatch(/^A fatal error occurred: Software loader is resident at 0x[0-9a-f]{8}-0x[0-9a-f]{8}\. Can't load binary at overlapping address range 0x3ffe8000-0x3ffe8200\./);
    expect(r.out).toContain("Downloading 64 bytes at 40100000... done!\nDownloading 512 bytes at 3ffe8000... \n");
    expect(sim.server.sim.state).toBe("stub");
  });

  it("reads the file before connecting", async () => {
    const bad = path.join(dir, "not-an-image.bin");
    writeFileSync(bad, Buffer.from("hello"));
    const r = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", "load_ram", bad]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/not an ESP8266 image/);
    expect(r.out).not.toContain("Connecting");
  });
});

describe("make_image", () => {
  it("writes OUT0x00000.bin (the v1 image) and OUT0xNNNNN.bin (irom0, raw)", async () => {
    const seg1 = path.join(dir, "seg1.bin");
    const seg2 = path.join(dir, "seg2.bin");
    const irom = path.join(dir, "irom.bin");
    writeFileSync(seg1, bytes(1001, 6));
    writeFileSync(seg2, bytes(300, 7));
    writeFileSync(irom, bytes(64, 8));
    const prefix = path.join(dir, "made-");
    const r = await runCli("esptool", ["--chip", "esp8266", "make_image", "-f", seg1, "-a", "0x40100000", "--segfile", seg2, "--segaddr", "0x3ffe8000", "-f", irom, "-a", "0x40210000", "-e", "0x40100010", prefix]);
    expect(r.error).toBeUndefined();
    expect(r.out).toBe("Creating esp8266 image...\nSuccessfully created esp8266 image.\n");
    const image = readFileSync(`${prefix}0x00000.bin`);
    expect(image.equals(v1Image(0x40100010, [[0x40100000, bytes(1001, 6)], [0x3ffe8000, bytes(300, 7)]]))).toBe(true);
    expect(readFileSync(`${prefix}0x10000.bin`).equals(bytes(64, 8))).toBe(true);
    // The image it made reads back with image_info.
    const info = await runCli("esptool", ["image_info", `${prefix}0x00000.bin`]);
    expect(info.out).toContain("Entry point: 40100010");
    expect(info.out).toMatch(/Checksum: [0-9a-f]{2} \(valid\)/);
  });

  it("names the chip as given (auto by default) and has entry 0 without -e", async () => {
    const seg = path.join(dir, "one.bin");
    writeFileSync(seg, bytes(8, 9));
    const prefix = path.join(dir, "auto-");
    const r = await runCli("esptool", ["make_image", "-f", seg, "-a", "0x40100000", prefix]);
    expect(r.out).toBe("Creating auto image...\nSuccessfully created auto image.\n");
    expect(readFileSync(`${prefix}0x00000.bin`).equals(v1Image(0, [[0x40100000, bytes(8, 9)]]))).toBe(true);
    expect(existsSync(`${prefix}0x10000.bin`)).toBe(false);
  });

  it("fails as esptool does on missing or unpaired segments (exit 2)", async () => {
    const seg = path.join(dir, "one.bin");
    const none = await runCli("esptool", ["make_image", path.join(dir, "x-")]);
    expect([none.code, none.error?.message]).toEqual([2, "A fatal error occurred: No segments specified"]);
    const odd = await runCli("esptool", ["make_image", "-f", seg, "-f", seg, "-a", "0x40100000", path.join(dir, "x-")]);
    expect([odd.code, odd.error?.message]).toEqual([2, "A fatal error occurred: Number of specified files does not match number of specified addresses"]);
    const noOut = await runCli("esptool", ["make_image", "-f", seg, "-a", "0"]);
    expect(noOut.code).toBe(2);
    expect(noOut.error?.message).toMatch(/missing arguments/);
  });
});

describe("--help per esptool command", () => {
  it("prints the command's own usage and options, exit 0, without a board", async () => {
    for (const [cmd, wants] of [
      ["make_image", ["usage: tspy esptool make_image -f FILE -a ADDR", "--segfile, -f FILE", "--entrypoint, -e ADDR", "Options of esptool:", "--port, -p PORT"]],
      ["read_flash_status", ["usage: tspy esptool read_flash_status [options]", "--bytes N"]],
      ["write_mem", ["usage: tspy esptool write_mem ADDR VALUE [MASK]"]],
      ["write_flash_status", ["usage: tspy esptool write_flash_status [options] VALUE", "--non-volatile", "--bytes N"]],
      ["write-flash", ["usage: tspy esptool write_flash [options] ADDR FILE", "--erase-all, -e", "(also: write-flash)"]],
    ] as const) {
      const r = await runCli("esptool", ["--port", "tcp://127.0.0.1:1", cmd, "--help"]);
      expect(r.code, cmd).toBe(0);
      for (const w of wants) expect(r.out, cmd).toContain(w);
    }
    const top = await runCli("esptool", ["-h"]);
    expect(top.code).toBe(0);
    for (const c of ["read_mem", "write_mem", "dump_mem", "load_ram", "read_flash_status", "write_flash_status", "make_image"]) expect(top.out).toMatch(new RegExp(`^  ${c} `, "m"));
  });
});
