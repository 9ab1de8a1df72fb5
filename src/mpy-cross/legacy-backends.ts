// The back ends of the .mpy formats before 6 (MicroPython up to 1.18, CircuitPython up to 7, Pycopy):
// their bytecode emitters, their .mpy writers and the float formatting of those releases, one module:
// the entry of their lazy bundle (scripts/bundle-compiler.mjs), reached through legacy-backends-loader.ts.
import type { NumberReprs } from "./mpy-writer.js";
import {
  legacyComplexRepr, legacyComplexRepr119, legacyFloatRepr, legacyFloatRepr119, tableExactComplexRepr, tableExactFloatRepr,
} from "./float-format-legacy.js";

export { BytecodeEmitterV5 } from "./emit-bytecode-v5.js";
export { BytecodeEmitterV4 } from "./emit-bytecode-v4.js";
export { writeMpyV5 } from "./mpy-writer-v5.js";
export { writeMpyLegacy } from "./mpy-writer-v4.js";

/** How the releases before 1.20 print float and complex constants, by their BackendCompat.floatFormat. */
export const LEGACY_NUMBER_REPRS: Readonly<Record<"pow10" | "table" | "table-exact", NumberReprs>> = {
  pow10: { float: legacyFloatRepr, complex: legacyComplexRepr },
  table: { float: legacyFloatRepr119, complex: legacyComplexRepr119 },
  "table-exact": { float: tableExactFloatRepr, complex: tableExactComplexRepr },
};
