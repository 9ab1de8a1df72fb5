// The micro:bit's flat filesystem and 16 KB of RAM, on real MicroPython 1.9.2 firmware in QEMU:
// no directories, no os.stat/ilistdir/rename/hashlib, plain raw REPL only.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { detect } from "../../src/fs/snippets.js";
import { startMicrobit, type QemuBoard } from "../helpers/qemu-microbit.js";
import { lf, tspy } from "../helpers/cli.js";
import { tightHeap } from "../helpers/tight-heap.js";

function random(n: number, seed: number): Buffer {
  let x = seed >>> 0;
  return Buffer.from(Uint8Array.from({ length: n }, () => ((x = (x * 1103515245 + 12345) >>> 0) >>> 16) & 0xff));
}

let board: QemuBoard;
let work: string;
beforeAll(async () => {
  board = await startMicrobit();
  work = fs.mkdtempSync(path.join(os.tmpdir(), "tspy-mb-"));
});
afterAll(async () => {
  await board?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe("files on the QEMU micro:bit (MicroPython 1.9.2)", () => {
  it("round-trips random binary files through a flat filesystem, leaving no temporary files", async () => {
    const stream: ByteStream = await openStream(board.path);
    try {
      // Paced as a micro:bit UART needs: QEMU's loses bytes of bigger bursts now and then.
      const repl = new RawRepl(stream, { chunkSize: 32, chunkDelayMs: 10 });
      await repl.enter({ softReset: true });
      const bfs = BoardFs.for(repl);
      const caps = await bfs.caps();
      expect(caps.mkdir).toBe(false);
      expect(caps.hashlib).toBe(null);
      for (const n of [0, 1, 255, 4095, 4096, 4097]) {
        const data = random(n, n + 3);
        await bfs.writeFileAtomic(`f${n}.bin`, data);
        expect((await bfs.readFile(`f${n}.bin`)).equals(data)).toBe(true);
        await bfs.writeFileAtomic(`f${n}.bin`, random(n, n + 4)); // over an existing file
        expect((await bfs.readFile(`f${n}.bin`)).equals(random(n, n + 4))).toBe(true);
        await bfs.remove(`f${n}.bin`);
      }
      expect(["bytes8", "ascii"]).toContain((await bfs.plan()).write);
      expect(await bfs.listdir("")).toEqual([]);
    } finally {
      await stream.close();
    }
  }, 120_000);

  it("reads in steps on the real firmware when the one read program meets MemoryError (sha256sum without hashlib)", async () => {
    // The firmware's own MemoryError for that program comes and goes with the heap's state (after
    // imports, see test/fs/tight-heap.virtual.test.ts): here the link answers it, and a 64-byte
    // chunk, as the board would; the steps themselves run on the firmware.
    const inner = await openStream(board.path);
    const oneProgram = (p: Buffer) => p.includes("_f=open(_p,") && p.includes("while 1:");
    const heap = tightHeap(inner, Infinity, (p) => oneProgram(p) || p.includes(".read(64)"));
    try {
      const repl = new RawRepl(heap.link, { chunkSize: 32, chunkDelayMs: 10 });
      await repl.enter({ softReset: true });
      const bfs = BoardFs.for(repl);
      const data = random(300, 7);
      await bfs.writeFileAtomic("s.bin", data);
      expect((await bfs.readFile("s.bin")).equals(data)).toBe(true);
      expect(heap.sent.filter(oneProgram)).toHaveLength(1);
      // 10 chunks and the empty one (more where a program arrived damaged and went again).
      expect(heap.sent.filter((p) => p.includes("_tspy_r.read(32)")).length).toBeGreaterThanOrEqual(Math.ceil(300 / 32) + 1);
      const a = Buffer.from('print("Hello")\nprint("World")\n');
      await bfs.writeFileAtomic("a.py", a);
      expect(await bfs.sha256("a.py")).toBe("50f0a701dd6cd6125387b96515300c9d5294c006518f8e62fa9eea3b66587f21");
      await expect(bfs.readFile("nope.py")).rejects.toMatchObject({ errno: 2 });
      expect(Buffer.from(await repl.exec("print(_tspy_r)")).toString().trim()).toBe("None");
      await bfs.remove("s.bin");
      await bfs.remove("a.py");
    } finally {
      await heap.link.close();
    }
  }, 120_000);

  it("detects in parts on the real firmware when the one detection program meets MemoryError", async () => {
    // As after a few imports (the firmware's MemoryError for it comes and goes with the heap): the link
    // answers the whole program as the board would; the parts run on the firmware.
    const inner = await openStream(board.path);
    const heap = tightHeap(inner, Infinity, (p) => p.toString("latin1") === detect);
    try {
      const repl = new RawRepl(heap.link, { chunkSize: 32, chunkDelayMs: 10 });
      await repl.enter({ softReset: true });
      const caps = await BoardFs.for(repl).caps();
      expect(heap.refused).toHaveLength(1);
      expect([caps.mkdir, caps.hashlib, caps.implementation, caps.platform, caps.stdoutBuffer]).toEqual([false, null, "micropython", "microbit", false]);
      expect(caps.memFree).toBeGreaterThan(0);
    } finally {
      await heap.link.close();
    }
  }, 120_000);

  it("cp and ls from the command line; mkdir says there are no directories", async () => {
    fs.writeFileSync(path.join(work, "a.py"), 'print("Hello")\nprint("World")\n');
    let r = await tspy(["-d", board.path, "mkdir", ":lib"], { cwd: work });
    expect({ err: lf(r.stderr), status: r.status }).toEqual({ err: "tspy: mkdir: this board's filesystem has no directories\n", status: 1 });
    r = await tspy(["-d", board.path, "cp", "a.py", ":", "+", "ls"], { cwd: work });
    expect({ out: lf(r.stdout), err: r.stderr, status: r.status }).toEqual({ out: "cp a.py :\nls :\n          30 a.py\n", err: "", status: 0 });
  }, 120_000);
});
