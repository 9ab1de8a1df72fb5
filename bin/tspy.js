#!/usr/bin/env node
// The shipped entry: plain JavaScript, compiled by `npm ci` (the `prepare` script) into dist/.
import { main } from "../dist/src/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`tspy: ${err && err.message ? err.message : String(err)}\n`); process.exitCode = 1; },
);
