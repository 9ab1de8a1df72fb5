// Compile-on-copy: the .py files bound for a board become .mpy compiled for it (detect.ts says how),
// except the start-up scripts, which the firmware runs as source. Used by `cp --compile`,
// `sync --compile` and `mpy-cross --board`.
import path from "node:path";
import { compileBatch } from "../mpy-cross/batch/index.js";
import { TspyError } from "../errors.js";
import type { LocalFile } from "../fs/sync.js";
import { compiledName, isCompiled } from "./board-flavour.js";
import { circuitPythonMajors, targetForBoard } from "../mpy-cross/target.js";
import type { BoardTarget, MpyOptions } from "./detect.js";

/** A source that does not compile: upstream's message for it, as mpy-cross prints it. */
export class CompileOnCopyError extends TspyError {}

type MpyTarget = Extract<BoardTarget, { kind: "mpy" }>;

/** Compile sources for the board; `boardName` is the name stored in the .mpy (its path on the board). */
export function compileForBoard(target: MpyTarget, files: { file: string; source: Uint8Array; boardName: string }[]): Promise<Uint8Array[]> {
  return compileFiles(target.options, files);
}

/** The .mpy key of a CircuitPython major, or a one-line error naming the ones this build writes. */
export function circuitPythonKey(version: number[]): string {
  const key = targetForBoard({ name: "circuitpython", version });
  if (key === undefined) {
    throw new CompileOnCopyError(`this tspy cannot write CircuitPython ${version[0]}'s .mpy yet (it writes those of CircuitPython ${circuitPythonMajors().join(", ")})`);
  }
  return key;
}

export async function compileFiles(options: MpyOptions, files: { file: string; source: Uint8Array; boardName: string }[]): Promise<Uint8Array[]> {
  const jobs = files.map((f) => ({
    file: f.file,
    source: f.source,
    options: { filename: f.file, sourceName: f.boardName, ...options },
  }));
  const outcomes = await compileBatch(jobs, { workers: jobs.length > 8 ? undefined : 0 });
  const i = outcomes.findIndex((o) => !o.ok);
  const failed = outcomes[i];
  if (failed && !failed.ok) throw new CompileOnCopyError(oneLine(files[i]!.file, failed.message));
  return outcomes.map((o) => (o.ok ? o.mpy : new Uint8Array(0)));
}

/**
 * Upstream's traceback (`File "lib/x.py", line 2` / `SyntaxError: ...`, naming the board path) as one
 * line naming the host file: `src/lib/x.py, line 2: SyntaxError: ...`.
 */
function oneLine(file: string, message: string): string {
  const lines = message.trimEnd().split("\n");
  const line = lines.map((l) => /^\s*File ".*", line (\d+)/.exec(l)).find((m) => m !== null)?.[1];
  const last = lines[lines.length - 1]!.trim();
  return line ? `${file}, line ${line}: ${last}` : last;
}

/** The `cp` hook: a .py bound for the board is written as the .mpy of the same name (listed in `written`). */
export function cpPrepare(target: MpyTarget, written: string[] = []) {
  return async (src: string, dest: string, data: Buffer): Promise<{ dest: string; data: Uint8Array }> => {
    if (!isCompiled(path.basename(src)) || !isCompiled(path.posix.basename(dest))) return { dest, data };
    const boardPath = dest.slice(1).replace(/^\/+/, "");
    const [mpy] = await compileForBoard(target, [{ file: src, source: data, boardName: boardPath }]);
    written.push(compiledName(dest.slice(1)));
    return { dest: ":" + compiledName(dest.slice(1)), data: mpy! };
  };
}

/** The `sync` hook: the local listing with each compiled .py replaced by its .mpy (bytes and size; names in `written`). */
export function syncPrepare(target: MpyTarget, readFile: (p: string) => Uint8Array, written: string[] = []) {
  return async (local: LocalFile[]): Promise<LocalFile[]> => {
    const chosen = local.filter((l) => !l.isDir && isCompiled(path.posix.basename(l.path)));
    const mpys = await compileForBoard(target, chosen.map((l) => ({ file: l.source!, source: readFile(l.source!), boardName: l.path })));
    const byPath = new Map(chosen.map((l, i) => [l.path, mpys[i]!]));
    written.push(...chosen.map((l) => compiledName(l.path)));
    return local.map((l) => {
      const mpy = byPath.get(l.path);
      return mpy ? { ...l, path: compiledName(l.path), size: mpy.length, data: mpy } : l;
    });
  };
}
