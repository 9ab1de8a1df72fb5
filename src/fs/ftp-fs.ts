// A board's files over its FTP server (the WiPy's; any FTP server works): the BoardFiles operations
// as FTP commands, with the same promises as over the REPL — mpremote's error words, and writes that
// leave either the old file or the whole new one (STOR to a hidden temporary name, SIZE check,
// RNFR/RNTO onto the target).
import { createHash } from "node:crypto";
import { TspyError } from "../errors.js";
import { FtpReplyError, type FtpClient, type FtpEntry } from "../transport/ftp/index.js";
import type { DfRow, Entry, FileHash, TransferOptions, WalkEntry } from "./board-fs.js";
import type { BoardFiles, FileCaps } from "./board-files.js";
import { EEXIST, EISDIR, ENOENT, ENOTDIR, EPERM, FsError, FsUnsupportedError } from "./errors.js";
import { tempPathFor } from "./paths.js";

const S_IFDIR = 0x4000;
const S_IFREG = 0x8000;
const ENOTEMPTY = 39;

export interface FtpFsOptions {
  /**
   * Where relative board paths start (`:main.py`, `ls` with no path). Default: the login directory,
   * except that a root holding a `flash` drive (the WiPy's `/flash`, `/sd`) starts in /flash, where
   * the board's own REPL starts.
   */
  home?: string;
  /** `df` has no FTP command; a board whose REPL is at hand can answer it there. */
  statvfs?: () => Promise<DfRow[]>;
}

/** Normalise an absolute path: no `.`, `..` resolved lexically, no trailing slash. */
export function normalizeFtpPath(p: string): string {
  const out: string[] = [];
  for (const part of p.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return "/" + out.join("/");
}

function parentOf(abs: string): string {
  const i = abs.lastIndexOf("/");
  return i <= 0 ? "/" : abs.slice(0, i);
}

function baseOf(abs: string): string {
  return abs.slice(abs.lastIndexOf("/") + 1);
}

function toEntry(e: FtpEntry, long: boolean): Entry {
  return {
    name: e.name,
    mode: e.isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644,
    size: e.isDir ? 0 : e.size,
    isDir: e.isDir,
    ...(long ? { mtime: e.mtime ?? null } : {}),
  };
}

export class FtpFs implements BoardFiles {
  private home: string | null;

  private constructor(
    readonly client: FtpClient,
    private readonly opts: FtpFsOptions,
  ) {
    this.home = opts.home ? normalizeFtpPath(opts.home) : null;
  }

  static async open(client: FtpClient, opts: FtpFsOptions = {}): Promise<FtpFs> {
    const fs = new FtpFs(client, opts);
    if (fs.home === null) {
      const pwd = normalizeFtpPath(await client.pwd());
      let home = pwd;
      if (pwd === "/") {
        const top = await client.list("/").catch(() => [] as FtpEntry[]);
        if (top.some((e) => e.isDir && e.name === "flash")) home = "/flash";
      }
      fs.home = home;
    }
    return fs;
  }

  get description(): string {
    return this.client.description;
  }

  close(): Promise<void> {
    return this.client.close();
  }

  /** A board path (as the user typed it, without `:`) → the absolute path the server is sent. */
  resolve(path: string): string {
    if (path.startsWith("/")) return normalizeFtpPath(path);
    return normalizeFtpPath(`${this.home ?? "/"}/${path}`);
  }

  async caps(): Promise<FileCaps> {
    // Digests are computed here from the downloaded bytes ("host"), so same-size files compare.
    return { mkdir: true, hashlib: "host" };
  }

  async requireDirectories(): Promise<void> {
    // FTP servers have directories.
  }

  /** An FTP refusal as the FsError the REPL side would raise; `errno` is what the caller found. */
  private convert(e: unknown, op: string, path: string, errno = ENOENT): unknown {
    if (e instanceof FtpReplyError && e.code === 553 && /spaces/.test(e.serverText)) {
      return new FsUnsupportedError(`${op}: ${path}: ${e.serverText}`);
    }
    if (e instanceof FtpReplyError && e.isFileError) return new FsError(op, path, errno);
    return e;
  }

  private async entries(abs: string, op: string, path: string): Promise<FtpEntry[]> {
    try {
      return await this.client.list(abs);
    } catch (e) {
      if (!(e instanceof FtpReplyError && e.isFileError)) throw e;
      const st = await this.statAbs(abs).catch(() => null);
      throw new FsError(op, path, st && !st.isDir ? ENOTDIR : ENOENT);
    }
  }

  // --- queries -----------------------------------------------------------------------------------

  async listdir(path: string, opts: { long?: boolean } = {}): Promise<Entry[]> {
    const list = await this.entries(this.resolve(path), "listdir", path);
    return list.map((e) => toEntry(e, opts.long === true));
  }

  private async statAbs(abs: string): Promise<{ mode: number; size: number; isDir: boolean } | null> {
    if (abs === "/") return { mode: S_IFDIR | 0o755, size: 0, isDir: true };
    let list: FtpEntry[];
    try {
      list = await this.client.list(parentOf(abs));
    } catch (e) {
      if (e instanceof FtpReplyError && e.isFileError) return null;
      throw e;
    }
    const hit = list.find((e) => e.name === baseOf(abs));
    if (!hit) return null;
    return { mode: hit.isDir ? S_IFDIR | 0o755 : S_IFREG | 0o644, size: hit.isDir ? 0 : hit.size, isDir: hit.isDir };
  }

  async stat(path: string): Promise<{ mode: number; size: number; isDir: boolean }> {
    const st = await this.statAbs(this.resolve(path));
    if (!st) throw new FsError("stat", path, ENOENT);
    return st;
  }

  async exists(path: string): Promise<boolean> {
    return (await this.statAbs(this.resolve(path))) !== null;
  }

  async isDir(path: string): Promise<boolean> {
    return (await this.statAbs(this.resolve(path)))?.isDir ?? false;
  }

  async getcwd(): Promise<string> {
    return this.home ?? "/";
  }

  async walk(path: string): Promise<WalkEntry[]> {
    const out: WalkEntry[] = [];
    const visit = async (abs: string, rel: string) => {
      for (const e of await this.entries(abs, "walk", path)) {
        const p = rel ? `${rel}/${e.name}` : e.name;
        out.push({ path: p, mode: toEntry(e, false).mode, size: e.isDir ? 0 : e.size, isDir: e.isDir });
        if (e.isDir) await visit(`${abs === "/" ? "" : abs}/${e.name}`, p);
      }
    };
    await visit(this.resolve(path), "");
    return out;
  }

  /** FTP has no hash command: each existing file is downloaded and hashed here. */
  async hashMany(paths: string[]): Promise<Map<string, FileHash>> {
    const out = new Map<string, FileHash>();
    for (const p of paths) {
      const st = await this.statAbs(this.resolve(p));
      if (!st) out.set(p, { size: -1, digest: null });
      else if (st.isDir) out.set(p, { size: 0, digest: null });
      else {
        const data = await this.client.retrieve(this.resolve(p));
        out.set(p, { size: data.length, digest: createHash("sha256").update(data).digest("hex") });
      }
    }
    return out;
  }

  async sha256(path: string): Promise<string> {
    const h = (await this.hashMany([path])).get(path);
    if (!h || h.size < 0) throw new FsError("sha256sum", path, ENOENT);
    if (h.digest === null) throw new FsError("sha256sum", path, EISDIR);
    return h.digest;
  }

  async statvfs(): Promise<DfRow[]> {
    if (this.opts.statvfs) return this.opts.statvfs();
    throw new FsUnsupportedError("df: FTP does not report free space (use the board's telnet:// REPL)");
  }

  // --- changes -----------------------------------------------------------------------------------

  async remove(path: string): Promise<void> {
    const abs = this.resolve(path);
    try {
      await this.client.delete(abs);
    } catch (e) {
      const st = await this.statAbs(abs).catch(() => null);
      throw this.convert(e, "rm", path, st?.isDir ? EISDIR : st ? EPERM : ENOENT);
    }
  }

  async rmdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    try {
      await this.client.rmdir(abs);
    } catch (e) {
      const st = await this.statAbs(abs).catch(() => null);
      let errno = ENOENT;
      if (st && !st.isDir) errno = ENOTDIR;
      else if (st) errno = (await this.client.list(abs).catch(() => [])).length > 0 ? ENOTEMPTY : EPERM;
      throw this.convert(e, "rmdir", path, errno);
    }
  }

  async mkdir(path: string): Promise<void> {
    const abs = this.resolve(path);
    try {
      await this.client.mkdir(abs);
    } catch (e) {
      const exists = (await this.statAbs(abs).catch(() => null)) !== null;
      throw this.convert(e, "mkdir", path, exists ? EEXIST : ENOENT);
    }
  }

  async mkdirs(path: string): Promise<void> {
    const abs = this.resolve(path);
    const prefixes: string[] = [];
    for (let p = abs; p !== "/"; p = parentOf(p)) prefixes.unshift(p);
    await this.makeDirs(prefixes);
  }

  async makeDirs(paths: string[]): Promise<void> {
    for (const p of paths) {
      const st = await this.statAbs(this.resolve(p));
      if (st?.isDir) continue;
      if (st) throw new FsError("mkdir", p, EEXIST);
      await this.mkdir(p);
    }
  }

  /** Creates a missing file; an existing one is left as it is (FTP cannot set a file's time). */
  async touch(path: string): Promise<void> {
    if (await this.exists(path)) return;
    try {
      await this.client.store(this.resolve(path), new Uint8Array(0));
    } catch (e) {
      throw this.convert(e, "touch", path);
    }
  }

  async rename(from: string, to: string): Promise<void> {
    try {
      await this.client.rename(this.resolve(from), this.resolve(to));
    } catch (e) {
      throw this.convert(e, "rename", from);
    }
  }

  async removeTree(path: string, onStep: (kind: "file" | "dir" | "skipped", path: string) => void): Promise<void> {
    const abs = this.resolve(path);
    const st = await this.statAbs(abs);
    if (!st) throw new FsError("rm", path, ENOENT);
    if (!st.isDir) {
      await this.remove(path);
      onStep("file", abs);
      return;
    }
    const entries = await this.walk(path);
    const at = (rel: string) => (abs === "/" ? "" : abs) + "/" + rel;
    // Deepest first, so each directory is empty when its turn comes.
    for (const e of [...entries].reverse()) {
      const p = at(e.path);
      try {
        if (e.isDir) await this.client.rmdir(p);
        else await this.client.delete(p);
        onStep(e.isDir ? "dir" : "file", p);
      } catch (err) {
        // The drives under the WiPy's root (/flash, /sd) are mount points: they stay.
        if (e.isDir && parentOf(p) === "/" && err instanceof FtpReplyError) onStep("skipped", p);
        else throw new FsError("rm -r", p, EPERM, `rm -r: cannot remove :${p} ${(err as Error).message}`);
      }
    }
    if (abs === "/") return;
    try {
      await this.client.rmdir(abs);
      onStep("dir", abs);
    } catch (err) {
      if (parentOf(abs) === "/" && err instanceof FtpReplyError) onStep("skipped", abs);
      else throw new FsError("rm -r", abs, EPERM, `rm -r: cannot remove :${abs} ${(err as Error).message}`);
    }
  }

  // --- reading and writing -------------------------------------------------------------------------

  async readFile(path: string, opts: TransferOptions = {}): Promise<Buffer> {
    const abs = this.resolve(path);
    const st = await this.statAbs(abs);
    if (!st) throw new FsError("read", path, ENOENT);
    if (st.isDir) throw new FsError("read", path, EISDIR);
    try {
      return await this.client.retrieve(abs, { total: st.size, onProgress: opts.onProgress, signal: opts.signal });
    } catch (e) {
      throw this.convert(e, "read", path);
    }
  }

  /**
   * STOR to `.NAME.tspy-tmp` beside the target, check its size, then RNFR/RNTO onto the target.
   * Servers on FAT (the WiPy) refuse RNTO onto an existing name: there the old file is deleted
   * first, and the new data is already whole under the temporary name when that happens.
   */
  async writeFileAtomic(path: string, data: Uint8Array, opts: TransferOptions = {}): Promise<void> {
    const abs = this.resolve(path);
    const tmp = tempPathFor(abs);
    try {
      await this.client.store(tmp, data, { onProgress: opts.onProgress, signal: opts.signal });
      const size = await this.client.size(tmp);
      if (size !== null && size !== data.length) {
        throw new TspyError(`write: ${path}: the board stored ${size} of ${data.length} bytes; the original file is unchanged`);
      }
    } catch (e) {
      await this.client.delete(tmp).catch(() => undefined);
      throw this.convert(e, "write", path);
    }
    try {
      await this.client.rename(tmp, abs);
    } catch (e) {
      if (!(e instanceof FtpReplyError)) throw e;
      const st = await this.statAbs(abs).catch(() => null);
      if (st?.isDir) {
        await this.client.delete(tmp).catch(() => undefined);
        throw new FsError("write", path, EISDIR);
      }
      if (!st) throw this.convert(e, "write", path, EPERM);
      try {
        await this.client.delete(abs);
        await this.client.rename(tmp, abs);
      } catch (e2) {
        throw new TspyError(`write: ${path}: could not put the new file in place (${(e2 as Error).message}); its data is in :${tmp}`);
      }
    }
  }

  /** FTP has no server-side copy: the bytes make the round trip through the host. */
  async copyOnBoard(src: string, dest: string): Promise<void> {
    const data = await this.readFile(src);
    await this.writeFileAtomic(dest, data);
  }
}
