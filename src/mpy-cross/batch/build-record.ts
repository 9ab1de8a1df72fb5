// The record of a cached build, so that the same build asked again with nothing changed costs a few
// stats per file and no compiler: `tspy mpy-cross -r src --out-dir build --cache C`, run by CI or make
// a second time. A run with a cache that compiled every file without a failure saves, in the cache
// directory, under its command line (arguments, working directory, $TSPY_MPY_CACHE, compiler
// fingerprint): the identity (inode, size, modification and change times) of every directory it listed,
// every source it read and every output it left. A later run with the same command line whose every
// one of those still has the recorded identity would compile the same sources the same way into files
// that already hold the result, so it is done at once, the outputs left as they are (bytes and times:
// as ninja's `restat`, a target that did not change does not look newer to what depends on it) —
// without parsing its arguments, reading or hashing a source, loading the compiler or writing anything
// (bin/ asks before it loads the bundled command, see fast-path.ts). Anything else — a new or removed file (its
// directory's times change), an edited source, an output written by someone else, another compiler —
// makes the run do the full work, which records anew.
//
// A change in the same clock tick as the previous one can leave the times as they were (git's "racy"
// files): a source or directory changed within RACY_MS of the run is therefore never trusted, and that
// run saves no record. Outputs are the build's own files; one rewritten behind its back in the very
// tick tspy wrote it, with the same size, would go unnoticed, as with the outputs record of cache.ts.
import fs from "node:fs";
import path from "node:path";
import { bundleFingerprint, compilerFingerprint } from "./compiler-fingerprint.js";
import { writeAtomically } from "./write-atomically.js";

/** What identifies a file's contents without reading them: [path, inode, size, mtimeMs, ctimeMs]. */
type Stamp = [string, number, number, number, number];

interface RecordData {
  key: string;
  dirs: Stamp[];
  sources: Stamp[];
  outputs: Stamp[];
}

/** A change this close (ms) before a run may share its times with the one before it: not trusted. */
const RACY_MS = 1000;

const stamp = (p: string, st: fs.Stats): Stamp => [p, st.ino, st.size, st.mtimeMs, st.ctimeMs];

function matches(st: fs.Stats | undefined, s: Stamp): boolean {
  return st !== undefined && st.ino === s[1] && st.size === s[2] && st.mtimeMs === s[3] && st.ctimeMs === s[4];
}

const isPlainOutput = (st: fs.Stats | undefined): st is fs.Stats => st !== undefined && st.isFile() && st.nlink === 1;

/**
 * The cache directory the command line names, read without the argument parser. A wrong guess (the
 * word after --cache was the value of another option) only finds no record: records are kept in the
 * directory the parser found, under the whole command line.
 */
function namedCacheDir(args: string[]): string | undefined {
  let dir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--cache" && i + 1 < args.length) dir = args[++i];
    else if (args[i].startsWith("--cache=")) dir = args[i].slice(8);
  }
  return dir ?? (process.env.TSPY_MPY_CACHE || undefined);
}

function runKey(args: string[], fingerprint: string): string {
  return JSON.stringify({ fingerprint, cwd: process.cwd(), args, cacheEnv: process.env.TSPY_MPY_CACHE ?? null });
}

/** The record's file: named by a quick 64-bit hash of the key (the key itself is stored inside). */
function recordFile(cacheDir: string, key: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  const hex = (n: number) => (n >>> 0).toString(16).padStart(8, "0");
  return path.join(cacheDir, "builds", `${hex(a)}${hex(b)}.json`);
}

function save(file: string, data: RecordData): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    writeAtomically(file, Buffer.from(JSON.stringify(data)));
  } catch {
    // no record: the next run does the full work
  }
}

/**
 * True when this command line repeats a recorded build with nothing changed: the run is then done
 * (status 0, nothing printed, as the full run would end), nothing written. False whenever anything
 * differs or cannot be checked.
 */
export function replayRecordedBuild(args: string[]): boolean {
  const cacheDir = namedCacheDir(args);
  if (cacheDir === undefined) return false;
  const fingerprint = bundleFingerprint();
  if (fingerprint === null) return false;
  const key = runKey(args, fingerprint);
  const file = recordFile(cacheDir, key);
  let data: RecordData;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8")) as RecordData;
  } catch {
    return false;
  }
  if (data?.key !== key || !Array.isArray(data.dirs) || !Array.isArray(data.sources) || !Array.isArray(data.outputs)) return false;
  const opts = { throwIfNoEntry: false } as const;
  for (const s of data.dirs) if (!matches(fs.statSync(s[0], opts), s)) return false;
  for (const s of data.sources) if (!matches(fs.statSync(s[0], opts), s)) return false;
  for (const s of data.outputs) {
    const st = fs.lstatSync(s[0], opts);
    if (!isPlainOutput(st) || !matches(st, s)) return false;
  }
  return true;
}

/**
 * Collects what a cached run listed, read and wrote, and saves it as the record of its command line
 * when the run can be repeated by stats alone (see the top of this file).
 */
export class BuildRecorder {
  private readonly startedAt = Date.now();
  private readonly data: RecordData;
  private readonly listed = new Set<string>();
  private spoiled = false;

  constructor(
    private readonly cacheDir: string,
    args: string[],
  ) {
    this.data = { key: runKey(args, compilerFingerprint()), dirs: [], sources: [], outputs: [] };
  }

  /** The run cannot be repeated from a record (input from stdin, output to stdout, a failure ...). */
  spoil(): void {
    this.spoiled = true;
  }

  private trusted(st: fs.Stats): boolean {
    if (st.ctimeMs >= this.startedAt - RACY_MS) this.spoil();
    return !this.spoiled;
  }

  /** A directory about to be listed (stat before reading: a change after it shows next time). */
  dir(p: string): void {
    if (this.spoiled || this.listed.has(p)) return;
    this.listed.add(p);
    try {
      const st = fs.statSync(p);
      if (this.trusted(st)) this.data.dirs.push(stamp(p, st));
    } catch {
      this.spoil();
    }
  }

  /** A source, with the identity it had before it was read. */
  source(p: string, st: fs.Stats): void {
    if (this.trusted(st)) this.data.sources.push(stamp(p, st));
  }

  /** An output just left holding its bytes. */
  output(p: string): void {
    if (this.spoiled) return;
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (isPlainOutput(st)) this.data.outputs.push(stamp(p, st));
    else this.spoil();
  }

  save(): void {
    if (!this.spoiled) save(recordFile(this.cacheDir, this.data.key), this.data);
  }
}
