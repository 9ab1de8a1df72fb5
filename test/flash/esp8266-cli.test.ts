// `tspy esptool …` and `tspy flash …` end to end: the real command objects, the real TCP transport,
// and the ESP8266 loader simulator (ROM and stub behaviour) on a local port.
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { sampleFirmware } from "../../fixtures/esp8266/sample-image.js";
import { runCli, startSim, type SimHandle } from "./esp8266-helpers.js";

const dir = mkdtempSync(path.join(tmpdir(), "tspy-esp8266-"));
const fw = sampleFirmware(200 * 1024);
const fwPath = path.join(dir, "firmware.bin");
let sim: SimHandle;

beforeAll(() => {
  writeFileSync(fwPath, fw.file);
});

afterEach(async () => {
  await sim?.close();
});

const md5 = (b: Buffer) => createHash("md5").update(b).digest("hex");

/** The firmware as esptool would leave it in flash: header byte 2 = mode, byte 3 = size|freq. */
function expectedInFlash(mode: number, sizeFreq: number): Buffer {
  const b = Buffer.from(fw.file);
  b[2] = mode;
  b[3] = sizeFreq;
  return b;
}

describe("tspy esptool against the simulator", () => {
  it("reads the MAC and chip id from the eFuses", async () => {
    sim = await startSim({ sim: { mac: [0x18, 0xfe, 0x34, 0xa1, 0xb2, 0xc3] } });
    const r = await runCli("esptool", ["--port", sim.url, "read_mac"]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("MAC: 18:fe:34:a1:b2:c3");
    expect(r.out).toContain("Chip is ESP8266EX");
    const c = await runCli("esptool", ["--port", sim.url, "--no-stub", "chip_id"]);
    // chip id = low 24 bits of the MAC, as the SDK's system_get_chip_id() gives it
    expect(c.out).toContain("Chip ID: 0x00a1b2c3");
  });

  it("reports the SPI flash JEDEC id and size (ROM and stub)", async () => {
    sim = await startSim({ sim: { flashSize: 2 << 20 } });
    for (const extra of [[], ["--no-stub"]]) {
      const r = await runCli("esptool", ["--port", sim.url, ...extra, "flash_id"]);
      expect(r.error).toBeUndefined();
      expect(r.out).toContain("Manufacturer: ef");
      expect(r.out).toContain("Device: 4015");
      expect(r.out).toContain("Detected flash size: 2MB");
    }
  });

  it("writes with the stub (compressed), patches the header, verifies, and reads back", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url, "--baud", "460800", "write_flash", "--flash_size=detect", "-fm", "dio", "0", fwPath]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Auto-detected Flash size: 4MB");
    expect(r.out).toMatch(/Compressed \d+ bytes to \d+/);
    expect(r.out).toContain("Hash of data verified.");
    // The progress names the address reached, as esptool's does: it moves from the start to the end.
    const at = [...r.err.matchAll(/Writing at 0x([0-9a-f]{8})/g)].map((m) => parseInt(m[1]!, 16));
    expect(at.length).toBeGreaterThanOrEqual(3);
    expect(at.every((a, i) => i === 0 || a > at[i - 1]!)).toBe(true);
    expect(at.at(-1)).toBe(fw.file.length);
    const want = expectedInFlash(2, 0x40); // dio; 4MB, frequency kept (40m)
    expect(md5(sim.server.sim.flash.subarray(0, want.length))).toBe(md5(want));
    const out = path.join(dir, "readback.bin");
    const rb = await runCli("esptool", ["--port", sim.url, "read_flash", "0", String(want.length), out]);
    expect(rb.error).toBeUndefined();
    expect(readFileSync(out).equals(want)).toBe(true);
    const v = await runCli("esptool", ["--port", sim.url, "verify_flash", "-fm", "dio", "--flash_size", "4MB", "0", fwPath]);
    expect(v.error).toBeUndefined();
    expect(v.out).toContain("verify OK");
  });

  it("writes through the ROM alone (--no-stub): uncompressed 1 KB blocks, no verification possible", async () => {
    sim = await startSim();
    // Something unrelated right after the image must survive the ROM's over-erase.
    const after = Math.ceil(fw.file.length / 0x1000) * 0x1000;
    sim.server.sim.flash.fill(0x42, after, after + 0x20000);
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "write_flash", "0", fwPath]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("not verified");
    expect(r.out).not.toContain("Hash of data verified");
    const want = expectedInFlash(fw.flashMode, 0x40 | (fw.flashSizeFreq & 0x0f));
    expect(sim.server.sim.flash.subarray(0, want.length).equals(want)).toBe(true);
    expect(sim.server.sim.flash.subarray(after, after + 0x20000).every((b) => b === 0x42)).toBe(true);
    const flashData = sim.server.sim.events.filter((e) => e.op === 0x03);
    expect(flashData.length).toBe(Math.ceil(fw.file.length / 0x400));
    expect(sim.server.sim.events.some((e) => e.state === "stub")).toBe(false);
  });

  it("says that reading and verifying need the stub when --no-stub is given", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "read_flash", "0", "4096", path.join(dir, "x.bin")]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/ROM loader alone/);
    const v = await runCli("esptool", ["--port", sim.url, "--no-stub", "verify_flash", "0", fwPath]);
    expect(v.code).not.toBe(0);
    expect(v.error?.message).toMatch(/ROM/);
  });

  it("erase_flash and erase_region (stub and ROM)", async () => {
    sim = await startSim({ sim: { flashSize: 1 << 20 } });
    sim.server.sim.flash.fill(0);
    const r = await runCli("esptool", ["--port", sim.url, "erase_region", "0x10000", "0x2000"]);
    expect(r.error).toBeUndefined();
    const f = sim.server.sim.flash;
    expect(f.subarray(0x10000, 0x12000).every((b) => b === 0xff)).toBe(true);
    expect(f[0xffff]).toBe(0);
    expect(f[0x12000]).toBe(0);
    const rom = await runCli("esptool", ["--port", sim.url, "--no-stub", "erase_region", "0x20000", "0x3000"]);
    expect(rom.error).toBeUndefined();
    expect(f.subarray(0x20000, 0x23000).every((b) => b === 0xff)).toBe(true);
    expect(f[0x1ffff]).toBe(0);
    expect(f[0x24000]).toBe(0);
    // Alignment is checked before anything reaches the board (no sync, no stub upload), exit 2 as esptool.
    const before = sim.server.sim.events.length;
    const bad = await runCli("esptool", ["--port", sim.url, "erase_region", "0x10001", "0x1000"]);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toBe("A fatal error occurred: Offset to erase from must be a multiple of 4096");
    const badSize = await runCli("esptool", ["--port", sim.url, "erase_region", "0x10000", "0x1001"]);
    expect([badSize.code, badSize.error?.message]).toEqual([2, "A fatal error occurred: Size of data to erase must be a multiple of 4096"]);
    expect(sim.server.sim.events.length).toBe(before);
    const all = await runCli("esptool", ["--port", sim.url, "erase_flash"]);
    expect(all.error).toBeUndefined();
    expect(all.out).toContain("Chip erase completed successfully");
    expect(f.every((b) => b === 0xff)).toBe(true);
  });

  it("refuses an image larger than the flash before touching it", async () => {
    sim = await startSim({ sim: { flashSize: 1 << 20 } });
    const big = path.join(dir, "big.bin");
    writeFileSync(big, Buffer.alloc((1 << 20) + 4096, 0x11));
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "0", big]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/does not fit in 1MB/);
    expect(sim.server.sim.events.some((e) => e.op === 0x10 || e.op === 0x02)).toBe(false);
  });

  it("warns about a file at 0 without the 0xE9 magic and writes it unchanged", async () => {
    sim = await startSim();
    const raw = path.join(dir, "raw.bin");
    const data = Buffer.alloc(8192, 0x5a);
    writeFileSync(raw, data);
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "-fm", "dio", "0", raw]);
    expect(r.error).toBeUndefined();
    expect(r.out).toMatch(/does not start with 0xE9/);
    expect(sim.server.sim.flash.subarray(0, 8192).equals(data)).toBe(true);
  });

  it("a missing file is reported before the board is touched", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "0", path.join(dir, "nope.bin")]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/cannot read .*nope\.bin: no such file/);
    expect(sim.server.sim.events).toHaveLength(0);
  });

  it("refuses an ESP32 with a clear message", async () => {
    sim = await startSim({ sim: { chip: "esp32" } });
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "0", fwPath]);
    expect(r.code).toBe(2); // esptool's FatalError status
    expect(r.error?.message).toMatch(/^A fatal error occurred: .*ESP32, not an ESP8266/);
  });

  it("a link lost mid-write names the last acknowledged address and reports nothing as done", async () => {
    sim = await startSim({ dropAfterBytes: 40 * 1024 });
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "write_flash", "0", fwPath]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/link lost while writing .* up to 0x0000[0-9a-f]{4}/);
    expect(r.out).not.toMatch(/Wrote|verified|Leaving/);
    const m = /up to 0x([0-9a-f]{8})/.exec(r.error!.message)!;
    const upTo = parseInt(m[1]!, 16);
    // Everything the board acknowledged is in flash.
    const want = expectedInFlash(fw.flashMode, 0x40 | (fw.flashSizeFreq & 0x0f));
    expect(sim.server.sim.flash.subarray(0, upTo).equals(want.subarray(0, upTo))).toBe(true);
  });

  it("a link lost during a compressed write fails too", async () => {
    sim = await startSim({ dropAfterBytes: 60 * 1024 });
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "0", fwPath]);
    expect(r.code).toBe(2);
    expect(r.error?.message).toMatch(/link lost while writing .* up to 0x000[0-9a-f]{5}/);
    expect(r.out).not.toMatch(/Wrote|verified/);
    // The acknowledged blocks decode to the named address; the stub writes whole 32 KB pieces of it.
    const upTo = parseInt(/up to 0x([0-9a-f]{8})/.exec(r.error!.message)![1]!, 16);
    const written = Math.floor(upTo / 32768) * 32768;
    expect(written).toBeGreaterThan(0);
    expect(sim.server.sim.flash.subarray(4, written).equals(fw.file.subarray(4, written))).toBe(true);
  });

  it("a write that does not read back right (worn sector) fails with the MD5s and exits non-zero", async () => {
    sim = await startSim({ sim: { badSectors: [5] } });
    const r = await runCli("esptool", ["--port", sim.url, "write_flash", "--flash_size", "keep", "0", fwPath]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/verification failed at 0x0/);
    expect(r.out).toMatch(/File  md5: [0-9a-f]{32}\nFlash md5: [0-9a-f]{32}/);
    expect(r.out).not.toContain("Hash of data verified");
  });

  it("verify_flash exits non-zero on a mismatch and shows differences with --diff yes", async () => {
    sim = await startSim();
    const w = await runCli("esptool", ["--port", sim.url, "write_flash", "--flash_size", "keep", "0", fwPath]);
    expect(w.error).toBeUndefined();
    sim.server.sim.flash[0x5000] ^= 0xff; // a flipped byte
    const v = await runCli("esptool", ["--port", sim.url, "verify_flash", "--diff", "yes", "0", fwPath]);
    expect(v.code).not.toBe(0);
    expect(v.out).toMatch(/verify FAILED: 1 differences, first @ 0x00005000/);
  });

  it("accepts esptool v5 spellings and socket:// ports", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url.replace("tcp://", "socket://"), "--after", "no-reset", "read-mac"]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("MAC: 5c:cf:7f:0e:5a:21");
    expect(r.out).toContain("Staying in bootloader.");
  });

  it("erase_flash through the ROM alone erases the whole detected size", async () => {
    sim = await startSim({ sim: { flashSize: 1 << 20 } });
    sim.server.sim.flash.fill(0x33);
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "erase_flash"]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Auto-detected Flash size: 1MB");
    expect(sim.server.sim.flash.every((b) => b === 0xff)).toBe(true);
  });

  it("read_flash ALL reads to the end of the detected flash", async () => {
    sim = await startSim({ sim: { flashSize: 1 << 20 } });
    for (let i = 0; i < sim.server.sim.flash.length; i += 4096) sim.server.sim.flash[i] = (i >> 12) & 0xff;
    const out = path.join(dir, "all.bin");
    const r = await runCli("esptool", ["--port", sim.url, "read_flash", "0xf0000", "ALL", out]);
    expect(r.error).toBeUndefined();
    expect(readFileSync(out).equals(sim.server.sim.flash.subarray(0xf0000))).toBe(true);
  });

  it("run and --after soft_reset leave the loader for the firmware", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "run"]);
    expect(r.error).toBeUndefined();
    expect(sim.server.sim.state).toBe("app");
    const s = await runCli("esptool", ["--port", sim.url, "--after", "soft_reset", "read_mac"]);
    expect(s.error).toBeUndefined();
    expect(sim.server.sim.state).toBe("app");
  });

  it("syncs the ROM directly at a higher rate with --no-stub and reads the crystal right", async () => {
    sim = await startSim({ baud: 460800 });
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "--baud", "460800", "read_mac"]);
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Crystal is 26MHz");
  });

  it("--trace shows the frames", async () => {
    sim = await startSim();
    const r = await runCli("esptool", ["--port", sim.url, "--no-stub", "--trace", "chip_id"]);
    expect(r.error).toBeUndefined();
    // READ_REG 0x40001000, as the documented trace shows it
    expect(r.err).toContain("TRACE > 000a04000000000000100040");
  });

  it("image_info, merge_bin and usage errors need no board", async () => {
    const info = await runCli("esptool", ["image_info", fwPath]);
    expect(info.error).toBeUndefined();
    expect(info.out).toContain("Image version: 1");
    expect(info.out).toContain("3 segments");
    expect(info.out).toMatch(/Checksum: [0-9a-f]{2} \(valid\)/);
    const merged = path.join(dir, "merged.bin");
    const part = path.join(dir, "part.bin");
    writeFileSync(part, Buffer.from("partition"));
    const m = await runCli("esptool", ["merge_bin", "-o", merged, "0x0", fwPath, "0x3fc000", part]);
    expect(m.error).toBeUndefined();
    const mb = readFileSync(merged);
    expect(mb.length).toBe(0x3fc000 + 9);
    expect(mb.subarray(0, fw.file.length).equals(fw.file)).toBe(true);
    expect(mb[fw.file.length]).toBe(0xff);
    expect(mb.subarray(0x3fc000).toString()).toBe("partition");
    const patched = path.join(dir, "merged-dio.bin");
    const m2 = await runCli("esptool", ["merge_bin", "-o", patched, "-fm", "dio", "-fs", "2MB", "0x0", fwPath]);
    expect(m2.error).toBeUndefined();
    const pb = readFileSync(patched);
    expect([pb[2], pb[3]]).toEqual([2, 0x30 | (fw.file[3]! & 0x0f)]);
    expect(pb.subarray(4).equals(fw.file.subarray(4))).toBe(true);
    const v = await runCli("esptool", ["version"]);
    expect(v.out).toMatch(/esptool/);
    const bad = await runCli("esptool", ["frobnicate"]);
    expect(bad.code).toBe(2);
    expect(bad.error?.message).toMatch(/unknown command/);
  });
});

describe("tspy flash FIRMWARE.bin", () => {
  it("detects the chip, writes at 0 with size detection, verifies, and draws a progress bar", async () => {
    sim = await startSim({ sim: { flashSize: 1 << 20 } });
    const r = await runCli("flash", ["--port", sim.url, fwPath], { tty: true });
    expect(r.error).toBeUndefined();
    expect(r.out).toContain("Chip is ESP8266EX");
    expect(r.out).toContain("Auto-detected Flash size: 1MB");
    expect(r.out).toContain("Changing baud rate to 460800");
    expect(sim.server.sim.baud).toBe(460800);
    expect(r.out).toContain("Hash of data verified.");
    // bytes, rate and time left, redrawn in place
    expect(r.err).toMatch(/\r.*\[#+\] 100%\s+200\.0\/200\.0 KB\s+[\d.]+ KB\/s\s+ETA \d+:\d\d/);
    const want = expectedInFlash(fw.flashMode, 0x20 | (fw.flashSizeFreq & 0x0f));
    expect(sim.server.sim.flash.subarray(0, want.length).equals(want)).toBe(true);
  });

  it("uses the port given with tspy -d", async () => {
    sim = await startSim();
    const r = await runCli("flash", ["-fm", "dout", fwPath], { device: "PLACEHOLDER" }).catch((e) => e);
    expect(r.code).not.toBe(0);
    const ok = await runCli("flash", ["-fm", "dout", fwPath], { device: sim.url });
    expect(ok.error).toBeUndefined();
    expect(sim.server.sim.flash[2]).toBe(3);
  });
});
