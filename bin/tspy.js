#!/usr/bin/env node
// The shipped entry: plain JavaScript, compiled by `npm ci` (the `prepare` script) into dist/.
// CommonJS (bin/package.json), so a run that needs no ES module skips Node's ES loader (~8 ms):
// `tspy mpy-cross` (build tools call it once per file) runs from the bundled compiler when it can,
// started here (compilerBundle), and every other command from the bundled command line, see
// src/cli/fast-path.ts (built into dist/fast-path.cjs; absent before the first build, when the ES
// modules run).
"use strict";

/** Runs the command line `argv`; `name` prefixes a failure that escaped main() (tspy, or the mpy-cross shim). */
function runCli(argv, name) {
  run(argv).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`${name}: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}

async function run(argv) {
  if (argv.length === 1 && argv[0] === "--version") {
    const line = versionLine();
    if (line !== undefined) return 0;
  }
  if (argv[0] === "mpy-cross") {
    const args = argv.slice(1);
    // A build with a cache may repeat a recorded one, which stats alone answer before any compiler is
    // loaded: fast-path.ts does that.
    const compiler = namesCache(args) ? undefined : compilerBundle();
    const status = await compiler?.mpyCrossFromBundle(args);
    if (status !== undefined) {
      compiler.endMpyCrossRun(status);
      return status;
    }
  }
  const fast = fastPath();
  if (argv[0] === "mpy-cross") {
    const status = await fast?.runMpyCrossFast(argv.slice(1));
    if (status !== undefined) {
      fast.endMpyCrossRun(status);
      return status;
    }
  }
  const cli = await fast?.loadCli(argv);
  if (cli) {
    try {
      return await cli.main(argv);
    } finally {
      cli.saveCodeCache();
    }
  }
  const { main } = await import("../dist/src/cli/main.js");
  return main(argv);
}

/**
 * `tspy --version` alone, answered before any bundle is loaded: the package's version, written straight
 * to fd 1 (creating process.stdout loads Node's stream and net modules, ~4 ms). Undefined when that
 * cannot be done here (no package.json, a full pipe): main() then answers the same (main.ts, version()).
 */
function versionLine() {
  const fs = require("node:fs");
  try {
    const line = `tspy ${JSON.parse(fs.readFileSync(require("node:path").join(__dirname, "..", "package.json"), "utf8")).version}\n`;
    fs.writeSync(1, line);
    return line;
  } catch {
    return undefined;
  }
}

/** Whether `tspy mpy-cross ARGS` may use a compile cache (--cache DIR, or $TSPY_MPY_CACHE). */
function namesCache(args) {
  return Boolean(process.env.TSPY_MPY_CACHE) || args.some((a) => a === "--cache" || a.startsWith("--cache="));
}

/**
 * The compiler bundle (dist/mpy-cross.bundle.cjs) started here, for a one-file compile, without
 * dist/fast-path.cjs: a build calls `mpy-cross` once per file, and requiring that module (resolving,
 * compiling and running its 14 KB) was ~1.8 ms of the ~17 a compile adds to Node's own start. This is
 * bundle-loader.ts's compile() and evaluate() for this one bundle with V8's default flags, kept short;
 * it leaves the bundle where that module's copy inside the bundle finds it (and saves its code cache
 * at the end when V8 had none or refused it). Undefined when there is no current bundle: the caller
 * goes the longer way, which says why if it cannot either.
 */
function compilerBundle() {
  const fs = require("node:fs");
  const path = require("node:path");
  const dist = path.join(__dirname, "..", "dist");
  const file = path.join(dist, "mpy-cross.bundle.cjs");
  let code;
  let cachedData;
  try {
    // Older than the modules it was made from: tsc ran, the bundling did not.
    if (fs.statSync(file).mtimeMs < fs.statSync(path.join(dist, "src", "mpy-cross", "batch", "bundle-entry.js")).mtimeMs) return undefined;
    // A Node started with options has its own cache (bundle-loader.ts, startedWithFlags).
    const flags = process.execArgv.length > 0 || Boolean(process.env.NODE_OPTIONS?.trim());
    [code, cachedData] = readScriptAndCache(fs, file, file.replace(/\.cjs$/, flags ? ".flags.v8cache" : ".v8cache"));
  } catch {
    return undefined;
  }
  const script = new (require("node:vm").Script)(code, { filename: file, cachedData });
  const cacheUsable = cachedData !== undefined && !script.cachedDataRejected;
  const module = { exports: {} };
  // This module's require serves the bundle: it requires built-ins only, and packages would resolve
  // the same from bin/ as from dist/ beside it (making a require for dist/ cost ~0.6 ms).
  const distUrl = () => require("node:url").pathToFileURL(dist + path.sep).href;
  script.runInThisContext()(module.exports, require, module, distUrl, dist);
  const api = module.exports;
  const loaded = (globalThis[Symbol.for("tspy.bundles")] ??= {});
  loaded.compiler = { api, script, cacheUsable, setting: "default" };
  if (!cacheUsable) api.keepDefaultFlagsForCache();
  return api;
}

/**
 * A script's text (Latin-1: the build keeps bundles ASCII) and its code cache, read through one buffer:
 * the text is copied out of it before the cache is read in, so the cache's ~370 KB land on memory the
 * text already touched (each fresh page costs ~13 us on a VM: ~75 fewer of them). No cache: undefined.
 */
function readScriptAndCache(fs, scriptFile, cacheFile) {
  const fd = fs.openSync(scriptFile, "r");
  let cacheFd;
  try {
    cacheFd = fs.openSync(cacheFile, "r");
  } catch {
    cacheFd = undefined;
  }
  try {
    const size = fs.fstatSync(fd).size;
    const cacheSize = cacheFd === undefined ? 0 : fs.fstatSync(cacheFd).size;
    const buf = Buffer.allocUnsafeSlow(Math.max(size, cacheSize));
    const text = buf.latin1Slice(0, readFully(fs, fd, buf, size));
    return [text, cacheFd === undefined ? undefined : buf.subarray(0, readFully(fs, cacheFd, buf, cacheSize))];
  } finally {
    fs.closeSync(fd);
    if (cacheFd !== undefined) fs.closeSync(cacheFd);
  }
}

function readFully(fs, fd, buf, size) {
  let done = 0;
  while (done < size) {
    const n = fs.readSync(fd, buf, done, size - done, done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function fastPath() {
  try {
    return require("../dist/fast-path.cjs");
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

module.exports = { runCli };
if (require.main === module) runCli(process.argv.slice(2), "tspy");
