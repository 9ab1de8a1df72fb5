// The bundled compiler and mpy-cross command (dist/mpy-cross.bundle.cjs, made at build time by
// scripts/bundle-compiler.mjs) loaded as fast as Node allows. A one-file `tspy mpy-cross` is mostly
// start-up: as ~60 ES modules the command and compiler take 60-90 ms to load, as one script about 25 ms,
// and with V8's code cache beside it (the code of the functions a compile ran, saved after a run) under
// 10 ms. This module is small and imports only Node built-ins, so bin/tspy.js can use it before
// anything else is loaded.
import fs from "node:fs";
import vm from "node:vm";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as BundleEntry from "./bundle-entry.js";
import { writeAtomically } from "./write-atomically.js";

export type BundleApi = typeof BundleEntry;

const here = path.dirname(fileURLToPath(import.meta.url));
/** dist/: the bundle sits at its top, the modules it was made from below dist/src. */
const DIST = path.resolve(here, "../../..");
export const BUNDLE = path.join(DIST, "mpy-cross.bundle.cjs");
const CODE_CACHE = BUNDLE.replace(/\.cjs$/, ".v8cache");
/** The newest module the bundle was made from: a bundle older than it is stale (tsc ran, bundling did not). */
const ENTRY_MODULE = path.join(here, "bundle-entry.js");

interface Loaded {
  api: BundleApi;
  script: vm.Script;
  cacheUsable: boolean;
}

// Kept on the global object, not in a module variable: the bundle holds its own copy of this module
// (through load-compiler.ts), and code running inside the bundle must find the bundle already loaded.
const STATE = Symbol.for("tspy.mpy-cross.bundle");
const state = globalThis as unknown as { [STATE]?: Loaded };

export function bundleIsCurrent(): boolean {
  try {
    return fs.statSync(BUNDLE).mtimeMs >= fs.statSync(ENTRY_MODULE).mtimeMs;
  } catch {
    return false;
  }
}

/** The bundle's exports, or null when there is no current bundle (then the ES modules are used). */
export function loadBundle(): BundleApi | null {
  if (state[STATE]) return state[STATE].api;
  if (!bundleIsCurrent()) return null;
  // No V8 flags are set for the compiler: they are part of V8's check of a code cache (every process
  // would have to set the same ones first), and --no-use-osr, once worth 2x on a cold batch, no longer
  // made a difference measured on the 507 micropython-lib files.
  // ASCII only (the build makes sure): Latin-1 decodes several times quicker than UTF-8.
  const code = fs.readFileSync(BUNDLE).toString("latin1");
  let cachedData: Buffer | undefined;
  try {
    cachedData = fs.readFileSync(CODE_CACHE);
  } catch {
    cachedData = undefined;
  }
  // The same wrapper as Node's for CommonJS, plus the URL of dist/ (the bundle's modules compute their
  // own import.meta.url from it, so paths they resolve point where the ES modules would).
  const script = new vm.Script(`(function (exports, require, module, __tspyDistUrl) {${code}\n})`, { filename: BUNDLE, cachedData });
  const module = { exports: {} as BundleApi };
  script.runInThisContext()(module.exports, createRequire(BUNDLE), module, pathToFileURL(DIST + path.sep).href);
  state[STATE] = { api: module.exports, script, cacheUsable: cachedData !== undefined && !script.cachedDataRejected };
  return module.exports;
}

/**
 * After a compile, saves V8's code for the functions it ran beside the bundle, when there was no usable
 * cache (first run, or a new Node). A directory we may not write to only means no cache.
 */
export function saveBundleCodeCache(): void {
  const loaded = state[STATE];
  if (!loaded || loaded.cacheUsable) return;
  try {
    writeAtomically(CODE_CACHE, loaded.script.createCachedData());
    loaded.cacheUsable = true;
  } catch {
    // no cache: the next run compiles the bundle again
  }
}
