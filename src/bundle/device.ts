// Where CircuitPython's files are: a board behind the raw REPL (through the files layer, BoardFs), or
// its CIRCUITPY drive mounted on this computer (`--path DIR`). Paths are board paths: `/lib/foo.mpy`.
import { promises as fs } from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import type { RawRepl } from "../raw-repl/raw-repl.js";
import { BoardFs } from "../fs/board-fs.js";
import { parsePyLiteral } from "../fs/py-literal.js";
import { ENOENT, FsError } from "../fs/errors.js";
import { BundleError } from "./errors.js";

export interface DeviceEntry {
  /** Relative to the walked directory, `/`-separated. */
  path: string;
  isDir: boolean;
  size: number;
}

export interface CircuitPyDevice {
  /** Where it is, as the user reads it: `board`, or the drive's directory. */
  describe(): string;
  readFile(boardPath: string): Promise<Uint8Array | null>;
  /** Everything below `dir`, or null when `dir` does not exist. */
  walk(dir: string): Promise<DeviceEntry[] | null>;
  /** Hex SHA-256 of each path (null: absent). */
  sha256Many(paths: string[]): Promise<Map<string, string | null>>;
  mkdirs(dir: string): Promise<void>;
  /** A reader sees the old file or the new one, never half. */
  writeFileAtomic(boardPath: string, data: Uint8Array): Promise<void>;
  removeFile(boardPath: string): Promise<void>;
  removeTree(boardPath: string): Promise<void>;
  /** Bytes free on the filesystem holding `dir`, or null when the device cannot tell. */
  freeBytes(dir: string): Promise<number | null>;
  /**
   * The `__name__ = ...` lines of many .py files (null: unreadable), found on the device itself so that
   * whole sources need not cross a slow link. Optional: without it the files are read.
   */
  dunderLines?(paths: string[]): Promise<Map<string, string[] | null>>;
}

/** Board-side: print (path, [lines starting with __ that assign]) for each file, one repr per line. */
function dunderSnippet(paths: string[]): string {
  return [
    `for p in ${JSON.stringify(paths)}:`,
    "    r = []",
    "    try:",
    "        with open(p) as f:",
    "            for l in f:",
    "                if l.startswith('__') and '=' in l:",
    "                    r.append(l.rstrip())",
    "    except Exception:",
    "        r = None",
    "    print(repr((p, r)))",
    "",
  ].join("\n");
}

const isMissing = (e: unknown) => e instanceof FsError && e.errno === ENOENT;

export class ReplDevice implements CircuitPyDevice {
  constructor(private readonly fs: BoardFs) {}

  static for(repl: RawRepl): ReplDevice {
    return new ReplDevice(BoardFs.for(repl));
  }

  describe(): string {
    return "board";
  }

  async readFile(boardPath: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await this.fs.readFile(boardPath));
    } catch (e) {
      if (isMissing(e)) return null;
      throw e;
    }
  }

  async walk(dir: string): Promise<DeviceEntry[] | null> {
    if (!(await this.fs.isDir(dir))) return null;
    return (await this.fs.walk(dir)).map((e) => ({ path: e.path, isDir: e.isDir, size: e.size }));
  }

  async sha256Many(paths: string[]): Promise<Map<string, string | null>> {
    const found = await this.fs.hashMany(paths);
    return new Map(paths.map((p) => {
      const h = found.get(p);
      return [p, h && h.size >= 0 ? h.digest : null];
    }));
  }

  mkdirs(dir: string): Promise<void> {
    return this.fs.mkdirs(dir);
  }

  async dunderLines(paths: string[]): Promise<Map<string, string[] | null>> {
    const out = new Map<string, string[] | null>();
    // Small batches keep the program within a small board's memory.
    for (let i = 0; i < paths.length; i += 16) {
      const text = Buffer.from(await this.fs.repl.exec(dunderSnippet(paths.slice(i, i + 16)), { timeoutMs: 60_000 })).toString("utf8");
      for (const line of text.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const [p, lines] = parsePyLiteral(line.trim()) as [string, string[] | null];
        out.set(p, lines);
      }
    }
    return out;
  }

  writeFileAtomic(boardPath: string, data: Uint8Array): Promise<void> {
    return this.fs.writeFileAtomic(boardPath, data);
  }

  async removeFile(boardPath: string): Promise<void> {
    try {
      await this.fs.remove(boardPath);
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
  }

  async removeTree(boardPath: string): Promise<void> {
    if (!(await this.fs.exists(boardPath))) return;
    await this.fs.removeTree(boardPath, () => {});
  }

  async freeBytes(dir: string): Promise<number | null> {
    if (!(await this.fs.caps()).statvfs) return null;
    let rows;
    try {
      rows = await this.fs.statvfs();
    } catch {
      return null;
    }
    const mount = rows
      .filter((r) => dir === r.mountedOn || dir.startsWith(r.mountedOn.endsWith("/") ? r.mountedOn : r.mountedOn + "/"))
      .sort((a, b) => b.mountedOn.length - a.mountedOn.length)[0];
    return mount ? mount.avail : null;
  }
}

/** A mounted CIRCUITPY drive: board path `/lib/x.py` is `ROOT/lib/x.py`, and nothing outside ROOT is touched. */
export class DriveDevice implements CircuitPyDevice {
  readonly root: string;
  constructor(root: string) {
    this.root = path.resolve(root);
  }

  describe(): string {
    return this.root;
  }

  private host(boardPath: string): string {
    const parts = boardPath.split("/").filter((s) => s !== "" && s !== ".");
    if (parts.includes("..")) throw new BundleError(`refusing path with "..": ${boardPath}`);
    return path.join(this.root, ...parts);
  }

  async readFile(boardPath: string): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await fs.readFile(this.host(boardPath)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new BundleError(`cannot read ${this.host(boardPath)}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }

  async walk(dir: string): Promise<DeviceEntry[] | null> {
    const top = this.host(dir);
    const st = await fs.stat(top).catch(() => null);
    if (!st?.isDirectory()) return null;
    const out: DeviceEntry[] = [];
    const visit = async (abs: string, rel: string) => {
      for (const d of (await fs.readdir(abs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const r = rel ? `${rel}/${d.name}` : d.name;
        const a = path.join(abs, d.name);
        if (d.isDirectory()) {
          out.push({ path: r, isDir: true, size: 0 });
          await visit(a, r);
        } else if (d.isFile()) {
          out.push({ path: r, isDir: false, size: (await fs.stat(a)).size });
        }
      }
    };
    await visit(top, "");
    return out;
  }

  async sha256Many(paths: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const p of paths) {
      const data = await this.readFile(p).catch(() => null);
      out.set(p, data ? createHash("sha256").update(data).digest("hex") : null);
    }
    return out;
  }

  async mkdirs(dir: string): Promise<void> {
    const abs = this.host(dir);
    try {
      await fs.mkdir(abs, { recursive: true });
    } catch (e) {
      throw new BundleError(`cannot create ${abs}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
    // A symlink inside the drive could still lead elsewhere: check where the directory really is.
    const [realRoot, realDir] = await Promise.all([fs.realpath(this.root), fs.realpath(abs)]);
    if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)) {
      throw new BundleError(`refusing to write into ${abs}: it leads outside ${this.root}`);
    }
  }

  async writeFileAtomic(boardPath: string, data: Uint8Array): Promise<void> {
    const dest = this.host(boardPath);
    await this.mkdirs(path.posix.dirname(boardPath));
    const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, dest);
    } catch (e) {
      await fs.rm(temp, { force: true }).catch(() => {});
      throw new BundleError(`cannot write ${dest}: ${(e as NodeJS.ErrnoException).code ?? e}`);
    }
  }

  async removeFile(boardPath: string): Promise<void> {
    await fs.rm(this.host(boardPath), { force: true });
  }

  async removeTree(boardPath: string): Promise<void> {
    await fs.rm(this.host(boardPath), { recursive: true, force: true });
  }

  async freeBytes(dir: string): Promise<number | null> {
    try {
      const s = await fs.statfs(this.host(dir));
      return s.bavail * s.bsize;
    } catch {
      return null;
    }
  }
}
