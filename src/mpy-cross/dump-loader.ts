// The .mpy reader and `mpy-cross --dump` (dump.ts) for the mpy-cross command. As ES modules it is
// imported with the rest; in the bundles (scripts/bundle-compiler.mjs) this module is replaced by one
// that loads dist/mpy-cross-dump.bundle.cjs on first use, so that no compile reads its code.
import * as dump from "./dump.js";

export type DumpModule = typeof dump;

export function dumpModule(): DumpModule {
  return dump;
}
