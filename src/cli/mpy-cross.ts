// `tspy mpy-cross`: upstream mpy-cross's flags, several files per run, never a partial output file.
// The compiler is loaded only when there is something to compile, so `tspy --help` stays light.
import fs from "node:fs";
import v8 from "node:v8";
import path from "node:path";
import { UsageError } from "../errors.js";
import type { CommandSpec, CliContext } from "./command.js";
import { expandInputs, InputError, type BuildInput } from "../mpy-cross/batch/inputs.js";
import type { BatchJob } from "../mpy-cross/batch/index.js";

const USAGE = `usage: tspy mpy-cross [-o OUT] [-s NAME] [-O<N>] [-msmall-int-bits=N] [-X emit=bytecode]
                       [--mpy-version 6.3] [--out-dir DIR] [-r] [-j N] [--cache DIR]
                       [--version] [--dump] FILE|DIR|GLOB...
  -o OUT                 output file (only with one input; "-" writes to stdout)
  -s NAME                source name stored in the .mpy (default: the input path)
  -O<N>                  optimisation level: 1+ drops assert, 3 also drops line numbers
  -msmall-int-bits=N     small-int width of the target (default 31)
  -X emit=bytecode       the only emitter (native code needs upstream's mpy-cross)
  --mpy-version V        .mpy version to write: 6.3 (default, MicroPython 1.23+), 6.2, 6.1, 6, 5 (1.12-1.18)
  --out-dir DIR          write each FILE as DIR/<stem>.mpy (default: next to the source); files found
                         through -r or a quoted glob keep their tree below DIR
  -r, --recursive        a DIR argument stands for every .py file below it
  -j, --jobs N           compile on N worker threads (default: by batch size, up to the cores; 0: none)
  --cache DIR            reuse .mpy files compiled before from identical source and options
                         (default: $TSPY_MPY_CACHE if set; no cache otherwise)
  --dump                 disassemble the given .mpy files instead of compiling
  --version              name the emulated MicroPython release and .mpy version`;

interface MpyCrossArgs {
  files: string[];
  output?: string;
  sourceName?: string;
  optimize: number;
  smallIntBits: number;
  mpyVersion: string;
  outDir?: string;
  version: boolean;
  dump: boolean;
  help: boolean;
  recursive: boolean;
  jobs?: number;
  cacheDir?: string;
}

function parseArgs(args: string[]): MpyCrossArgs {
  const r: MpyCrossArgs = { files: [], optimize: 0, smallIntBits: 31, mpyVersion: "6.3", version: false, dump: false, help: false, recursive: false };
  const jobs = (v: string, flag: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 256) throw new UsageError(`mpy-cross: ${flag} needs a whole number of threads, not ${v}`);
    return n;
  };
  const need = (i: number, flag: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new UsageError(`mpy-cross: ${flag} needs a value`);
    return v;
  };
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!options || !a.startsWith("-") || a === "-") {
      r.files.push(a.replace(/\\/g, "/"));
      continue;
    }
    if (a === "--") options = false;
    else if (a === "--version") r.version = true;
    else if (a === "--dump") r.dump = true;
    else if (a === "-h" || a === "--help") r.help = true;
    else if (a === "-v") { /* verbosity: nothing extra to trace */ }
    else if (a === "-o") r.output = need(i++, a);
    else if (a === "-s") r.sourceName = need(i++, a).replace(/\\/g, "/");
    else if (a === "--out-dir") r.outDir = need(i++, a);
    else if (a.startsWith("--out-dir=")) r.outDir = a.slice("--out-dir=".length);
    else if (a === "-r" || a === "--recursive") r.recursive = true;
    else if (a === "-j" || a === "--jobs") r.jobs = jobs(need(i++, a), a);
    else if (a.startsWith("--jobs=")) r.jobs = jobs(a.slice("--jobs=".length), "--jobs");
    else if (/^-j\d+$/.test(a)) r.jobs = jobs(a.slice(2), "-j");
    else if (a === "--cache") r.cacheDir = need(i++, a);
    else if (a.startsWith("--cache=")) r.cacheDir = a.slice("--cache=".length);
    else if (a === "--mpy-version") r.mpyVersion = need(i++, a);
    else if (a.startsWith("--mpy-version=")) r.mpyVersion = a.slice("--mpy-version=".length);
    else if (a === "-X") {
      const v = need(i++, a);
      if (v !== "emit=bytecode" && !v.startsWith("heapsize=")) {
        throw new UsageError(`mpy-cross: -X ${v} is not supported (only emit=bytecode; native code needs upstream mpy-cross)`);
      }
    } else if (a.startsWith("-O")) {
      // -O<digit> sets the level; -O, -OO, -OOO count the O's, as upstream does
      if (/^-O\d/.test(a)) r.optimize = Number(a[2]);
      else r.optimize = /^-O+$/.test(a) ? a.length - 1 : (() => { throw new UsageError(`mpy-cross: bad flag ${a}`); })();
    } else if (a.startsWith("-msmall-int-bits=")) {
      const n = Number(a.slice("-msmall-int-bits=".length));
      if (!Number.isInteger(n) || n < 2 || n > 63) throw new UsageError(`mpy-cross: bad small-int bits in ${a}`);
      r.smallIntBits = n;
    } else if (a.startsWith("-march")) {
      throw new UsageError(`mpy-cross: ${a}: native code generation is not supported; only bytecode .mpy files`);
    } else {
      throw new UsageError(`mpy-cross: unknown option ${a} (see tspy mpy-cross --help)`);
    }
  }
  return r;
}

/** Where upstream would write the output: the input name with its last two characters replaced by "mpy". */
function defaultOutput(file: string, outDir: string | undefined, treePath?: string): string {
  if (outDir !== undefined && treePath !== undefined) return path.join(outDir, treePath);
  if (outDir !== undefined) {
    const base = path.basename(file);
    const stem = base.endsWith(".py") ? base.slice(0, -3) : base.replace(/\.[^.]*$/, "");
    return path.join(outDir, `${stem}.mpy`);
  }
  return file.slice(0, -2) + "mpy";
}

// Synchronous file calls on purpose: a batch compiles file after file, and awaiting each small read
// and write only adds idle turns of the event loop (measured: ~10% of a 100-file batch).
function writeAtomically(target: string, data: Uint8Array): void {
  const tmp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(tmp, data);
    fs.renameSync(tmp, target);
  } catch (e) {
    try {
      fs.unlinkSync(tmp);
    } catch {
      // nothing was written
    }
    throw e;
  }
}

function fsMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOENT") return "no such file";
  if (err.code === "EISDIR") return "is a directory";
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  return err.message ?? String(e);
}

async function run(args: string[], ctx: CliContext): Promise<number> {
  const opts = parseArgs(args);
  if (opts.help) {
    ctx.out.write(USAGE + "\n");
    return 0;
  }
  if (opts.version) {
    const { MPY_VERSIONS } = await import("../mpy-cross/index.js");
    const v = MPY_VERSIONS[opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion];
    if (!v) throw new UsageError(`mpy-cross: .mpy version ${opts.mpyVersion} is not supported`);
    ctx.out.write(`MicroPython v${v.emulates} (tspy); mpy-cross emitting mpy v${opts.mpyVersion}\n`);
    return 0;
  }
  if (opts.files.length === 0) throw new UsageError("mpy-cross: no input files (see tspy mpy-cross --help)");
  if (opts.dump) {
    const { runDump } = await import("../mpy-cross/dump.js");
    return runDump(opts.files, ctx.out, ctx.err);
  }

  // V8's on-stack replacement keeps re-entering and deoptimising the parser's rule loop while it is
  // still learning types (hundreds of times in a 100-file batch, measured on Node 20): without OSR a
  // cold batch runs about twice as fast. Set before the compiler's modules are first compiled.
  v8.setFlagsFromString("--no-use-osr");
  const { compileBatch, CompileCache, loadCompiler } = await import("../mpy-cross/batch/index.js");
  const { MPY_VERSIONS } = await loadCompiler();
  if (opts.mpyVersion === "6.0") opts.mpyVersion = "6";
  if (!MPY_VERSIONS[opts.mpyVersion]) {
    throw new UsageError(`mpy-cross: .mpy version ${opts.mpyVersion} is not supported (supported: ${Object.keys(MPY_VERSIONS).join(", ")})`);
  }
  if (opts.outDir !== undefined) fs.mkdirSync(opts.outDir, { recursive: true });

  let inputs: BuildInput[];
  try {
    inputs = expandInputs(opts.files, opts.recursive);
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.output !== undefined && inputs.length > 1) throw new UsageError("mpy-cross: -o takes a single input file");

  let failures = 0;
  const fail = (line: string) => {
    ctx.err.write(line.endsWith("\n") ? line : line + "\n");
    failures++;
  };
  // Read every input first, then compile them together (cache, worker threads), then write in input order.
  const jobs: (BatchJob & { target: string; treePath?: string })[] = [];
  const readFailed = new Map<number, string>();
  for (const [n, input] of inputs.entries()) {
    const file = input.file;
    let source: Uint8Array;
    try {
      if (file === "-") {
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        source = Buffer.concat(chunks);
      } else {
        if (fs.statSync(file).isDirectory()) {
          readFailed.set(n, `mpy-cross: ${file}: is a directory`);
          continue;
        }
        source = fs.readFileSync(file);
      }
    } catch (e) {
      readFailed.set(n, `mpy-cross: ${file}: ${fsMessage(e)}`);
      continue;
    }
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(source);
    } catch {
      readFailed.set(n, `mpy-cross: ${file}: not UTF-8 text`);
      continue;
    }
    const target = opts.output ?? (file === "-" ? "-" : defaultOutput(file, opts.outDir, input.treePath));
    jobs.push({
      file,
      source,
      target,
      treePath: input.treePath,
      options: {
        filename: file === "-" ? "<stdin>" : file,
        sourceName: opts.sourceName,
        optimize: opts.optimize,
        smallIntBits: opts.smallIntBits,
        mpyVersion: opts.mpyVersion,
      },
    });
  }
  const cacheDir = opts.cacheDir ?? (process.env.TSPY_MPY_CACHE || undefined);
  const outcomes = await compileBatch(jobs, { workers: opts.jobs, cache: cacheDir ? new CompileCache(cacheDir) : undefined });
  let j = 0;
  for (let n = 0; n < inputs.length; n++) {
    const readError = readFailed.get(n);
    if (readError !== undefined) {
      fail(readError);
      continue;
    }
    const job = jobs[j];
    const outcome = outcomes[j++];
    if (!outcome.ok) {
      fail(outcome.message);
      continue;
    }
    if (job.target === "-") {
      ctx.out.write(Buffer.from(outcome.mpy));
      continue;
    }
    try {
      if (job.treePath !== undefined) fs.mkdirSync(path.dirname(job.target), { recursive: true });
      writeAtomically(job.target, outcome.mpy);
    } catch (e) {
      fail(`mpy-cross: ${job.target}: cannot write (${fsMessage(e)})`);
    }
  }
  return failures ? 1 : 0;
}

export const mpyCrossCommand: CommandSpec = {
  name: "mpy-cross",
  summary: "compile Python to .mpy, byte-identical to upstream mpy-cross 1.27 (--dump to disassemble)",
  greedy: true,
  run,
};
