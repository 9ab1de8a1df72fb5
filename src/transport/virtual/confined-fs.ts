// The board's filesystem: the VM only ever sees Emscripten's in-memory filesystem, whose root is
// emptied and filled with the board directory's files at boot. Changes the VM makes are written
// through to the host directory, and only there: every host path is built from the in-memory node's
// canonical path (so `..` has already been resolved inside the VM's tree, where `/..` is `/`), and no
// host path component may be a symlink (a symlink planted in the directory cannot lead outside).
// Writes go through at once: every writable stream holds a host descriptor and each write is
// repeated there at the same offset.
import fs from "node:fs";
import path from "node:path";
import type { EmFS, EmNode, EmStream } from "./emscripten-fs.js";

const O_ACCMODE = 0o3;
const O_CREAT = 0o100;
const O_TRUNC = 0o1000;

export interface ConfinedFs {
  /** Problems met while mirroring (a symlink in the way, a host I/O error), for the board's log. */
  readonly warnings: string[];
}

function clearTree(FS: EmFS, dir: string): void {
  for (const name of FS.readdir(dir)) {
    if (name === "." || name === "..") continue;
    const p = dir === "/" ? `/${name}` : `${dir}/${name}`;
    const st = FS.lstat(p);
    if (FS.isDir(st.mode)) {
      clearTree(FS, p);
      FS.rmdir(p);
    } else {
      FS.unlink(p);
    }
  }
}

/** Remove Emscripten's default /tmp, /home, /dev, /proc: the board's `/` is the board directory only. */
function emptyRoot(FS: EmFS): void {
  // /proc holds a synthetic mount that Emscripten cannot unmount (its lookup finds the mounted root,
  // not the mountpoint): cut the directory out of the root instead, leaving it unreachable.
  const rootNode = FS.lookupPath("/").node as { contents?: Record<string, unknown> } | null;
  try {
    const proc = FS.lookupPath("/proc", { follow: false }).node;
    if (proc && rootNode?.contents) {
      FS.hashRemoveNode(proc);
      delete rootNode.contents["proc"];
    }
  } catch {
    // no /proc: nothing to cut
  }
  clearTree(FS, "/");
}

/** A MEMFS file's bytes, read from the node (going through FS.readFile would re-enter the wrappers). */
function fileContents(node: EmNode | null): Uint8Array {
  if (!node || !node.contents) return new Uint8Array(0);
  const used = node.usedBytes ?? node.contents.length;
  return node.contents instanceof Uint8Array ? node.contents.subarray(0, used) : Uint8Array.from(node.contents as ArrayLike<number>).subarray(0, used);
}

/** More than a board's flash by far: a directory this big was not meant as a board's filesystem. */
const MAX_LOAD_BYTES = 256 * 1024 * 1024;
const MAX_LOAD_ENTRIES = 20_000;

function loadTree(FS: EmFS, hostDir: string, vmDir: string, budget = { bytes: MAX_LOAD_BYTES, entries: MAX_LOAD_ENTRIES }): void {
  for (const entry of fs.readdirSync(hostDir, { withFileTypes: true })) {
    if (--budget.entries < 0) throw new Error(`more than ${MAX_LOAD_ENTRIES} files and directories in ${hostDir}: not a board directory`);
    const hostPath = path.join(hostDir, entry.name);
    const vmPath = vmDir === "/" ? `/${entry.name}` : `${vmDir}/${entry.name}`;
    // Dirent types come from lstat: symlinks, sockets and devices are not board files.
    if (entry.isDirectory()) {
      FS.mkdir(vmPath);
      loadTree(FS, hostPath, vmPath, budget);
    } else if (entry.isFile()) {
      // O_NOFOLLOW: the name may have been swapped for a symlink since the directory was read.
      const fd = fs.openSync(hostPath, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
      try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) continue;
        budget.bytes -= st.size;
        if (budget.bytes < 0) throw new Error(`more than ${MAX_LOAD_BYTES >> 20} MB of files under the board directory: not a board directory`);
        FS.writeFile(vmPath, fs.readFileSync(fd));
        // os.stat() on the board shows the host file's times.
        FS.utime(vmPath, st.atimeMs, st.mtimeMs);
      } finally {
        fs.closeSync(fd);
      }
    }
  }
}

export function mountBoardDirectory(FS: EmFS, hostRoot: string): ConfinedFs {
  const root = fs.realpathSync(hostRoot);
  const warnings: string[] = [];
  const warn = (msg: string): void => {
    if (warnings.length < 100) warnings.push(msg);
  };

  emptyRoot(FS);
  loadTree(FS, root, "/");

  /** The host path for a canonical VM path, or null when it would not stay inside the directory. */
  const hostPathOf = (vmPath: string): string | null => {
    const parts = vmPath.split("/").filter((p) => p.length > 0);
    if (parts.length === 0 || parts.some((p) => p === "." || p === ".." || p.includes("\0"))) return null;
    let p = root;
    for (let i = 0; i < parts.length - 1; i++) {
      p = path.join(p, parts[i]);
      try {
        if (!fs.lstatSync(p).isDirectory()) {
          warn(`${vmPath}: host path component ${p} is not a plain directory; not mirrored`);
          return null;
        }
      } catch {
        return null;
      }
    }
    const full = path.join(p, parts[parts.length - 1]);
    if (!full.startsWith(root + path.sep)) return null;
    return full;
  };

  const guard = (what: string, fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      warn(`${what}: ${(e as Error).message}`);
    }
  };

  // A host write that fails (the directory is full or read-only) fails on the board too, as OSError
  // with the host's errno, so the program (and cp's atomic write) sees it as firmware would have
  // reported its own flash running out; only closing stays a warning.
  const ErrnoError = (FS as unknown as { ErrnoError: new (errno: number) => Error }).ErrnoError;
  // Other host errors (a symlink planted at the name: ELOOP, EEXIST) mean "not mirrored", as before.
  const mirror = (fn: () => void): void => {
    try {
      fn();
    } catch (e) {
      if (HOST_REFUSALS.has((e as NodeJS.ErrnoException).code ?? "")) throw new ErrnoError(wasiErrnoOf(e));
      warn((e as Error).message);
    }
  };

  const canonical = (p: string): string | null => {
    try {
      const { node } = FS.lookupPath(p, { follow: false });
      return node ? FS.getPath(node) : null;
    } catch {
      return null;
    }
  };

  /** The canonical path `p` names (or would name once created: its parent's canonical path and name). */
  const canonicalTarget = (p: string): string | null => {
    const c = canonical(p);
    if (c) return c;
    try {
      const { node } = FS.lookupPath(p, { parent: true });
      const name = p.split("/").filter((x) => x.length > 0).pop();
      if (!node || !name || name === "." || name === "..") return null;
      const parent = FS.getPath(node);
      return parent === "/" ? `/${name}` : `${parent}/${name}`;
    } catch {
      return null;
    }
  };

  const copyFileOut = (vmPath: string, node?: EmNode | null): void => {
    const host = hostPathOf(vmPath);
    if (!host) return;
    mirror(() => {
      const data = fileContents(node ?? FS.lookupPath(vmPath).node);
      // O_NOFOLLOW: a symlink planted at this name must not redirect the write.
      const fd = fs.openSync(host, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_NOFOLLOW, 0o644);
      try {
        writeAll(fd, data, 0);
      } finally {
        fs.closeSync(fd);
      }
    });
  };

  /** The stream's file as it is named now, or null once unlinked. */
  const currentPath = (stream: EmStream): string | null => {
    try {
      const vmPath = FS.getPath(stream.node);
      return canonical(vmPath) === vmPath ? vmPath : null;
    } catch {
      return null;
    }
  };

  const detach = (stream: EmStream): void => {
    const fd = stream.tspyHostFd;
    stream.tspyHostFd = undefined;
    if (fd !== undefined) guard("close", () => fs.closeSync(fd));
  };

  /**
   * Give a writable stream its own host descriptor, so each write lands in the host file as it
   * happens. `copy`: first make the host file equal to the VM's (created, truncated, or not mirrored).
   */
  const attach = (stream: EmStream, copy: boolean): void => {
    detach(stream);
    const vmPath = currentPath(stream);
    const host = vmPath && hostPathOf(vmPath);
    if (!host) return;
    mirror(() => {
      const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;
      // O_NOFOLLOW: a symlink planted at this name must not redirect the write.
      let fd: number;
      if (!copy) {
        try {
          fd = fs.openSync(host, O_WRONLY | O_NOFOLLOW);
          stream.tspyHostFd = fd;
          return;
        } catch {
          // missing on the host: fall through and copy it out whole
        }
      }
      fd = fs.openSync(host, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0o644);
      try {
        writeAll(fd, fileContents(stream.node), 0);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      stream.tspyHostFd = fd;
    });
  };

  const orig = {
    open: FS.open.bind(FS),
    close: FS.close.bind(FS),
    write: FS.write.bind(FS),
    mkdir: FS.mkdir.bind(FS),
    rmdir: FS.rmdir.bind(FS),
    unlink: FS.unlink.bind(FS),
    rename: FS.rename.bind(FS),
    truncate: FS.truncate.bind(FS),
    ftruncate: FS.ftruncate.bind(FS),
  };

  FS.open = (p, flags, mode) => {
    const existed = canonical(p) !== null;
    const stream = orig.open(p, flags, mode);
    if (typeof flags === "number" && (flags & O_ACCMODE) !== 0 && FS.isFile(stream.node.mode)) {
      try {
        attach(stream, (flags & (O_CREAT | O_TRUNC)) !== 0);
      } catch (e) {
        // The host refused the file: the board must not keep a file the directory does not have.
        const vmPath = currentPath(stream);
        orig.close(stream);
        if (!existed && vmPath) orig.unlink(vmPath);
        throw e;
      }
    }
    return stream;
  };
  FS.write = (stream, buffer, offset, length, position, canOwn) => {
    const n = orig.write(stream, buffer, offset, length, position, canOwn);
    const fd = stream.tspyHostFd;
    if (fd !== undefined && n > 0) {
      // Without an explicit position the stream's own (already advanced, end of file when appending).
      const at = position ?? stream.position - n;
      const bytes = new Uint8Array(buffer.buffer, buffer.byteOffset + offset, n).slice();
      mirror(() => writeAll(fd, bytes, at));
    }
    return n;
  };
  FS.close = (stream) => {
    detach(stream);
    orig.close(stream);
  };
  FS.mkdir = (p, mode) => {
    const node = orig.mkdir(p, mode);
    const host = hostPathOf(FS.getPath(node));
    if (host) {
      try {
        mirror(() => fs.mkdirSync(host));
      } catch (e) {
        orig.rmdir(FS.getPath(node));
        throw e;
      }
    }
    return node;
  };
  // Removals and renames go to the host first: one the host refuses (read-only) is not made on the
  // board either. A name missing on the host (never mirrored) is no reason to refuse.
  const hostFirst = (fn: () => void): void =>
    mirror(() => {
      try {
        fn();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      }
    });
  FS.rmdir = (p) => {
    const vmPath = canonical(p);
    const host = vmPath && hostPathOf(vmPath);
    if (host && FS.isDir(FS.lstat(vmPath).mode) && FS.readdir(vmPath).length <= 2) hostFirst(() => fs.rmdirSync(host));
    orig.rmdir(p);
  };
  FS.unlink = (p) => {
    const vmPath = canonical(p);
    // unlinkSync removes a symlink itself, never its target.
    const host = vmPath && hostPathOf(vmPath);
    if (host && !FS.isDir(FS.lstat(vmPath).mode)) hostFirst(() => fs.unlinkSync(host));
    orig.unlink(p);
  };
  FS.rename = (from, to) => {
    const fromVm = canonical(from);
    const fromHost = fromVm && hostPathOf(fromVm);
    const toBefore = canonicalTarget(to);
    const toHostBefore = toBefore && hostPathOf(toBefore);
    if (fromHost && toHostBefore) {
      hostFirst(() => {
        const existing = fs.lstatSync(toHostBefore, { throwIfNoEntry: false });
        if (existing?.isSymbolicLink()) fs.unlinkSync(toHostBefore);
        fs.renameSync(fromHost, toHostBefore);
      });
    }
    orig.rename(from, to);
    const toVm = canonical(to);
    const toHost = toVm && hostPathOf(toVm);
    if (fromHost && toHost) {
      // renamed on the host already
    } else if (toVm) {
      // Renamed onto a name that cannot be mirrored, or from one: mirror what can be.
      if (fromHost) guard(`remove ${fromVm}`, () => fs.rmSync(fromHost, { recursive: true }));
    }
  };
  FS.truncate = (p, len) => {
    orig.truncate(p, len);
    const vmPath = canonical(p);
    if (vmPath) copyFileOut(vmPath);
  };
  FS.ftruncate = (fd, len) => {
    orig.ftruncate(fd, len);
    const stream = FS.getStream(fd);
    if (stream?.tspyHostFd !== undefined) mirror(() => fs.ftruncateSync(stream.tspyHostFd!, len));
    else if (stream) attach(stream, true);
  };

  translateErrnos(FS);

  return { warnings };
}

/** Write all of `data` at `at`: a full disk may take part of a write before it refuses the rest. */
function writeAll(fd: number, data: Uint8Array, at: number): void {
  let done = 0;
  while (done < data.length) {
    const n = fs.writeSync(fd, data, done, data.length - done, at + done);
    if (n <= 0) throw Object.assign(new Error("no space left on device"), { code: "ENOSPC", errno: -28 });
    done += n;
  }
}

/** Host errors that say the directory will not take the write: the board program must hear of them. */
const HOST_REFUSALS = new Set(["ENOSPC", "EDQUOT", "EROFS", "EACCES", "EPERM", "EIO", "EFBIG"]);

const LINUX_TO_WASI: Record<number, number> = {};

/** The WASI errno (what Emscripten throws) for a host error; a quota counts as a full disk. */
function wasiErrnoOf(e: unknown): number {
  if (Object.keys(LINUX_TO_WASI).length === 0) for (const [w, l] of Object.entries(WASI_TO_LINUX)) LINUX_TO_WASI[l] = Number(w);
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === "EDQUOT") return 51;
  const linux = -((e as NodeJS.ErrnoException)?.errno ?? 0);
  return LINUX_TO_WASI[linux] ?? 29; // EIO
}

// Emscripten reports WASI errno numbers (ENOENT 44, EEXIST 20 ...) while the VM's own `errno` module
// and every board use Linux numbers: without translation a missing file prints `OSError: 44`, and
// `e.errno == errno.ENOENT` is false. Only the entry points the VM's system calls use are wrapped,
// and a fresh error is thrown (Emscripten shares some error instances internally).
const WASI_TO_LINUX: Record<number, number> = {
  63: 1, // EPERM
  44: 2, // ENOENT
  60: 6, // ENXIO
  29: 5, // EIO
  8: 9, // EBADF
  6: 11, // EAGAIN
  48: 12, // ENOMEM
  2: 13, // EACCES
  10: 16, // EBUSY
  20: 17, // EEXIST
  75: 18, // EXDEV
  43: 19, // ENODEV
  54: 20, // ENOTDIR
  31: 21, // EISDIR
  28: 22, // EINVAL
  41: 23, // ENFILE
  33: 24, // EMFILE
  59: 25, // ENOTTY
  22: 27, // EFBIG
  51: 28, // ENOSPC
  70: 29, // ESPIPE
  69: 30, // EROFS
  68: 34, // ERANGE
  37: 36, // ENAMETOOLONG
  52: 38, // ENOSYS
  55: 39, // ENOTEMPTY
  32: 40, // ELOOP
  58: 95, // EOPNOTSUPP
};

const SYSCALL_ENTRY_POINTS = [
  "open", "close", "read", "write", "llseek", "stat", "lstat", "fstat", "mkdir", "rmdir", "unlink",
  "rename", "readdir", "chdir", "statfs", "truncate", "ftruncate", "readlink", "utime", "chmod",
  "getStreamChecked",
];

function translateErrnos(FS: EmFS): void {
  const table = FS as unknown as Record<string, unknown> & { ErrnoError: new (errno: number) => Error };
  for (const name of SYSCALL_ENTRY_POINTS) {
    const fn = table[name];
    if (typeof fn !== "function") continue;
    table[name] = function (this: unknown, ...args: unknown[]) {
      try {
        return (fn as (...a: unknown[]) => unknown).apply(FS, args);
      } catch (e) {
        const errno = (e as { name?: string; errno?: number }).errno;
        if ((e as { name?: string }).name === "ErrnoError" && errno !== undefined && WASI_TO_LINUX[errno] !== undefined) {
          throw new table.ErrnoError(WASI_TO_LINUX[errno]);
        }
        throw e;
      }
    };
  }
}
