// The short ways in for bin/ that need more than the compiler bundle alone (a one-file `tspy mpy-cross`
// bin/ starts from that bundle itself, see bin/tspy.js). A build with a compile cache, which a build
// tool may repeat with nothing changed, is answered from its record by stats before any compiler loads,
// and otherwise runs from the compiler bundle (one script and its code cache, see bundle-loader.ts)
// instead of ~60 ES modules. When the bundled command is not current, or something on the command line
// needs the rest of tspy, the caller runs the full command line, which does the same thing, slower.
// Any other command runs from a bundled command line when there is one (loadCli).
import fs from "node:fs";
import { boardBundleLacksFile, loadBundle, loadCliBundle, saveBundleCodeCache, type BundleApi, type CliApi } from "../mpy-cross/batch/bundle-loader.js";
import { mpyCrossNeedsFullCommandLine } from "./mpy-cross-route.js";
import { replayRecordedBuild } from "../mpy-cross/batch/build-record.js";

/** The exit status of `tspy mpy-cross ARGS` run from the bundle, or undefined: run main() instead. */
export async function runMpyCrossFast(args: string[]): Promise<number | undefined> {
  if (mpyCrossNeedsFullCommandLine(args)) return undefined;
  // A cached build asked again with nothing changed: done by stats, before the compiler is even loaded.
  if (replayRecordedBuild(args)) return 0;
  const bundle = loadBundle();
  if (!bundle) return undefined;
  ranFrom = bundle;
  return bundle.mpyCrossMain(args);
}

/** The bundle runMpyCrossFast ran the command from, if it did. */
let ranFrom: BundleApi | undefined;

/** After runMpyCrossFast: ends the process once its output is out (mpy-cross-main.ts, endMpyCrossRun). */
export function endMpyCrossRun(status: number): void {
  ranFrom?.endMpyCrossRun(status);
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
    return new Set(fs.readFileSync(boardBundleLacksFile(), "latin1").split("\n").filter(Boolean));
  } catch {
    return new Set();
  }
}
