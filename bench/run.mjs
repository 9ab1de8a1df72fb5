#!/usr/bin/env node
// `npm run bench`: every benchmark in bench/, each printing its figures beside a reference measured in
// the same run. `npm run bench -- NAME...` runs some (startup, short, repl, fs, mount, mpy-cross, esp8266).
import fs from "node:fs";
import path from "node:path";
import url from "node:url";

const here = path.dirname(url.fileURLToPath(import.meta.url));
const ALL = ["startup", "short", "repl", "fs", "plain-raw", "mount", "mpy-cross", "esp8266"];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : ALL;
let failed = 0;
for (const name of wanted) {
  const file = path.join(here, `${name}.mjs`);
  if (!fs.existsSync(file)) {
    console.log(`\n## ${name}: no benchmark in this build`);
    continue;
  }
  try {
    const mod = await import(url.pathToFileURL(file).href);
    if (typeof mod.run === "function") await mod.run();
  } catch (e) {
    failed++;
    console.log(`\n## ${name}: failed: ${e.message}`);
  }
}
process.exit(failed ? 1 : 0);
