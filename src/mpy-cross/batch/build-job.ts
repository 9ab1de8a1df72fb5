// One file of a build from start to end — read its source, compile it, write its .mpy — as every
// thread of a directory build runs it (this one, and the worker threads of a big build, see pool.ts):
// each thread reads and writes its own files, so the filesystem work is spread over the cores as the
// compiles are, and all threads report a failure in the same words.
import fs from "node:fs";
import path from "node:path";
import type { CompileOptions } from "../index.js";
import type { CompileOutcome } from "./compile-one.js";
import { HostOutputError, writeHostFileSync } from "../../fs/host-output.js";
import { willCompile } from "./v8-setting.js";

export interface BuildJob {
  /** The input as the user named it: read, and named in messages. */
  file: string;
  /** Where its .mpy goes (never stdout: a build with `-o -` runs on one thread, see mpy-cross.ts). */
  target: string;
  /** Set when the target keeps a tree below --out-dir: its directory may have to be made. */
  treePath?: string;
  options: CompileOptions;
}

/** `tooDeep`: nothing was written; the source nests deeper than a thread's stack (see index.ts). */
export type BuildResult = { ok: true } | { ok: false; message: string; tooDeep?: boolean };

/** A filesystem error as the few words upstream-style messages use. */
export function fsMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "no such file";
  if (err.code === "EISDIR") return "is a directory";
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  return err.message ?? String(e);
}

export const readFailure = (file: string, e: unknown) => `mpy-cross: ${file}: ${fsMessage(e)}`;

type Compile = (file: string, source: Uint8Array, options: CompileOptions) => CompileOutcome;

/** Writes a thread's outputs; remembers the directories it made, so each costs one mkdir. */
export class OutputWriter {
  private readonly madeDirs = new Set<string>();

  /** One output by the host-output rules (atomic, links and devices written through, modes kept). */
  write(job: Pick<BuildJob, "target" | "treePath">, mpy: Uint8Array): BuildResult {
    try {
      const dir = path.dirname(job.target);
      if (job.treePath !== undefined && !this.madeDirs.has(dir)) {
        fs.mkdirSync(dir, { recursive: true });
        this.madeDirs.add(dir);
      }
      writeHostFileSync(job.target, mpy, "mpy-cross");
      return { ok: true };
    } catch (e) {
      return { ok: false, message: e instanceof HostOutputError ? e.message : `mpy-cross: ${job.target}: cannot write (${fsMessage(e)})` };
    }
  }
}

/** Runs build jobs on one thread. */
export class JobRunner extends OutputWriter {
  constructor(private readonly compile: Compile) {
    super();
  }

  run(job: BuildJob): BuildResult {
    let source: Uint8Array;
    try {
      source = fs.readFileSync(job.file);
    } catch (e) {
      return { ok: false, message: readFailure(job.file, e) };
    }
    willCompile(source.length);
    // Any bytes: upstream's lexer never checks UTF-8 (a Latin-1 source compiles, its bytes kept as they are).
    const outcome = this.compile(job.file, source, job.options);
    return outcome.ok ? this.write(job, outcome.mpy) : outcome;
  }
}
