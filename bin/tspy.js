#!/usr/bin/env node
// The shipped entry: plain JavaScript, compiled by `npm ci` (the `prepare` script) into dist/.
// CommonJS (bin/package.json), so a run that needs no ES module skips Node's ES loader (~8 ms):
// `tspy mpy-cross` (build tools call it once per file) runs from the bundled compiler when it can, and
// every other command from the bundled command line, see src/cli/fast-path.ts (built into
// dist/fast-path.cjs; absent before the first build, when the ES modules run).
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
