// A compile worker: takes one job at a time from the pool (pool.ts) and answers with its outcome.
// Each worker loads the compiler once, so a batch pays that cost per core, not per file.
import { parentPort } from "node:worker_threads";
import type { CompileOptions } from "../index.js";

interface Job {
  index: number;
  file: string;
  source: Uint8Array;
  options: CompileOptions;
}

const { loadCompiler } = await import("./load-compiler.js");
const { compileOne } = await loadCompiler();

parentPort!.on("message", (job: Job) => {
  const outcome = compileOne(job.file, job.source, job.options);
  parentPort!.postMessage({ index: job.index, outcome }, outcome.ok ? [outcome.mpy.buffer as ArrayBuffer] : []);
});
