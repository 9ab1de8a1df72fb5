// Loading the compiler fast. A one-file `tspy mpy-cross` is mostly start-up: as ~50 ES modules the
// compiler takes 60-90 ms to load, as one bundled script (dist/mpy-cross.bundle.cjs, made by
// scripts/bundle-compiler.mjs at build time) about 25 ms, and with V8's code cache beside it (compiled
// functions saved after a run) about 12 ms, with the compile itself warm from the cache too.
// Without the bundle (running from sources, or a bundle older than the modules) the modules are used.
import fs from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type * as CompileOneModule from "./compile-one.js";
import { writeAtomically } from "./write-atomically.js";

export type CompilerApi = Pick<typeof CompileOneModule, "compileOne" | "MPY_VERSIONS">;

const here = path.dirname(fileURLToPath(import.meta.url));
const BUNDLE = path.resolve(here, "../../../mpy-cross.bundle.cjs");
const CODE_CACHE = BUNDLE.replace(/\.cjs$/, ".v8cache");
/** The module the bundle was made from: a bundle older than it is stale (a rebuild without bundling). */
const ENTRY_MODULE = path.join(here, "compile-one.js");

let loaded: { api: CompilerApi; script?: vm.Script; cacheUsable: boolean } | undefined;

function bundleIsCurrent(): boolean {
  try {
    return fs.statSync(BUNDLE).mtimeMs >= fs.statSync(ENTRY_MODULE).mtimeMs;
  } catch {
    return false;
  }
}

/** The bundle's path when loadCompiler would use it, else null. */
export function currentBundle(): string | null {
  return bundleIsCurrent() ? BUNDLE : null;
}

export async function loadCompiler(): Promise<CompilerApi> {
  if (loaded) return loaded.api;
  if (bundleIsCurrent()) {
    const code = fs.readFileSync(BUNDLE, "utf8");
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(CODE_CACHE);
    } catch {
      cachedData = undefined;
    }
    const script = new vm.Script(`(function (exports, require, module) {${code}\n})`, { filename: BUNDLE, cachedData });
    const module = { exports: {} as CompilerApi };
    script.runInThisContext()(module.exports, createRequire(BUNDLE), module);
    loaded = { api: module.exports, script, cacheUsable: cachedData !== undefined && !script.cachedDataRejected };
    return loaded.api;
  }
  loaded = { api: await import("./compile-one.js"), cacheUsable: true };
  return loaded.api;
}

/**
 * After a compile, saves V8's code for the functions it ran beside the bundle, when there was no usable
 * cache (first run, or a new Node). A directory we may not write to only means no cache.
 */
export function saveCodeCache(): void {
  if (!loaded?.script || loaded.cacheUsable) return;
  try {
    writeAtomically(CODE_CACHE, loaded.script.createCachedData());
    loaded.cacheUsable = true;
  } catch {
    // no cache: the next run compiles the bundle again
  }
}
