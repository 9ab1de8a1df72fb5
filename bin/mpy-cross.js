#!/usr/bin/env node
// `mpy-cross` by name: for build tools that run upstream's compiler as a program (MicroPython's
// run-tests.py via MICROPY_MPYCROSS, makemanifest, CircuitPython's build tools). Same as `tspy mpy-cross`.
import { main } from "../dist/src/cli/main.js";

main(["mpy-cross", ...process.argv.slice(2)]).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`mpy-cross: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
