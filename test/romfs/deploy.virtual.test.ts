// romfs query and deploy on the virtual board. Its VM has no ROM partition (no vfs.rom_ioctl, which
// `romfs query` reports); for deploy, a boot prelude gives it one of each kind a board offers — a
// memoryview with rom_ioctl erase/write/finish, or a block-device object — whose bytes the test reads.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openVirtualBoard } from "../../src/transport/virtual/index.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { deployRomfs, queryRomfs } from "../../src/romfs/board.js";
import { encodeImage } from "../../src/romfs/image.js";
import { parsePyLiteral } from "../../src/fs/py-literal.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { lf, tspy } from "../helpers/cli.js";

// 3 blocks of 4096 bytes, erased to 0xFF. ioctl numbers as vfs_rom documents them (1 count, 2 get,
// 3 erase, 4 write, 5 finish, 6 block size); the object kind uses block-device ioctls 4/5/6.
const MEMORYVIEW_PARTITION = `
import sys, vfs as _real
_mem = bytearray(b"\\xff" * 12288)
_log = []
class vfs:
    mount = _real.mount
    umount = _real.umount
    @staticmethod
    def rom_ioctl(op, *a):
        _log.append(op)
        if op == 1:
            return 1
        if a[0] != 0:
            return -19
        if op == 2:
            return memoryview(_mem)
        if op == 6:
            return 4096
        if op == 3:
            off, n = (a[1], a[2]) if len(a) == 3 else (0, a[1])
            for i in range(off, off + n):
                _mem[i] = 0xff
            return 16
        if op == 4:
            _mem[a[1]:a[1] + len(a[2])] = a[2]
            return 0
        if op == 5:
            return 0
        return -22
sys.modules["vfs"] = vfs
`;

const OBJECT_PARTITION = `
import sys, vfs as _real
_mem = bytearray(b"\\xff" * 8192)
_log = []
class _Dev:
    def ioctl(self, op, arg):
        _log.append(op)
        if op == 4:
            return 4
        if op == 5:
            return 2048
        if op == 6:
            _mem[arg * 2048:(arg + 1) * 2048] = b"\\xff" * 2048
            return 0
    def writeblocks(self, block, buf, offset=0):
        at = block * 2048 + offset
        _mem[at:at + len(buf)] = buf
    def __len__(self):
        return len(_mem)
class vfs:
    mount = _real.mount
    umount = _real.umount
    @staticmethod
    def rom_ioctl(op, *a):
        if op == 1:
            return 1
        if op == 2:
            return _Dev()
        return -22
sys.modules["vfs"] = vfs
`;

let work: string;
const streams: ByteStream[] = [];
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-romfs-vb-"));
});
afterEach(async () => {
  for (const s of streams.splice(0)) await s.close();
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

async function board(prelude: string): Promise<RawRepl> {
  const stream = await openVirtualBoard(work, { prelude });
  streams.push(stream);
  const repl = new RawRepl(stream);
  await repl.enter({ softReset: true });
  return repl;
}

function image(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return encodeImage([{ name: "blob.bin", kind: "file", data }]);
}

async function romBytes(repl: RawRepl, n: number): Promise<Buffer> {
  return Buffer.from(parsePyLiteral(await repl.eval(`bytes(_mem[:${n}])`)) as Uint8Array);
}

describe("romfs on the virtual board", () => {
  it("query says when the firmware has no ROMFS", async () => {
    const r = await tspy(["-d", `virtual:${work}`, "romfs", "query"]);
    expect(lf(r.stdout)).toBe("ROMFS is not enabled on this device\n");
    expect(r.status).toBe(0);
  });

  it("deploy on firmware without ROMFS: the image is built, then one error line", async () => {
    const src = path.join(work, "..", `${path.basename(work)}-src`);
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, "a.txt"), "a");
    const r = await tspy(["-d", `virtual:${work}`, "romfs", "deploy", src]);
    fs.rmSync(src, { recursive: true, force: true });
    expect(lf(r.stdout)).toBe(`Building romfs filesystem, source directory: ${src}/\n/\n\\-- a.txt\nImage size is 16 bytes\n`);
    expect(r.stderr).toBe("tspy: ROMFS is not enabled on this device\n");
    expect(r.status).toBe(1);
  });

  it("deploys into a memoryview partition (erase, write, finish) and query reads it back", async () => {
    const repl = await board(MEMORYVIEW_PARTITION);
    const img = image(6000);
    const lines: string[] = [];
    await deployRomfs(repl, img, 0, (l) => lines.push(l));
    expect(lines).toEqual(["ROMFS0 partition has size 12288 bytes (3 blocks of 4096 bytes each)", "ROMFS image deployed"]);
    expect((await romBytes(repl, img.length)).equals(img)).toBe(true);
    // Erase before write, finish at the end.
    expect(await repl.eval("_log[-1]")).toBe("5");
    const q: string[] = [];
    await queryRomfs(repl, (l) => q.push(l));
    expect(q[0]).toBe("ROMFS0 partition has size 12288 bytes (3 blocks of 4096 bytes each)");
    expect(q[1]).toBe(`  Raw contents: ${[...img.subarray(0, 12)].map((b) => b.toString(16).padStart(2, "0")).join(":")} ...`);
    expect(q[2]).toBe(`  ROMFS image size: ${img.length - 5}`);
  });

  it("deploys into a block-device partition (erase each block, writeblocks)", async () => {
    const repl = await board(OBJECT_PARTITION);
    const img = image(3000);
    const lines: string[] = [];
    await deployRomfs(repl, img, 0, (l) => lines.push(l));
    expect(lines[0]).toBe("ROMFS0 partition has size 8192 bytes (4 blocks of 2048 bytes each)");
    expect((await romBytes(repl, img.length)).equals(img)).toBe(true);
  });

  it("refuses an image bigger than the partition, and a file that is not an image, in one line", async () => {
    const repl = await board(MEMORYVIEW_PARTITION);
    await expect(deployRomfs(repl, image(20000), 0, () => undefined)).rejects.toThrow("ROMFS image is too big for the target partition");
    await expect(deployRomfs(repl, Buffer.from("not an image"), 0, () => undefined)).rejects.toThrow("Invalid ROMFS image");
    await expect(deployRomfs(repl, image(10), 3, () => undefined)).rejects.toThrow("ROMFS3 partition not found on device");
  });
});
