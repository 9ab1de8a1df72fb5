// V8 tuned for a big batch. A cold batch spends as much CPU in V8's optimising compiler as in our own
// compiler: TurboFan inlines the compiler's many small functions into its hot ones, recompiling them
// each time it learns more, and throws the work away on every deopt. With a smaller inlining budget it
// optimises less and sooner, and the batch ends earlier: measured on the 507 micropython-lib files
// (one thread, Node 20), about 25% less CPU and 15-20% less wall time. A one-file compile never sets
// it: it ends before TurboFan matters, and its start-up rides on the code cache, which V8 only accepts
// from a process with the same flags (bundle-loader.ts keeps one cache per setting).
import { createRequire } from "node:module";

/** What a batch sets. V8's default is 920 (unchanged since 2019). */
const BATCH_V8_FLAGS = "--max-inlined-bytecode-size-cumulative=150";

/** Below this many files the batch ends before the optimising compiler matters. */
export const MIN_FILES_FOR_BATCH_TIERING = 24;

// On the global object, not in a module variable: the bundle and bin/'s fast path each hold a copy of
// this module, and both must see one state. Per thread: a worker is told in its workerData (pool.ts).
const STATE = Symbol.for("tspy.batchTiering");
const state = globalThis as unknown as { [STATE]?: boolean };

/** Whether this thread runs with the batch flags (set here, or by the thread that started it). */
export function batchTiering(): boolean {
  return state[STATE] === true;
}

/**
 * Sets the batch flags for the rest of this process, once `files` are known to be compiled here. V8's
 * flags are process-wide, so the worker threads started afterwards run with them too (and must be told,
 * markBatchTiering, to pick the matching code cache). Through require: the bundled command runs in a
 * vm.Script, which has no dynamic import(); and node:v8 costs a one-file compile nothing this way.
 */
export function useBatchTiering(files: number): void {
  if (files < MIN_FILES_FOR_BATCH_TIERING || batchTiering()) return;
  const v8 = createRequire(import.meta.url)("node:v8") as typeof import("node:v8");
  v8.setFlagsFromString(BATCH_V8_FLAGS);
  state[STATE] = true;
}

/** In a worker thread started while the batch flags were on. */
export function markBatchTiering(): void {
  state[STATE] = true;
}
