// The pre-1.12 qstr pools (old-qstr-pools.ts) for the compat rows and dialects of those releases. As ES
// modules they are imported with the rest; in the bundles (scripts/bundle-compiler.mjs) this module is
// replaced by one that loads dist/mpy-cross-pools.bundle.cjs on first use: ~25 KB of data that a
// compile for a newer release never reads.
import * as pools from "./old-qstr-pools.js";

export type OldQstrPools = typeof pools;

export function oldQstrPools(): OldQstrPools {
  return pools;
}
