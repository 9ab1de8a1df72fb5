#!/usr/bin/env node
// The shipped entry: plain JavaScript, compiled by `npm ci` (the `prepare` script) into dist/.
// CommonJS (bin/package.json), so a run that needs no ES module skips Node's ES loader (~8 ms):
// `tspy mpy-cross` (build tools call it once per file) takes that short way when it can, see
// src/cli/fast-path.ts (built into dist/fast-path.cjs; absent before the first build).
"use strict";

/** Runs the command line `argv`; `name` prefixes a failure that escaped main() (tspy, or the mpy-cross shim). */
function runCli(argv, name) {
  run(argv).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`${name}: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
  );
}

async function run(argv) {
  if (argv[0] === "mpy-cross") {
    const status = await fastPath()?.runMpyCrossFast(argv.slice(1));
    if (status !== undefined) return status;
  }
  const { main } = await import("../dist/src/cli/main.js");
  return main(argv);
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
