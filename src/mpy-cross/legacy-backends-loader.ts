// The back ends of the .mpy formats before 6 (legacy-backends.ts) for the compiler and the .mpy writer.
// As ES modules they are imported with the rest; in the bundles (scripts/bundle-compiler.mjs) this
// module is replaced by one that loads dist/mpy-cross-legacy.bundle.cjs on first use: ~20 KB that a
// compile for a current release never runs.
import * as backends from "./legacy-backends.js";

export type LegacyBackends = typeof backends;

export function legacyBackends(): LegacyBackends {
  return backends;
}
