// The zip reader against archives built by the test: stored and deflated entries, damage, and names
// that would escape the directory they are extracted into.
import { describe, expect, it } from "vitest";
import { readZip } from "../../src/bundle/zip-reader.js";
import { ZipError } from "../../src/bundle/errors.js";
import { writeZip } from "../../fixtures/bundle/zip-writer.js";

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

describe("zip reader", () => {
  it("reads stored and deflated entries and directories", () => {
    const big = "print('hello')\n".repeat(500);
    const zip = readZip(writeZip([{ name: "top/" }, { name: "top/a.py", data: big }, { name: "top/b.bin", data: new Uint8Array([0, 1, 2, 255]), stored: true }]), "t.zip");
    expect(zip.entries.map((e) => [e.name, e.isDir])).toEqual([["top/", true], ["top/a.py", false], ["top/b.bin", false]]);
    const [, a, b] = zip.entries;
    expect(a!.method).toBe(8);
    expect(a!.compressedSize).toBeLessThan(big.length);
    expect(text(zip.read(a!))).toBe(big);
    expect([...zip.read(b!)]).toEqual([0, 1, 2, 255]);
  });

  it("finds the end record behind an archive comment", () => {
    const plain = Buffer.from(writeZip([{ name: "x.py", data: "x = 1\n" }]));
    const comment = Buffer.from("made by hand");
    plain.writeUInt16LE(comment.length, plain.length - 2);
    const zip = readZip(new Uint8Array(Buffer.concat([plain, comment])), "c.zip");
    expect(text(zip.read(zip.entries[0]!))).toBe("x = 1\n");
  });

  it.each([
    ["top/../../etc/passwd", /"\.\." component/],
    ["../evil.py", /"\.\." component/],
    ["/etc/evil.py", /absolute path/],
    ["top\\..\\evil.py", /"\.\." component/],
    ["C:/evil.py", /absolute path/],
  ])("refuses the entry %s", (name, why) => {
    const data = writeZip([{ name: "top/lib/ok.py", data: "" }, { name, data: "boom" }]);
    expect(() => readZip(data, "evil.zip")).toThrow(ZipError);
    expect(() => readZip(data, "evil.zip")).toThrow(why);
  });

  it("rejects damage: not a zip, a flipped byte (CRC), a size that lies", () => {
    expect(() => readZip(new TextEncoder().encode("PK but not really a zip archive at all"), "n.zip")).toThrow(/not a zip archive/);
    const data = Buffer.from(writeZip([{ name: "a.txt", data: "abcdef", stored: true }]));
    const flipped = Buffer.from(data);
    flipped[30 + "a.txt".length] ^= 1; // first content byte
    const z = readZip(new Uint8Array(flipped), "f.zip");
    expect(() => z.read(z.entries[0]!)).toThrow(/CRC/);
    // A deflated entry whose stream holds more than the directory states.
    const bomb = Buffer.from(writeZip([{ name: "b.txt", data: "a".repeat(10000) }]));
    const cd = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bomb.writeUInt32LE(100, cd + 24);
    const zb = readZip(new Uint8Array(bomb), "b.zip");
    expect(() => zb.read(zb.entries[0]!)).toThrow(ZipError);
  });

  it("refuses compression methods other than stored and deflated", () => {
    const data = Buffer.from(writeZip([{ name: "a.txt", data: "abc", stored: true }]));
    data.writeUInt16LE(12, 8); // local header method: bzip2
    const cd = data.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    data.writeUInt16LE(12, cd + 10);
    const z = readZip(new Uint8Array(data), "m.zip");
    expect(() => z.read(z.entries[0]!)).toThrow(/method 12/);
  });
});
