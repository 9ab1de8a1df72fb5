// What the file commands (cp, sync, ls …) need from a board's filesystem, whatever carries it: the
// raw REPL (BoardFs) or an FTP server on the board (FtpFs). copy.ts, sync-run.ts and src/cli see
// only this.
import type { BoardFs } from "./board-fs.js";
import type { BoardCaps } from "./snippets.js";

/** The capabilities the generic file code asks about. */
export type FileCaps = Pick<BoardCaps, "mkdir" | "hashlib">;

export interface BoardFiles
  extends Pick<
    BoardFs,
    | "listdir" | "stat" | "exists" | "isDir" | "getcwd" | "walk" | "hashMany" | "sha256" | "statvfs"
    | "remove" | "rmdir" | "mkdir" | "mkdirs" | "makeDirs" | "touch" | "rename" | "removeTree"
    | "readFile" | "writeFileAtomic" | "copyOnBoard" | "requireDirectories"
  > {
  caps(): Promise<FileCaps>;
}
