// The virtual board: a real MicroPython VM (npm @micropython/micropython-webassembly-pyscript 1.27)
// behind the ByteStream seam, with its filesystem confined to a host directory.
//
// What it answers is what firmware on a serial line answers: the friendly REPL (the VM's own
// event-driven REPL), the raw REPL, raw-paste (played by this layer: window 256, \x01 refills, \x04
// to stop an over-long program), soft reboot on Ctrl-D (`MPY: soft reboot`, a new VM), program output
// with \r\n line ends. Where it differs from a board, and why:
//  - every \n in program output becomes \r\n, also in binary written to sys.stdout.buffer (the VM
//    cannot tell text from binary writes; `crlf: false` sends the VM's bytes untouched);
//  - a Ctrl-C that the VM cannot notice within `interruptGraceMs` (a program stuck inside C code)
//    hard-resets it: the friendly banner, a fresh VM, boot.py/main.py skipped;
//  - time.sleep*() are the board's own (the port's spin a core): a Ctrl-C raises inside them, with
//    one extra traceback line, `File "<board>", line N, in sleep`;
//  - `machine` is a small stand-in (reset, soft_reset, unique_id, freq); input() reads the line;
//    os.uname() is added; binascii is the pure-Python one (a2b_base64 wants bytes, not str).
import type { ByteStream } from "../byte-stream.js";
import { defaultBoardDir } from "./board-dir.js";
import type { VirtualBoardOptions } from "./virtual-stream.js";

export { defaultBoardDir } from "./board-dir.js";
export type { VirtualBoardOptions } from "./virtual-stream.js";

/**
 * Boot a virtual board whose filesystem is `dir` (default: the user's data directory; an empty string,
 * as in `virtual:`, also means the default rather than the current directory).
 */
export async function openVirtualBoard(dir?: string, options: Partial<VirtualBoardOptions> = {}): Promise<ByteStream> {
  const { VirtualBoardStream } = await import("./virtual-stream.js");
  return VirtualBoardStream.open({ ...options, dir: dir || options.dir || defaultBoardDir() });
}
