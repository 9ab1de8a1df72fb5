// BoardFs against the virtual board (the real MicroPython VM): every byte value both ways, odd names,
// recursive copies, the skip-unchanged path, a link cut mid-copy, and rm -r confined to the board.
// What the board wrote is checked in the host directory behind it, not through BoardFs.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { copyFile, copyRecursive } from "../../src/fs/copy.js";

const SIZES = [0, 1, 255, 4095, 4096, 4097, 100 * 1024];

function random(n: number, seed: number): Buffer {
  let x = seed >>> 0;
  return Buffer.from(Uint8Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
}

async function connect(dir: string): Promise<{ stream: ByteStream; bfs: BoardFs }> {
  const stream = await openStream(`virtual:${dir}`);
  const repl = new RawRepl(stream);
  await repl.enter({ softReset: true });
  return { stream, bfs: BoardFs.for(repl) };
}

const opts = (lines: string[] = []) => ({ checkHash: true, say: (l: string) => lines.push(l) });

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-fs-"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function boardDir(name: string): string {
  const d = path.join(work, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

describe("files on the virtual board", () => {
  it("writes random binary files of every awkward size, byte for byte", async () => {
    const dir = boardDir("write");
    const { stream, bfs } = await connect(dir);
    try {
      for (const n of SIZES) {
        const data = random(n, n + 1);
        await bfs.writeFileAtomic(`f${n}.bin`, data);
        expect(fs.readFileSync(path.join(dir, `f${n}.bin`)).equals(data)).toBe(true);
      }
      const plan = await bfs.plan();
      expect(plan.write).toBe("bytes8"); // the fast path, not a fallback
      expect(fs.readdirSync(dir).filter((n) => n.includes("tspy"))).toEqual([]);
    } finally {
      await stream.close();
    }
  });

  it("reads them back, byte for byte", async () => {
    const dir = boardDir("read");
    for (const n of SIZES) fs.writeFileSync(path.join(dir, `f${n}.bin`), random(n, n + 7));
    const { stream, bfs } = await connect(dir);
    try {
      for (const n of SIZES) {
        const back = await bfs.readFile(`f${n}.bin`);
        expect(back.equals(random(n, n + 7))).toBe(true);
      }
      expect((await bfs.readPlan()).read).toMatch(/^escaped/);
      const sizes = Object.fromEntries((await bfs.listdir("")).map((e) => [e.name, e.size]));
      for (const n of SIZES) expect(sizes[`f${n}.bin`]).toBe(n);
    } finally {
      await stream.close();
    }
  });

  it("sends compressible files deflated where the board can inflate, and they arrive intact", async () => {
    const dir = boardDir("deflate");
    const text = Buffer.from(Array.from({ length: 3000 }, (_, i) => `line_${i % 97} = ${(i * 7919) % 1000}  # note ${i % 13}\n`).join(""));
    const { stream, bfs } = await connect(dir);
    try {
      expect((await bfs.caps()).deflate).toBe(true);
      await bfs.writeFileAtomic("big.py", text);
      expect(fs.readFileSync(path.join(dir, "big.py")).equals(text)).toBe(true);
    } finally {
      await stream.close();
    }
  });

  it("handles names with spaces and non-ASCII letters", async () => {
    const dir = boardDir("names");
    const { stream, bfs } = await connect(dir);
    try {
      await bfs.mkdir("dossier été");
      await bfs.writeFileAtomic("dossier été/my file ñ.py", Buffer.from("x = 'ü'\n"));
      expect(fs.readFileSync(path.join(dir, "dossier été", "my file ñ.py"), "utf8")).toBe("x = 'ü'\n");
      expect((await bfs.readFile("dossier été/my file ñ.py")).toString()).toBe("x = 'ü'\n");
      expect((await bfs.listdir("dossier été")).map((e) => e.name)).toEqual(["my file ñ.py"]);
      await bfs.remove("dossier été/my file ñ.py");
      await bfs.rmdir("dossier été");
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      await stream.close();
    }
  });

  it("copies directories recursively both ways", async () => {
    const dir = boardDir("recursive");
    const src = path.join(work, "pkg-src");
    fs.mkdirSync(path.join(src, "sub", "deeper"), { recursive: true });
    fs.writeFileSync(path.join(src, "__init__.py"), "from .x import x\n");
    fs.writeFileSync(path.join(src, "x.py"), random(3000, 3));
    fs.writeFileSync(path.join(src, "sub", "y.py"), "y = 1\n");
    fs.writeFileSync(path.join(src, "sub", "deeper", "z.bin"), random(5000, 5));
    const { stream, bfs } = await connect(dir);
    try {
      await copyRecursive(bfs, src, ":", false, opts());
      const files = (root: string) =>
        (fs.readdirSync(root, { recursive: true }) as string[]).sort().map((p) => [p, fs.statSync(path.join(root, p)).isFile() ? fs.readFileSync(path.join(root, p)).toString("hex") : "dir"]);
      expect(files(path.join(dir, "pkg-src"))).toEqual(files(src));
      // Into a new name on the board, then back to the host.
      await copyRecursive(bfs, ":pkg-src", ":pkg2", false, opts());
      expect(files(path.join(dir, "pkg2"))).toEqual(files(src));
      const back = path.join(work, "back");
      await copyRecursive(bfs, ":pkg2", back, false, opts());
      expect(files(back)).toEqual(files(src));
    } finally {
      await stream.close();
    }
  });

  it("skips files whose size and SHA-256 already match, unless forced", async () => {
    const dir = boardDir("skip");
    const local = path.join(work, "same.py");
    fs.writeFileSync(local, "print('same')\n");
    const { stream, bfs } = await connect(dir);
    try {
      const first: string[] = [];
      await copyFile(bfs, local, ":", false, opts(first));
      expect(first).toEqual([]);
      const mtime = fs.statSync(path.join(dir, "same.py")).mtimeMs;
      await new Promise((r) => setTimeout(r, 30));
      const second: string[] = [];
      await copyFile(bfs, local, ":", false, opts(second));
      expect(second).toEqual(["Up to date: ./same.py"]);
      expect(fs.statSync(path.join(dir, "same.py")).mtimeMs).toBe(mtime);
      const forced: string[] = [];
      await copyFile(bfs, local, ":", false, { ...opts(forced), checkHash: false });
      expect(forced).toEqual([]);
      fs.writeFileSync(local, "print('diff')\n"); // same size, other bytes
      const changed: string[] = [];
      await copyFile(bfs, local, ":same.py", false, opts(changed));
      expect(changed).toEqual([]);
      expect(fs.readFileSync(path.join(dir, "same.py"), "utf8")).toBe("print('diff')\n");
    } finally {
      await stream.close();
    }
  });

  it("a copy cut off mid-transfer leaves the old file, and no temporary file after the next connection", async () => {
    const dir = boardDir("cut");
    const old = Buffer.from("print('old version')\n");
    fs.writeFileSync(path.join(dir, "main.py"), old);
    const first = await connect(dir);
    let cut = false;
    await expect(
      first.bfs.writeFileAtomic("main.py", random(100 * 1024, 99), {
        onProgress: (done, total) => {
          if (done > 0 && done < total && !cut) {
            cut = true;
            void first.stream.close(); // the link goes away between chunks
          }
        },
      }),
    ).rejects.toThrow();
    expect(cut).toBe(true);
    expect(fs.readFileSync(path.join(dir, "main.py")).equals(old)).toBe(true);

    const second = await connect(dir);
    try {
      await second.bfs.caps(); // the next connection cleans up
      expect(fs.readdirSync(dir).sort()).toEqual(["main.py"]);
      expect(fs.readFileSync(path.join(dir, "main.py")).equals(old)).toBe(true);
    } finally {
      await second.stream.close();
    }
  });

  it("rm -r :/ removes the board's files and nothing beside the board's directory", async () => {
    const outer = boardDir("confined");
    const dir = path.join(outer, "board");
    fs.mkdirSync(path.join(dir, "lib", "sub"), { recursive: true });
    fs.writeFileSync(path.join(dir, "main.py"), "x\n");
    fs.writeFileSync(path.join(dir, "lib", "sub", "a.py"), "a\n");
    fs.writeFileSync(path.join(outer, "precious.txt"), "keep me\n");
    const { stream, bfs } = await connect(dir);
    const steps: string[] = [];
    try {
      await bfs.removeTree("/", (kind, p) => steps.push(`${kind} ${p}`)).catch((e) => steps.push(`error ${(e as Error).message}`));
    } finally {
      await stream.close();
    }
    expect(steps).toContain("file /main.py");
    expect(steps).toContain("dir /lib");
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.readFileSync(path.join(outer, "precious.txt"), "utf8")).toBe("keep me\n");
  });
});
