// The host side of a mount: answers the board's filesystem requests from one host directory, and
// keeps the board inside it. Paths from the board are always taken relative to the mounted
// directory (a leading "/" is the mount's root, never the host's); `..` may not climb out; a
// symlink leading outside is refused unless the user mounted with --unsafe-links.
// File system calls are synchronous: one request is served at a time, and nothing is cached, so a
// file edited on the host is read fresh by the board's next open.
import * as fs from "node:fs";
import * as path from "node:path";
import { Cmd, errnoNumber, errnoOf, type Arg } from "./protocol.js";

class MountError extends Error {
  constructor(readonly errno: number) {
    super(`errno ${errno}`);
  }
}

interface OpenFile {
  fd: number;
  pos: number;
  text: boolean;
  append: boolean;
}

/** Python open() modes to Node flags. */
function nodeFlags(mode: string): string {
  const plus = mode.includes("+");
  if (mode.includes("x")) return plus ? "wx+" : "wx";
  if (mode.includes("w")) return plus ? "w+" : "w";
  if (mode.includes("a")) return plus ? "a+" : "a";
  return plus ? "r+" : "r";
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n);
  return b;
}

function u32s(...ns: number[]): Buffer {
  const b = Buffer.alloc(4 * ns.length);
  ns.forEach((n, i) => b.writeUInt32LE(Math.max(0, Math.min(0xffffffff, Math.trunc(n))) >>> 0, 4 * i));
  return b;
}

/** A UTF-8 text read must not end inside a character: how many bytes of `b` end on a boundary. */
function wholeChars(b: Buffer): number {
  let end = b.length;
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const c = b[end - back]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > back ? end - back : end;
  }
  return end;
}

export interface HostDirOptions {
  /** Allow symlinks that lead outside the directory (mpremote's -l/--unsafe-links). */
  unsafeLinks?: boolean;
}

export class HostDir {
  readonly root: string;
  private readonly realRoot: string;
  private readonly unsafeLinks: boolean;
  private readonly files = new Map<number, OpenFile>();
  private nextFd = 0;

  constructor(dir: string, opts: HostDirOptions = {}) {
    this.root = path.resolve(dir);
    this.realRoot = fs.realpathSync(this.root);
    this.unsafeLinks = opts.unsafeLinks ?? false;
  }

  /** Answer one request: the bytes after the sync byte (result, then payload). */
  serve(cmd: number, args: Arg[]): Buffer {
    try {
      return this.dispatch(cmd, args);
    } catch (e) {
      return int32(-(e instanceof MountError ? e.errno : errnoOf(e)));
    }
  }

  /** Close every host file the board left open (umount, the end of the session). */
  closeAll(): void {
    for (const f of this.files.values()) {
      try {
        fs.closeSync(f.fd);
      } catch {
        // Already closed by the OS; nothing to report to anyone.
      }
    }
    this.files.clear();
  }

  private dispatch(cmd: number, a: Arg[]): Buffer {
    const str = (i: number) => (a[i] as Buffer).toString("utf8");
    const num = (i: number) => a[i] as number;
    switch (cmd) {
      case Cmd.STAT:
        return this.stat(str(0));
      case Cmd.LISTDIR:
        return this.listdir(str(0));
      case Cmd.OPEN:
        return this.open(str(0), str(1));
      case Cmd.CLOSE:
        this.close(num(0));
        return Buffer.alloc(0);
      case Cmd.READ:
        return this.read(num(0), num(1));
      case Cmd.READLINE:
        return this.readline(num(0));
      case Cmd.WRITE:
        return this.write(num(0), a[1] as Buffer);
      case Cmd.SEEK:
        return this.seek(num(0), num(1), num(2));
      case Cmd.REMOVE:
        fs.unlinkSync(this.confine(str(0)));
        return int32(0);
      case Cmd.RENAME:
        fs.renameSync(this.confine(str(0)), this.confine(str(1)));
        return int32(0);
      case Cmd.MKDIR:
        fs.mkdirSync(this.confine(str(0)));
        return int32(0);
      case Cmd.RMDIR:
        fs.rmdirSync(this.confine(str(0)));
        return int32(0);
      case Cmd.STATVFS: {
        const s = fs.statfsSync(this.confine(str(0)));
        return Buffer.concat([int32(0), u32s(s.bsize, s.blocks, s.bfree, s.bavail)]);
      }
      default:
        throw new MountError(errnoNumber("EINVAL"));
    }
  }

  /**
   * The host path for a board path, or EPERM when it would leave the mounted directory: lexically
   * (`..`), or — without --unsafe-links — through a symlink whose target lies outside.
   */
  confine(boardPath: string): string {
    if (boardPath.includes("\0")) throw new MountError(errnoNumber("EINVAL"));
    const rel = boardPath.replace(/^\/+/, "");
    const full = path.resolve(this.root, rel);
    if (!inside(this.root, full)) throw new MountError(errnoNumber("EPERM"));
    if (!this.unsafeLinks && !inside(this.realRoot, this.realTarget(full))) throw new MountError(errnoNumber("EPERM"));
    return full;
  }

  /** Where `full` really leads; for a name not created yet, its nearest existing ancestor's place. */
  private realTarget(full: string): string {
    try {
      return fs.realpathSync(full);
    } catch {
      // A dangling symlink could be created through on open("w"): judge it by where it points.
      let link: string | null = null;
      try {
        if (fs.lstatSync(full).isSymbolicLink()) link = fs.readlinkSync(full);
      } catch {
        // Not there at all: fine, judged by its parent below.
      }
      if (link !== null) return path.resolve(path.dirname(full), link);
      const parent = path.dirname(full);
      return parent === full ? full : path.join(this.realTarget(parent), path.basename(full));
    }
  }

  private stat(p: string): Buffer {
    const st = fs.statSync(this.confine(p));
    return Buffer.concat([int32(0), u32s(st.mode, st.size, st.atimeMs / 1000, st.mtimeMs / 1000, st.ctimeMs / 1000)]);
  }

  private listdir(p: string): Buffer {
    const dir = this.confine(p);
    const names = fs.readdirSync(dir);
    const parts: Buffer[] = [int32(names.length)];
    for (const name of names) {
      let type = 0x8000;
      try {
        if (fs.statSync(path.join(dir, name)).isDirectory()) type = 0x4000;
      } catch {
        // A dangling link lists as a file; opening it reports the error.
      }
      const nb = Buffer.from(name, "utf8");
      parts.push(u32s(type, nb.length), nb);
    }
    return Buffer.concat(parts);
  }

  private open(p: string, mode: string): Buffer {
    const full = this.confine(p);
    if (!mode.includes("w") && !mode.includes("a") && !mode.includes("x") && fs.statSync(full).isDirectory()) {
      throw new MountError(errnoNumber("EISDIR"));
    }
    const fd = fs.openSync(full, nodeFlags(mode));
    const id = this.nextFd++ & 0x7fffffff;
    this.files.set(id, { fd, pos: 0, text: !mode.includes("b"), append: mode.includes("a") });
    return int32(id);
  }

  private file(id: number): OpenFile {
    const f = this.files.get(id);
    if (!f) throw new MountError(errnoNumber("EBADF"));
    return f;
  }

  private close(id: number): void {
    const f = this.files.get(id);
    if (!f) return;
    this.files.delete(id);
    fs.closeSync(f.fd);
  }

  private read(id: number, n: number): Buffer {
    const f = this.file(id);
    const size = fs.fstatSync(f.fd).size;
    const want = n < 0 ? Math.max(0, size - f.pos) : n;
    let data = Buffer.alloc(want);
    let got = 0;
    while (got < want) {
      const k = fs.readSync(f.fd, data, got, want - got, f.pos + got);
      if (k === 0) break;
      got += k;
    }
    data = data.subarray(0, got);
    if (f.text && got > 0) {
      // A text read returns whole characters: cut back to a boundary (a later read gets the rest).
      const whole = wholeChars(data);
      if (whole > 0) data = data.subarray(0, whole);
    }
    f.pos += data.length;
    return Buffer.concat([int32(data.length), data]);
  }

  private readline(id: number): Buffer {
    const f = this.file(id);
    const parts: Buffer[] = [];
    const chunk = Buffer.alloc(256);
    let total = 0;
    for (;;) {
      const k = fs.readSync(f.fd, chunk, 0, chunk.length, f.pos + total);
      if (k === 0) break;
      const nl = chunk.subarray(0, k).indexOf(0x0a);
      const take = nl >= 0 ? nl + 1 : k;
      parts.push(Buffer.from(chunk.subarray(0, take)));
      total += take;
      if (nl >= 0) break;
    }
    f.pos += total;
    const line = Buffer.concat(parts);
    return Buffer.concat([int32(line.length), line]);
  }

  private write(id: number, data: Buffer): Buffer {
    const f = this.file(id);
    let done = 0;
    while (done < data.length) {
      done += fs.writeSync(f.fd, data, done, data.length - done, f.append ? null : f.pos + done);
    }
    f.pos = f.append ? fs.fstatSync(f.fd).size : f.pos + done;
    return int32(done);
  }

  private seek(id: number, offset: number, whence: number): Buffer {
    const f = this.file(id);
    const base = whence === 0 ? 0 : whence === 1 ? f.pos : whence === 2 ? fs.fstatSync(f.fd).size : NaN;
    const pos = base + offset;
    if (!(pos >= 0)) throw new MountError(errnoNumber("EINVAL"));
    f.pos = pos;
    return int32(pos);
  }
}

function inside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}
