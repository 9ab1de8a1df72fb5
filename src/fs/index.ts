// Files on a board: the public entry of src/fs. Everything is built on the raw REPL's exec.
export { BoardFs, type Entry, type WalkEntry, type FileHash, type DfRow, type LinkPlan, type TransferOptions } from "./board-fs.js";
export { FsError, FsUnsupportedError } from "./errors.js";
export { copyFile, copyRecursive } from "./copy.js";
export { runSync } from "./sync-run.js";
