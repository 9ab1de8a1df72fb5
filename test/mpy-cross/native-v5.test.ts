// .mpy v5 (MicroPython 1.18) native code byte-identical to upstream mpy-cross 1.18: @native and @viper
// functions (and -X emit=native) for x64, x86, armv6, armv7m, xtensa and xtensawin. The references in native-v5/ were
// made by hand with upstream's v1.18 mpy-cross (built outside the repo) from tspy's own programs:
//   cd native-v5 && mpy-cross-1.18 -march=ARCH -o STEM.ARCH.mpy STEM.py
//   mpy-cross-1.18 -march=x64 -X emit=native -o n5_viper.x64-emit-native.mpy n5_viper.py
import { describe, expect, it } from "vitest";
import fs from "node:fs";
import path from "node:path";
import { compileToMpy } from "../../src/mpy-cross/index.js";
import { readMpy } from "../../src/mpy-cross/mpy-reader.js";
import { MPY_CROSS_1_18_QSTRS } from "../../src/mpy-cross/native/qstr-pool-1-18.js";

const dir = path.join(__dirname, "native-v5");
const ARCHES = ["x64", "x86", "armv6", "armv7m", "xtensa", "xtensawin"] as const;
const ARCH_CODE = { x86: 1, x64: 2, armv6: 3, armv7m: 5, xtensa: 9, xtensawin: 10 } as const;

function compile(stem: string, arch: string, emit?: "native"): Uint8Array {
  const src = fs.readFileSync(path.join(dir, `${stem}.py`));
  return compileToMpy(src, { filename: `${stem}.py`, mpyVersion: "5", arch, emit });
}

function reference(name: string): Buffer {
  return fs.readFileSync(path.join(dir, name));
}

describe(".mpy v5 native code equals upstream mpy-cross 1.18", () => {
  for (const stem of ["n5_native", "n5_viper"]) {
    for (const arch of ARCHES) {
      it(`${stem}.py with -march=${arch}`, () => {
        const got = compile(stem, arch);
        expect(Buffer.from(got).toString("hex")).toBe(reference(`${stem}.${arch}.mpy`).toString("hex"));
        // header: version 5, the arch in bits 2-7 beside the unicode flag
        expect([got[1], got[2]]).toEqual([5, (ARCH_CODE[arch] << 2) | 2]);
      });
    }
  }

  it("n5_viper.py with -march=x64 -X emit=native (the module itself native)", () => {
    const got = compile("n5_viper", "x64", "native");
    expect(Buffer.from(got).toString("hex")).toBe(reference("n5_viper.x64-emit-native.mpy").toString("hex"));
  });

  it("xtensawin keeps a @native prelude as a bytes object too (the first constant), viper code none", () => {
    const file = readMpy(compile("n5_native", "xtensawin"));
    const greet = file.root.children[0];
    const prelude = greet.data.subarray(greet.preludeOffset!);
    expect(greet.constants![0]).toEqual({ type: "bytes", value: prelude });
    const viper = readMpy(compile("n5_viper", "xtensawin")).root.children[0];
    expect(viper.kind).toBe("viper");
    expect(viper.constants!.some((c) => c.type === "bytes")).toBe(false);
  });

  it("qstrs in the machine code are mpy-cross 1.18's own numbers, listed for the loader to patch", () => {
    const file = readMpy(compile("n5_native", "x64"));
    const [greet, scale] = file.root.children;
    const imm32 = (rc: typeof greet, off: number) => Buffer.from(rc.data).readUInt32LE(off >> 2);
    // the prelude ends with the name's and the source file's numbers; the file name is the process's
    // first qstr after its 340 built-in ones
    expect(Buffer.from(greet.data).readUInt16LE(greet.data.length - 2)).toBe(340);
    // "hello" is loaded as a qstr object (link kind 2): (n << 3) | 2 with a number the parse created
    const hello = greet.qstrLinks!.find((l) => l.qstr === "hello")!;
    expect(hello.off & 3).toBe(2);
    expect(imm32(greet, hello.off) & 7).toBe(2);
    expect(imm32(greet, hello.off) >> 3).toBeGreaterThan(340);
    // "append" is built in (link kind 1, the bare number from the pool)
    const append = scale.qstrLinks!.find((l) => l.qstr === "append")!;
    expect(append.off & 3).toBe(1);
    expect(imm32(scale, append.off)).toBe(MPY_CROSS_1_18_QSTRS.indexOf("append"));
  });
});
