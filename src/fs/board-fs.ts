// Every file operation on a board, built on the raw REPL's exec (like mpremote's Transport). The one
// place that chooses encodings and chunk sizes, runs the snippets, and turns board exceptions into
// FsErrors. Knows nothing about command lines.
import { createHash } from "node:crypto";
import { deflateRawSync } from "node:zlib";
import { InterruptedError, TimeoutError, TspyError } from "../errors.js";
import type { ExecOptions, RawRepl } from "../raw-repl/raw-repl.js";
import { DeviceError } from "../raw-repl/errors.js";
import {
  bytesLiteral,
  dataExpression,
  pyStr,
  EscapedStreamDecoder,
  type ReadEncoding,
  type WriteEncoding,
} from "./codec.js";
import { convertBoardError, ENOENT, EISDIR, ENOMEM, FsError, FsUnsupportedError, strerror } from "./errors.js";
import { tempPathFor } from "./paths.js";
import { parsePyLiteral, PyLiteralError, type PyValue } from "./py-literal.js";
import * as snippets from "./snippets.js";
import type { BoardCaps } from "./snippets.js";

export const S_IFDIR = 0x4000;

export interface Entry {
  name: string;
  mode: number;
  size: number;
  isDir: boolean;
  /** Board local time [year, month, day, hour, minute], from `listdirLong` only. */
  mtime?: number[] | null;
}

export interface WalkEntry {
  /** Relative to the walked directory, `/`-separated. */
  path: string;
  mode: number;
  size: number;
  isDir: boolean;
}

export interface Progress {
  (done: number, total: number): void;
}

export interface TransferOptions {
  onProgress?: Progress;
  /** Abort between chunks (the temporary file is removed, the target left as it was). */
  signal?: AbortSignal;
}

export interface FileHash {
  /** -1 when the path does not exist. */
  size: number;
  /** Hex SHA-256, or null (no hashlib on the board, or a directory). */
  digest: string | null;
}

export interface DfRow {
  filesystem: string;
  mountedOn: string;
  size: number;
  used: number;
  avail: number;
}

/** How this connection moves data; chosen once, by probing. */
export interface LinkPlan {
  write: WriteEncoding;
  /** null until the first read probes it. */
  read: ReadEncoding | null;
  writeChunk: number;
  readChunk: number;
}

const text = (b: Uint8Array) => Buffer.from(b).toString("utf8");

function toEntry(v: PyValue): Entry {
  const t = v as PyValue[];
  const mode = Number(t[1]);
  return {
    name: String(t[0]),
    mode,
    size: Number(t[2]),
    isDir: (mode & S_IFDIR) !== 0,
    ...(t.length > 3 ? { mtime: (t[3] as number[] | null) ?? null } : {}),
  };
}

const NOT_COMPILED = new Set(["SyntaxError", "IndentationError"]);

/** A data chunk of a write ("_d=..."): it carries its own length and sum check. */
function isDataChunk(code: string | Uint8Array): boolean {
  const head = typeof code === "string" ? code.slice(0, 3) : Buffer.from(code.subarray(0, 3)).toString("latin1");
  return head === "_d=";
}

/** Board exceptions that mean the code arrived damaged (nothing was written): send it again. */
const GARBLED = new Set(["SyntaxError", "IndentationError", "UnicodeError", "ValueError", "NameError"]);

const clamp = (n: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, n));

/** The board had no memory for a program (to compile it, or while it ran). */
function isMemoryError(e: unknown): e is DeviceError {
  return e instanceof DeviceError && e.exceptionName === "MemoryError";
}

/** The smallest chunk a stepped read asks for before it gives up on the board's heap. */
const READ_STEP_MIN = 16;

const isEscaped = (enc: ReadEncoding): enc is "escaped" | "escaped-lf" => enc === "escaped" || enc === "escaped-lf";

/** One stepped-read chunk's output, escaped: the data, DLE 'E', its length. */
function stepDecoder(out: Uint8Array): EscapedStreamDecoder {
  const d = new EscapedStreamDecoder();
  d.push(out);
  return d;
}

/** The bytes of an escaped read and the text after them; null when the end marker never came. */
function escapedData(d: EscapedStreamDecoder): { data: Buffer; trailer: string } | null {
  return d.complete ? { data: d.data, trailer: d.trailer.trim() } : null;
}

/** The bytes of a line-encoded read (base64 or repr lines up to `#E`) and the rest of the `#E` line; null without it. */
function lineData(lines: string[], enc: "base64" | "repr"): { data: Buffer; trailer: string } | null {
  const end = lines.findIndex((l) => l.startsWith("#E"));
  if (end < 0) return null;
  const data = Buffer.concat(
    lines.slice(0, end).map((l) => (enc === "base64" ? Buffer.from(l, "base64") : Buffer.from(parsePyLiteral(l) as Uint8Array))),
  );
  return { data, trailer: lines[end].slice(2).trim() };
}

const instances = new WeakMap<RawRepl, BoardFs>();

export class BoardFs {
  private capsPromise: Promise<BoardCaps> | null = null;
  private planPromise: Promise<LinkPlan> | null = null;

  constructor(readonly repl: RawRepl) {}

  /** One BoardFs per raw REPL connection, so detection runs once. */
  static for(repl: RawRepl): BoardFs {
    let fs = instances.get(repl);
    if (!fs) {
      fs = new BoardFs(repl);
      instances.set(repl, fs);
    }
    return fs;
  }

  // --- capability detection ------------------------------------------------------------------

  caps(): Promise<BoardCaps> {
    if (!this.capsPromise) {
      this.capsPromise = this.detect();
      this.capsPromise.catch(() => {
        this.capsPromise = null;
      });
    }
    return this.capsPromise;
  }

  private async detect(): Promise<BoardCaps> {
    const F = snippets.OS_FUNCTIONS.length;
    let v: PyValue[] | null = null;
    for (let attempt = 1; v === null; attempt++) {
      try {
        const got = parsePyLiteral((await this.runDetection()).trim());
        // A byte lost on the way can drop an item and shift the rest: check the shape.
        const ok =
          Array.isArray(got) && got.length === 1 + F + 11 && typeof got[0] === "string" &&
          got.slice(1, 1 + F).every((f) => typeof f === "boolean") && typeof got[F + 5] === "number" &&
          (got[F + 8] === null || typeof got[F + 8] === "string");
        if (!ok) throw new PyLiteralError("unexpected answer to the capability detection");
        v = got;
      } catch (e) {
        // Detection only reads: on a damaged answer or program, ask again.
        if (!(e instanceof DeviceError || e instanceof PyLiteralError)) throw e;
        if (attempt >= 3) {
          if (e instanceof DeviceError) throw e;
          throw new TspyError(`the board's answer to tspy's capability check arrived damaged ${attempt} times (${e.message}); check the link, then try again`);
        }
      }
    }
    const has = Object.fromEntries(snippets.OS_FUNCTIONS.map((n, i) => [n, v[1 + i] === true])) as Record<snippets.OsFunction, boolean>;
    const rest = v.slice(1 + F);
    const caps: BoardCaps = {
      osModule: String(v[0]),
      ...has,
      hashlib: (rest[0] as string | null) ?? null,
      binascii: (rest[1] as string | null) ?? null,
      stdoutBuffer: Boolean(rest[2]),
      kbdIntr: Boolean(rest[3]),
      memFree: Number(rest[4]),
      implementation: String(rest[5]),
      platform: String(rest[6]),
      journal: (rest[7] as string | null) ?? null,
      deflate: rest[8] === true,
      time: (rest[9] as string | null) ?? null,
      rawFF: snippets.readsRawFF(Array.isArray(rest[10]) ? rest[10].map(Number) : []),
    };
    this.escapeFF = !caps.rawFF;
    if (caps.journal !== null) await this.recover(caps, caps.journal);
    return caps;
  }

  /**
   * The detection's output: one program, or (where the board has no memory to compile that one: a
   * micro:bit right after a few imports) the same in parts. Unguarded: the guard would double its size,
   * too much for a micro:bit's heap.
   */
  private async runDetection(): Promise<string> {
    try {
      return text(await this.exec(snippets.detect, {}, false));
    } catch (e) {
      if (!isMemoryError(e)) throw e;
    }
    let out: Uint8Array = new Uint8Array(0);
    for (const part of snippets.detectInParts) {
      try {
        out = await this.exec(part, {}, false);
      } catch (e) {
        if (!isMemoryError(e)) throw e;
        throw new TspyError(`the board has no memory left even for tspy's capability check in parts (${e.exceptionName}: ${e.message}): soft-reset it, then try again`);
      }
    }
    return text(out);
  }

  /**
   * Finish or undo a write that an earlier connection did not complete. This must never stop the
   * command that connected: whatever goes wrong is told once (the journal is dropped) and work goes on.
   */
  private async recover(caps: BoardCaps, journal: string): Promise<void> {
    const [state, tmp, target] = journal.split("\n");
    let failure: string | null = null;
    try {
      if (tmp) {
        const out = text(await this.exec(snippets.recoverJournal(caps, state, tmp, target ?? ""))).trim();
        const said = parsePyLiteral(out);
        if (typeof said === "string") failure = said;
      } else {
        await this.exec(snippets.dropJournal(caps));
      }
    } catch (e) {
      if (!(e instanceof DeviceError || e instanceof PyLiteralError)) throw e;
      failure = e instanceof DeviceError ? `${e.exceptionName}: ${e.message}` : e.message;
      await this.exec(snippets.dropJournal(caps)).catch(() => undefined);
    }
    if (failure !== null) {
      this.notice(`the unfinished write of :${target || tmp} left by an earlier connection could not be completed (${failure}); its journal was removed`);
    }
  }

  /** Things the user should hear about that do not stop the command (set by the CLI). */
  onNotice: (message: string) => void = () => undefined;

  private notice(message: string): void {
    this.onNotice(message);
  }

  private async circuitPython(): Promise<boolean> {
    return (await this.caps()).implementation === "circuitpython";
  }

  /**
   * On a filesystem without directories a name is just a name: `./a.py` (what joining onto `:`
   * gives) and `/a.py` mean `a.py`.
   */
  private async flat(path: string): Promise<string> {
    if ((await this.caps()).mkdir) return path;
    return path.replace(/^(\.?\/)+/, "");
  }

  /** Filesystems without directories (the micro:bit) get one clear line instead of an odd error. */
  async requireDirectories(what: string): Promise<void> {
    const caps = await this.caps();
    if (!caps.mkdir) throw new FsUnsupportedError(`${what}: this board's filesystem has no directories`);
  }

  /**
   * exec, sent again when the board says the code did not even compile: our snippets always do, so
   * that means bytes were lost on the way (seen on slow UARTs in plain raw mode), and nothing ran.
   */
  private async exec(code: string | Uint8Array, opts: ExecOptions = {}, guarded = true): Promise<Uint8Array> {
    for (let attempt = 1; ; attempt++) {
      const sent = guarded ? this.guard(code) : code;
      try {
        return await this.repl.exec(sent, { ...opts, selfChecking: guarded && (sent !== code || isDataChunk(code)) });
      } catch (e) {
        // Our snippets never raise it themselves: the user stopped tspy, which sent the board Ctrl-C.
        if (e instanceof DeviceError && e.exceptionName === "KeyboardInterrupt") throw new InterruptedError();
        // A program the board had no memory for did not arrive damaged: sent again, even slower, it
        // meets the same heap (the caller decides what smaller steps to take instead).
        if (e instanceof DeviceError && e.exceptionName === "MemoryError") throw e;
        if (attempt >= 4) throw e;
        // Every retry below is for a program damaged on the way: plain raw mode sends slower from now on.
        const damaged = () => this.repl.slowDown();
        // A guarded program that failed outside its exec() (no "<string>" frame): the wrapper
        // itself arrived damaged, so nothing ran.
        if (sent !== code && e instanceof DeviceError && !e.traceback.includes('"<string>"')) {
          damaged();
          continue;
        }
        if (e instanceof TimeoutError && /accept the code/.test(e.message)) {
          // The end-of-code byte or the board's OK was lost: back to a clean raw REPL prompt, again.
          damaged();
          await this.repl.enter();
          continue;
        }
        if (!(e instanceof DeviceError) || !(NOT_COMPILED.has(e.exceptionName) || /tspy: garbled/.test(e.message))) throw e;
        damaged();
      }
    }
  }

  /**
   * Plain raw mode has no flow control, and slow UARTs drop bytes of a burst now and then; a lost
   * byte inside a string literal still compiles, and would do the wrong thing. There every program
   * travels as data with its length and byte sum, and runs only if both match (else the board
   * raises "garbled" and exec() sends it again).
   */
  private guard(code: string | Uint8Array): string | Uint8Array {
    if (this.repl.pasteMode !== "plain") return code;
    const bytes = typeof code === "string" ? Buffer.from(code, "utf8") : code;
    if (bytes.length < 48 || isDataChunk(bytes)) return code; // data chunks check themselves
    const sum = bytes.reduce((a, b) => a + b, 0);
    return Buffer.concat([
      Buffer.from("_c="),
      bytesLiteral(bytes, this.rawBytesDamaged ? "ascii" : "bytes8", this.escapeFF),
      Buffer.from(`\nif len(_c)!=${bytes.length} or sum(_c)!=${sum}:raise ValueError('tspy: garbled')\nexec(_c)\n_c=None\n`),
    ]);
  }

  /** Set when raw bytes were found damaged on this link: literals stay printable from then on. */
  private rawBytesDamaged = false;
  /** Until detection says otherwise, a 0xFF byte in a guarded program travels escaped. */
  private escapeFF = true;

  /** Run a snippet; board OSErrors become FsError(op, path). */
  private async run(code: string | Uint8Array, op: string, path: string, timeoutMs = 30_000): Promise<string> {
    try {
      return text(await this.exec(code, { timeoutMs }));
    } catch (e) {
      throw convertBoardError(e, op, path, await this.circuitPython().catch(() => false));
    }
  }

  // --- choosing encodings --------------------------------------------------------------------

  plan(): Promise<LinkPlan> {
    if (!this.planPromise) {
      this.planPromise = this.probe();
      this.planPromise.catch(() => {
        this.planPromise = null;
      });
    }
    return this.planPromise;
  }

  /**
   * Writes start with raw bytes ("bytes8"): every chunk is checked on the board, and the first chunk
   * that arrives damaged switches this connection to base64 (or ASCII escapes), so no probe is
   * needed. How reads travel is probed on the first read (`readPlan`).
   */
  private async probe(): Promise<LinkPlan> {
    const caps = await this.caps();
    // The board holds a chunk several times over while compiling it (line buffer, lexer buffer,
    // the bytes object): size chunks to a fraction of its free memory.
    const mem = caps.memFree > 0 ? caps.memFree : 8192;
    const share = this.repl.pasteMode === "plain" ? 20 : 8;
    const writeChunk = clamp(Math.floor(mem / share / 64) * 64, 128, 16384);
    return { write: "bytes8", read: null, writeChunk, readChunk: 128 };
  }

  /** The plan with the read encoding chosen: escaped raw bytes where the board's stdout carries them. */
  async readPlan(): Promise<LinkPlan & { read: ReadEncoding }> {
    const plan = await this.plan();
    if (plan.read === null) {
      const caps = await this.caps();
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      let read: ReadEncoding = caps.binascii ? "base64" : "repr";
      if (caps.stdoutBuffer) {
        // Some boards turn LF into CR LF even on sys.stdout.buffer: then LF travels escaped too.
        for (const lf of [false, true]) {
          try {
            const d = new EscapedStreamDecoder();
            d.push(await this.exec(snippets.probeEscapedRead(lf)));
            if (d.complete && Buffer.compare(d.data, Buffer.from(all)) === 0) {
              read = lf ? "escaped-lf" : "escaped";
              break;
            }
          } catch (e) {
            if (!(e instanceof DeviceError)) throw e;
          }
        }
      }
      // Reading holds the chunk, its escaped or encoded copy, and (repr) a text up to 4× as long.
      const mem = caps.memFree > 0 ? caps.memFree : 8192;
      const readShare = read === "repr" ? 48 : 8;
      plan.readChunk = clamp(Math.floor(mem / readShare / 64) * 64, 128, 8192);
      plan.read = read;
    }
    return plan as LinkPlan & { read: ReadEncoding };
  }

  // --- queries -------------------------------------------------------------------------------

  async listdir(path: string, opts: { long?: boolean } = {}): Promise<Entry[]> {
    path = await this.flat(path);
    const caps = await this.caps();
    if (!caps.mkdir && !["", "/", "."].includes(path)) {
      throw new FsUnsupportedError(`ls: this board's filesystem has no directories`);
    }
    const code = opts.long ? snippets.listdirLong(caps, path) : snippets.listdir(caps, path);
    const out = await this.run(code, "listdir", path);
    return (parsePyLiteral(`[${out}]`) as PyValue[]).map(toEntry);
  }

  /** (mode, size) or an FsError (ENOENT ...). */
  async stat(path: string): Promise<{ mode: number; size: number; isDir: boolean }> {
    path = await this.flat(path);
    const caps = await this.caps();
    const v = parsePyLiteral((await this.run(snippets.stat(caps, path), "stat", path)).trim()) as number[];
    return { mode: v[0], size: v[1], isDir: (v[0] & S_IFDIR) !== 0 };
  }

  async exists(path: string): Promise<boolean> {
    try {
      await this.stat(path);
      return true;
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  async isDir(path: string): Promise<boolean> {
    try {
      return (await this.stat(path)).isDir;
    } catch (e) {
      if (e instanceof FsError) return false;
      throw e;
    }
  }

  async getcwd(): Promise<string> {
    const caps = await this.caps();
    if (!caps.getcwd) return "/";
    return (await this.run(snippets.getcwd(caps), "getcwd", "")).trim();
  }

  /** Everything below `path`, a directory before its contents, in board order. */
  async walk(path: string): Promise<WalkEntry[]> {
    path = await this.flat(path);
    const caps = await this.caps();
    const out = await this.run(snippets.walk(caps, path), "walk", path, 120_000);
    return out
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "")
      .map((l) => {
        const t = parsePyLiteral(l.trim()) as [string, number, number];
        return { path: t[0], mode: t[1], size: t[2], isDir: (t[1] & S_IFDIR) !== 0 };
      });
  }

  /** Size and SHA-256 of many files in one exec (digest null when the board has no sha256). */
  async hashMany(asked: string[]): Promise<Map<string, FileHash>> {
    const result = new Map<string, FileHash>();
    if (asked.length === 0) return result;
    const caps = await this.caps();
    const paths = await Promise.all(asked.map((p) => this.flat(p)));
    const askedAs = new Map(paths.map((p, i) => [p, asked[i]]));
    // Batches keep the code small for boards with little memory.
    const batch = caps.memFree > 0 && caps.memFree < 32768 ? 8 : 64;
    for (let i = 0; i < paths.length; i += batch) {
      const part = paths.slice(i, i + batch);
      const out = await this.run(snippets.hashMany(caps, part, 512), "sha256sum", part[0], 120_000);
      for (const line of out.split(/\r?\n/)) {
        if (!line.trim()) continue;
        const [p, size, digest] = parsePyLiteral(line.trim()) as [string, number, string | null];
        result.set(askedAs.get(p) ?? p, { size, digest });
      }
    }
    return result;
  }

  /** SHA-256 of one board file (read and hashed here when the board has no sha256). */
  async sha256(path: string): Promise<string> {
    const caps = await this.caps();
    if (!caps.hashlib) return createHash("sha256").update(await this.readFile(path)).digest("hex");
    const h = (await this.hashMany([path])).get(path);
    if (!h || h.size < 0) throw new FsError("sha256sum", path, ENOENT);
    if (h.digest === null) throw new FsError("sha256sum", path, EISDIR);
    return h.digest;
  }

  async statvfs(): Promise<DfRow[]> {
    const caps = await this.caps();
    if (!caps.statvfs) throw new FsUnsupportedError("df: this board's filesystem does not report its size (no os.statvfs)");
    const rows = parsePyLiteral((await this.run(snippets.statvfs(caps), "df", "/")).trim()) as [string, string, number, number, number][];
    return rows
      .map(([fsName, mount, bsize, blocks, bavail]) => ({
        filesystem: fsName,
        mountedOn: mount,
        size: bsize * blocks,
        avail: bsize * bavail,
        used: bsize * blocks - bsize * bavail,
      }))
      .filter((r) => r.size > 0);
  }

  // --- changes -------------------------------------------------------------------------------

  async remove(path: string): Promise<void> {
    path = await this.flat(path);
    await this.run(snippets.remove(await this.caps(), path), "rm", path);
  }

  async rmdir(path: string): Promise<void> {
    await this.requireRemovableDirs("rmdir");
    try {
      await this.run(snippets.rmdir(await this.caps(), path), "rmdir", path);
    } catch (e) {
      if (e instanceof FsError && e.errno === snippets.NO_SHELL_ERRNO) throw this.noShell("rmdir");
      throw e;
    }
  }

  /**
   * The unix ports without `os.rmdir` remove directories through a shell (`os.system`); refused up
   * front, before rm -r removes any file, where the board has neither (a port chrooted alone).
   */
  private async requireRemovableDirs(what: string): Promise<void> {
    await this.requireDirectories(what);
    const caps = await this.caps();
    if (caps.rmdir) return;
    if (!caps.system) throw new FsUnsupportedError(`${what}: this board's ${caps.osModule} has no rmdir (nor system), so directories cannot be removed`);
    this.shellPromise ??= this.run(snippets.probeShell(caps), what, "/").then((out) => out.trim() === "0");
    if (!(await this.shellPromise)) throw this.noShell(what);
  }

  private shellPromise: Promise<boolean> | null = null;

  private noShell(what: string): FsUnsupportedError {
    return new FsUnsupportedError(`${what}: this board's uos has no rmdir, and os.system found no shell to run rmdir, so directories cannot be removed`);
  }

  async mkdir(path: string): Promise<void> {
    await this.requireDirectories("mkdir");
    await this.run(snippets.mkdir(await this.caps(), path), "mkdir", path);
  }

  /** Make `path` and any missing parents (the upip installer's target). */
  async mkdirs(path: string): Promise<void> {
    const parts = path.split("/");
    const prefixes: string[] = [];
    let acc = path.startsWith("/") ? "/" : "";
    for (const c of parts) {
      if (!c || c === ".") continue;
      acc = acc === "" ? c : acc.endsWith("/") ? acc + c : `${acc}/${c}`;
      prefixes.push(acc);
    }
    if (prefixes.length === 0) return;
    await this.requireDirectories("mkdir");
    await this.run(snippets.mkdirs(await this.caps(), prefixes), "mkdir", path);
  }

  /** Make each directory unless it exists (parents listed before children), in one exec. */
  async makeDirs(paths: string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.requireDirectories("mkdir");
    await this.run(snippets.mkdirs(await this.caps(), paths), "mkdir", paths[0]);
  }

  async touch(path: string): Promise<void> {
    path = await this.flat(path);
    await this.run(snippets.touch(path), "touch", path);
  }

  async rename(from: string, to: string): Promise<void> {
    const caps = await this.caps();
    if (!caps.rename) throw new FsUnsupportedError("rename: this board's filesystem cannot rename files");
    await this.run(snippets.rename(caps, from, to), "rename", from);
  }

  /**
   * rm -r on the board in one exec; `onStep` sees each removal as it happens. A directory that
   * cannot be removed stops the walk with an error; mount points (EINVAL) are skipped.
   */
  async removeTree(path: string, onStep: (kind: "file" | "dir" | "skipped", path: string) => void): Promise<void> {
    path = await this.flat(path);
    const caps = await this.caps();
    // Refused before any file goes when the walk could never remove the directories it empties.
    if (caps.mkdir && !caps.rmdir && (await this.isDir(path))) await this.requireRemovableDirs("rm -r");
    let pending = "";
    let failure: { errno: number; path: string } | null = null;
    const onLine = (line: string) => {
      const m = /^([FDSE]) (.*)$/.exec(line.replace(/\r$/, ""));
      if (!m) return;
      if (m[1] === "E") {
        const sp = m[2].indexOf(" ");
        failure = { errno: Number(m[2].slice(0, sp)), path: m[2].slice(sp + 1) };
      } else onStep(m[1] === "F" ? "file" : m[1] === "D" ? "dir" : "skipped", m[2]);
    };
    try {
      await this.exec(snippets.removeTree(caps, path), {
        timeoutMs: 300_000,
        onStdout: (chunk) => {
          pending += text(chunk);
          let nl: number;
          while ((nl = pending.indexOf("\n")) >= 0) {
            onLine(pending.slice(0, nl));
            pending = pending.slice(nl + 1);
          }
        },
      });
    } catch (e) {
      throw convertBoardError(e, "rm", path, caps.implementation === "circuitpython");
    }
    if (pending) onLine(pending);
    const f = failure as { errno: number; path: string } | null;
    if (f?.errno === snippets.NO_SHELL_ERRNO && !caps.rmdir) throw this.noShell("rm -r");
    if (f) throw new FsError("rm -r", f.path, f.errno, `rm -r: cannot remove :${f.path} ${f.errno ? strerror(f.errno) : ""}`);
  }

  // --- reading -------------------------------------------------------------------------------

  /**
   * The whole file, checked against the board's trailer (size, and SHA-256 where it has hashlib).
   * One program streams it; where the board has no memory to compile that program (a fragmented
   * heap, as on a micro:bit after a few imports: MemoryError) it goes in steps small enough to
   * compile there (`readInSteps`), in the same encoding and with the same checks.
   */
  async readFile(path: string, opts: TransferOptions = {}): Promise<Buffer> {
    path = await this.flat(path);
    const caps = await this.caps();
    const plan = await this.readPlan();
    let got: { data: Buffer; trailer: string };
    try {
      got = await this.readInOne(caps, plan, path, opts);
    } catch (e) {
      if (!isMemoryError(e)) throw convertBoardError(e, "read", path, caps.implementation === "circuitpython");
      got = await this.readInSteps(caps, plan, path, opts);
    }
    const { data, trailer } = got;
    const [sizeText, digest] = trailer.split(/\s+/);
    if (Number(sizeText) !== data.length || (digest && digest !== "-" && digest !== createHash("sha256").update(data).digest("hex"))) {
      throw new TspyError(`read: ${path}: the data arrived damaged (${data.length} bytes, the board sent ${sizeText}); try again`);
    }
    return data;
  }

  /** The one-program read: the file's bytes and the trailer text, unchecked. Board errors unconverted. */
  private async readInOne(
    caps: BoardCaps,
    plan: LinkPlan & { read: ReadEncoding },
    path: string,
    opts: TransferOptions,
  ): Promise<{ data: Buffer; trailer: string }> {
    let total = -1;
    let header = "";
    let headerDone = false;
    const decoder = new EscapedStreamDecoder();
    const lines: string[] = [];
    let partial = "";
    let gotBytes = 0;
    const onStdout = (chunk: Uint8Array) => {
      let rest = chunk;
      if (!headerDone) {
        const nl = rest.indexOf(0x0a);
        if (nl < 0) {
          header += Buffer.from(rest).toString("latin1");
          return;
        }
        header += Buffer.from(rest.subarray(0, nl)).toString("latin1");
        headerDone = true;
        total = Number(header.trim());
        rest = rest.subarray(nl + 1);
      }
      if (isEscaped(plan.read)) {
        decoder.push(rest);
        gotBytes = decoder.received;
      } else {
        partial += Buffer.from(rest).toString("latin1");
        let nl: number;
        while ((nl = partial.indexOf("\n")) >= 0) {
          const line = partial.slice(0, nl).replace(/\r$/, "");
          partial = partial.slice(nl + 1);
          lines.push(line);
          if (!line.startsWith("#E")) gotBytes += plan.read === "base64" ? Math.floor((line.replace(/=+$/, "").length * 3) / 4) : 0;
        }
      }
      if (opts.onProgress && total >= 0) opts.onProgress(Math.min(gotBytes, total), total);
    };
    const code = isEscaped(plan.read)
      ? snippets.readEscaped(caps, path, plan.readChunk, plan.read === "escaped-lf")
      : snippets.readLines(caps, path, plan.readChunk, plan.read);
    await this.exec(code, { onStdout, timeoutMs: 60_000 + (total > 0 ? total : 0) });
    if (partial) lines.push(partial.replace(/\r$/, ""));
    const got = isEscaped(plan.read) ? escapedData(decoder) : lineData(lines, plan.read);
    if (!got) throw new TspyError(`read: ${path}: the board's data ended early`);
    return got;
  }

  /**
   * The read as open (the size), one small program per chunk (each checked by its length), and
   * close (the trailer). A chunk the board has no memory for is asked for again in halves, down to
   * READ_STEP_MIN bytes; past that, or when even the open or close cannot run, one FsError (ENOMEM)
   * says so. Board errors become FsErrors; on any failure the file is closed where the link allows.
   */
  private async readInSteps(
    caps: BoardCaps,
    plan: LinkPlan & { read: ReadEncoding },
    path: string,
    opts: TransferOptions,
  ): Promise<{ data: Buffer; trailer: string }> {
    const enc = plan.read;
    const tooTight = (e: DeviceError) =>
      new FsError("read", path, ENOMEM, undefined, `The board has no memory left even for a read in small steps (${e.exceptionName}: ${e.message}): soft-reset it, then try again.`);
    const step = async (code: string): Promise<string> => {
      try {
        return text(await this.exec(code, { timeoutMs: 30_000 }));
      } catch (e) {
        throw isMemoryError(e) ? tooTight(e) : e;
      }
    };
    try {
      const total = Number((await step(snippets.readOpen(caps, path, enc))).trim());
      opts.onProgress?.(0, Math.max(total, 0));
      const parts: Buffer[] = [];
      let received = 0;
      let chunk = clamp(Math.floor(plan.readChunk / 2 / 16) * 16, READ_STEP_MIN, 256);
      for (;;) {
        if (opts.signal?.aborted) throw new InterruptedError();
        let out: Uint8Array;
        try {
          out = await this.exec(snippets.readStep(enc, chunk), { timeoutMs: 30_000 });
        } catch (e) {
          if (!isMemoryError(e)) throw e;
          // Nothing of the file was lost: the step sends the bytes it held the next time.
          if (chunk <= READ_STEP_MIN) throw tooTight(e);
          chunk = Math.max(READ_STEP_MIN, Math.floor(chunk / 2 / 16) * 16);
          continue;
        }
        const got = isEscaped(enc) ? escapedData(stepDecoder(out)) : lineData(text(out).split("\n").map((l) => l.replace(/\r$/, "")), enc);
        if (!got || Number(got.trailer) !== got.data.length) {
          throw new TspyError(`read: ${path}: the data arrived damaged (a chunk of ${got?.data.length ?? 0} bytes, the board sent ${got?.trailer ?? "nothing"}); try again`);
        }
        if (got.data.length === 0) break;
        parts.push(got.data);
        received += got.data.length;
        opts.onProgress?.(total >= 0 ? Math.min(received, total) : received, Math.max(total, received));
      }
      const trailer = (await step(snippets.readClose)).trim();
      return { data: Buffer.concat(parts), trailer };
    } catch (e) {
      await this.exec(snippets.readAbort, { timeoutMs: 5000 }).catch(() => undefined);
      throw convertBoardError(e, "read", path, caps.implementation === "circuitpython");
    }
  }

  // --- writing -------------------------------------------------------------------------------

  /**
   * Write `data` to `path` so that the file is either the old one or the complete new one: the
   * data goes to a temporary file beside it, is checked (size, and SHA-256 where the board has it),
   * and is then renamed over the target. A lost link leaves a journal that the next connection uses
   * to clean up.
   */
  async writeFileAtomic(path: string, data: Uint8Array, opts: TransferOptions = {}): Promise<void> {
    path = await this.flat(path);
    const caps = await this.caps();
    const plan = await this.plan();
    const tmp = tempPathFor(path);
    const cp = caps.implementation === "circuitpython";
    const digest = caps.hashlib ? createHash("sha256").update(data).digest("hex") : null;
    // Each chunk is checked on the board (length and byte sum) before it is written: a byte lost
    // or changed on the link is caught here and the chunk sent again, instead of failing the whole
    // file at the final check. Nothing runs when the code arrives garbled (a SyntaxError).
    // Where the board can inflate, chunks that compress well (source code) travel deflated:
    // more file per second than the line carries. Raw-paste boards only (they have the memory).
    const deflated = (chunk: Uint8Array): Uint8Array | null => {
      if (!caps.deflate || plan.write !== "bytes8" || this.repl.pasteMode !== "raw-paste" || chunk.length < 512) return null;
      const z = deflateRawSync(chunk, { level: 9, windowBits: snippets.DEFLATE_WBITS, memLevel: 9 });
      if (z.length > chunk.length * 0.9) return null;
      return Buffer.concat([Buffer.from("_inf("), bytesLiteral(z, "bytes8", !caps.rawFF), Buffer.from(")")]);
    };
    const checked = (chunk: Uint8Array) =>
      Buffer.concat([
        Buffer.from("_d="),
        deflated(chunk) ?? dataExpression(chunk, plan.write, !caps.rawFF),
        Buffer.from(`\n${snippets.chunkCheck(chunk.length, chunk.reduce((a, b) => a + b, 0))}`),
      ]);
    const commit = snippets.writeCommit(caps, tmp, path, String(data.length), digest ? pyStr(digest) : null);
    const begin = snippets.writeBegin(caps, tmp, path);
    let begun = false;
    const execRetrying = async (code: () => Uint8Array): Promise<string> => {
      for (let attempt = 1; ; attempt++) {
        try {
          return text(await this.exec(code(), { timeoutMs: 60_000 }));
        } catch (e) {
          if (!(e instanceof DeviceError) || !GARBLED.has(e.exceptionName) || attempt >= 4) throw e;
          // A link that damages raw bytes (passed the probe, failed here): printable text from now on.
          if (plan.write === "bytes8") {
            plan.write = caps.binascii ? "base64" : "ascii";
            this.rawBytesDamaged = true;
          }
        }
      }
    };
    try {
      opts.onProgress?.(0, data.length);
      let verdict: string | null = null;
      const lowMemory = (e: unknown) => e instanceof DeviceError && e.exceptionName === "MemoryError" && plan.writeChunk > 256;
      const shrink = () => (plan.writeChunk = Math.max(256, Math.floor(plan.writeChunk / 2 / 64) * 64));
      if (data.length <= plan.writeChunk) {
        // Small files: one exec does it all.
        begun = true;
        const code = () => Buffer.concat([Buffer.from(begin), checked(data), Buffer.from(snippets.writeChunkData), Buffer.from(commit)]);
        try {
          verdict = (await execRetrying(code)).trim();
        } catch (e) {
          // The board's heap is tighter than gc.mem_free() said (fragmented, as on a micro:bit):
          // begin, data and commit then go one by one below, in smaller chunks where they can be.
          if (!(e instanceof DeviceError && e.exceptionName === "MemoryError")) throw e;
          if (lowMemory(e)) shrink();
        }
      }
      if (verdict === null) {
        begun = true;
        await this.exec(begin, { timeoutMs: 30_000 });
        let i = 0;
        while (i < data.length) {
          if (opts.signal?.aborted) throw new InterruptedError();
          const chunk = data.subarray(i, Math.min(i + plan.writeChunk, data.length));
          try {
            await execRetrying(() => Buffer.concat([checked(chunk), Buffer.from(snippets.writeChunkData)]));
          } catch (e) {
            // Nothing of the chunk was written when its data could not even be allocated.
            if (!lowMemory(e)) throw e;
            shrink();
            continue;
          }
          i += chunk.length;
          opts.onProgress?.(i, data.length);
        }
        verdict = (await execRetrying(() => Buffer.from(commit))).trim();
      }
      if (verdict !== "ok") {
        throw new TspyError(`write: ${path}: the board's copy did not match (${verdict}); the original file is unchanged`);
      }
      opts.onProgress?.(data.length, data.length);
    } catch (e) {
      if (begun) await this.abortWrite(caps, tmp);
      throw convertBoardError(e, "write", path, cp);
    }
  }

  /** Copy a file within the board (no round trip through the host), with the same atomic rename. */
  async copyOnBoard(src: string, dest: string): Promise<void> {
    src = await this.flat(src);
    dest = await this.flat(dest);
    const caps = await this.caps();
    const plan = await this.plan();
    const tmp = tempPathFor(dest);
    const cp = caps.implementation === "circuitpython";
    await this.stat(src).catch((e) => {
      throw e instanceof FsError ? new FsError("read", src, e.errno) : e;
    });
    try {
      await this.exec(snippets.writeBegin(caps, tmp, dest), { timeoutMs: 30_000 });
    } catch (e) {
      throw convertBoardError(e, "write", dest, cp);
    }
    try {
      await this.exec(snippets.copyIntoSession(src, plan.readChunk), { timeoutMs: 300_000 });
      const checks = snippets.sourceChecks(caps, src);
      const out = await this.exec(snippets.writeCommit(caps, tmp, dest, checks.size, checks.digest), {
        timeoutMs: 120_000,
      });
      if (text(out).trim() !== "ok") throw new TspyError(`cp: ${dest}: the copy did not match its source; the original file is unchanged`);
    } catch (e) {
      await this.abortWrite(caps, tmp);
      throw convertBoardError(e, "write", dest, cp);
    }
  }

  /** Best effort: the link may be gone (then the journal cleans up at the next connection). */
  private async abortWrite(caps: BoardCaps, tmp: string): Promise<void> {
    try {
      await this.exec(snippets.writeAbort(caps, tmp), { timeoutMs: 5000 });
    } catch {
      try {
        await this.repl.enter();
        await this.exec(snippets.writeAbort(caps, tmp), { timeoutMs: 5000 });
      } catch {
        // Nothing more to do now; the journal names the temporary file.
      }
    }
  }
}

