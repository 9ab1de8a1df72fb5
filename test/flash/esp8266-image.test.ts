// ESP8266 image formats: image_info on a MicroPython-shaped file, the flash-parameter patch, and
// elf2image (v1 and v2) from an ELF file built byte by byte in this test.
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { sampleFirmware } from "../../fixtures/esp8266/sample-image.js";
import { describeImage, esp8266Crc32, parseImage, patchFlashParams } from "../../src/flash/esp8266/image.js";
import { runCli } from "./esp8266-helpers.js";

const dir = mkdtempSync(path.join(tmpdir(), "tspy-esp8266-img-"));

/** A minimal little-endian ELF32 for Xtensa with the given PROGBITS sections. */
function buildElf(entry: number, sections: { name: string; addr: number; data: Buffer }[]): Buffer {
  const names = Buffer.concat([Buffer.from([0]), ...sections.map((s) => Buffer.from(`${s.name}\0`)), Buffer.from(".shstrtab\0")]);
  const nameOffsets: number[] = [];
  let o = 1;
  for (const s of sections) {
    nameOffsets.push(o);
    o += s.name.length + 1;
  }
  const shstrName = o;
  const body: Buffer[] = [];
  let pos = 0x34;
  const dataOffsets: number[] = [];
  for (const s of sections) {
    dataOffsets.push(pos);
    body.push(s.data);
    pos += s.data.length;
  }
  const namesOff = pos;
  body.push(names);
  pos += names.length;
  const shoff = pos;
  const shnum = sections.length + 2;
  const sh = Buffer.alloc(shnum * 0x28);
  sections.forEach((s, i) => {
    const b = (i + 1) * 0x28;
    sh.writeUInt32LE(nameOffsets[i]!, b);
    sh.writeUInt32LE(1, b + 4); // PROGBITS
    sh.writeUInt32LE(s.addr, b + 12);
    sh.writeUInt32LE(dataOffsets[i]!, b + 16);
    sh.writeUInt32LE(s.data.length, b + 20);
  });
  const last = (shnum - 1) * 0x28;
  sh.writeUInt32LE(shstrName, last);
  sh.writeUInt32LE(3, last + 4); // STRTAB
  sh.writeUInt32LE(namesOff, last + 16);
  sh.writeUInt32LE(names.length, last + 20);
  const h = Buffer.alloc(0x34);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]).copy(h);
  h.writeUInt16LE(2, 16);
  h.writeUInt16LE(0x5e, 18);
  h.writeUInt32LE(1, 20);
  h.writeUInt32LE(entry, 24);
  h.writeUInt32LE(shoff, 32);
  h.writeUInt16LE(0x34, 40);
  h.writeUInt16LE(0x28, 46);
  h.writeUInt16LE(shnum, 48);
  h.writeUInt16LE(shnum - 1, 50);
  return Buffer.concat([h, ...body, sh]);
}

describe("ESP8266 images", () => {
  it("reads a MicroPython-shaped v1 image", () => {
    const fw = sampleFirmware(100 * 1024);
    const img = parseImage(fw.file);
    expect(img.version).toBe(1);
    expect(img.entry).toBe(0x40100004);
    expect(img.segments.map((s) => [s.addr, s.data.length])).toEqual([
      [0x40100000, 0x6f00],
      [0x3ffe8000, 0x500],
      [0x3ffe8500, 0x154],
    ]);
    const text = describeImage(img).join("\n");
    expect(text).toMatch(/Segment 1: len 0x06f00 load 0x40100000 file_offs 0x00000008 \[IRAM\]/);
    expect(text).toMatch(/Checksum: [0-9a-f]{2} \(valid\)/);
    const broken = Buffer.from(fw.file);
    broken[20] ^= 1; // inside segment 1
    expect(describeImage(parseImage(broken)).join("\n")).toMatch(/invalid - calculated/);
  });

  it("patches mode/size/frequency only in an image at offset 0", () => {
    const fw = sampleFirmware(64 * 1024);
    const r = patchFlashParams(0, fw.file, { mode: "dio", freq: "80m", size: "4MB" });
    expect([r.data[2], r.data[3]]).toEqual([2, 0x4f]);
    expect(r.data.subarray(4).equals(fw.file.subarray(4))).toBe(true);
    expect(patchFlashParams(0x1000, fw.file, { mode: "dio", freq: "80m", size: "4MB" }).data).toBe(fw.file);
    expect(patchFlashParams(0, fw.file, { mode: "keep", freq: "keep", size: "1MB" }).data[3]).toBe(0x20 | (fw.file[3]! & 0xf));
    const notImage = Buffer.alloc(64, 0x33);
    const w = patchFlashParams(0, notImage, { mode: "dio", freq: "keep", size: "4MB" });
    expect(w.data).toBe(notImage);
    expect(w.warning).toMatch(/0xE9/);
  });

  it("computes the SDK's CRC-32 variant", () => {
    // zlib CRC-32("123456789") = 0xCBF43926; the SDK inverts values with the top bit set.
    expect(esp8266Crc32(Buffer.from("123456789"))).toBe((0xcbf43926 ^ 0xffffffff) >>> 0);
  });

  it("elf2image makes a v1 image plus the irom0 file, and a v2 image", async () => {
    const text = Buffer.alloc(0x123, 0x21);
    const data = Buffer.alloc(0x40, 0x43);
    const irom = Buffer.alloc(0x2001, 0x65);
    const elfPath = path.join(dir, "prog.elf");
    writeFileSync(
      elfPath,
      buildElf(0x40100010, [
        { name: ".text", addr: 0x40100000, data: text },
        { name: ".data", addr: 0x3ffe8000, data },
        { name: ".irom0.text", addr: 0x40210000, data: irom },
      ]),
    );
    const r = await runCli("esptool", ["elf2image", "-fm", "dio", "-fs", "4MB", elfPath]);
    expect(r.error).toBeUndefined();
    const v1 = readFileSync(`${elfPath}-0x00000.bin`);
    const img = parseImage(v1);
    expect(img.entry).toBe(0x40100010);
    expect([v1[2], v1[3]]).toEqual([2, 0x40]);
    expect(img.segments.map((s) => [s.addr, s.data.length])).toEqual([
      [0x40100000, 0x124], // padded to 4 bytes
      [0x3ffe8000, 0x40],
    ]);
    expect(v1.length % 16).toBe(0);
    expect(describeImage(img).join("\n")).toMatch(/\(valid\)/);
    const iromFile = readFileSync(`${elfPath}-0x10000.bin`);
    expect(iromFile.length).toBe(0x2004);
    expect(iromFile.subarray(0, 0x2001).equals(irom)).toBe(true);

    const out2 = path.join(dir, "prog-v2.bin");
    const r2 = await runCli("esptool", ["elf2image", "--version", "2", "-o", out2, elfPath]);
    expect(r2.error).toBeUndefined();
    const v2 = readFileSync(out2);
    expect(v2[0]).toBe(0xea);
    const img2 = parseImage(v2);
    expect(img2.version).toBe(2);
    expect(img2.iromSegment?.data.length).toBe(0x2010); // irom0 padded to 16
    expect(img2.segments).toHaveLength(2);
    const crc = v2.readUInt32LE(v2.length - 4);
    expect(crc).toBe(esp8266Crc32(v2.subarray(0, v2.length - 4)));
    const info = await runCli("esptool", ["image_info", out2]);
    expect(info.out).toContain("Image version: 2");
    expect(existsSync(`${elfPath}-0x00000.bin`)).toBe(true);
  });

  it("says clearly when a file is not an image", async () => {
    const p = path.join(dir, "junk.bin");
    writeFileSync(p, Buffer.from("hello world"));
    const r = await runCli("esptool", ["image_info", p]);
    expect(r.code).not.toBe(0);
    expect(r.error?.message).toMatch(/not an ESP8266 image/);
  });
});
