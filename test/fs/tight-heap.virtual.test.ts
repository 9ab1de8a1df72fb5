// A board whose heap is too fragmented for a long guarded program (the QEMU micro:bit after a few
// imports: "MemoryError: memory allocation failed, allocating 912 bytes" for the `_c=b'...'` literal
// of a small file's one-exec write). The virtual board playing 1.12 (plain raw, so programs travel
// guarded) sits behind a link that answers such a program as that board does, without running it.
// The write must still land, through begin/data/commit one by one, without sending the refused
// program again and without slowing the link down (a MemoryError is not a damaged program).
// Reads likewise: on a board without hashlib (the micro:bit) sha256sum reads the file to the host,
// and that read's one program met the same MemoryError right after three imports; it then goes as
// open, one small program per chunk, close, and gives back the exact bytes.
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { createHash } from "node:crypto";
import { BoardFs } from "../../src/fs/board-fs.js";
import { detect, detectInParts } from "../../src/fs/snippets.js";
import { ENOMEM, FsError } from "../../src/fs/errors.js";
import type { ReadEncoding } from "../../src/fs/codec.js";
import { writeError } from "../../src/cli/report-error.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";
import { tightHeap } from "../helpers/tight-heap.js";

afterAll(removeTempDirs);

describe("a small write on a board without the heap for it in one program", () => {
  it("lands through begin, data and commit one by one, the refused program sent once, the pace kept", async () => {
    const dir = await tempDir("tight-heap");
    const inner = await openStream(`virtual:${dir}?firmware=1.12`);
    const { link, refused } = tightHeap(inner, 1100);
    const repl = new RawRepl(link);
    try {
      await repl.enter({ softReset: true });
      const bfs = BoardFs.for(repl);
      await bfs.caps();
      await bfs.listdir("/"); // a guarded program: the plain-raw pace is probed here
      const pace = repl.plainPace;
      expect(pace).not.toBeNull();
      const data = Buffer.from('print("Goodbye")\nprint("World")\n');
      await bfs.writeFileAtomic("/d.py", data);
      expect(fs.readFileSync(path.join(dir, "d.py")).equals(data)).toBe(true);
      expect(fs.readdirSync(dir)).toEqual(["d.py"]); // no temporary file or journal left
      // The one-exec write was refused once (it is longer than the limit; begin, data and commit are not).
      expect(refused.length).toBe(1);
      expect(refused[0]).toBeGreaterThan(1100);
      expect(repl.plainPace).toEqual(pace);
      // A second write goes the same way, at the same pace.
      await bfs.writeFileAtomic("/d.py", Buffer.from("x = 2\n"));
      expect(fs.readFileSync(path.join(dir, "d.py"), "utf8")).toBe("x = 2\n");
      expect(refused.length).toBe(2);
      expect(repl.plainPace).toEqual(pace);
    } finally {
      await link.close();
    }
  }, 60_000);
});

/** Until the next soft reset the board has no hashlib (as the micro:bit): detection finds none. */
const WITHOUT_HASHLIB = `import builtins
_ti=builtins.__import__
def _nh(n,*a):
 if n in ('hashlib','uhashlib'):raise ImportError(n)
 return _ti(n,*a)
builtins.__import__=_nh
`;

/** The one-program read (readEscaped / readLines): the only program here with a `while` loop. */
const isOneProgramRead = (p: Buffer) => p.includes("_f=open(_p,") && p.includes("while 1:");
/** A program of the stepped read (open, chunk, close, abort). */
const isStep = (p: Buffer) => p.includes("_tspy_r");

describe("a read on a board without the heap for the one read program", () => {
  /** The 1.12 virtual board without hashlib behind a tight heap; `files` put in its directory first. */
  async function board(files: Record<string, Buffer>, limit: number, alsoRefuse?: (p: Buffer) => boolean) {
    const dir = await tempDir("tight-heap-read");
    for (const [name, data] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), data);
    const inner = await openStream(`virtual:${dir}?firmware=1.12`);
    const heap = tightHeap(inner, limit, alsoRefuse);
    const repl = new RawRepl(heap.link);
    await repl.enter({ softReset: true });
    await repl.exec(WITHOUT_HASHLIB);
    const bfs = BoardFs.for(repl);
    expect((await bfs.caps()).hashlib).toBeNull();
    const plan = await bfs.readPlan();
    return { dir, heap, repl, bfs, plan };
  }

  const source = Buffer.from('print("Hello")\nprint("World")\n');
  // Every byte value, LF and DLE among them, over several chunks.
  const binary = Buffer.from(Array.from({ length: 1500 }, (_, i) => (i * 37 + (i >> 8)) & 0xff));
  const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

  it("sha256sum reads the file in steps when the one program gets MemoryError: the exact digest", async () => {
    // Step programs stay under 400 bytes guarded; the one-program read is longer in every encoding.
    const { heap, bfs, plan } = await board({ "a.py": source }, 420);
    try {
      expect(plan.read).toBe("escaped-lf");
      const n = heap.sent.length;
      expect(await bfs.sha256("a.py")).toBe(sha(source));
      const sent = heap.sent.slice(n);
      expect(sent.filter(isOneProgramRead)).toHaveLength(1); // refused, and not sent again
      expect(heap.refused).toHaveLength(1);
      expect(sent.filter(isStep).length).toBeGreaterThanOrEqual(3); // open, a chunk, the empty chunk, close
      expect(Math.max(...sent.filter(isStep).map((p) => p.length))).toBeLessThanOrEqual(420);
    } finally {
      await heap.link.close();
    }
  }, 60_000);

  it("readFile gives back the exact bytes in each read encoding, over several chunks, the session closed", async () => {
    const { heap, repl, bfs, plan } = await board({ "b.bin": binary, "e.py": Buffer.alloc(0) }, 420);
    try {
      for (const enc of ["escaped-lf", "base64", "repr"] as ReadEncoding[]) {
        plan.read = enc;
        const refused = heap.refused.length;
        const back = await bfs.readFile("b.bin");
        expect([enc, back.equals(binary)]).toEqual([enc, true]);
        expect(heap.refused.length).toBe(refused + 1);
        expect((await bfs.readFile("e.py")).length).toBe(0);
      }
      // Nothing of the session is left open on the board.
      expect(Buffer.from(await repl.exec("print(_tspy_r,_tspy_d)")).toString().trim()).toBe("None None");
      // A missing file is still the usual error.
      await expect(bfs.readFile("nope.py")).rejects.toMatchObject({ op: "read", path: "nope.py", errno: 2 });
    } finally {
      await heap.link.close();
    }
  }, 120_000);

  it("a chunk the heap has no room for is asked for again smaller, nothing of the file lost", async () => {
    // Chunks of 256 and 128 bytes meet MemoryError (the step is refused before it runs).
    const { heap, bfs } = await board({ "b.bin": binary }, 420, (p) => p.includes(".read(256)") || p.includes(".read(128)"));
    try {
      expect((await bfs.readFile("b.bin")).equals(binary)).toBe(true);
      const chunks = heap.sent.filter((p) => isStep(p) && p.includes("_tspy_r.read("));
      expect(chunks.filter((p) => p.includes(".read(64)")).length).toBe(Math.ceil(binary.length / 64) + 1);
    } finally {
      await heap.link.close();
    }
  }, 120_000);

  it("with no room even for the steps: one FsError (ENOMEM) in one line, and the board still usable", async () => {
    const { heap, bfs } = await board({ "a.py": source }, 420);
    try {
      heap.limit = 100; // every guarded program now meets MemoryError
      const e = await bfs.readFile("a.py").then(() => null, (err: unknown) => err);
      expect(e).toBeInstanceOf(FsError);
      expect((e as FsError).errno).toBe(ENOMEM);
      const lines: string[] = [];
      writeError((e as FsError).forCommand("sha256sum"), { write: (t: string) => lines.push(t) } as unknown as NodeJS.WritableStream);
      expect(lines.join("")).toMatch(/^tspy: sha256sum: a\.py: Cannot allocate memory\. The board has no memory left even for a read in small steps \(MemoryError: .*\): soft-reset it, then try again\.\n$/);
      heap.limit = 420;
      expect(await bfs.sha256("a.py")).toBe(sha(source));
    } finally {
      await heap.link.close();
    }
  }, 60_000);

  it("with the memory for it the read stays one program", async () => {
    const { heap, bfs } = await board({ "b.bin": binary }, 100_000);
    try {
      const n = heap.sent.length;
      expect((await bfs.readFile("b.bin")).equals(binary)).toBe(true);
      expect(heap.sent.slice(n).map((p) => [isOneProgramRead(p), isStep(p)])).toEqual([[true, false]]);
      expect(heap.refused).toHaveLength(0);
    } finally {
      await heap.link.close();
    }
  }, 60_000);
});

/** The whole capability detection, as sent (unguarded). */
const isWholeDetection = (p: Buffer) => p.toString("latin1") === detect;

describe("the capability detection on a board without the heap for it in one program", () => {
  it("runs in parts and finds what the one program finds", async () => {
    const dir = await tempDir("tight-heap-detect");
    const plainLink = await openStream(`virtual:${dir}?firmware=1.12`);
    const plain = new RawRepl(plainLink);
    await plain.enter({ softReset: true });
    const expected = await BoardFs.for(plain).caps();
    await plainLink.close();
    // (the control: what 1.12 has, found by the one program)
    expect([expected.osModule, expected.hashlib, expected.implementation, expected.mkdir]).toEqual(["uos", "hashlib", "micropython", true]);

    const heap = tightHeap(await openStream(`virtual:${dir}?firmware=1.12`), Infinity, isWholeDetection);
    try {
      const repl = new RawRepl(heap.link);
      await repl.enter({ softReset: true });
      const caps = await BoardFs.for(repl).caps();
      expect({ ...caps, memFree: 0 }).toEqual({ ...expected, memFree: 0 });
      expect(caps.memFree).toBeGreaterThan(0);
      expect(heap.sent.filter(isWholeDetection)).toHaveLength(1); // refused once, not sent again
      for (const part of detectInParts) expect(heap.sent.filter((p) => p.toString("latin1") === part)).toHaveLength(1);
      expect(Buffer.from(await repl.exec("print(_r)")).toString().trim()).toBe("None");
    } finally {
      await heap.link.close();
    }
  }, 60_000);

  it("with no room even for the parts: one line that says to soft-reset", async () => {
    const dir = await tempDir("tight-heap-detect");
    const heap = tightHeap(await openStream(`virtual:${dir}?firmware=1.12`), Infinity, (p) => isWholeDetection(p) || p.toString("latin1") === detectInParts[1]);
    try {
      const repl = new RawRepl(heap.link);
      await repl.enter({ softReset: true });
      const e = await BoardFs.for(repl).caps().then(() => null, (err: unknown) => err);
      expect((e as Error).message).toMatch(/^the board has no memory left even for tspy's capability check in parts \(MemoryError: .*\): soft-reset it, then try again$/);
    } finally {
      await heap.link.close();
    }
  }, 60_000);
});
