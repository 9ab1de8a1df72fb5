#!/usr/bin/env node
// `mpy-cross` by name: for build tools that run upstream's compiler as a program (MicroPython's
// run-tests.py via MICROPY_MPYCROSS, makemanifest, CircuitPython's build tools). Same as `tspy mpy-cross`,
// short way included (see tspy.js).
"use strict";
require("./tspy.js").runCli(["mpy-cross", ...process.argv.slice(2)], "mpy-cross");
