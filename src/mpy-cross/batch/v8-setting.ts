// V8 tuned for the work at hand: a run sets at most one of two settings, once it knows what it compiles.
//
// - "batch", for a big batch. A cold batch spends as much CPU in V8's optimising compiler as in our own
//   compiler: TurboFan inlines the compiler's many small functions into its hot ones, recompiling them
//   each time it learns more, and throws the work away on every deopt. With a smaller inlining budget it
//   optimises less and sooner, and the batch ends earlier: measured on the 507 micropython-lib files
//   (one thread, Node 20), about 25% less CPU and 15-20% less wall time.
// - "cold", for a short run (a file or a few, one process per file as build tools call mpy-cross): no
//   TurboFan at all. Such a run ends before optimised code pays for itself; meanwhile TurboFan compiles
//   the parser's and emitter's hot loops on another thread, which on a small machine competes with the
//   compile for the cores and for fresh memory, then deopts and recompiles. Measured on 2 cores, Node 20,
//   one process per file: a 4 KB micropython-lib file 142 -> 123 ms, a 7 KB one 150 -> 127 ms, the
//   biggest (75 KB) 218 -> 190 ms; below ~3 KB TurboFan hardly starts (measured again with the flags set
//   in ~0.2 ms, see flagSetter: files of 1, 1.9 and 2.9 KB took the same time cold or not, within 1 ms;
//   typical.py, 7 KB, 20 ms less cold, 107.5 -> 88 ms). Somewhere past 100 KB of source optimised code
//   starts to win (a 600 KB batch took 0.40 s with TurboFan, 0.56 s without), so at 128 KB it is back on.
//
// A one-file compile with neither keeps V8's defaults: its start-up rides on the code cache, which V8
// only accepts from a process with the same flags (bundle-loader.ts keeps one cache per setting).
import { requireBuiltin } from "./require-builtin.js";

export type V8Setting = "default" | "batch" | "cold";

/** The flags of each setting. V8's default inlining budget is 920 (unchanged since 2019). */
const SETTING_FLAGS: Record<Exclude<V8Setting, "default">, string> = {
  batch: "--max-inlined-bytecode-size-cumulative=150",
  cold: "--no-turbofan",
};

/** Below this many files the batch ends before the optimising compiler matters. */
export const MIN_FILES_FOR_BATCH_TIERING = 24;
/** The source a thread compiles before "cold" is worth its cost, and after which it turns TurboFan back on. */
export const COLD_MIN_BYTES = 3 * 1024;
export const COLD_MAX_BYTES = 128 * 1024;

interface TuningState {
  setting: V8Setting;
  /** No further change: worker threads were started (flags are per process, a worker's cache per setting), or this is one. */
  held: boolean;
  /** Source bytes this thread was about to compile, summed (willCompile). */
  bytes: number;
  /** "cold" ended: TurboFan is on again (the flags no longer match any cache's: none is saved). */
  coldEnded: boolean;
  /** Never "cold" in this run (keepDefaultFlagsForCache). */
  noCold: boolean;
}

// On the global object, not in a module variable: the bundle and bin/'s fast path each hold a copy of
// this module, and both must see one state. Per thread: a worker is told in its workerData (pool.ts).
const STATE = Symbol.for("tspy.v8Setting");
const slot = globalThis as unknown as { [STATE]?: TuningState };
const state = (): TuningState => (slot[STATE] ??= { setting: "default", held: false, bytes: 0, coldEnded: false, noCold: false });

/** The setting this thread runs with (set here, or by the thread that started it). */
export function v8Setting(): V8Setting {
  return state().setting;
}

/** What node:v8's setFlagsFromString calls, and all that is wanted of it. */
interface FlagSetter {
  setFlagsFromString(flags: string): void;
}

/**
 * V8's flag setter, found when a run first changes a setting. node:v8 loads Node's streams before it can
 * set a flag (2.9 ms, measured), more than the rest of a 7 KB compile's setting-up; the binding it wraps
 * is there in ~0.2 ms. process.binding is deprecated (DEP0111), for "v8" with a warning, which is kept
 * quiet for this one call (the flags are tspy's business, not the user's to be warned of). A Node
 * without it (or without the setter there) gets node:v8.
 */
function flagSetter(): FlagSetter {
  // (both documented by Node, neither in its types here)
  const proc = process as NodeJS.Process & { noDeprecation?: boolean; binding?: (name: string) => Partial<FlagSetter> };
  const quiet = proc.noDeprecation;
  try {
    proc.noDeprecation = true;
    const binding = proc.binding?.("v8");
    if (typeof binding?.setFlagsFromString === "function") return binding as FlagSetter;
  } catch {
    // gone from this Node: the module below
  } finally {
    proc.noDeprecation = quiet;
  }
  return requireBuiltin<typeof import("node:v8")>("node:v8");
}

let setter: FlagSetter | undefined;

function setFlags(flags: string): void {
  (setter ??= flagSetter()).setFlagsFromString(flags);
}

function change(to: Exclude<V8Setting, "default">): void {
  setFlags(SETTING_FLAGS[to]);
  state().setting = to;
}

/**
 * Sets the batch flags for the rest of this process, once `files` are known to be compiled here. V8's
 * flags are process-wide, so the worker threads started afterwards run with them too (and are told,
 * adoptV8Setting, so that they pick the matching code cache).
 */
export function useBatchTiering(files: number): void {
  const s = state();
  if (files < MIN_FILES_FOR_BATCH_TIERING || s.setting !== "default" || s.held) return;
  change("batch");
}

/**
 * Told before this thread compiles `bytes` of source (each file of a run, or a batch at once): the
 * first time the run's source reaches COLD_MIN_BYTES it goes "cold", and at COLD_MAX_BYTES TurboFan is
 * turned back on for the rest of a long run.
 */
export function willCompile(bytes: number): void {
  const s = state();
  s.bytes += bytes;
  if (s.held) return;
  if (s.setting === "default" && !s.noCold && s.bytes >= COLD_MIN_BYTES && s.bytes < COLD_MAX_BYTES) change("cold");
  else if (s.setting === "cold" && !s.coldEnded && s.bytes >= COLD_MAX_BYTES) {
    setFlags("--turbofan");
    s.coldEnded = true;
  }
}

/** What a worker thread is told of the setting of the thread that starts it. */
export interface WorkerV8Setting {
  setting: V8Setting;
  coldEnded: boolean;
}

/**
 * The setting for a worker thread about to be started; from now on it stays as it is in this process
 * too, since the flags are the process's and must not change under the worker.
 */
export function settingForWorker(): WorkerV8Setting {
  const s = state();
  s.held = true;
  return { setting: s.setting, coldEnded: s.coldEnded };
}

/**
 * No "cold" in this run: the compiler was loaded without a usable code cache (bundle-loader.ts), and the
 * one this run saves at its end must carry the default flags, or every later one-file run would go
 * without. (A big batch still sets its flags: its threads keep a cache of their own.)
 */
export function keepDefaultFlagsForCache(): void {
  state().noCold = true;
}

/** In a worker thread: the setting of the thread that started it (settingForWorker), kept for the worker's life. */
export function adoptV8Setting(from: WorkerV8Setting): void {
  const s = state();
  s.setting = from.setting;
  s.coldEnded = from.coldEnded;
  s.held = true;
}

/** Whether the flags still are those of v8Setting() (false once "cold" turned TurboFan back on). */
export function flagsMatchSetting(): boolean {
  return !state().coldEnded;
}
