// Where installed files go. The installers stage everything in memory first and only then write through
// this interface, so a failed download or a bad archive leaves the destination untouched.
import { promises as fs } from "node:fs";
import path from "node:path";
import { createHash, randomBytes } from "node:crypto";
import { InstallError } from "./errors.js";

export interface MpyVersion {
  major: number;
  minor: number;
  /** Native architecture code ((sys.implementation._mpy >> 10) & 15); 0 when the board has none. */
  arch?: number;
}

export interface InstallTarget {
  /** For messages: "board", "directory /home/me/out". */
  describe(): string;
  /** A target path as the user should read it: `:/lib/x.py` on a board, the host path for a directory. */
  where(path: string): string;
  /** The default install directory, as a `/`-separated path in the target's own namespace. */
  libDir(): Promise<string>;
  /** The .mpy version the target imports, or null when it imports none (or it is unknown). */
  mpyVersion(): Promise<MpyVersion | null>;
  /** Write a whole file, creating parent directories; a reader sees the old file or the new one, never half. */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /**
   * Hex SHA-256 of files already there (null: absent, or the target cannot tell), in one go, so that files
   * that are already up to date need not cross a slow link again. Optional.
   */
  sha256Many?(paths: string[]): Promise<Map<string, string | null>>;
  /** Bytes free on the filesystem holding `dir`, or null when the target cannot tell. Optional. */
  freeBytes?(dir: string): Promise<number | null>;
}

/** Decode `sys.implementation._mpy`. */
export function mpyVersionFromSysMpy(sysMpy: number): MpyVersion {
  return { major: sysMpy & 0xff, minor: (sysMpy >> 8) & 3, arch: (sysMpy >> 10) & 0x0f };
}

/** Normalise a target path to `/a/b` form, refusing `..` so nothing escapes the target's root. */
export function normaliseTargetPath(p: string): string {
  const segments = p.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) throw new InstallError(`refusing path with "..": ${p}`);
  return "/" + segments.join("/");
}

export function joinTargetPath(dir: string, rel: string): string {
  return normaliseTargetPath(`${dir}/${rel}`);
}

/**
 * A directory on the host standing in for a board's filesystem: target path `/lib/x.py` is
 * `ROOT/lib/x.py`. Its lib directory is the root itself, as `upip -p DIR` installs straight into DIR.
 */
export class LocalDirTarget implements InstallTarget {
  readonly root: string;
  constructor(
    root: string,
    private readonly mpy: MpyVersion | null = null,
  ) {
    this.root = path.resolve(root);
  }

  describe(): string {
    return `directory ${this.root}`;
  }

  where(targetPath: string): string {
    return path.join(this.root, ...normaliseTargetPath(targetPath).split("/"));
  }

  async libDir(): Promise<string> {
    return "/";
  }

  async mpyVersion(): Promise<MpyVersion | null> {
    return this.mpy;
  }

  async sha256Many(paths: string[]): Promise<Map<string, string | null>> {
    const out = new Map<string, string | null>();
    for (const p of paths) {
      try {
        out.set(p, createHash("sha256").update(await fs.readFile(this.where(p))).digest("hex"));
      } catch {
        out.set(p, null);
      }
    }
    return out;
  }

  async freeBytes(): Promise<number | null> {
    try {
      const st = await fs.statfs(this.root);
      return st.bavail * st.bsize;
    } catch {
      return null; // the root does not exist yet: created on the first write
    }
  }

  async writeFile(targetPath: string, data: Uint8Array): Promise<void> {
    const rel = normaliseTargetPath(targetPath).slice(1);
    if (!rel) throw new InstallError(`cannot write a file at the root of ${this.root}`);
    const dest = path.join(this.root, ...rel.split("/"));
    const dir = path.dirname(dest);
    try {
      await fs.mkdir(dir, { recursive: true });
    } catch (err) {
      throw new InstallError(`cannot create ${dir}: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    // A symlinked directory inside the root could still lead elsewhere: check where we really are.
    const [realRoot, realDir] = await Promise.all([fs.realpath(this.root), fs.realpath(dir)]);
    if (realDir !== realRoot && !realDir.startsWith(realRoot + path.sep)) {
      throw new InstallError(`refusing to write ${rel}: ${dir} leads outside ${this.root}`);
    }
    const temp = path.join(dir, `.${path.basename(dest)}.${randomBytes(4).toString("hex")}.tmp`);
    try {
      await fs.writeFile(temp, data);
      await fs.rename(temp, dest);
    } catch (err) {
      await fs.rm(temp, { force: true }).catch(() => {});
      const code = (err as NodeJS.ErrnoException).code;
      throw new InstallError(`cannot write ${dest}: ${code === "EISDIR" ? "a directory is in the way" : code ?? err}`);
    }
  }
}
