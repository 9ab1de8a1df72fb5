// Installing onto a connected board: the files layer (src/fs) writes each file atomically over the raw
// REPL; the lib directory and .mpy version come from the board's own sys module.
import type { RawRepl } from "../raw-repl/raw-repl.js";
import { BoardFs } from "../fs/board-fs.js";
import { parsePyLiteral } from "../fs/py-literal.js";
import { TspyError } from "../errors.js";
import { InstallError } from "./errors.js";
import { mpyVersionFromSysMpy, type InstallTarget, type MpyVersion } from "./install-target.js";

/** Board-side: sys.path and sys.implementation._mpy (None where .mpy import is absent), in one round trip. */
export const SYS_INFO_SNIPPET = "import sys\nprint(repr((sys.path, getattr(sys.implementation, '_mpy', None))))\n";

interface SysInfo {
  path: string[];
  sysMpy: number | null;
}

/** mip's rule: the first sys.path entry ending in /lib, leaving out the read-only /rom. */
export function pickLibDir(sysPath: string[]): string | null {
  return sysPath.find((p) => p.endsWith("/lib") && !p.startsWith("/rom")) ?? null;
}

export class BoardTarget implements InstallTarget {
  private info: Promise<SysInfo> | null = null;
  private readonly made = new Set<string>();

  constructor(
    private readonly repl: RawRepl,
    private readonly fs: BoardFs = BoardFs.for(repl),
  ) {}

  describe(): string {
    return "board";
  }

  where(path: string): string {
    return `:${path}`;
  }

  private sysInfo(): Promise<SysInfo> {
    this.info ??= (async () => {
      const out = Buffer.from(await this.repl.exec(SYS_INFO_SNIPPET)).toString("utf8").trim();
      const [path, sysMpy] = parsePyLiteral(out) as [unknown, unknown];
      return {
        path: Array.isArray(path) ? path.map(String) : [],
        sysMpy: typeof sysMpy === "number" ? sysMpy : null,
      };
    })();
    return this.info;
  }

  async libDir(): Promise<string> {
    const lib = pickLibDir((await this.sysInfo()).path);
    if (!lib) throw new InstallError("the board has no lib directory on sys.path; give one with --target");
    return lib;
  }

  async mpyVersion(): Promise<MpyVersion | null> {
    const { sysMpy } = await this.sysInfo();
    return sysMpy === null ? null : mpyVersionFromSysMpy(sysMpy);
  }

  async sha256Many(paths: string[]): Promise<Map<string, string | null>> {
    const found = await this.fs.hashMany(paths);
    return new Map(paths.map((p) => {
      const h = found.get(p);
      return [p, h && h.size >= 0 ? h.digest : null];
    }));
  }

  /** `df` on the board: the free bytes of the filesystem mounted nearest above `dir`. */
  async freeBytes(dir: string): Promise<number | null> {
    try {
      const rows = await this.fs.statvfs();
      const under = rows.filter((r) => dir === r.mountedOn || dir.startsWith(r.mountedOn.endsWith("/") ? r.mountedOn : r.mountedOn + "/"));
      const best = under.sort((a, b) => b.mountedOn.length - a.mountedOn.length)[0];
      return best ? best.avail : null;
    } catch (e) {
      if (e instanceof TspyError) return null; // no os.statvfs on this firmware: cannot tell
      throw e;
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    const dir = path.slice(0, path.lastIndexOf("/"));
    if (dir && !this.made.has(dir)) {
      await this.fs.mkdirs(dir);
      this.made.add(dir);
    }
    await this.fs.writeFileAtomic(path, data);
  }
}
