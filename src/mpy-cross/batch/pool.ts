// Compile many files on every core: a few worker threads pull jobs from one queue, and the results come
// back in input order, so a parallel batch prints and writes exactly what a sequential one would.
import os from "node:os";
import { requireBuiltin } from "./require-builtin.js";
import type { Worker } from "node:worker_threads";
import type { CompileOptions } from "../index.js";
import type { CompileOutcome } from "./compile-one.js";
import type { BuildJob, BuildResult, JobRunner } from "./build-job.js";
import type { BuildWorkerData } from "./worker.js";
import { settingForWorker } from "./v8-setting.js";

export interface BatchJob {
  /** The input as the user named it (used in error messages). */
  file: string;
  source: Uint8Array;
  options: CompileOptions;
  /** Its key in the cache, when the caller looked it up already (else made from source and options). */
  cacheKey?: string;
}

/**
 * Below this many files per thread, threads cost more than they save: each worker starts its own copy
 * of the compiler (tens of milliseconds) before it compiles anything.
 */
export const MIN_FILES_PER_WORKER = 24;

const cores = () => (typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length);

/**
 * How many threads compile at once when the user did not say (`--jobs`): one per two cores. A thread
 * compiling a batch keeps a second core busy with V8's own work for it — optimising the compiler's hot
 * functions on background threads, about 0.7 of the thread's own CPU time (measured per thread on the
 * 507 micropython-lib files before the batch flags of v8-setting.ts cut V8's share: 1.1-1.4 s on the
 * compiling thread, 0.9-1.0 s on V8's) — and each thread warms the JIT up on its own. On 2 cores one
 * thread is quickest: with a second, the two and their JIT work share the cores and the batch takes
 * longer (1.3x the CPU time, no earlier end; with the batch flags still about 0.9 s against 0.7 s wall).
 */
function compilingThreads(files: number): number {
  // A batch too small for a second thread is decided before counting cores: node:os (loaded on first
  // use, see scripts/bundle-compiler.mjs) then stays unloaded, as for every one-file compile.
  const byFiles = Math.floor(files / MIN_FILES_PER_WORKER);
  return byFiles <= 1 ? 1 : Math.max(1, Math.min(Math.floor(cores() / 2), byFiles));
}

/** Workers for compileInWorkers, this thread waiting: none unless at least two would compile. */
export function defaultWorkers(files: number): number {
  const n = compilingThreads(files);
  return n >= 2 ? n : 0;
}

/** Workers for buildInThreads, where this thread compiles too. */
export function defaultBuildWorkers(files: number): number {
  return compilingThreads(files) - 1;
}

// Loaded when a thread is started, not at the top: a one-file compile never starts one and skips its
// cost (~4 ms).
const workerThreads = () => requireBuiltin<typeof import("node:worker_threads")>("node:worker_threads");
const workerUrl = () => new URL("./worker.js", import.meta.url);

/**
 * Runs a build's jobs on this thread and `workers` worker threads at once. Every thread takes the next
 * job from one shared counter (no message per file: a thread never waits on another to be handed
 * work) and does it whole, reading and writing its own files; only the outcomes come back. This thread
 * starts at once, while the workers are still loading the compiler. Outcomes are in the order of `jobs`.
 * The targets must be distinct (two threads writing one file would race).
 */
export async function buildInThreads(jobs: BuildJob[], workers: number, runner: JobRunner): Promise<BuildResult[]> {
  const results: BuildResult[] = new Array(jobs.length);
  const next = new SharedArrayBuffer(4);
  const { Worker: WorkerThread } = workerThreads();
  const pool: Worker[] = [];
  const finished: Promise<void>[] = [];
  for (let n = 0; n < workers; n++) {
    const data: BuildWorkerData = { build: { jobs, next }, v8: settingForWorker() };
    const w = new WorkerThread(workerUrl(), { workerData: data, resourceLimits: WORKER_LIMITS });
    pool.push(w);
    finished.push(new Promise((resolve, reject) => {
      w.once("message", (done: [number, BuildResult][]) => {
        for (const [i, r] of done) results[i] = r;
        resolve();
      });
      w.once("error", reject);
      w.once("exit", () => reject(new Error("a compile worker stopped without its results")));
    }));
  }
  const claim = new Int32Array(next);
  for (let i = Atomics.add(claim, 0, 1); i < jobs.length; i = Atomics.add(claim, 0, 1)) results[i] = runner.run(jobs[i]);
  try {
    await Promise.all(finished);
  } finally {
    for (const w of pool) void w.terminate();
  }
  return results;
}

/**
 * A bigger young generation than V8's default for the workers: a compile makes many short-lived
 * objects, and fewer, larger scavenges cost less in all.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 48 };

/** Compiles `jobs` on `workers` threads (at least 1); outcomes are returned in the order of `jobs`. */
export async function compileInWorkers(jobs: BatchJob[], workers: number, stackSizeMb?: number): Promise<CompileOutcome[]> {
  const { Worker: WorkerThread } = workerThreads();
  const results: CompileOutcome[] = new Array(jobs.length);
  let next = 0;
  let done = 0;
  const url = workerUrl();
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
      const data: BuildWorkerData = { v8: settingForWorker() };
      const w = new WorkerThread(url, { workerData: data, ...(stackSizeMb ? { resourceLimits: { stackSizeMb } } : {}) });
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
