// ROMFS image building, offline: the exact bytes of a small tree (worked out by hand from the format in
// extmod/vfs_rom.c), the even-length padding, sorted names, .py compiled to .mpy, and the CLI's lines.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildImage, decodeImage, encodeImage, encodeUint, imageHeader } from "../../src/romfs/image.js";
import { lf, tspy } from "../helpers/cli.js";

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-romfs-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("romfs images", () => {
  it("encodes numbers 7 bits a byte, most significant first", () => {
    expect([...encodeUint(0)]).toEqual([0]);
    expect([...encodeUint(127)]).toEqual([0x7f]);
    expect([...encodeUint(128)]).toEqual([0x81, 0x00]);
    expect([...encodeUint(300)]).toEqual([0x82, 0x2c]);
    expect([...encodeUint(16384)]).toEqual([0x81, 0x80, 0x00]);
  });

  it("lays out a file and a directory as the format says", () => {
    const image = encodeImage([
      { name: "a", kind: "file", data: Buffer.from("hi") },
      { name: "d", kind: "dir", entries: [{ name: "b", kind: "file", data: Buffer.from("") }] },
    ]);
    // file a: 05 len(02 'a' 02 02 "hi") = 05 06 01 61 02 02 68 69
    // dir d: 04 len(01 'd' [file b: 05 04 01 62 02 00]) = 04 08 01 64 05 04 01 62 02 00
    const body = [0x05, 0x06, 0x01, 0x61, 0x02, 0x02, 0x68, 0x69, 0x04, 0x08, 0x01, 0x64, 0x05, 0x04, 0x01, 0x62, 0x02, 0x00];
    // 3 header bytes + 1 length byte + 18 = 22: even, no padding.
    expect([...image]).toEqual([0xd2, 0xcd, 0x31, body.length, ...body]);
  });

  it("pads an odd-length image with a leading 0x80 on the length", () => {
    const image = encodeImage([{ name: "a", kind: "file", data: Buffer.from("h") }]);
    expect([...image]).toEqual([0xd2, 0xcd, 0x31, 0x80, 0x07, 0x05, 0x05, 0x01, 0x61, 0x02, 0x01, 0x68]);
    expect(image.length % 2).toBe(0);
    expect(imageHeader(image)).toEqual({ bodyStart: 5, bodyLength: 7 });
  });

  it("builds from a directory in sorted order, and reads back what went in", () => {
    const src = path.join(work, "tree");
    fs.mkdirSync(path.join(src, "lib"), { recursive: true });
    fs.writeFileSync(path.join(src, "zeta.txt"), "z");
    fs.writeFileSync(path.join(src, "alpha.bin"), Buffer.from([0, 255, 10]));
    fs.writeFileSync(path.join(src, "lib", "m.py"), "X = 1\n");
    const entries = decodeImage(buildImage(src));
    expect(entries.map((e) => e.name)).toEqual(["alpha.bin", "lib", "zeta.txt"]);
    expect(entries[0]).toEqual({ name: "alpha.bin", kind: "file", data: Buffer.from([0, 255, 10]) });
    expect(entries[1]).toEqual({ name: "lib", kind: "dir", entries: [{ name: "m.py", kind: "file", data: Buffer.from("X = 1\n") }] });
  });

  it("tspy romfs build: mpremote's lines, .py compiled to .mpy by default, --no-mpy keeps them", async () => {
    const src = path.join(work, "app");
    fs.mkdirSync(path.join(src, "pkg"), { recursive: true });
    fs.writeFileSync(path.join(src, "main.py"), "print('hi')\n");
    fs.writeFileSync(path.join(src, "pkg", "__init__.py"), "");
    fs.writeFileSync(path.join(src, "pkg", "data.txt"), "d");
    const r = await tspy(["romfs", "build", src]);
    expect(r.stderr).toBe("");
    const image = fs.readFileSync(`${src}.romfs`);
    expect(lf(r.stdout)).toBe(
      `Building romfs filesystem, source directory: ${src}/\n/\n|-- main.py -> .mpy\n\\-- pkg/\n    |-- __init__.py -> .mpy\n    \\-- data.txt\n` +
        `Writing ${image.length} bytes to output file ${src}.romfs\n`,
    );
    const [main, pkg] = decodeImage(image);
    expect(main!.name).toBe("main.mpy");
    // An .mpy starts with 'M' and version 6.
    expect([...(main as { data: Uint8Array }).data.subarray(0, 2)]).toEqual([0x4d, 6]);
    expect((pkg as { entries: { name: string }[] }).entries.map((e) => e.name)).toEqual(["__init__.mpy", "data.txt"]);

    const out = path.join(work, "plain.img");
    const plain = await tspy(["romfs", "--no-mpy", "build", src, "-o", out]);
    expect(plain.status).toBe(0);
    expect(decodeImage(fs.readFileSync(out))[0]).toEqual({ name: "main.py", kind: "file", data: Buffer.from("print('hi')\n") });
  });

  it("--help lists its commands, and options go before or after the command", async () => {
    const help = await tspy(["romfs", "--help"]);
    expect(help.stdout).toMatch(/\nCommands:\n  query +.+\n  build +.+\n  deploy +.+\n/);
    const src = path.join(work, "either");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "main.py"), "print(1)\n");
    expect((await tspy(["romfs", "--no-mpy", "-o", path.join(work, "a.img"), "build", src])).status).toBe(0);
    expect((await tspy(["romfs", "build", src, "--no-mpy", "-o", path.join(work, "b.img")])).status).toBe(0);
    expect(fs.readFileSync(path.join(work, "a.img"))).toEqual(fs.readFileSync(path.join(work, "b.img")));
    expect(decodeImage(fs.readFileSync(path.join(work, "a.img")))[0]).toEqual({ name: "main.py", kind: "file", data: Buffer.from("print(1)\n") });
  });

  it("bad input: one line, non-zero exit", async () => {
    const none = await tspy(["romfs", "build", path.join(work, "missing")]);
    expect(none.stderr).toBe(`tspy: romfs: ${path.join(work, "missing")}: no such file or directory\n`);
    expect(none.status).toBe(2);
    const bad = await tspy(["romfs", "frob"]);
    expect(bad.stderr).toBe('tspy: romfs: unknown command "frob" (one of query, build, deploy)\n');
    expect(bad.status).toBe(2);
    const noPath = await tspy(["romfs", "build"]);
    expect(noPath.stderr).toBe("tspy: romfs build: source path not given\n");
    const src = path.join(work, "broken");
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, "bad.py"), "def (:\n");
    const syntax = await tspy(["romfs", "build", src]);
    expect(syntax.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(syntax.stderr).toMatch(/^tspy: romfs: bad\.py: /);
    expect(syntax.status).toBe(1);
  });
});
