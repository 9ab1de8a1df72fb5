// The emitters' and writers' byte buffer: MicroPython's variable-length unsigned encoding, growth past
// the first capacity, and str data as MicroPython stores it (the ASCII fast path and the general one
// must agree with utf8Bytes, which keeps lone surrogates and raw bytes).
import { describe, expect, it } from "vitest";
import { ByteBuffer } from "../../src/mpy-cross/byte-buffer.js";
import { encodeUint } from "../../src/mpy-cross/emit-bytecode.js";
import { rawByteChar } from "../../src/mpy-cross/utf8.js";

const bytesOf = (b: ByteBuffer) => Array.from(b.slice());

describe("ByteBuffer", () => {
  it("writes unsigned values 7 bits a byte, most significant first", () => {
    const cases: [number, number[]][] = [
      [0, [0x00]], [1, [0x01]], [127, [0x7f]], [128, [0x81, 0x00]], [300, [0x82, 0x2c]],
      [16383, [0xff, 0x7f]], [16384, [0x81, 0x80, 0x00]], [2 ** 32, [0x90, 0x80, 0x80, 0x80, 0x00]],
    ];
    for (const [value, expected] of cases) {
      const b = new ByteBuffer(1);
      b.uint(value);
      expect(bytesOf(b), `uint(${value})`).toEqual(expected);
      const arr: number[] = [];
      encodeUint(arr, value);
      expect(arr, `encodeUint(${value})`).toEqual(expected);
    }
  });

  it("keeps every byte when it grows, and clear() starts again", () => {
    const b = new ByteBuffer(2);
    for (let i = 0; i < 1000; i++) b.push(i);
    b.append(new Uint8Array([7, 8, 9]));
    b.append([1, 2]);
    expect(b.length).toBe(1005);
    expect(b.at(999)).toBe(999 & 0xff);
    expect(Array.from(b.view(998, 1005))).toEqual([998 & 0xff, 999 & 0xff, 7, 8, 9, 1, 2]);
    b.clear();
    b.push(5);
    expect(bytesOf(b)).toEqual([5]);
  });

  it("stores text as MicroPython does, ASCII or not", () => {
    const texts = ["", "abc", "café", "日本", "😀", "\ud800x", `a${rawByteChar(0xe9)}b`];
    const expected = [[], [0x61, 0x62, 0x63], [0x63, 0x61, 0x66, 0xc3, 0xa9], [0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac],
      [0xf0, 0x9f, 0x98, 0x80], [0xed, 0xa0, 0x80, 0x78], [0x61, 0xe9, 0x62]];
    texts.forEach((s, i) => {
      const b = new ByteBuffer(1);
      b.appendUtf8(s);
      expect(bytesOf(b), JSON.stringify(s)).toEqual(expected[i]);
      expect(ByteBuffer.utf8Length(s)).toBe(expected[i].length);
    });
  });
});
