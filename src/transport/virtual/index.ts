// The virtual board: a real MicroPython VM (npm @micropython/micropython-webassembly-pyscript) behind
// the ByteStream seam, with its filesystem confined to a host directory.
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
