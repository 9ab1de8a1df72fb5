// The short way into `tspy mpy-cross` for bin/: a build calls the compiler once per file, hundreds of
// times, so each call should cost little more than Node's own start. When the bundled command is
// current and nothing else on the command line needs the rest of tspy, it runs straight from the bundle
// (one script and its code cache, see bundle-loader.ts) instead of ~60 ES modules. Otherwise the
// caller runs the full command line, which does the same thing, slower. Any other command runs from a
// bundled command line when there is one (loadCli).
import fs from "node:fs";
import { BOARD_BUNDLE_LACKS, loadBundle, loadCliBundle, saveBundleCodeCache, type BundleApi, type CliApi } from "../mpy-cross/batch/bundle-loader.js";
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
  if (!bundle) return undefined;
  ranFrom = bundle;
  return bundle.mpyCrossMain(args);
}

/** The bundle runMpyCrossFast ran the command from, if it did. */
let ranFrom: BundleApi | undefined;

/**
 * Ends the process after `tspy mpy-cross` ran from the bundle (runMpyCrossFast), when its output is
 * out: the run has nothing left to do, and Node's own teardown (freeing the environment and the heap)
 * took ~4 ms of a one-file compile's ~25 above Node's start. Exit handlers still run (process.exit).
 * Otherwise returns, and the process ends as usual once the streams have drained.
 */
export function endMpyCrossRun(status: number): void {
  if (ranFrom?.outputFlushed()) process.exit(status);
}

export interface BundledCli {
  /** Which bundle: the whole command line, or the board commands' part. */
  name: "cli" | "board";
  main: (argv: string[]) => Promise<number>;
  saveCodeCache: () => void;
}

/**
 * The bundled command line for `argv` (one script and its code cache instead of ~20 ES modules for a
 * board command), or undefined: import dist/src/cli/main.js instead. A chain of board commands only
 * (exec, eval, run, connect, resume ...) runs from the board commands' bundle, a fifth of the size.
 */
export async function loadCli(argv: string[]): Promise<BundledCli | undefined> {
  if (!argv.some((a) => boardBundleLacks().has(a))) {
    const board = loadCliBundle("board");
    if (board && (await board.hasCommandsFor(argv))) return bundled("board", board);
  }
  const cli = loadCliBundle("cli");
  return cli ? bundled("cli", cli) : undefined;
}

function bundled(name: BundledCli["name"], cli: CliApi): BundledCli {
  return { name, main: cli.main, saveCodeCache: () => saveBundleCodeCache(name) };
}

/**
 * Words that name a command the board bundle lacks (`ls`, `cp` ...): a command line holding one goes to
 * the whole command line without loading the board bundle first. Only a first sort: a word may be an
 * argument, and a shortcut may expand to anything, so hasCommandsFor has the last word.
 */
function boardBundleLacks(): Set<string> {
  try {
    return new Set(fs.readFileSync(BOARD_BUNDLE_LACKS, "latin1").split("\n").filter(Boolean));
  } catch {
    return new Set();
  }
}
