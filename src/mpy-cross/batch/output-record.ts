// What the last cached runs wrote where: for each output file, the cache key of its bytes and the file's
// identity (inode, size, modification and change times) as they were left. A rerun whose key for a file is the one
// recorded, and whose file still has that identity, knows the file holds those bytes without reading it
// or the cache entry: the file only gets fresh times, as build tools expect of a rebuilt target. Any
// write to the file, a rename over it or a change of its times (the change time, ctime, cannot be set
// back) changes its identity, as in git's index, so a stale record only costs the full check. Kept in the cache directory, one JSON file for every output directory; a record that cannot be
// read or written only makes the run slower.
import fs from "node:fs";
import path from "node:path";
import { writeAtomically } from "./write-atomically.js";

interface Entry {
  key: string;
  ino: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
}

function identity(st: fs.Stats): Omit<Entry, "key"> {
  return { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs };
}

export class OutputRecord {
  private readonly file: string;
  private entries: Record<string, Entry> = {};
  private changed = false;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, "outputs.json");
    try {
      const data = JSON.parse(fs.readFileSync(this.file, "utf8")) as { outputs?: Record<string, Entry> };
      if (data && typeof data.outputs === "object" && data.outputs !== null) this.entries = data.outputs;
    } catch {
      // no record yet, or an unreadable one: every output gets the full check
    }
  }

  /**
   * True (and the file's times set to now) when `target` is the plain file a recorded run left holding
   * the bytes of `key`.
   */
  holds(target: string, key: string): boolean {
    const abs = path.resolve(target);
    const e = this.entries[abs];
    if (!e || e.key !== key) return false;
    try {
      const st = fs.lstatSync(abs);
      if (!st.isFile() || st.nlink !== 1) return false;
      const now = identity(st);
      if (now.ino !== e.ino || now.size !== e.size || now.mtimeMs !== e.mtimeMs || now.ctimeMs !== e.ctimeMs) return false;
      const t = new Date();
      fs.utimesSync(abs, t, t);
      this.entries[abs] = { key, ...identity(fs.lstatSync(abs)) };
      this.changed = true;
      return true;
    } catch {
      return false;
    }
  }

  /** Notes that `target` now holds the bytes of `key` (a plain file only: links and devices are not recorded). */
  wrote(target: string, key: string): void {
    const abs = path.resolve(target);
    try {
      const st = fs.lstatSync(abs);
      if (st.isFile() && st.nlink === 1) this.entries[abs] = { key, ...identity(st) };
      else delete this.entries[abs];
    } catch {
      delete this.entries[abs];
    }
    this.changed = true;
  }

  save(): void {
    if (!this.changed) return;
    try {
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      writeAtomically(this.file, Buffer.from(JSON.stringify({ outputs: this.entries })));
    } catch {
      // the next run does the full check
    }
  }
}
