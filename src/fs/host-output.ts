// Every file tspy writes on the host at the user's word (cp :f DEST, mpy-cross -o, uf2 convert -o,
// esptool read_flash / merge_bin -o, bossac -r) goes through here, so that all of them treat the
// destination the way Unix tools do:
//  - `-` is stdout;
//  - a symlink is followed (the link stays, its target gets the bytes);
//  - a plain file with one link is replaced whole (temp file beside it, then rename), keeping its mode,
//    so an interrupted write leaves the old file;
//  - anything else (character device, FIFO, a file with several hard links) is written through in place:
//    a rename would replace /dev/full with a regular file or split a hard link from its siblings;
//  - the path is checked before the slow work (reading a whole flash) and every failure is one line.
import fs from "node:fs";
import path from "node:path";
import { TspyError } from "../errors.js";
import { ERRNO_BY_NAME, strerror } from "./errors.js";
import { alreadyHolds } from "../mpy-cross/batch/write-atomically.js";

/** The output path cannot be written: `cmd: path: reason` in one line. */
export class HostOutputError extends TspyError {
  constructor(
    readonly cmd: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${cmd}: ${path}: ${reason}`);
  }
}

export const STDOUT = "-";

/** A Node file error as the reason a user reads ("Read-only file system"), never a stack. */
export function outputError(e: unknown, cmd: string, file: string): unknown {
  if (e instanceof TspyError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (typeof code !== "string") return e;
  const errno = ERRNO_BY_NAME[code];
  const reason = errno !== undefined ? strerror(errno) : code;
  return new HostOutputError(cmd, file, reason);
}

/** How a destination is written; decided from what is there now. */
type Plan = { kind: "stdout" } | { kind: "replace"; file: string; mode?: number; size?: number } | { kind: "through"; file: string };

/**
 * Names of this process's stdout: written to the descriptor itself, because opening them again fails
 * where stdout is a socket (ENXIO), as it is under many process managers and Node's own spawn.
 */
const STDOUT_NAMES = new Set([STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"]);

function plan(dest: string): Plan {
  if (STDOUT_NAMES.has(dest)) return { kind: "stdout" };
  // Without throwing for a missing file: a build's outputs mostly do not exist yet, and an exception
  // per file cost ~20 us each (10-15 ms for 507 files, measured). The link itself first: where there is
  // no link (nearly always) that one call says all, and a build's missing outputs cost one call each.
  const own = fs.lstatSync(dest, { throwIfNoEntry: false });
  if (own === undefined) return { kind: "replace", file: dest };
  const link = own.isSymbolicLink();
  const st = link ? fs.statSync(dest, { throwIfNoEntry: false }) : own;
  // A dangling symlink: create its target through the link, as `cat > link` does.
  if (st === undefined) return { kind: "through", file: dest };
  if (st.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
  // Opening follows links by itself; only a rename needs the real name (beside the target, not the link).
  // (/dev/stdout's target may not even be a path: /proc/self/fd/1 -> "pipe:[1234]".)
  if (st.isFile() && st.nlink === 1) return { kind: "replace", file: link ? fs.realpathSync(dest) : dest, mode: st.mode & 0o7777, size: st.size };
  return { kind: "through", file: dest };
}

/**
 * Fail now, in one line, if `dest` cannot be written: before a command spends a minute reading a flash.
 * Nothing is created.
 */
export function checkHostOutput(dest: string, cmd: string): void {
  if (STDOUT_NAMES.has(dest)) return;
  try {
    const p = plan(dest);
    if (p.kind === "stdout") return;
    if (fs.existsSync(p.file)) fs.accessSync(p.file, fs.constants.W_OK);
    else {
      const dir = path.dirname(p.file);
      if (!fs.statSync(dir).isDirectory()) throw Object.assign(new Error(), { code: "ENOTDIR" });
      fs.accessSync(dir, fs.constants.W_OK);
    }
  } catch (e) {
    throw outputError(e, cmd, dest);
  }
}

function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tspy-tmp`);
}

function removeQuietly(p: string): void {
  try {
    fs.unlinkSync(p);
  } catch {
    // never created
  }
}

/**
 * Write `data` to `dest` (see the top of this file). Synchronous: the compiler's batch writes file after
 * file, and a write to stdout must be complete before the process exits. Throws HostOutputError.
 */
export function writeHostFileSync(dest: string, data: Uint8Array, cmd: string): void {
  try {
    const p = plan(dest);
    if (p.kind === "stdout") return writeAllSync(1, data);
    if (p.kind === "through") {
      const fd = fs.openSync(p.file, "w");
      try {
        writeAllSync(fd, data);
      } finally {
        fs.closeSync(fd);
      }
      return;
    }
    // A plain file that already holds these bytes (a rebuild with unchanged output) is left as it is,
    // with fresh times: a read instead of a write and a rename.
    if (p.mode !== undefined && alreadyHolds(p.file, data, p.size)) return;
    const tmp = tempBeside(p.file);
    try {
      const fd = fs.openSync(tmp, "w", p.mode ?? 0o666);
      try {
        // The umask may have taken bits the old file had: give them back.
        if (p.mode !== undefined) fs.fchmodSync(fd, p.mode);
        writeAllSync(fd, data);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, p.file);
    } catch (e) {
      removeQuietly(tmp);
      throw e;
    }
  } catch (e) {
    throw outputError(e, cmd, dest);
  }
}

function writeAllSync(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      // A non-blocking stdout (a pipe the parent set O_NONBLOCK) is full: wait for it, do not drop bytes.
      if ((e as NodeJS.ErrnoException).code !== "EAGAIN") throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

/**
 * The same as writeHostFileSync for commands that run on the event loop: opening a FIFO waits for its
 * reader without blocking Ctrl-C, and `-` goes to the command's own output stream.
 */
export async function writeHostFile(dest: string, data: Uint8Array, cmd: string, stdout?: NodeJS.WritableStream): Promise<void> {
  if (dest === STDOUT && stdout) {
    await new Promise<void>((resolve, reject) => stdout.write(data, (e) => (e ? reject(outputError(e, cmd, dest)) : resolve())));
    return;
  }
  let p: Plan;
  try {
    p = plan(dest);
  } catch (e) {
    throw outputError(e, cmd, dest);
  }
  if (p.kind !== "through") return writeHostFileSync(dest, data, cmd);
  let fh: fs.promises.FileHandle | undefined;
  try {
    fh = await fs.promises.open(p.file, "w");
    await fh.writeFile(data);
  } catch (e) {
    throw outputError(e, cmd, dest);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
