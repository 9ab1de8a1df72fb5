// Compile many files on every core: a few worker threads pull jobs from one queue, and the results come
// back in input order, so a parallel batch prints and writes exactly what a sequential one would.
import os from "node:os";
import { createRequire } from "node:module";
import type { Worker } from "node:worker_threads";
import type { CompileOptions } from "../index.js";
import type { CompileOutcome } from "./compile-one.js";

export interface BatchJob {
  /** The input as the user named it (used in error messages). */
  file: string;
  source: Uint8Array;
  options: CompileOptions;
  /** Its key in the cache, when the caller looked it up already (else made from source and options). */
  cacheKey?: string;
}

/**
 * Below this many files threads cost more than they save: each worker starts its own copy of the
 * compiler (tens of milliseconds) before it compiles anything.
 */
export const MIN_FILES_PER_WORKER = 24;

/** How many workers a batch of `files` files gets when the user did not say (`--jobs`). */
export function defaultWorkers(files: number): number {
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return Math.max(0, Math.min(cores, Math.floor(files / MIN_FILES_PER_WORKER)));
}

/** Compiles `jobs` on `workers` threads (at least 1); outcomes are returned in the order of `jobs`. */
export async function compileInWorkers(jobs: BatchJob[], workers: number, stackSizeMb?: number): Promise<CompileOutcome[]> {
  // Loaded here, not at the top: a one-file compile never starts a thread and skips its cost (~4 ms).
  // Through require: the bundled command runs in a vm.Script, which has no dynamic import().
  const { Worker: WorkerThread } = createRequire(import.meta.url)("node:worker_threads") as typeof import("node:worker_threads");
  const results: CompileOutcome[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const url = new URL("./worker.js", import.meta.url);
  return new Promise((resolve, reject) => {
    if (jobs.length === 0) return resolve(results);
    const pool: Worker[] = [];
    const finish = (err?: Error) => {
      for (const w of pool) void w.terminate();
      if (err) reject(err);
      else resolve(results);
    };
    const feed = (w: Worker) => {
      if (next >= jobs.length) return;
      const i = next++;
      const { file, source, options } = jobs[i];
      w.postMessage({ index: i, file, source, options });
    };
    for (let n = 0; n < Math.max(1, Math.min(workers, jobs.length)); n++) {
      const w = new WorkerThread(url, stackSizeMb ? { resourceLimits: { stackSizeMb } } : {});
      pool.push(w);
      w.on("message", (m: { index: number; outcome: CompileOutcome }) => {
        results[m.index] = m.outcome;
        if (++done === jobs.length) finish();
        else feed(w);
      });
      w.on("error", (e) => finish(e));
      feed(w);
    }
  });
}
