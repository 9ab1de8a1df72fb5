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
import { BufferedStream, type ByteStream } from "../../src/transport/byte-stream.js";
import { RawRepl } from "../../src/raw-repl/raw-repl.js";
import { BoardFs } from "../../src/fs/board-fs.js";
import { removeTempDirs, tempDir } from "../helpers/temp-dirs.js";

afterAll(removeTempDirs);

const CTRL_A = 0x01;
const CTRL_C = 0x03;
const CTRL_D = 0x04;

/** Guarded programs (`_c=b'...'`) longer than `limit` are refused with the board's MemoryError. */
class TightHeapLink extends BufferedStream {
  readonly description: string;
  /** The length of every guarded program the board refused. */
  readonly refused: number[] = [];
  private program: number[] = [];
  private open = true;

  constructor(
    private readonly inner: ByteStream,
    private readonly limit: number,
  ) {
    super();
    this.description = `${inner.description} with a tight heap`;
    void this.relay();
  }

  private async relay(): Promise<void> {
    while (this.open) {
      const got = await this.inner.readSome(50).catch(() => new Uint8Array());
      if (got.length) this.push(got);
    }
  }

  protected async writeBytes(data: Uint8Array): Promise<void> {
    for (const byte of data) {
      if (byte === CTRL_D && this.tooBig()) {
        // The raw REPL has the program in its line buffer: Ctrl-C clears it silently, nothing runs.
        this.refused.push(this.program.length);
        await this.inner.write(Uint8Array.of(CTRL_C));
        this.push(Buffer.from(`OK\x04MemoryError: memory allocation failed, allocating ${this.program.length} bytes\r\n\x04>`, "latin1"));
        this.program = [];
        continue;
      }
      if (byte === CTRL_A || byte === CTRL_C || byte === CTRL_D) this.program = [];
      else this.program.push(byte);
      await this.inner.write(Uint8Array.of(byte));
    }
  }

  private tooBig(): boolean {
    return this.program.length > this.limit && Buffer.from(this.program.slice(0, 5)).toString("latin1") === "_c=b'";
  }

  protected async closeLink(): Promise<void> {
    this.open = false;
    await this.inner.close();
  }
}

describe("a small write on a board without the heap for it in one program", () => {
  it("lands through begin, data and commit one by one, the refused program sent once, the pace kept", async () => {
    const dir = await tempDir("tight-heap");
    const inner = await openStream(`virtual:${dir}?firmware=1.12`);
    const link = new TightHeapLink(inner, 1100);
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
      expect(link.refused.length).toBe(1);
      expect(link.refused[0]).toBeGreaterThan(1100);
      expect(repl.plainPace).toEqual(pace);
      // A second write goes the same way, at the same pace.
      await bfs.writeFileAtomic("/d.py", Buffer.from("x = 2\n"));
      expect(fs.readFileSync(path.join(dir, "d.py"), "utf8")).toBe("x = 2\n");
      expect(link.refused.length).toBe(2);
      expect(repl.plainPace).toEqual(pace);
    } finally {
      await link.close();
    }
  }, 60_000);
});
