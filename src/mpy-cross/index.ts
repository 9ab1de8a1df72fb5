// Public entry of tspy's in-process mpy-cross: Python source in, .mpy bytes out (byte-identical to
// upstream mpy-cross 1.27 for .mpy v6.3). Throws CompileError for source upstream would reject.
import { parse } from "./parser.js";
import { Compiler } from "./compiler.js";
import { writeMpy, backendOf, MPY_VERSIONS, DEFAULT_MPY_VERSION } from "./mpy-writer.js";
import { CompileError } from "./compile-error.js";
import type { BackendCompat } from "./compat.js";
import { nativeArch } from "./native/arch.js";
import { EmitOpt } from "./scope.js";

/** Header feature bits of .mpy 5 and older. */
const FEATURE_CACHE_LOOKUP_BC = 0x01;
const FEATURE_UNICODE = 0x02;

const EMIT_BY_NAME = { bytecode: EmitOpt.None, native: EmitOpt.NativePython, viper: EmitOpt.Viper } as const;

export { CompileError, MPY_VERSIONS, DEFAULT_MPY_VERSION };

/** The MicroPython release whose mpy-cross this one reproduces. */
export const EMULATED_MICROPYTHON = "1.27.0";

export interface CompileOptions {
  /** Name used in error messages (the input path as given). */
  filename: string;
  /** Source name stored in the .mpy (mpy-cross -s); defaults to `filename`. */
  sourceName?: string;
  /** Optimisation level (mpy-cross -O<N>): 1+ drops asserts, 3 drops line numbers. */
  optimize?: number;
  /** Bits of a small int on the target (mpy-cross -msmall-int-bits), default 31. */
  smallIntBits?: number;
  /** .mpy version to write, default "6.3". */
  mpyVersion?: string;
  /** Native arch (-march name, already resolved: see native/target.ts); none means bytecode only. */
  arch?: string;
  /** -mcache-lookup-bc: LOAD_NAME/LOAD_GLOBAL/LOAD_ATTR/STORE_ATTR carry a cache byte (header bit 0). */
  cacheLookupBc?: boolean;
  /** false for -mno-unicode: a str escape is one byte (header bit 1 clear). */
  unicode?: boolean;
  /** -march-flags as a number (rv32imc: 1 = Zba); stored in the header when not 0. */
  archFlags?: number;
  /** Default emitter of the module (-X emit=), default "bytecode". */
  emit?: "bytecode" | "native" | "viper";
}

/** What `mpy-cross --version` prints for a .mpy version, in the words of the release it reproduces. */
export function versionBanner(version: string): string {
  const v = MPY_VERSIONS[version];
  const release = v.backend === undefined ? `MicroPython v${v.emulates}` : backendOf(v).release;
  return `${release} (tspy); mpy-cross emitting mpy v${v.banner ?? version}`;
}

export function compileToMpy(source: string | Uint8Array, opts: CompileOptions): Uint8Array {
  const optimize = opts.optimize ?? 0;
  const smallIntBits = opts.smallIntBits ?? 31;
  // "6.0" is how people often write the first v6 release
  const version = opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion ?? DEFAULT_MPY_VERSION;
  if (!MPY_VERSIONS[version]) {
    throw new RangeError(`unsupported .mpy version ${version} (supported: ${Object.keys(MPY_VERSIONS).join(", ")})`);
  }
  // `release` tells a front end that knows about it which release's parser to reproduce (folding rules
  // changed between releases); passed through a variable so parsers without the option still type-check.
  const parseOptions = {
    filename: opts.filename,
    inputKind: "file" as const,
    optimize,
    smallIntBits,
    // CircuitPython builds name their own front end; MicroPython's follow the release they reproduce
    ...(MPY_VERSIONS[version].frontEnd !== undefined
      ? { mpyVersion: MPY_VERSIONS[version].frontEnd }
      : { release: MPY_VERSIONS[version].emulates }),
    // upstream makes the -s name a qstr before parsing, which decides whether an equal literal is interned
    internedNames: opts.sourceName !== undefined ? [opts.sourceName] : [],
    unicode: opts.unicode !== false,
  };
  const compat = backendOf(MPY_VERSIONS[version]);
  // these flags exist only in the mpy-cross of releases whose .mpy header records them
  for (const [given, flag] of [[opts.cacheLookupBc !== undefined, "-mcache-lookup-bc"], [opts.unicode !== undefined, "-mno-unicode"]] as const) {
    if (given && !MPY_VERSIONS[version].featureFlagOptions) throw new RangeError(`${flag} is not an option of ${compat.release}'s mpy-cross`);
  }
  const arch = opts.arch !== undefined ? nativeArch(opts.arch) : undefined;
  if (opts.arch !== undefined && !arch) throw new RangeError(`unknown native arch ${opts.arch}`);
  try {
    const tree = parse(source, parseOptions);
    const compiler = new Compiler({
      sourceFile: opts.sourceName ?? opts.filename, optimize, smallIntBits, compat, arch, archFlags: opts.archFlags, cacheLookupBc: opts.cacheLookupBc === true, defaultEmit: EMIT_BY_NAME[opts.emit ?? "bytecode"],
    });
    const compiled = compiler.run(tree);
    compiled.createdQstrs = tree.createdQstrs;
    compiled.archFlags = opts.archFlags;
    compiled.featureFlags = (opts.cacheLookupBc ? FEATURE_CACHE_LOOKUP_BC : 0) | (opts.unicode === false ? 0 : FEATURE_UNICODE);
    return writeMpy(compiled, version);
  } catch (e) {
    if (e instanceof CompileError) inReleaseWords(e, compat);
    throw e;
  }
}

/** Words a compile error as the release's mpy-cross does: its own text (and kind) for the message, and
 * its way of printing the traceback's texts. */
function inReleaseWords(e: CompileError, compat: BackendCompat): void {
  const own = compat.messages[e.message];
  if (typeof own === "string") e.message = own;
  else if (own) {
    e.kind = own.kind;
    e.message = own.text;
  }
  e.texts = compat.errorTexts;
}
