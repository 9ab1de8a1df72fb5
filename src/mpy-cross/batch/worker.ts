// A compile worker, in one of two roles (pool.ts):
//  - build: takes files of a directory build from the counter it shares with the other threads and
//    does each one whole (read, compile, write: build-job.ts), then answers with the outcomes;
//  - compile: takes one job at a time from the pool (source in, .mpy bytes out), for cache misses and
//    the deep-nesting retry.
// Each worker loads the compiler once (the bundle and its code cache when current), so a batch pays that
// cost per thread, not per file.
import { parentPort, workerData } from "node:worker_threads";
import type { CompileOptions } from "../index.js";
import type { BuildJob, BuildResult } from "./build-job.js";
import { loadBundle, saveCompilerCodeCaches } from "./bundle-loader.js";
import { adoptV8Setting, type WorkerV8Setting } from "./v8-setting.js";

interface Job {
  index: number;
  file: string;
  source: Uint8Array;
  options: CompileOptions;
}

/**
 * What a worker is given. A build worker: the jobs, and the counter every thread takes the next index
 * from. Any worker: the V8 setting of the thread that started it (v8-setting.ts).
 */
export interface BuildWorkerData {
  build?: { jobs: BuildJob[]; next: SharedArrayBuffer };
  v8: WorkerV8Setting;
}

const data = workerData as Partial<BuildWorkerData> | undefined;
if (data?.v8) adoptV8Setting(data.v8);
const api = loadBundle() ?? { ...(await import("./compile-one.js")), ...(await import("./build-job.js")) };
const { compileOne } = api;

const build = data?.build;
if (build) {
  const runner = new api.JobRunner(compileOne);
  const next = new Int32Array(build.next);
  const done: [number, BuildResult][] = [];
  for (let i = Atomics.add(next, 0, 1); i < build.jobs.length; i = Atomics.add(next, 0, 1)) done.push([i, runner.run(build.jobs[i])]);
  // The code cache of threads with the batch flags is saved by those threads (none before the first).
  saveCompilerCodeCaches();
  parentPort!.postMessage(done);
} else {
  parentPort!.on("message", (job: Job) => {
    const outcome = compileOne(job.file, job.source, job.options);
    parentPort!.postMessage({ index: job.index, outcome }, outcome.ok ? [outcome.mpy.buffer as ArrayBuffer] : []);
    saveCompilerCodeCaches();
  });
}
