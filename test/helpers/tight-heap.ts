// A board whose heap is too tight or too fragmented for long programs, for tests: in front of a
// virtual board, an AnsweringLink answers the guarded programs (`_c=b'...'`, plain raw mode) longer
// than a limit with the MemoryError a micro:bit gives them, without running them.
import { AnsweringLink } from "./answering-link.js";
import type { ByteStream } from "../../src/transport/byte-stream.js";

export interface TightHeap {
  link: AnsweringLink;
  /** Lengths of the programs refused, in order. */
  refused: number[];
  /** Every program the host sent (refused or not), as the board would have received it. */
  sent: Buffer[];
  /** The longest guarded program the heap takes; may be changed as the test goes. */
  limit: number;
}

/**
 * Guarded programs longer than `limit` get the board's MemoryError; so does any program `alsoRefuse`
 * picks (e.g. a chunk size the heap has no room for).
 */
export function tightHeap(inner: ByteStream, limit: number, alsoRefuse: (program: Buffer) => boolean = () => false): TightHeap {
  const heap = { refused: [] as number[], sent: [] as Buffer[], limit } as TightHeap;
  heap.link = new AnsweringLink(inner, (program) => {
    heap.sent.push(program);
    const tooLong = program.length > heap.limit && program.subarray(0, 5).toString("latin1") === "_c=b'";
    if (!tooLong && !alsoRefuse(program)) return null;
    heap.refused.push(program.length);
    return `OK\x04MemoryError: memory allocation failed, allocating ${program.length} bytes\r\n\x04>`;
  });
  return heap;
}
