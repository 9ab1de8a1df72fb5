// SLIP and the request layout checked against byte strings from Espressif's serial-protocol
// documentation and esptool traces; the ROM erase workaround against worked examples.
import { describe, expect, it } from "vitest";
import { romEraseSize, decodeEfuses, crystalMHz } from "../../src/flash/esp8266/chip.js";
import { Op, buildRequest, checksum, parseResponse, words, SYNC_PAYLOAD } from "../../src/flash/esp8266/protocol.js";
import { SlipDecoder, slipEncode } from "../../src/flash/esp8266/slip.js";

describe("SLIP and requests", () => {
  it("encodes READ_REG 0x40001000 as in the documented trace", () => {
    // docs/en/advanced-topics/serial-protocol.rst: "Write 14 bytes: c0000a04000000000000100040c0"
    expect(slipEncode(buildRequest(Op.READ_REG, words(0x40001000))).toString("hex")).toBe("c0000a04000000000000100040c0");
  });

  it("encodes SYNC as in the documented trace", () => {
    const hex = slipEncode(buildRequest(Op.SYNC, SYNC_PAYLOAD)).toString("hex");
    expect(hex).toBe("c000082400000000" + "0007071220" + "55".repeat(32) + "c0");
  });

  it("escapes C0 and DB and decodes back, across chunk boundaries and noise", () => {
    const payload = Buffer.from([1, 0xc0, 2, 0xdb, 3, 0xdb, 0xdc]);
    const enc = slipEncode(payload);
    expect(enc.toString("hex")).toBe("c001dbdc02dbdd03dbdddcc0");
    const d = new SlipDecoder();
    const noise = Buffer.from("ets Jan  8 2013,rst cause:2\r\n", "latin1");
    const stream = Buffer.concat([noise, enc, enc]);
    const frames: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 3) frames.push(...d.push(stream.subarray(i, i + 3)));
    expect(frames).toEqual([payload, payload]);
    expect(d.noise).toBe(noise.length);
  });

  it("parses a response frame from a real ESP8266 trace", () => {
    // esptool issue #397: READ_REG of the UART divider → 010a0200c40100000000
    const r = parseResponse(Buffer.from("010a0200c40100000000", "hex"))!;
    expect(r.op).toBe(Op.READ_REG);
    expect(r.value).toBe(452);
    expect(r.data).toEqual(Buffer.from([0, 0]));
    expect(crystalMHz(r.value, 115200)).toBe(26);
    expect(parseResponse(Buffer.from("OHAI"))).toBeNull();
  });

  it("checksums data with XOR seeded 0xEF", () => {
    expect(checksum(Buffer.alloc(0))).toBe(0xef);
    expect(checksum(Buffer.from([0xef]))).toBe(0);
    expect(checksum(Buffer.from([1, 2, 4]))).toBe(0xef ^ 7);
  });
});

describe("ESP8266 facts", () => {
  it("works around the ROM's FLASH_BEGIN over-erase", () => {
    // 150 sectors from 0: 16 head sectors, so ask for 134 (the ROM erases 16 + 134).
    expect(romEraseSize(0, 150 * 4096)).toBe(134 * 4096);
    // 3 sectors from 0xE000 (2 before the 64 KB boundary): ask for 2, the ROM erases 2 + 2 (one extra).
    expect(romEraseSize(0xe000, 0x3000)).toBe(0x2000);
    // 5 sectors inside one block: ask for 3, the ROM erases 3 + 3 = 6 (one extra).
    expect(romEraseSize(0x20000, 5 * 4096)).toBe(3 * 4096);
    expect(romEraseSize(0, 0)).toBe(0);
  });

  it("decodes MAC, chip id and model from eFuse words (OUI variants)", () => {
    const a = decodeEfuses([0xc3000000, 0x0000a1b2, 0, 0]);
    expect(a.mac).toEqual([0x18, 0xfe, 0x34, 0xa1, 0xb2, 0xc3]);
    expect(a.chipId).toBe(0xa1b2c3);
    expect(a.description).toBe("ESP8266EX");
    expect(decodeEfuses([0, 0x00010000, 0, 0]).mac.slice(0, 3)).toEqual([0xac, 0xd0, 0x74]);
    expect(decodeEfuses([0, 0, 0, 0x5ccf7f]).mac.slice(0, 3)).toEqual([0x5c, 0xcf, 0x7f]);
    expect(decodeEfuses([0x10, 0, 0, 0]).description).toBe("ESP8285");
  });
});
