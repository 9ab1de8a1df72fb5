// `tspy mpy-cross`: upstream mpy-cross's flags, several files per run, never a partial output file.
// The compiler is loaded only when there is something to compile, so `tspy --help` stays light.
import fs from "node:fs";
import path from "node:path";
import { flag, helpFor, parse, str, type CommandDef, type OptionDef } from "../args/index.js";
import { TspyError, UsageError } from "../errors.js";
import type { CommandSpec, CliContext } from "./command.js";
import { expandInputs, InputError, type BuildInput } from "../mpy-cross/batch/inputs.js";
import { STDOUT, writeHostFile } from "../fs/host-output.js";
import type { BatchJob, CompileOutcome } from "../mpy-cross/batch/index.js";
import type { CompileOptions } from "../mpy-cross/index.js";
import { OutputRecord } from "../mpy-cross/batch/output-record.js";
import { BuildRecorder } from "../mpy-cross/batch/build-record.js";
import { OutputWriter, readFailure } from "../mpy-cross/batch/build-job.js";
import { saveBundleCodeCache } from "../mpy-cross/batch/bundle-loader.js";

/** Every mpy-cross flag, in one place: add new ones here (the parser, help and suggestions follow). */
const OPTIONS: OptionDef[] = [
  { flags: ["-o"], key: "output", takes: "value", metavar: "OUT", help: 'output file (only with one input; "-" writes to stdout)' },
  { flags: ["-s"], key: "sourceName", takes: "value", metavar: "NAME", help: "source name stored in the .mpy (default: the input path)" },
  { flags: ["-O"], key: "optimize", takes: "optional", glued: true, metavar: "N", help: "optimisation level: 1+ drops assert, 3 also drops line numbers (-OO, -OOO count)" },
  { flags: ["-msmall-int-bits="], key: "smallIntBits", takes: "value", glued: true, metavar: "N", help: "small-int width of the target (default 31)" },
  { flags: ["-mcache-lookup-bc"], key: "cacheLookupBc", help: "cache map lookups in the bytecode (.mpy 5 and older: MicroPython up to 1.18, CircuitPython up to 6)" },
  { flags: ["-mno-cache-lookup-bc"], key: "noCacheLookupBc", help: "do not cache map lookups in the bytecode (the default)" },
  { flags: ["-mno-unicode"], key: "noUnicode", help: "target without unicode str (.mpy 5 and older): \\x escapes store one byte" },
  { flags: ["-municode"], key: "unicode", help: "target with unicode str (the default)" },
  { flags: ["-march="], key: "march", takes: "value", glued: true, metavar: "ARCH", help: "target of native code (@native, @viper, @asm_*): x86, x64, armv6, armv6m, armv7m, armv7em, armv7emsp, armv7emdp, xtensa, xtensawin, rv32imc, rv64imc, host; each release accepts the names it knew" },
  { flags: ["-march-flags="], key: "marchFlags", takes: "value", glued: true, metavar: "FLAGS", help: "extensions of the target beyond its -march (rv32imc: zba, or the bits as a number; MicroPython 1.27)" },
  { flags: ["-X"], key: "x", takes: "value", repeat: true, metavar: "OPT", help: "emit=bytecode|native|viper (the module's default emitter), heapsize=N (ignored)" },
  { flags: ["--mpy-version"], key: "mpyVersion", takes: "value", metavar: "V", help: ".mpy version to write: 6.3 (default, MicroPython 1.23+), 6.2, 6.1, 6, 5 (1.12-1.18), 4 (1.11), 3 (1.9.3-1.10), 2 (1.9-1.9.2), 0 (1.5-1.8); pycopy: Pycopy 3.x's own .mpy; cp2-cp10: CircuitPython's own .mpy" },
  { flags: ["--board"], key: "board", help: "compile for the connected board (-d/--device or `connect`): its .mpy version and native arch, found by asking it" },
  { flags: ["--out-dir"], key: "outDir", takes: "value", metavar: "DIR", help: "write each FILE as DIR/<stem>.mpy (default: next to the source); files found through -r or a quoted glob keep their tree below DIR" },
  { flags: ["-r", "--recursive"], key: "recursive", help: "a DIR argument stands for every .py file below it" },
  { flags: ["-j", "--jobs"], key: "jobs", takes: "value", glued: true, metavar: "N", help: "compile on N worker threads besides the main one (default: one compiling thread per two cores, fewer for a small batch; 0: none)" },
  { flags: ["--cache"], key: "cacheDir", takes: "value", metavar: "DIR", help: "reuse .mpy files compiled before from identical source and options (default: $TSPY_MPY_CACHE if set)" },
  { flags: ["--dump"], key: "dump", help: "disassemble the given .mpy files (versions 0 and 2 to 6.3, Pycopy's, CircuitPython's) instead of compiling; with --mpy-version pycopy (or 5) a .mpy 5 is read as Pycopy's (or MicroPython's) bytecode instead of telling them apart by the module's name" },
  { flags: ["--version"], key: "version", help: "name the emulated MicroPython release and .mpy version" },
  { flags: ["-v"], key: "verbose", repeat: true, help: "verbosity (accepted; nothing extra is traced)", hidden: true },
];

const DEF: CommandDef = {
  name: "mpy-cross",
  summary: "Compile Python to .mpy, byte-identical to upstream mpy-cross 1.27 (--dump disassembles).",
  usage: "FILE|DIR|GLOB...",
  options: OPTIONS,
};

interface MpyCrossArgs {
  files: string[];
  output?: string;
  sourceName?: string;
  optimize: number;
  smallIntBits: number;
  mpyVersion: string;
  outDir?: string;
  /** -march=NAME as given (checked against the release's list once the compiler is loaded). */
  march?: string;
  /** -march-flags=TEXT as given (checked once the arch is known). */
  marchFlags?: string;
  emit: "bytecode" | "native" | "viper";
  version: boolean;
  dump: boolean;
  help: boolean;
  recursive: boolean;
  jobs?: number;
  cacheDir?: string;
  board: boolean;
  /** -mcache-lookup-bc / -mno-unicode: header feature flags of the older formats (last one given wins). */
  cacheLookupBc?: boolean;
  unicode?: boolean;
  /** --mpy-version was given (it cannot be combined with --board). */
  versionGiven: boolean;
}

function parseMpyCrossArgs(args: string[]): MpyCrossArgs {
  const p = parse(DEF, args);
  const r: MpyCrossArgs = {
    files: p.positionals.map((f) => f.replace(/\\/g, "/")),
    output: str(p, "output"),
    sourceName: str(p, "sourceName")?.replace(/\\/g, "/"),
    optimize: 0,
    smallIntBits: 31,
    mpyVersion: str(p, "mpyVersion") ?? "6.3",
    outDir: str(p, "outDir"),
    march: str(p, "march"),
    marchFlags: str(p, "marchFlags"),
    emit: "bytecode",
    version: flag(p, "version"),
    dump: flag(p, "dump"),
    help: p.help,
    recursive: flag(p, "recursive"),
    cacheDir: str(p, "cacheDir"),
    board: flag(p, "board"),
    versionGiven: str(p, "mpyVersion") !== undefined,
  };
  // as upstream's argv loop: the later of a pair wins
  for (const a of args) {
    if (a === "-mcache-lookup-bc") r.cacheLookupBc = true;
    else if (a === "-mno-cache-lookup-bc") r.cacheLookupBc = false;
    else if (a === "-mno-unicode") r.unicode = false;
    else if (a === "-municode") r.unicode = true;
  }
  if (r.board && (r.versionGiven || r.march !== undefined)) throw new UsageError("mpy-cross: --board chooses the .mpy version and arch itself: leave out --mpy-version and -march");
  const o = p.values.optimize;
  // -O<digit> sets the level; -O, -OO, -OOO count the O's, as upstream does
  if (o === true) r.optimize = 1;
  else if (typeof o === "string") {
    if (/^\d/.test(o)) r.optimize = Number(o[0]);
    else if (/^O+$/.test(o)) r.optimize = o.length + 1;
    else throw new UsageError(`mpy-cross: bad flag -O${o}`);
  }
  const bits = str(p, "smallIntBits");
  if (bits !== undefined) {
    const n = Number(bits);
    if (!Number.isInteger(n) || n < 2 || n > 63 || bits.trim() === "") throw new UsageError(`mpy-cross: bad small-int bits in -msmall-int-bits=${bits}`);
    r.smallIntBits = n;
  }
  const jobs = str(p, "jobs");
  if (jobs !== undefined) {
    const n = Number(jobs);
    if (!Number.isInteger(n) || n < 0 || n > 256 || jobs.trim() === "") throw new UsageError(`mpy-cross: -j needs a whole number of threads, not ${jobs}`);
    r.jobs = n;
  }
  for (const v of (p.values.x as string[] | undefined) ?? []) {
    if (v === "emit=bytecode" || v === "emit=native" || v === "emit=viper") r.emit = v.slice(5) as MpyCrossArgs["emit"];
    else if (!v.startsWith("heapsize=")) {
      throw new UsageError(`mpy-cross: -X ${v} is not supported (emit=bytecode|native|viper, heapsize=N)`);
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

async function run(args: string[], ctx: CliContext): Promise<number> {
  const opts = parseMpyCrossArgs(args);
  if (opts.help) {
    ctx.out.write(helpFor(DEF));
    return 0;
  }
  if (opts.version) {
    const { MPY_VERSIONS, versionBanner } = await import("../mpy-cross/index.js");
    const key = opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion;
    if (!MPY_VERSIONS[key]) throw new UsageError(`mpy-cross: .mpy version ${opts.mpyVersion} is not supported`);
    ctx.out.write(versionBanner(key) + "\n");
    return 0;
  }
  if (opts.files.length === 0) throw new UsageError("mpy-cross: no input files (see tspy mpy-cross --help)");
  if (opts.board && !opts.dump) {
    const { boardTarget } = await import("./compile-on-copy.js");
    const t = await boardTarget(ctx);
    if (t.kind !== "mpy") throw new TspyError(`mpy-cross: ${t.message}`);
    ctx.err.write(`mpy-cross: compiling for ${t.describe}: .mpy ${t.options.mpyVersion}${t.options.arch ? `, -march=${t.options.arch}` : ""}\n`);
    opts.mpyVersion = t.options.mpyVersion;
    opts.march = t.options.arch;
  }
  if (opts.dump) {
    const { dumpModule } = await import("../mpy-cross/dump-loader.js");
    // a .mpy 5 is MicroPython's or Pycopy's: told from the file, unless --mpy-version says whose
    const firmware = !opts.versionGiven ? undefined : opts.mpyVersion === "pycopy" ? "pycopy" : "micropython";
    try {
      return await dumpModule().runDump(opts.files, ctx.out, ctx.err, { firmware });
    } finally {
      saveBundleCodeCache("dump");
    }
  }

  // Without a cache the options are checked first (before waiting on stdin, say); with one, only
  // when something has to be compiled (see below).
  const cacheDir = opts.cacheDir ?? (process.env.TSPY_MPY_CACHE || undefined);
  let arch: NativeTarget | null = null;
  if (!cacheDir) {
    const checked = await checkTarget(opts, ctx);
    if (typeof checked === "number") return checked;
    arch = checked;
  }

  // A cached run that can be repeated by stats alone records what it listed, read and wrote (with
  // --board the target comes from the board, not the command line: never recorded).
  const recorder = cacheDir && !opts.board ? new BuildRecorder(cacheDir, args) : undefined;
  let inputs: BuildInput[];
  try {
    inputs = expandInputs(opts.files, opts.recursive, recorder && ((dir) => recorder.dir(dir)));
  } catch (e) {
    if (e instanceof InputError) throw new UsageError(e.message);
    throw e;
  }
  if (opts.output !== undefined && inputs.length > 1) throw new UsageError("mpy-cross: -o takes a single input file");

  let failures = 0;
  const fail = (line: string) => {
    ctx.err.write(line.endsWith("\n") ? line : line + "\n");
    failures++;
    recorder?.spoil();
  };
  // Without a cache, stdin or stdout, each file is read, compiled and written by whichever thread
  // takes it (see buildBatch); the messages still come in input order.
  if (!cacheDir && opts.output !== STDOUT && !inputs.some((i) => i.file === "-")) {
    const { buildBatch } = await import("../mpy-cross/batch/index.js");
    if (opts.outDir !== undefined) fs.mkdirSync(opts.outDir, { recursive: true });
    const target = arch!;
    const results = await buildBatch(inputs.map(({ file, treePath }) => ({
      file,
      target: opts.output ?? defaultOutput(file, opts.outDir, treePath),
      treePath,
      options: { ...compileOptions(opts, file), ...target },
    })), { workers: opts.jobs });
    for (const r of results) if (!r.ok) fail(r.message);
    return failures ? 1 : 0;
  }
  // Read every input first, then compile them together (cache, worker threads), then write in input order.
  const jobs: (BatchJob & { target: string; treePath?: string })[] = [];
  const readFailed = new Map<number, string>();
  for (const [n, input] of inputs.entries()) {
    const file = input.file;
    let source: Uint8Array;
    try {
      if (file === "-") {
        recorder?.spoil();
        const chunks: Buffer[] = [];
        for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
        source = Buffer.concat(chunks);
      } else if (recorder) {
        // its identity before its bytes: a change while it is read shows in the next run's stat
        const fd = fs.openSync(file, "r");
        try {
          recorder.source(file, fs.fstatSync(fd));
          source = fs.readFileSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      } else {
        source = fs.readFileSync(file);
      }
    } catch (e) {
      readFailed.set(n, readFailure(file, e));
      continue;
    }
    // Any bytes: upstream's lexer never checks UTF-8 (a Latin-1 source compiles, its bytes kept as they are).
    const target = opts.output ?? (file === "-" ? "-" : defaultOutput(file, opts.outDir, input.treePath));
    jobs.push({ file, source, target, treePath: input.treePath, options: compileOptions(opts, file) });
  }

  // The cache first: a key covers the options as given (the .mpy version and -march as typed), so an
  // entry exists only for options that compiled before with this compiler, and a run where every file
  // hits needs no compiler at all, not even to check its options.
  const { compileBatch, CompileCache } = await import("../mpy-cross/batch/index.js");
  const cache = cacheDir ? new CompileCache(cacheDir) : undefined;
  const outputs = cacheDir ? new OutputRecord(cacheDir) : undefined;
  const outcomes: CompileOutcome[] = new Array(jobs.length);
  // Outputs a recorded run left holding exactly these bytes: not even the cache entry is read.
  const unchanged = new Set<number>();
  const misses: number[] = [];
  jobs.forEach((job, i) => {
    if (cache) {
      job.cacheKey = cache.key(job.source, { ...job.options, march: opts.march, marchFlags: opts.marchFlags });
      if (job.target !== STDOUT && outputs!.holds(job.target, job.cacheKey)) return void unchanged.add(i);
      const hit = cache.get(job.cacheKey);
      if (hit) return void (outcomes[i] = { ok: true, mpy: hit });
    }
    misses.push(i);
  });
  if (misses.length > 0 || jobs.length === 0) {
    if (arch === null) {
      const checked = await checkTarget(opts, ctx);
      if (typeof checked === "number") return checked;
      arch = checked;
    }
    const target = arch;
    const toCompile = misses.map((i) => ({ ...jobs[i], options: { ...jobs[i].options, ...target } }));
    const compiled = await compileBatch(toCompile, { workers: opts.jobs, cache });
    misses.forEach((i, n) => (outcomes[i] = compiled[n]));
  }

  if (opts.outDir !== undefined) fs.mkdirSync(opts.outDir, { recursive: true });
  const writer = new OutputWriter();
  let j = 0;
  for (let n = 0; n < inputs.length; n++) {
    const readError = readFailed.get(n);
    if (readError !== undefined) {
      fail(readError);
      continue;
    }
    const job = jobs[j];
    const outcome = outcomes[j];
    if (unchanged.has(j++)) {
      recorder?.output(job.target);
      continue;
    }
    if (!outcome.ok) {
      fail(outcome.message);
      continue;
    }
    if (job.target === "-") {
      recorder?.spoil();
      // Awaited: a reader that went away (EPIPE) then ends the command with its status (see stop.ts).
      await writeHostFile(STDOUT, outcome.mpy, "mpy-cross", ctx.out);
      continue;
    }
    const written = writer.write(job, outcome.mpy);
    if (!written.ok) {
      fail(written.message);
      continue;
    }
    if (job.cacheKey !== undefined) outputs?.wrote(job.target, job.cacheKey);
    recorder?.output(job.target);
  }
  outputs?.save();
  recorder?.save();
  return failures ? 1 : 0;
}

/** The native arch and its flags, as checkTarget resolves them from -march and -march-flags. */
type NativeTarget = Pick<CompileOptions, "arch" | "archFlags">;

/** The options of a compile of `file`, but the native target (checkTarget finds it, when there is a compile). */
function compileOptions(opts: MpyCrossArgs, file: string): CompileOptions {
  return {
    filename: file === "-" ? "<stdin>" : file,
    sourceName: opts.sourceName,
    optimize: opts.optimize,
    smallIntBits: opts.smallIntBits,
    mpyVersion: opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion,
    cacheLookupBc: opts.cacheLookupBc,
    unicode: opts.unicode,
    emit: opts.emit,
  };
}

/**
 * Loads the compiler and checks the options against the release it emulates: the .mpy version, the
 * older formats' feature flags, -march, -march-flags. Resolves to the native target to compile for, or
 * to the exit status when upstream would stop (an arch its release does not know, or none where one is
 * needed, or arch flags it does not take).
 */
async function checkTarget(opts: MpyCrossArgs, ctx: CliContext): Promise<NativeTarget | number> {
  const { loadCompiler } = await import("../mpy-cross/batch/index.js");
  const { MPY_VERSIONS } = await loadCompiler();
  const version = opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion;
  if (!MPY_VERSIONS[version]) {
    throw new UsageError(`mpy-cross: .mpy version ${opts.mpyVersion} is not supported (supported: ${Object.keys(MPY_VERSIONS).join(", ")})`);
  }
  if ((opts.cacheLookupBc !== undefined || opts.unicode !== undefined) && !MPY_VERSIONS[version].featureFlagOptions) {
    const flag = opts.cacheLookupBc !== undefined ? "-mcache-lookup-bc" : "-mno-unicode";
    throw new UsageError(`mpy-cross: ${flag} exists only for .mpy 5 and older (MicroPython up to 1.18, CircuitPython up to 6), not --mpy-version ${opts.mpyVersion}`);
  }
  const { resolveArch, resolveArchFlags } = await import("../mpy-cross/native/target.js");
  const nativeTarget = resolveArch(MPY_VERSIONS[version].emulates, opts.march, opts.emit);
  if (nativeTarget.problem === "unknown-arch") {
    // upstream prints its usage text and exits 1 for an arch its release does not know
    ctx.out.write(helpFor(DEF));
    ctx.err.write(`mpy-cross: unknown arch ${opts.march} (MicroPython ${MPY_VERSIONS[version].emulates} knows: ${nativeTarget.known.join(", ")})\n`);
    return 1;
  }
  if (nativeTarget.problem === "arch-not-specified") {
    ctx.err.write("arch not specified\n");
    return 1;
  }
  const archFlags = resolveArchFlags(MPY_VERSIONS[version].emulates, nativeTarget.arch, opts.marchFlags);
  if (archFlags.problem === "unknown-option") {
    // an option the release does not have: its usage text, as for any unknown option
    ctx.out.write(helpFor(DEF));
    ctx.err.write(`mpy-cross: -march-flags is not an option of MicroPython ${MPY_VERSIONS[version].emulates}'s mpy-cross\n`);
    return 1;
  }
  if (archFlags.problem === "unrecognised") {
    ctx.err.write("unrecognised arch flags\n");
    return 1;
  }
  return { arch: nativeTarget.arch, archFlags: archFlags.flags };
}

export const mpyCrossCommand: CommandSpec = {
  name: "mpy-cross",
  summary: "compile Python to .mpy, byte-identical to upstream mpy-cross 1.27 (--dump to disassemble)",
  greedy: true,
  run,
};
