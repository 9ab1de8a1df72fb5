// File errors, converted once at the seam: a board traceback becomes an FsError carrying the errno,
// and the CLI prints it the way mpremote does (`cp: x: No such file or directory.`).
import { TspyError } from "../errors.js";
import { DeviceError } from "../raw-repl/errors.js";

export const ENOENT = 2;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const EINVAL = 22;
export const EROFS = 30;
export const EPERM = 1;
export const ENOMEM = 12;
export const EOPNOTSUPP = 95;

/** Linux strerror texts (mpremote prints the host's os.strerror; these are what Linux says). */
const STRERROR: Record<number, string> = {
  1: "Operation not permitted",
  2: "No such file or directory",
  5: "Input/output error",
  9: "Bad file descriptor",
  11: "Resource temporarily unavailable",
  12: "Cannot allocate memory",
  13: "Permission denied",
  16: "Device or resource busy",
  17: "File exists",
  18: "Invalid cross-device link",
  19: "No such device",
  20: "Not a directory",
  21: "Is a directory",
  22: "Invalid argument",
  24: "Too many open files",
  27: "File too large",
  28: "No space left on device",
  30: "Read-only file system",
  36: "File name too long",
  40: "Too many levels of symbolic links",
  39: "Directory not empty",
  95: "Operation not supported",
  110: "Connection timed out",
  122: "Disk quota exceeded",
};

/** The errno names MicroPython prints (`OSError: [Errno 2] ENOENT`), for boards that print only names. */
export const ERRNO_BY_NAME: Record<string, number> = {
  EPERM: 1, ENOENT: 2, EIO: 5, EBADF: 9, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EBUSY: 16, EEXIST: 17,
  EXDEV: 18, ENODEV: 19, ENOTDIR: 20, EISDIR: 21, EINVAL: 22, EMFILE: 24, EFBIG: 27, ENOSPC: 28,
  EROFS: 30, ENAMETOOLONG: 36, ENOTEMPTY: 39, ELOOP: 40, EOPNOTSUPP: 95, ETIMEDOUT: 110, EDQUOT: 122,
};

const ERRNO_BY_WORDS: [RegExp, number][] = [
  [/file not found/i, 2],
  [/no more storage space|no space/i, 28],
  [/is a directory/i, 21],
  [/not a directory/i, 20],
  [/file exists|already exists/i, 17],
  [/read-?only/i, 30],
];

export function strerror(errno: number): string {
  return STRERROR[errno] ?? `Unknown error ${errno}`;
}

/** A file operation failed; `path` is the board (or local) path as the user gave it, without `:`. */
export class FsError extends TspyError {
  /** False when the message was written for the case (then a command keeps it as it is). */
  readonly plain: boolean;
  constructor(
    readonly op: string,
    readonly path: string,
    readonly errno: number,
    message?: string,
    /** A sentence after the mpremote-style message: what to do about it. */
    readonly hint?: string,
  ) {
    super(message ?? `${op}: ${path}: ${strerror(errno)}.${hint ? " " + hint : ""}`);
    this.plain = message === undefined;
  }

  /** The same error worded for the command the user typed (mpremote names the command). */
  forCommand(cmd: string): FsError {
    return this.plain && this.op !== cmd ? new FsError(cmd, this.path, this.errno, undefined, this.hint) : this;
  }
}

/** The board cannot do this at all (no directories, no rename ...): said in one line. */
export class FsUnsupportedError extends TspyError {}

/** errno of a board OSError traceback, by number or by name; undefined when it is no OSError. */
export function boardErrno(e: DeviceError): number | undefined {
  if (!/OSError/.test(e.traceback)) return undefined;
  if (e.errno !== undefined) return e.errno;
  for (const [name, n] of Object.entries(ERRNO_BY_NAME)) {
    if (new RegExp(`\\b${name}\\b`).test(e.traceback)) return n;
  }
  // The micro:bit's firmware raises OSError with words instead of numbers.
  for (const [words, n] of ERRNO_BY_WORDS) if (words.test(e.message)) return n;
  return undefined;
}

const CIRCUITPY_HINT =
  "CircuitPython keeps its filesystem read-only to code while the CIRCUITPY drive is mounted by this computer: " +
  "copy through the drive, or put `import storage; storage.remount(\"/\", readonly=False)` in boot.py (the drive is then read-only to the computer).";

/**
 * Turn a board exception into a typed error for `op` on `path`. OSErrors become FsError; anything
 * else stays a DeviceError (the CLI prints its traceback as the board sent it).
 */
export function convertBoardError(e: unknown, op: string, path: string, circuitPython = false): unknown {
  if (!(e instanceof DeviceError)) return e;
  const errno = boardErrno(e);
  if (errno === undefined) return e;
  if (errno === EROFS && circuitPython) {
    return new FsError(op, path, errno, undefined, CIRCUITPY_HINT);
  }
  return new FsError(op, path, errno);
}

/** Host file errors (Node's `code`) in the same words. */
export function convertLocalError(e: unknown, op: string, path: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== "string") return e;
  const errno = ERRNO_BY_NAME[code];
  if (errno === undefined) return new FsError(op, path, 0, `${op}: ${path}: ${(e as Error).message}`);
  return new FsError(op, path, errno);
}
