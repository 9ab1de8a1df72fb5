// The mount protocol: what a board-side request looks like on the wire, and how errors travel.
// A request is ESC 'M' TOKEN(2) CMD followed by its arguments (int32 little-endian, or uint32 length + bytes);
// the host answers (except CLOSE) with ESC, an int32 result (negative errno on failure), then the
// command's payload. One request is answered before the board sends the next.

/** Marks a request in the board's output and the start of an answer in the board's input. */
export const ESC = 0x18;
/** Second byte of a request: a stray ESC in program output is passed through unless 'M' follows. */
export const REQUEST_MARK = 0x4d;
/**
 * Bytes 3-4: a token chosen per mount, so that board output which happens to hold ESC 'M' (a binary
 * file being copied, say) is not taken for a request: a false match needs these two bytes as well.
 */
export const TOKEN_LENGTH = 2;
const HEAD = 2 + TOKEN_LENGTH + 1;

export const Cmd = {
  STAT: 1,
  LISTDIR: 2,
  OPEN: 3,
  CLOSE: 4,
  READ: 5,
  READLINE: 6,
  WRITE: 7,
  SEEK: 8,
  REMOVE: 9,
  RENAME: 10,
  MKDIR: 11,
  RMDIR: 12,
  STATVFS: 13,
} as const;

/** Argument layout of each command: `i` an int32, `s` a uint32 length and that many bytes. */
export const ARGS: Record<number, string> = {
  [Cmd.STAT]: "s",
  [Cmd.LISTDIR]: "s",
  [Cmd.OPEN]: "ss",
  [Cmd.CLOSE]: "i",
  [Cmd.READ]: "ii",
  [Cmd.READLINE]: "i",
  [Cmd.WRITE]: "is",
  [Cmd.SEEK]: "iii",
  [Cmd.REMOVE]: "s",
  [Cmd.RENAME]: "ss",
  [Cmd.MKDIR]: "s",
  [Cmd.RMDIR]: "s",
  [Cmd.STATVFS]: "s",
};

/** Commands the board sends without waiting for an answer. */
export const NO_ANSWER = new Set<number>([Cmd.CLOSE]);

export type Arg = number | Buffer;

export interface Request {
  cmd: number;
  args: Arg[];
  /** Bytes the request took in the input. */
  length: number;
}

/**
 * Parse one request at the start of `buf` (which begins with ESC 'M'). null: not all of it has
 * arrived yet; "bad": not a request after all (another token, an unknown command, an absurd length).
 */
export function parseRequest(buf: Buffer, token: Buffer, maxArg = 16 << 20): Request | null | "bad" {
  for (let i = 0; i < TOKEN_LENGTH && 2 + i < buf.length; i++) if (buf[2 + i] !== token[i]) return "bad";
  if (buf.length < HEAD) return null;
  const cmd = buf[HEAD - 1]!;
  const layout = ARGS[cmd];
  if (layout === undefined) return "bad";
  let at = HEAD;
  const args: Arg[] = [];
  for (const kind of layout) {
    if (buf.length < at + 4) return null;
    if (kind === "i") {
      args.push(buf.readInt32LE(at));
      at += 4;
    } else {
      const n = buf.readUInt32LE(at);
      if (n > maxArg) return "bad";
      if (buf.length < at + 4 + n) return null;
      args.push(Buffer.from(buf.subarray(at + 4, at + 4 + n)));
      at += 4 + n;
    }
  }
  return { cmd, args, length: at };
}

/** Linux errno numbers, which MicroPython's OSError uses on every port. */
const ERRNO: Record<string, number> = {
  EPERM: 1,
  ENOENT: 2,
  EIO: 5,
  EBADF: 9,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EEXIST: 17,
  EXDEV: 18,
  ENOTDIR: 20,
  EISDIR: 21,
  EINVAL: 22,
  EMFILE: 24,
  EFBIG: 27,
  ENOSPC: 28,
  EROFS: 30,
  ENAMETOOLONG: 36,
  ENOTEMPTY: 39,
  ELOOP: 40,
};

/** The errno to send the board for a host error (EIO when the host's error has no errno). */
export function errnoOf(err: unknown): number {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code && ERRNO[code]) || ERRNO.EIO!;
}

export function errnoNumber(name: keyof typeof ERRNO): number {
  return ERRNO[name]!;
}
