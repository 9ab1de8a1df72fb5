// The compiler's whole-or-nothing output write, and its shortcut for an output that is already right.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeAtomically } from "../../src/mpy-cross/batch/write-atomically.js";

let dir = "";
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("writeAtomically", () => {
  it("an identical file is left in place (same inode, no temp file) with fresh times", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-wa-"));
    const f = path.join(dir, "a.mpy");
    fs.writeFileSync(f, Buffer.from([0x4d, 6, 0, 31]));
    const old = new Date("2001-01-01T00:00:00Z");
    fs.utimesSync(f, old, old);
    const ino = fs.statSync(f).ino;
    writeAtomically(f, Buffer.from([0x4d, 6, 0, 31]));
    const st = fs.statSync(f);
    expect(st.ino).toBe(ino);
    expect(st.mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    expect(fs.readdirSync(dir)).toEqual(["a.mpy"]);
  });

  it("different bytes of the same length replace the file whole", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-wa-"));
    const f = path.join(dir, "a.mpy");
    fs.writeFileSync(f, Buffer.from([1, 2, 3, 4]));
    writeAtomically(f, Buffer.from([1, 2, 3, 5]));
    expect([...fs.readFileSync(f)]).toEqual([1, 2, 3, 5]);
    expect(fs.readdirSync(dir)).toEqual(["a.mpy"]);
  });

  it("a new file is created; a missing directory is an error and leaves nothing behind", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-wa-"));
    writeAtomically(path.join(dir, "n.mpy"), Buffer.from("x"));
    expect(fs.readFileSync(path.join(dir, "n.mpy"), "utf8")).toBe("x");
    expect(() => writeAtomically(path.join(dir, "no", "n.mpy"), Buffer.from("x"))).toThrow(/ENOENT/);
    expect(fs.readdirSync(dir)).toEqual(["n.mpy"]);
  });
});

describe("writeHostFileSync (mpy-cross -o/--out-dir and other host outputs)", () => {
  it("leaves a plain file that already holds the bytes in place, with fresh times", async () => {
    const { writeHostFileSync } = await import("../../src/fs/host-output.js");
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-wa-"));
    const f = path.join(dir, "m.mpy");
    fs.writeFileSync(f, Buffer.from([0x4d, 6, 0, 31, 1]));
    const old = new Date("2001-01-01T00:00:00Z");
    fs.utimesSync(f, old, old);
    const ino = fs.statSync(f).ino;
    writeHostFileSync(f, Buffer.from([0x4d, 6, 0, 31, 1]), "mpy-cross");
    expect(fs.statSync(f).ino).toBe(ino);
    expect(fs.statSync(f).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    writeHostFileSync(f, Buffer.from([0x4d, 6, 0, 31, 2]), "mpy-cross");
    expect([...fs.readFileSync(f)]).toEqual([0x4d, 6, 0, 31, 2]);
    expect(fs.readdirSync(dir)).toEqual(["m.mpy"]);
  });
});
