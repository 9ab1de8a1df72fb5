// UF2 files checked against the layout in microsoft/uf2's README (offsets and magics written out here,
// not taken from the code under test), and round trips through convert → info → parse.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { buildUf2, describeUf2, parseUf2, uf2ToBinary, isUf2 } from "../../src/flash/uf2/index.js";

describe("UF2 block layout", () => {
  const bin = randomBytes(1000);
  const uf2 = Buffer.from(buildUf2(bin, { base: 0x2000, familyId: 0x68ed2b88 }));

  it("has 512-byte blocks of 256 payload bytes with the README's header fields", () => {
    expect(uf2.length).toBe(4 * 512);
    for (let n = 0; n < 4; n++) {
      const b = uf2.subarray(n * 512, (n + 1) * 512);
      expect(b.readUInt32LE(0)).toBe(0x0a324655);
      expect(b.readUInt32LE(4)).toBe(0x9e5d5157);
      expect(b.readUInt32LE(8)).toBe(0x00002000); // familyID present
      expect(b.readUInt32LE(12)).toBe(0x2000 + n * 256);
      expect(b.readUInt32LE(16)).toBe(256);
      expect(b.readUInt32LE(20)).toBe(n);
      expect(b.readUInt32LE(24)).toBe(4);
      expect(b.readUInt32LE(28)).toBe(0x68ed2b88);
      expect(b.readUInt32LE(508)).toBe(0x0ab16f30);
      expect(b.subarray(32, 32 + 256).equals(Buffer.concat([bin, Buffer.alloc(24)]).subarray(n * 256, n * 256 + 256))).toBe(true);
      // Bytes between the payload and the end magic are zero.
      expect(b.subarray(32 + 256, 508).every((x) => x === 0)).toBe(true);
    }
    expect(uf2.subarray(0, 4).toString("latin1")).toBe("UF2\n");
  });

  it("parses back to the same image and describes it", () => {
    expect(isUf2(uf2)).toBe(true);
    const blocks = parseUf2(uf2, "t.uf2");
    const { base, data } = uf2ToBinary(blocks);
    expect(base).toBe(0x2000);
    expect(Buffer.from(data.subarray(0, bin.length)).equals(bin)).toBe(true);
    const lines = describeUf2(blocks);
    expect(lines).toContain("Blocks: 4");
    expect(lines).toContain("Families: SAMD21 (0x68ed2b88)");
    expect(lines).toContain("Range: 0x00002000-0x00002400 (1024 bytes)");
  });

  it("rejects files that are not UF2 with one line", () => {
    expect(() => parseUf2(Buffer.alloc(700), "x.bin")).toThrow(/^x\.bin: not a UF2 file \(700 bytes/);
    expect(() => parseUf2(Buffer.alloc(512), "x.bin")).toThrow("x.bin: block 0 has bad UF2 magic numbers (not a UF2 file)");
    const bad = Buffer.from(uf2);
    bad.writeUInt32LE(0, 512 + 508);
    expect(() => parseUf2(bad, "t.uf2")).toThrow("t.uf2: block 1 has bad UF2 magic numbers");
  });

  it("keeps one family's blocks from a file that holds two", () => {
    const a = randomBytes(300);
    const b = randomBytes(300);
    const both = Buffer.concat([buildUf2(a, { base: 0x2000, familyId: 0x68ed2b88 }), buildUf2(b, { base: 0x10000000, familyId: 0xe48bff56 })]);
    const blocks = parseUf2(both);
    const rp = uf2ToBinary(blocks, 0xe48bff56);
    expect(rp.base).toBe(0x10000000);
    expect(Buffer.from(rp.data.subarray(0, 300)).equals(b)).toBe(true);
    expect(describeUf2(blocks).some((l) => l.startsWith("Note: block numbers"))).toBe(true);
  });
});
