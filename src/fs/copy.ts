// `cp` as mpremote does it: sources and destination on either side (`:` marks the board), many
// sources into a directory, `-r` in both directions, and the skip when the board already holds the
// same bytes. The rules follow mpremote's do_filesystem_cp / do_filesystem_recursive_cp.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { InterruptedError, TspyError } from "../errors.js";
import type { FileHash, Progress } from "./board-fs.js";
import type { BoardFiles } from "./board-files.js";
import { convertLocalError, FsError } from "./errors.js";
import { checkHostOutput, writeHostFile } from "./host-output.js";
import { boardBasename, joinBoard } from "./paths.js";

export class CopyError extends TspyError {}

export interface CopyOptions {
  /** Skip a board file whose size and SHA-256 already match (false with -f). */
  checkHash: boolean;
  /** Prints a line (`Up to date: x`). */
  say: (line: string) => void;
  /** A progress callback for one file, or none (e.g. not a TTY). */
  progress?: (label: string) => Progress | undefined;
  signal?: AbortSignal;
  /**
   * Called for each host file bound for the board, before the up-to-date check: may change what is
   * written and where (compile-on-copy writes `x.mpy` for `x.py`). `dest` starts with `:`.
   */
  prepare?: (src: string, dest: string, data: Buffer) => Promise<{ dest: string; data: Uint8Array }>;
  /** Hashes of board destinations already known (a recursive copy asks for all at once). */
  knownHashes?: Map<string, FileHash>;
}

const SEPS = /[/\\]+$/;

const isBoard = (p: string) => p.startsWith(":");

function localStat(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function readLocal(src: string): Buffer {
  try {
    return fs.readFileSync(src);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EISDIR") throw new CopyError("cp: -r not specified; omitting directory");
    throw convertLocalError(e, "cp", src);
  }
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** One source to one destination (mpremote's do_filesystem_cp). */
export async function copyFile(bfs: BoardFiles, src: string, dest: string, multiple: boolean, o: CopyOptions): Promise<void> {
  let destIsDir: boolean;
  let destExists: boolean;
  if (isBoard(dest)) {
    const noSlash = dest.replace(SEPS, "");
    const st = await bfs.stat(noSlash.slice(1)).catch((e) => {
      if (e instanceof FsError) return null;
      throw e;
    });
    destExists = st !== null;
    destIsDir = st?.isDir ?? false;
    // A trailing / on the destination insists on a directory.
    if (dest !== noSlash) {
      if (!destIsDir) throw new CopyError("cp: destination is not a directory");
      dest = noSlash;
    }
  } else {
    const st = localStat(dest);
    destExists = st !== null;
    destIsDir = st?.isDirectory() ?? false;
  }
  if (multiple) {
    if (!destExists) throw new CopyError("cp: destination does not exist");
    if (!destIsDir) throw new CopyError("cp: destination is not a directory");
  }

  const filename = isBoard(src) ? boardBasename(src.slice(1)) : path.basename(src);

  if (isBoard(dest) && destIsDir) dest = ":" + joinBoard(dest.slice(1), filename);
  if (!isBoard(dest) && destIsDir) dest = path.join(dest, filename);

  // Board to board: copied on the board, never through the link.
  if (isBoard(src) && isBoard(dest)) {
    const s = await bfs.stat(src.slice(1)).catch((e) => {
      throw e instanceof FsError ? new FsError("cp", src.slice(1), e.errno) : e;
    });
    if (s.isDir) throw new CopyError("cp: -r not specified; omitting directory");
    if (o.checkHash) {
      const h = await bfs.hashMany([src.slice(1), dest.slice(1)]);
      const a = h.get(src.slice(1));
      const b = h.get(dest.slice(1));
      if (a && b && a.digest && a.size === b.size && a.digest === b.digest) {
        o.say(`Up to date: ${dest.slice(1)}`);
        return;
      }
    }
    await bfs.copyOnBoard(src.slice(1), dest.slice(1));
    return;
  }

  let data: Buffer;
  // A host destination that cannot be written fails before the (slow) read from the board.
  if (!isBoard(dest)) checkHostOutput(dest, "cp");
  if (isBoard(src)) {
    const s = await bfs.stat(src.slice(1)).catch((e) => {
      throw e instanceof FsError ? new FsError("cp", src.slice(1), e.errno) : e;
    });
    if (s.isDir) throw new CopyError("cp: -r not specified; omitting directory");
    data = await bfs.readFile(src.slice(1), { onProgress: o.progress?.("copying"), signal: o.signal });
  } else {
    data = readLocal(src);
  }

  let out: Uint8Array = data;
  if (isBoard(dest) && !isBoard(src) && o.prepare) ({ dest, data: out } = await o.prepare(src, dest, data));
  // Stopped while reading (between the board's last chunk and here): the host file is left as it was.
  if (o.signal?.aborted) throw new InterruptedError();
  if (isBoard(dest)) {
    const target = dest.slice(1);
    if (o.checkHash && (await sameOnBoard(bfs, target, out, o.knownHashes))) {
      o.say(`Up to date: ${target}`);
      return;
    }
    await bfs.writeFileAtomic(target, out, { onProgress: o.progress?.("copying"), signal: o.signal });
  } else {
    await writeHostFile(dest, data, "cp");
  }
}

/** Whether the board's file has exactly these bytes (size first, then SHA-256 or, lacking it, the bytes). */
async function sameOnBoard(bfs: BoardFiles, target: string, data: Uint8Array, known?: Map<string, FileHash>): Promise<boolean> {
  const h = known?.get(target) ?? (await bfs.hashMany([target])).get(target);
  if (!h || h.size !== data.length) return false;
  if (h.digest) return h.digest === sha256(data);
  const caps = await bfs.caps();
  if (caps.hashlib) return false; // a directory
  const theirs = await bfs.readFile(target).catch(() => null);
  return theirs !== null && Buffer.compare(theirs, Buffer.from(data)) === 0;
}

function compareParts(a: string[], b: string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return a.length - b.length;
}

/** Local directory listing in mpremote's shape: directories (dest parts) and files (dest parts, source). */
function listLocal(base: string, srcParts: string[], destParts: string[], dirs: string[][], files: [string[], string][]): void {
  const joined = path.join(base, ...srcParts);
  if (localStat(joined)?.isDirectory()) {
    if (destParts.length) dirs.push(destParts);
    for (const name of fs.readdirSync(joined)) {
      listLocal(base, [...srcParts, name], [...destParts, name], dirs, files);
    }
  } else {
    files.push([destParts, joined]);
  }
}

/** cp -r (mpremote's do_filesystem_recursive_cp): into an existing directory, or as the new name. */
export async function copyRecursive(bfs: BoardFiles, src: string, dest: string, multiple: boolean, o: CopyOptions): Promise<void> {
  // Trailing slashes mean nothing here (as with Unix cp).
  src = src.replace(SEPS, "") || (isBoard(src) ? ":" : src);
  dest = dest.replace(SEPS, "") || (isBoard(dest) ? ":" : dest);

  const destExists = isBoard(dest) ? await bfs.exists(dest.slice(1)) : localStat(dest) !== null;
  const dirs: string[][] = [];
  const files: [string[], string][] = [];

  if (isBoard(src)) {
    const sp = src.slice(1);
    const st = await bfs.stat(sp).catch((e) => {
      throw e instanceof FsError ? new FsError("cp", sp, e.errno) : e;
    });
    if (!st.isDir) return copyFile(bfs, src, dest, multiple, o);
    const top = boardBasename(sp);
    const destTop = destExists && top ? [top] : [];
    if (destTop.length) dirs.push(destTop);
    for (const e of await bfs.walk(sp)) {
      const parts = [...destTop, ...e.path.split("/")];
      if (e.isDir) dirs.push(parts);
      else files.push([parts, joinBoard(sp, e.path)]);
    }
  } else {
    const st = localStat(src);
    if (!st) throw new FsError("cp", src, 2);
    if (!st.isDirectory()) return copyFile(bfs, src, dest, multiple, o);
    const top = path.basename(path.resolve(src));
    listLocal(path.dirname(src), [path.basename(src) || top], destExists ? [top] : [], dirs, files);
  }

  if (isBoard(dest)) {
    const base = dest.slice(1);
    const prefixes: string[] = [];
    if (!destExists) prefixes.push(base);
    for (const d of dirs) prefixes.push(joinBoard(base, ...d));
    await bfs.makeDirs(prefixes);
  } else {
    const mk = (p: string) => {
      try {
        fs.mkdirSync(p);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw convertLocalError(e, "cp", p);
      }
    };
    if (!destExists) mk(dest);
    for (const d of dirs) mk(path.join(dest, ...d));
  }

  files.sort((a, b) => compareParts(a[0], b[0]));
  const targets = files.map(([parts]) => (isBoard(dest) ? ":" + joinBoard(dest.slice(1), ...parts) : path.join(dest, ...parts)));
  let known = o.knownHashes;
  if (isBoard(dest) && o.checkHash && !isBoard(src)) known = await bfs.hashMany(targets.map((t) => t.slice(1)));
  for (let i = 0; i < files.length; i++) {
    const from = isBoard(src) ? ":" + files[i][1] : files[i][1];
    await copyFile(bfs, from, targets[i], false, { ...o, knownHashes: known });
  }
}

