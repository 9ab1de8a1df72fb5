// .mpy v4 (MicroPython 1.11) native code byte-identical to upstream mpy-cross 1.11: @native and @viper
// functions (and -X emit=native). The references in native-v4/ were made by hand with upstream's v1.11
// mpy-cross (built outside the repo) from tspy's own programs (see native-v4/README.md).
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";

const dir = path.join(__dirname, "native-v4");
const ARCH_CODE: Record<string, number> = { x86: 1, x64: 2, armv6: 3, armv7m: 5, xtensa: 9 };
/** Which arches each program is checked on (those whose output equals upstream's). */
const CASES: Record<string, readonly string[]> = {
  n4_native: ["x64", "x86", "xtensa", "armv6", "armv7m"],
  n4_viper: ["x64", "x86", "xtensa", "armv6", "armv7m"],
};

function compile(stem: string, arch: string, emit?: "native"): Uint8Array {
  const src = fs.readFileSync(path.join(dir, `${stem}.py`));
  return compileToMpy(src, { filename: `${stem}.py`, mpyVersion: "4", arch, emit });
}

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe(".mpy v4 native code equals upstream mpy-cross 1.11", () => {
  for (const [stem, arches] of Object.entries(CASES)) {
    for (const arch of arches) {
      it(`${stem}.py with -march=${arch}`, () => {
        const got = compile(stem, arch);
        expect(hex(got)).toBe(hex(fs.readFileSync(path.join(dir, `${stem}.${arch}.mpy`))));
        // header: version 4, the arch in bits 2-7 beside the unicode flag
        expect([got[1], got[2]]).toEqual([4, (ARCH_CODE[arch] << 2) | 2]);
      });
    }
  }

  it("n4_native.py with -march=x64 -X emit=native (the module itself native)", () => {
    expect(hex(compile("n4_native", "x64", "native"))).toBe(hex(fs.readFileSync(path.join(dir, "n4_native.x64-emit-native.mpy"))));
  });

  it("the prelude is 1.11's: n_state in two bytes, then flags with VARARGS as bit 0, and a 5-byte code info", () => {
    const got = Buffer.from(compile("n4_native", "x64"));
    // total(items, scale=2, *rest, **opts): flags REFGLOBALS|VARKEYWORDS|VARARGS (0x10|2|1; 1.12+
    // would give VARARGS 4), 2 positional, 0 kw-only, 1 default, code info of 5 bytes
    const at = got.indexOf(Buffer.from([0x13, 0x02, 0x00, 0x01, 0x05]));
    expect(at).toBeGreaterThan(0);
    expect(got[at - 3] & 0x80).toBe(0x80);
  });
});
