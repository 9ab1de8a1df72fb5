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
  const fast = fastPath();
  if (argv[0] === "mpy-cross") {
    const status = await fast?.runMpyCrossFast(argv.slice(1));
    if (status !== undefined) return status;
  }
  const cli = fast?.loadCli();
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
