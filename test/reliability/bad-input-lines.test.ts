// Issue 12 items 12, 13, 15: no raw library text for a file that is not a serial port; uf2 convert
// refuses a base that wraps past 4 GB and an empty input; a failing $EDITOR is a failure.
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

let dir: string;
beforeAll(async () => {
  dir = await tempDir("bad-input");
});

const oneLine = (stderr: string) => {
  expect(stderr.trim().split("\n")).toHaveLength(1);
  expect(stderr).not.toMatch(/internal error|\n\s+at |Error: /);
};

describe("a device that is not a serial port", () => {
  for (const dev of ["/etc/passwd", "/dev/null"]) {
    it(`${dev}: "not a serial port"`, async () => {
      const r = await tspy(["-d", dev, "ls"]);
      expect(r.status).not.toBe(0);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(new RegExp(`${dev}: not a serial port`));
      expect(r.stderr).not.toMatch(/ioctl|baud/);
    });
  }
});

describe("uf2 convert", () => {
  it("refuses a --base that would wrap around 4 GB", async () => {
    const bin = path.join(dir, "a.bin");
    fs.writeFileSync(bin, Buffer.alloc(1000, 7));
    const out = path.join(dir, "a.uf2");
    const r = await tspy(["uf2", "convert", bin, "--base", "0xFFFFFFFF", "-o", out]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/32-bit address space/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it("takes an image that ends exactly at 4 GB", async () => {
    const bin = path.join(dir, "top.bin");
    fs.writeFileSync(bin, Buffer.alloc(256, 7));
    const r = await tspy(["uf2", "convert", bin, "--base", "0xFFFFFF00", "-o", path.join(dir, "top.uf2")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("refuses an empty input", async () => {
    const bin = path.join(dir, "empty.bin");
    fs.writeFileSync(bin, "");
    const out = path.join(dir, "empty.uf2");
    const r = await tspy(["uf2", "convert", bin, "-o", out]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/empty/);
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("tspy edit with a failing $EDITOR", () => {
  it("exits non-zero and leaves the board file as it was", async () => {
    const board = path.join(dir, "board");
    fs.mkdirSync(board);
    fs.writeFileSync(path.join(board, "main.py"), "print(1)\n");
    // An editor that changes the file and then fails: its change must not be written back.
    const editor = path.join(dir, "bad-editor.sh");
    fs.writeFileSync(editor, '#!/bin/sh\necho "print(2)" > "$1"\nexit 3\n', { mode: 0o755 });
    const r = await tspy(["-d", `virtual:${board}`, "edit", ":main.py"], { env: { EDITOR: editor } });
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/exited with status 3/);
    expect(fs.readFileSync(path.join(board, "main.py"), "utf8")).toBe("print(1)\n");
  });
});
