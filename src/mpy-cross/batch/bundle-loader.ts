// The bundled scripts (made at build time by scripts/bundle-compiler.mjs) loaded as fast as Node allows:
// dist/mpy-cross.bundle.cjs (the compiler and the mpy-cross command) and dist/tspy.bundle.cjs (the whole
// command line). A short command is mostly start-up: as ES modules, each loaded, linked and compiled on
// its own, the mpy-cross command and compiler take 60-90 ms and a board command's ~20 modules 10-20 ms;
// as one script with V8's code cache beside it (the code of the functions a run used, saved after the
// run) a few ms. This module is small and imports only Node built-ins, so bin/tspy.js can use it before
// anything else is loaded.
import fs from "node:fs";
import vm from "node:vm";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as BundleEntry from "./bundle-entry.js";
import type * as CliEntry from "../../cli/main.js";
import { writeAtomically } from "./write-atomically.js";
import { flagsMatchSetting, keepDefaultFlagsForCache, v8Setting, type V8Setting } from "./v8-setting.js";

export type BundleApi = typeof BundleEntry;
export type CliApi = typeof CliEntry;

let distMemo: string | undefined;
/**
 * dist/: the bundles sit at its top, the modules they were made from below dist/src. Found when first
 * needed (a one-file compile that bin/ started needs it only to save a cache; the path calls took
 * ~0.1 ms of its start).
 */
const dist = (): string => (distMemo ??= path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.."));

interface BundleFile {
  script: string;
  /** The module the bundle was made from: a bundle older than it is stale (tsc ran, bundling did not). */
  entry: string;
}

/**
 * Each bundle's file at dist/'s top and the module it was made from, below dist/ (paths made when first
 * asked for: a one-file compile asks for none, and joining them all took ~0.1 ms of its start).
 */
const BUNDLE_FILES = {
  compiler: ["mpy-cross.bundle.cjs", "src/mpy-cross/batch/bundle-entry.js"],
  cli: ["tspy.bundle.cjs", "src/cli/main.js"],
  /** main() with the board commands only (see hasCommandsFor in main.ts). */
  board: ["tspy-board.bundle.cjs", "src/cli/main.js"],
  /**
   * The native back end (native/backend.js), loaded by a bundle the first time a compile needs it
   * (loadLazyBundle). Apart, because a bytecode compile, nearly every one-file run, would otherwise
   * read and decode its ~250 KB on every start.
   */
  native: ["mpy-cross-native.bundle.cjs", "src/mpy-cross/native/backend.js"],
  /** The .mpy reader and `mpy-cross --dump` (dump.js), the same way: no compile needs them. */
  dump: ["mpy-cross-dump.bundle.cjs", "src/mpy-cross/dump.js"],
  /** The pre-1.12 qstr pools (old-qstr-pools.js): only a compile for those releases reads them. */
  pools: ["mpy-cross-pools.bundle.cjs", "src/mpy-cross/old-qstr-pools.js"],
  /** The back ends of .mpy 5 and older (legacy-backends.js): only a compile for those formats runs them. */
  legacy: ["mpy-cross-legacy.bundle.cjs", "src/mpy-cross/legacy-backends.js"],
} satisfies Record<string, [script: string, entry: string]>;

type BundleName = keyof typeof BUNDLE_FILES;

const bundleFiles: Partial<Record<BundleName, BundleFile>> = {};

function bundleFile(name: BundleName): BundleFile {
  const [script, entry] = BUNDLE_FILES[name];
  return (bundleFiles[name] ??= { script: path.join(dist(), script), entry: path.join(dist(), entry) });
}

/** The file of the command words the board bundle lacks, one per line (written by the build beside it). */
export const boardBundleLacksFile = (): string => path.join(dist(), "tspy-board.lacks.txt");

/** The compiler bundle's script. */
export const compilerBundleFile = (): string => bundleFile("compiler").script;

interface Loaded {
  api: unknown;
  script: vm.Script;
  cacheUsable: boolean;
  /** The V8 setting it was loaded with (v8-setting.ts), whose code cache it took. */
  setting: V8Setting;
}

// Kept on the global object, not in a module variable: each bundle holds its own copy of this module,
// and code running inside a bundle must find the bundles already loaded.
const STATE = Symbol.for("tspy.bundles");
const state = globalThis as unknown as { [STATE]?: Partial<Record<BundleName, Loaded>> };

/**
 * V8 accepts a code cache only from a process with the same flags, so a thread running with other flags
 * (worker threads of a big build, with the batch flags) has a cache of its own beside the one-file compile's.
 */
const codeCacheOf = (b: BundleFile, setting: V8Setting) =>
  b.script.replace(/\.cjs$/, `${setting === "default" ? "" : `.${setting}`}${startedWithFlags() ? ".flags" : ""}.v8cache`);

/**
 * Whether Node was started with options (on its command line or in NODE_OPTIONS): some are V8 flags
 * (--max-old-space-size, which CI jobs often set, --stack-size ...), and V8 refuses a cache made with
 * other flags. Such a run takes the ".flags" cache beside the plain one and saves over that one only:
 * before, one run with NODE_OPTIONS replaced the cache the build made, and runs with and without flags
 * then took turns throwing each other's cache away (~15 ms more per one-file compile). bin/tspy.js
 * asks the same.
 */
function startedWithFlags(): boolean {
  return process.execArgv.length > 0 || Boolean(process.env.NODE_OPTIONS?.trim());
}

function isCurrent(b: BundleFile): boolean {
  try {
    return fs.statSync(b.script).mtimeMs >= fs.statSync(b.entry).mtimeMs;
  } catch {
    return false;
  }
}

export function bundleIsCurrent(): boolean {
  return isCurrent(bundleFile("compiler"));
}

function load(name: BundleName): unknown {
  const loaded = (state[STATE] ??= {});
  if (loaded[name]) return loaded[name].api;
  const made = compile(name);
  if (!made) return null;
  // Its cache, saved at the run's end, must carry the default flags (a lazy bundle, loadLazyBundle, is
  // loaded mid-run under whatever setting the run has by then, and keeps a cache per setting).
  if (!made.cacheUsable) keepDefaultFlagsForCache();
  loaded[name] = { ...made, api: evaluate(name, made.script) };
  return loaded[name].api;
}

/**
 * Runs a bundle's function (the build wraps each, scripts/bundle-compiler.mjs): Node's CommonJS
 * parameters, a function giving dist/'s URL, and dist/'s path (the bundle's modules compute their own
 * import.meta.url and own path from them, so paths they resolve point where the ES modules would), then
 * any the bundle takes besides.
 * Such a script has no import(): the bundles load packages and built-ins through require.
 */
function evaluate(name: BundleName, script: vm.Script, ...more: unknown[]): unknown {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, requireFromDist(bundleFile(name).script), module, distUrl, dist(), ...more);
  return module.exports;
}

let distUrlMemo: string | undefined;
const distUrl = () => (distUrlMemo ??= pathToFileURL(dist() + path.sep).href);

/** The bundle's script, compiled with its code cache when V8 takes it; null when the bundle is not current. */
function compile(name: BundleName): Omit<Loaded, "api"> | null {
  const b = bundleFile(name);
  if (!isCurrent(b)) return null;
  // No V8 flags are set before the bundle is loaded: they are part of V8's check of a code cache. A run
  // sets some once it knows what it compiles (v8-setting.ts); threads it starts then load with them.
  // ASCII only (the build makes sure): Latin-1 decodes several times quicker than UTF-8.
  const code = fs.readFileSync(b.script).toString("latin1");
  const setting = v8Setting();
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(codeCacheOf(b, setting));
  } catch {
    cachedData = undefined;
  }
  // The file is one function expression (see evaluate).
  const script = new vm.Script(code, { filename: b.script, cachedData });
  return { script, cacheUsable: cachedData !== undefined && !script.cachedDataRejected, setting };
}

/**
 * A lazy bundle's exports (the native back end, the .mpy reader), run against `shared`: the modules of
 * the calling bundle it imports (compat, scope, the error classes ...), by their path below dist/ (the
 * build lists them). Each calling bundle passes its own, so the lazy bundle works on that bundle's
 * classes and tables, never on copies. Null when the lazy bundle is not current. Evaluated once per
 * calling bundle; its code cache is kept for the first.
 */
export function loadLazyBundle(name: "native" | "dump" | "pools" | "legacy", shared: Record<string, unknown>): unknown {
  const made = compile(name);
  if (!made) return null;
  const api = evaluate(name, made.script, shared);
  const loaded = (state[STATE] ??= {});
  loaded[name] ??= { ...made, api };
  return api;
}

/**
 * A require that resolves from dist/, for a bundle's packages. Where this module runs as part of a
 * CommonJS script in dist/ (bin/'s dist/fast-path.cjs, or a bundle), that script's own require is one;
 * only the ES module (from its own directory below dist/) makes one, through node:module, which costs
 * ~1 ms to load (the build makes that import lazy, scripts/bundle-compiler.mjs).
 */
function requireFromDist(script: string): NodeJS.Require {
  return typeof require === "function" && path.dirname(require.resolve.paths?.("x")?.[0] ?? "") === dist() ? require : createRequire(script);
}

/** The compiler bundle's exports, or null when there is no current bundle (then the ES modules are used). */
export function loadBundle(): BundleApi | null {
  return load("compiler") as BundleApi | null;
}

/** The bundled command line (the whole, or the board commands' part), or null when there is no current one. */
export function loadCliBundle(name: "cli" | "board" = "cli"): CliApi | null {
  return load(name) as CliApi | null;
}

/**
 * After a run, saves V8's code for the functions it ran beside each bundle that had no usable cache
 * (first run, or a new Node). A directory we may not write to only means no cache. Not when flags were
 * set after the bundle was loaded: V8 would stamp that cache with flags its readers lack.
 */
export function saveBundleCodeCache(name: BundleName = "compiler"): void {
  const loaded = state[STATE]?.[name];
  if (!loaded || loaded.cacheUsable || loaded.setting !== v8Setting() || !flagsMatchSetting()) return;
  try {
    writeAtomically(codeCacheOf(bundleFile(name), loaded.setting), loaded.script.createCachedData());
    loaded.cacheUsable = true;
  } catch {
    // no cache: the next run compiles the bundle again
  }
}

/** After compiles: the compiler bundle's code cache and, when a compile needed them, the lazy bundles' (native back end, old qstr pools, old back ends). */
export function saveCompilerCodeCaches(): void {
  saveBundleCodeCache("compiler");
  saveBundleCodeCache("native");
  saveBundleCodeCache("pools");
  saveBundleCodeCache("legacy");
}

/** Whether the bundle `name` was loaded here with a code cache V8 accepted (undefined: not loaded). */
export function bundleCodeCacheUsed(name: BundleName = "compiler"): boolean | undefined {
  return state[STATE]?.[name]?.cacheUsable;
}
