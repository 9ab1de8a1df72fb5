// Issue 12 items 4 and 11: a host file tspy writes (cp :f DEST, mpy-cross -o, uf2 convert -o, esptool
// read_flash / merge_bin -o, bossac -r) is written the way Unix tools write it: through devices, FIFOs
// and symlinks, keeping the mode and hard links, `-` for stdout; a bad output path is one line, said
// before any slow work.
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, TSPY, tspy } from "../helpers/cli.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

let dir: string;
let board: string;
const NEW = "new contents\n";

beforeAll(async () => {
  dir = await tempDir("host-out");
  fs.mkdirSync(path.join(dir, "board"));
  fs.writeFileSync(path.join(dir, "board", "f.txt"), NEW);
  board = `virtual:${path.join(dir, "board")}`;
});

const cp = (dest: string) => tspy(["-d", board, "cp", ":f.txt", dest]);

describe("cp :f DEST on the host", () => {
  /** cp to a symlink named `name` whose target (`targetName`) holds `old`, or is missing when undefined. */
  async function cpThroughLink(name: string, targetName: string, old: string | undefined) {
    const target = path.join(dir, targetName);
    const link = path.join(dir, name);
    if (old !== undefined) fs.writeFileSync(target, old);
    fs.symlinkSync(target, link);
    const r = await cp(link);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(target, "utf8")).toBe(NEW);
  }

  it("writes through a symlink: the link stays, its target gets the bytes", () => cpThroughLink("link.txt", "target.txt", "old\n"));

  it("creates the target of a dangling symlink through the link, as `cat > link` does", () => cpThroughLink("dangling.txt", "not-yet.txt", undefined));

  it("writes a file that did not exist", async () => {
    const fresh = path.join(dir, "fresh.txt");
    const r = await cp(fresh);
    expect(r.stderr).toBe("");
    expect(fs.lstatSync(fresh).isFile()).toBe(true);
    expect(fs.readFileSync(fresh, "utf8")).toBe(NEW);
  });

  it("keeps the mode of an existing file", async () => {
    const f = path.join(dir, "secret.txt");
    fs.writeFileSync(f, "old\n");
    fs.chmodSync(f, 0o600);
    expect((await cp(f)).status).toBe(0);
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(f, "utf8")).toBe(NEW);
  });

  it("keeps a hard link: both names see the new bytes", async () => {
    const a = path.join(dir, "hard-a.txt");
    const b = path.join(dir, "hard-b.txt");
    fs.writeFileSync(a, "old\n");
    fs.linkSync(a, b);
    expect((await cp(a)).status).toBe(0);
    expect(fs.readFileSync(b, "utf8")).toBe(NEW);
    expect(fs.statSync(a).ino).toBe(fs.statSync(b).ino);
  });

  it("writes into a FIFO instead of replacing it", async () => {
    const fifo = path.join(dir, "pipe");
    execFileSync("mkfifo", [fifo]);
    const reader = new Promise<string>((resolve) => {
      const cat = spawn("cat", [fifo]);
      let text = "";
      cat.stdout.on("data", (d) => (text += d));
      cat.on("close", () => resolve(text));
    });
    const r = await cp(fifo);
    expect(r.status).toBe(0);
    expect(await reader).toBe(NEW);
    expect(fs.lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("writes into a character device: /dev/full gives one ENOSPC line and a non-zero status", async () => {
    const r = await cp("/dev/full");
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/No space left on device/);
    expect(fs.statSync("/dev/full").isCharacterDevice()).toBe(true);
  });

  it("/dev/stdout (a link to a pipe) gets the bytes", async () => {
    const r = await cp("/dev/stdout");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(NEW);
  });

  it("`-` is stdout", async () => {
    const r = await cp("-");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(NEW);
    expect(fs.existsSync(path.join(ROOT, "-"))).toBe(false);
  });

  it("replaces a plain file whole and leaves no temp file beside it", async () => {
    const f = path.join(dir, "plain", "p.txt");
    fs.mkdirSync(path.dirname(f));
    fs.writeFileSync(f, "old\n");
    const ino = fs.statSync(f).ino;
    expect((await cp(f)).status).toBe(0);
    expect(fs.readFileSync(f, "utf8")).toBe(NEW);
    expect(fs.statSync(f).ino).not.toBe(ino); // renamed over: a reader never sees half a file
    expect(fs.readdirSync(path.dirname(f))).toEqual(["p.txt"]);
  });
});

describe("output-path errors are one line, before the slow work", () => {
  const oneLine = (stderr: string) => {
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).not.toMatch(/internal error|\n\s+at /);
  };

  it("uf2 convert -o into a missing directory", async () => {
    const bin = path.join(dir, "fw.bin");
    fs.writeFileSync(bin, Buffer.alloc(600, 1));
    const r = await tspy(["uf2", "convert", bin, "-o", "/nonexistent/x.uf2"]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/\/nonexistent\/x\.uf2: No such file or directory/);
  });

  it("merge_bin -o into a path under a regular file", async () => {
    const bin = path.join(dir, "app.bin");
    fs.writeFileSync(bin, Buffer.alloc(64, 0xaa));
    const r = await tspy(["esptool", "merge_bin", "-o", path.join(bin, "merged.bin"), "0x1000", bin]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/Not a directory/);
  });

  it("read_flash names the output path before it opens the port", async () => {
    const r = await tspy(["esptool", "--port", "/dev/tspy-no-such-port", "read_flash", "0", "0x1000", "/nonexistent/x"]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/\/nonexistent\/x: No such file or directory/);
    expect(r.stderr).not.toMatch(/tspy-no-such-port/);
  });

  it("bossac -r names the output path before it opens the port", async () => {
    const r = await tspy(["bossac", "--port", "/dev/tspy-no-such-port", "-r", "/nonexistent/x"]);
    expect(r.status).not.toBe(0);
    oneLine(r.stderr);
    expect(r.stderr).toMatch(/\/nonexistent\/x: No such file or directory/);
  });

  it("mpy-cross -o writes through a symlink and keeps the mode", async () => {
    const src = path.join(dir, "m.py");
    fs.writeFileSync(src, "x = 1\n");
    const real = path.join(dir, "m-real.mpy");
    fs.writeFileSync(real, "old");
    fs.chmodSync(real, 0o640);
    const link = path.join(dir, "m-link.mpy");
    fs.symlinkSync(real, link);
    const r = await tspy(["mpy-cross", "-o", link, src]);
    expect(r.stderr).toBe("");
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(real)[0]).toBe(0x4d); // 'M', an .mpy header
    expect(fs.statSync(real).mode & 0o777).toBe(0o640);
  });
});
