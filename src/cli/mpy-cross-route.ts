// Which way `tspy mpy-cross ARGS` runs: from the compiler bundle alone (bin/ starts it straight away,
// or fast-path.ts does), or through the full command line. Asked by both, so the two agree.
import fs from "node:fs";
import { loadShortcuts, shortcutFiles } from "./shortcuts.js";

/**
 * True when the command needs more than the compiler bundle has: --board asks the connected board for
 * its format (the connection layer), and a user's shortcut named mpy-cross (rare) is main()'s to expand
 * and, if its file is broken, to report.
 */
export function mpyCrossNeedsFullCommandLine(args: readonly string[]): boolean {
  if (args.some((a) => a === "--board" || a.startsWith("--board="))) return true;
  if (!shortcutFiles().some((f) => fs.existsSync(f))) return false;
  try {
    return loadShortcuts().has("mpy-cross");
  } catch {
    return true;
  }
}
