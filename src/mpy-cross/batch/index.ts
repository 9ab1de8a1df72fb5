// Compiling a build's worth of files: the cache first, then what is left on worker threads (or on this
// thread for a small batch). Outcomes come back in input order.
import type { CompileOutcome } from "./compile-one.js";
import { buildInThreads, compileInWorkers, defaultBuildWorkers, defaultWorkers, type BatchJob } from "./pool.js";
import { CompileCache } from "./cache.js";
import { loadCompiler, saveCodeCache } from "./load-compiler.js";
import { JobRunner, readFailure, type BuildJob, type BuildResult } from "./build-job.js";
import { useBatchTiering, willCompile } from "./v8-setting.js";
import fs from "node:fs";

export { CompileCache, defaultWorkers, loadCompiler };
export type { BatchJob, BuildJob, BuildResult, CompileOutcome };

/** The stack of the retry thread for deep sources (Node's default is under 1 MB). */
const DEEP_STACK_MB = 512;

export interface BatchOptions {
  /** Worker threads; 0 compiles on this thread. Default: by batch size and cores (defaultWorkers). */
  workers?: number;
  cache?: CompileCache;
}

export async function compileBatch(jobs: BatchJob[], opts: BatchOptions = {}): Promise<CompileOutcome[]> {
  const results: CompileOutcome[] = new Array(jobs.length);
  const keys: string[] = [];
  const todo: number[] = [];
  jobs.forEach((job, i) => {
    if (opts.cache) {
      keys[i] = job.cacheKey ?? opts.cache.key(job.source, job.options);
      const hit = opts.cache.get(keys[i]);
      if (hit) {
        results[i] = { ok: true, mpy: hit };
        return;
      }
    }
    todo.push(i);
  });
  const workers = opts.workers ?? defaultWorkers(todo.length);
  useBatchTiering(todo.length);
  let compiled: CompileOutcome[];
  if (todo.length === 0) {
    compiled = []; // every file came from the cache: the compiler is not even loaded
  } else if (workers > 0 && todo.length > 1) {
    compiled = await compileInWorkers(todo.map((i) => jobs[i]), workers);
  } else {
    const { compileOne } = await loadCompiler();
    willCompile(todo.reduce((sum, i) => sum + jobs[i].source.length, 0));
    compiled = todo.map((i) => compileOne(jobs[i].file, jobs[i].source, jobs[i].options));
    saveCodeCache();
  }
  // Deeply nested source (f(f(...3000...)), thousands of nested brackets) overflows the recursive
  // parser and compiler stages on Node's default stack, where upstream's compiler still succeeds: those
  // files get one more try on a thread with a stack large enough for the nesting upstream accepts.
  const deep = compiled.flatMap((r, n) => (!r.ok && r.tooDeep ? [n] : []));
  if (deep.length > 0) {
    const again = await compileInWorkers(deep.map((n) => jobs[todo[n]]), 1, DEEP_STACK_MB);
    deep.forEach((n, k) => (compiled[n] = again[k]));
  }
  todo.forEach((i, n) => {
    results[i] = compiled[n];
    const r = compiled[n];
    if (opts.cache && r.ok) opts.cache.put(keys[i], r.mpy);
  });
  return results;
}

/**
 * A build without a cache: every file read, compiled and written by whichever thread takes it (this
 * one and `workers` worker threads; see buildInThreads), outcomes in input order. Targets that are not
 * distinct (flat --out-dir, two inputs of one name) are written on this thread alone, in input order,
 * so the last one wins as it does with upstream called once per file.
 */
export async function buildBatch(jobs: BuildJob[], opts: { workers?: number } = {}): Promise<BuildResult[]> {
  const { compileOne } = await loadCompiler();
  const runner = new JobRunner(compileOne);
  const distinct = new Set(jobs.map((j) => j.target)).size === jobs.length;
  const workers = !distinct ? 0 : Math.min(opts.workers ?? defaultBuildWorkers(jobs.length), jobs.length - 1);
  useBatchTiering(jobs.length);
  const results = workers > 0 ? await buildInThreads(jobs, workers, runner) : jobs.map((j) => runner.run(j));
  saveCodeCache();
  // Too deep for a thread's stack (see compileBatch): once more on the big-stack thread, then written here.
  const deep = results.flatMap((r, i) => (!r.ok && r.tooDeep ? [i] : []));
  if (deep.length > 0) {
    const sources = new Map<number, Uint8Array>();
    for (const i of deep) {
      try {
        sources.set(i, fs.readFileSync(jobs[i].file));
      } catch (e) {
        results[i] = { ok: false, message: readFailure(jobs[i].file, e) };
      }
    }
    const again = [...sources.keys()];
    const compiled = await compileInWorkers(again.map((i) => ({ ...jobs[i], source: sources.get(i)! })), 1, DEEP_STACK_MB);
    again.forEach((i, k) => {
      const r = compiled[k];
      results[i] = r.ok ? runner.write(jobs[i], r.mpy) : r;
    });
  }
  return results;
}
