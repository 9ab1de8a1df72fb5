// A board whose heap is too fragmented for a long guarded program (the QEMU micro:bit after a few
// imports: "MemoryError: memory allocation failed, allocating 912 bytes" for the `_c=b'...'` literal
// of a small file's one-exec write). The virtual board playing 1.12 (plain raw, so programs travel
// guarded) sits behind a link that answers such a program as that board does, without running it.
// The write must still land, through begin/data/commit one by one, without sending the refused
// program again and without slowing the link down (a MemoryError is not a damaged program).
import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStream } from "../../src/transport/connect.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";
import { AnsweringLink } from "../helpers/answering-link.js";

afterAll(removeTempDirs);

/** Guarded programs (`_c=b'...'`) longer than `limit` get the board's MemoryError; `refused` their lengths. */
function tightHeap(inner: ByteStream, limit: number) {
  const refused: number[] = [];
  const link = new AnsweringLink(inner, (program) => {
    if (program.length <= limit || program.subarray(0, 5).toString("latin1") !== "_c=b'") return null;
    refused.push(program.length);
    return `OK\x04MemoryError: memory allocation failed, allocating ${program.length} bytes\r\n\x04>`;
  });
  return { link, refused };
}

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
