// The micro:bit (MicroPython 1.9.2 on QEMU) cannot import .mpy at all: cp --compile finds that out
// with its probe, says so in one line, and copies the source, which then imports.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";
import { lf, tspy } from "../helpers/cli.js";

let board: QemuBoard;
let work: string;
beforeAll(async () => {
  board = await startMicrobit();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mb-compile-"));
});
afterAll(async () => {
  await board?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("compile-on-copy on the QEMU micro:bit", () => {
  it("copies the source after one line saying the board cannot import .mpy, and leaves no probe file", async () => {
    fs.writeFileSync(path.join(work, "mbmod.py"), "X = 6 * 7\n");
    const r = await tspy(["-d", board.path, "cp", "--compile", "mbmod.py", ":", "+", "exec", "import mbmod; print(mbmod.X)", "+", "ls"], { cwd: work });
    expect(lf(r.stderr)).toBe("tspy: MicroPython 1.9.2 (microbit) cannot import .mpy files; copying the sources\n");
    expect(r.status).toBe(0);
    expect(lf(r.stdout)).toContain("42\n");
    const listed = lf(r.stdout).split("\n").filter((l) => /\.(py|mpy)$/.test(l.trim()));
    expect(listed.map((l) => l.trim().split(/\s+/).pop())).toEqual(["mbmod.py"]);
    const again = await tspy(["-d", board.path, "mpy-cross", "--board", "mbmod.py"], { cwd: work });
    expect(again.status).toBe(1);
    expect(lf(again.stderr)).toBe("tspy: mpy-cross: MicroPython 1.9.2 (microbit) cannot import .mpy files\n");
    await tspy(["-d", board.path, "rm", ":mbmod.py"], { cwd: work });
  }, 120_000);
});
