// The short way into `tspy mpy-cross` for bin/: a build calls the compiler once per file, hundreds of
// times, so each call should cost little more than Node's own start. When the bundled command is
// current and nothing else on the command line needs the rest of tspy, it runs straight from the bundle
// (one script and its code cache, see bundle-loader.ts) instead of ~60 ES modules. Otherwise the
// caller runs the full command line, which does the same thing, slower. Any other command runs from the
// bundled command line when there is one (loadCli).
import fs from "node:fs";
import { loadBundle, loadCliBundle, saveBundleCodeCache } from "../mpy-cross/batch/bundle-loader.js";
import { loadShortcuts, shortcutFiles } from "./shortcuts.js";
import { replayRecordedBuild } from "../mpy-cross/batch/build-record.js";

/** The exit status of `tspy mpy-cross ARGS` run from the bundle, or undefined: run main() instead. */
export async function runMpyCrossFast(args: string[]): Promise<number | undefined> {
  // --board asks the connected board for its format, which needs the connection layer.
  if (args.some((a) => a === "--board" || a.startsWith("--board="))) return undefined;
  // A user's shortcut could be named mpy-cross (rare): main() reads and reports the config files.
  if (shortcutFiles().some((f) => fs.existsSync(f))) {
    try {
      if (loadShortcuts().has("mpy-cross")) return undefined;
    } catch {
      return undefined;
    }
  }
  // A cached build asked again with nothing changed: done by stats, before the compiler is even loaded.
  if (replayRecordedBuild(args)) return 0;
  const bundle = loadBundle();
  return bundle ? bundle.mpyCrossMain(args) : undefined;
}

/**
 * The bundled command line (one script and its code cache instead of ~20 ES modules for a board command),
 * or undefined: import dist/src/cli/main.js instead.
 */
export function loadCli(): { main: (argv: string[]) => Promise<number>; saveCodeCache: () => void } | undefined {
  const cli = loadCliBundle();
  return cli ? { main: cli.main, saveCodeCache: () => saveBundleCodeCache("cli") } : undefined;
}
