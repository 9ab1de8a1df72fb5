// `tspy uf2` end to end through the shipped CLI: convert → info → convert back, and flashing onto a
// fake bootloader drive (a directory with INFO_UF2.TXT that "reboots" by losing it).
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tspy, startTspy } from "../helpers/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "tspy-uf2-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeDrive(name: string, boardId: string): string {
  const d = path.join(dir, name);
  mkdirSync(d);
  writeFileSync(path.join(d, "INFO_UF2.TXT"), `UF2 Bootloader v3.14.0 SFHWRO\r\nModel: Test Board\r\nBoard-ID: ${boardId}\r\n`);
  return d;
}

describe("tspy uf2", () => {
  const bin = randomBytes(10000);
  let binPath: string;
  let uf2Path: string;

  it("convert → info → convert back reproduces the binary", async () => {
    binPath = path.join(dir, "app.bin");
    uf2Path = path.join(dir, "app.uf2");
    writeFileSync(binPath, bin);
    const c = await tspy(["uf2", "convert", binPath, "--base", "0x2000", "--family", "SAMD21", "-o", uf2Path]);
    expect(c.stderr).toBe("");
    expect(c.status).toBe(0);
    expect(readFileSync(uf2Path).length).toBe(Math.ceil(10000 / 256) * 512);
    const i = await tspy(["uf2", "info", uf2Path]);
    expect(i.status).toBe(0);
    expect(i.stdout).toContain("Blocks: 40");
    expect(i.stdout).toContain("Families: SAMD21 (0x68ed2b88)");
    expect(i.stdout).toContain("Range: 0x00002000-0x00004800 (10240 bytes)");
    const back = path.join(dir, "back.bin");
    const b = await tspy(["uf2", "convert", uf2Path, "-o", back]);
    expect(b.status).toBe(0);
    expect(readFileSync(back).subarray(0, bin.length).equals(bin)).toBe(true);
  });

  it("flash copies onto the drive and waits for it to go away", async () => {
    const drive = fakeDrive("FEATHERBOOT", "SAMD21G18A-Feather-v0");
    const run = startTspy(["uf2", "flash", uf2Path, "--drive", drive]);
    // Play the bootloader: once the file is complete, "reboot" (the drive loses its files).
    const copied = path.join(drive, "NEW.UF2");
    const size = readFileSync(uf2Path).length;
    const end = Date.now() + 10000;
    while (!(existsSync(copied) && readFileSync(copied).length === size) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(readFileSync(copied).equals(readFileSync(uf2Path))).toBe(true);
    unlinkSync(path.join(drive, "INFO_UF2.TXT"));
    const r = await run.done;
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("(Board-ID: SAMD21G18A-Feather-v0)");
    expect(r.stdout).toContain("Done: the board restarted");
  });

  it("refuses a file for another family, with one line", async () => {
    const drive = fakeDrive("RPI-RP2", "RPI-RP2");
    const r = await tspy(["uf2", "flash", uf2Path, "--drive", drive]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/is for SAMD21 but the board on .* is RP2040 \(Board-ID: RPI-RP2\); use --force/);
    expect(existsSync(path.join(drive, "NEW.UF2"))).toBe(false);
  });

  it("refuses a directory that is not a bootloader drive, and a binary that is not UF2", async () => {
    const r = await tspy(["uf2", "flash", uf2Path, "--drive", dir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not a UF2 bootloader drive \(no INFO_UF2\.TXT\)/);
    const drive = fakeDrive("BOOT2", "SAMD21E18A-Trinket");
    const b = await tspy(["uf2", "flash", binPath, "--drive", drive]);
    expect(b.status).not.toBe(0);
    expect(b.stderr).toMatch(/is not a UF2 file; convert it first/);
  });
});
