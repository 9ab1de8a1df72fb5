#!/usr/bin/env node
// `mpy-cross` by name: for build tools that run upstream's compiler as a program (MicroPython's
// run-tests.py via MICROPY_MPYCROSS, makemanifest, CircuitPython's build tools). Same as `tspy mpy-cross`,
// taking the same short way (src/cli/fast-path.ts, built into dist/fast-path.cjs). CommonJS, as tspy.js.
"use strict";
const args = process.argv.slice(2);

async function run() {
  const status = await fastPath()?.runMpyCrossFast(args);
  if (status !== undefined) return status;
  const { main } = await import("../dist/src/cli/main.js");
  return main(["mpy-cross", ...args]);
}

function fastPath() {
  try {
    return require("../dist/fast-path.cjs");
  } catch (e) {
    if (e && e.code === "MODULE_NOT_FOUND") return undefined;
    throw e;
  }
}

run().then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`mpy-cross: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
