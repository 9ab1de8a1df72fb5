// Which .mpy a board gets, from what it says about itself. Expected values worked out by hand from
// upstream's header layout: byte 0 of `_mpy`/`mpy` is the .mpy version, byte 1 the sub-version (v6)
// or feature flags (v5) in bits 0-1 and the native arch number in bits 2-7.
import { describe, expect, it } from "vitest";
import { compiledName, flavourOf, isCompiled, type BoardInfo } from "../../src/compile/board-flavour.js";

const board = (name: string, version: number[], mpyField: number | null, platform = "rp2"): BoardInfo => ({ name, version, mpyField, platform, release: "" });

describe("flavourOf", () => {
  it("reads sys.implementation._mpy of MicroPython 1.19+ (version, sub-version, arch)", () => {
    expect(flavourOf(board("micropython", [1, 27, 0], 0x306, "webassembly"))).toMatchObject({ mpyVersion: "6.3", arch: undefined, probe: false });
    // 1.22 on a Cortex-M4F: sub-version 2, arch 7 (armv7emsp): byte 1 = 2 | 7 << 2 = 0x1e
    expect(flavourOf(board("micropython", [1, 22, 2], 0x1e06, "stm32"))).toMatchObject({ mpyVersion: "6.2", arch: "armv7emsp" });
    // 1.19: sub-version 0, arch 10 (xtensawin): 10 << 2 = 0x28
    expect(flavourOf(board("micropython", [1, 19, 1], 0x2806, "esp32"))).toMatchObject({ mpyVersion: "6", arch: "xtensawin" });
  });

  it("reads sys.implementation.mpy of 1.12-1.18 (flags and arch)", () => {
    // rp2 on 1.18: 0x12 = arch 4 (armv6m) << 2 | unicode (2)
    expect(flavourOf(board("micropython", [1, 18, 0], 0x1205))).toMatchObject({ mpyVersion: "5", arch: "armv6m", flags: 2 });
    // the 1.12 unix port: 0x0b = arch 2 (x64) << 2 | unicode | cached map lookups
    expect(flavourOf(board("micropython", [1, 12, 0], 0x0b05, "linux"))).toMatchObject({ mpyVersion: "5", arch: "x64", flags: 3 });
  });

  it("chooses CircuitPython's own flavour by its major release", () => {
    expect(flavourOf(board("circuitpython", [9, 2, 9], null))).toMatchObject({ mpyVersion: "cp9", probe: false });
    expect(flavourOf(board("circuitpython", [10, 0, 0], 0x306))).toMatchObject({ mpyVersion: "cp10" });
    expect(flavourOf(board("circuitpython", [2, 3, 1], null))).toMatchObject({ mpyVersion: "cp2", probe: false });
    // its unix port caches map lookups (a 2.3.1 build refused cp2 with the boards' flags): probed
    expect(flavourOf(board("circuitpython", [2, 3, 1], null, "linux"))).toMatchObject({ mpyVersion: "cp2", probe: true });
  });

  it("leaves releases without the field to the probe, with the version their release loads", () => {
    expect(flavourOf(board("micropython", [1, 9, 4], null, "linux"))).toMatchObject({ mpyVersion: "3", probe: true });
    expect(flavourOf(board("micropython", [1, 9, 2], null, "microbit"))).toMatchObject({ mpyVersion: "2", probe: true });
    expect(flavourOf(board("micropython", [1, 8, 4], null, "linux"))).toMatchObject({ mpyVersion: "0", probe: true });
    expect(flavourOf(board("pycopy", [3, 6, 1], null, "linux"))).toMatchObject({ mpyVersion: "pycopy", probe: true });
    // Pycopy 3.6.1's own unix port says "micropython" (a real build of v3.6.1): its 3.x tells
    expect(flavourOf(board("micropython", [3, 6, 1], null, "linux"))).toMatchObject({
      mpyVersion: "pycopy", probe: true, describe: "Pycopy 3.6.1 (linux)",
    });
  });

  it("gives a reason for what it cannot place", () => {
    expect(flavourOf(board("micropython", [1, 30, 0], 0x0307))).toMatch(/loads \.mpy version 7, which tspy does not know/);
    expect(flavourOf(board("zephyrpython", [1, 0, 0], null))).toMatch(/does not know which \.mpy/);
  });
});

describe("names", () => {
  it("compiles .py files except the start-up scripts, and names them .mpy", () => {
    expect(["a.py", "boot.py", "main.py", "code.py", "x.txt", "lib.mpy"].map(isCompiled)).toEqual([true, false, false, false, false, false]);
    expect(compiledName("lib/a.py")).toBe("lib/a.mpy");
  });
});
