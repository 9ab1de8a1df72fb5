// The qstr pools of the mpy-cross releases before 1.12 (see qstr-pools-legacy.ts), one module: the
// entry of their lazy bundle (scripts/bundle-compiler.mjs), reached through old-qstr-pools-loader.ts.
export { MPY_CROSS_1_11_QSTRS, MPY_CROSS_1_10_QSTRS, CIRCUITPY_3_1_2_QSTRS, CIRCUITPY_4_1_2_QSTRS, CIRCUITPY_5_3_1_QSTRS, CIRCUITPY_6_3_0_QSTRS } from "./qstr-pools-legacy.js";
export { MPY_CROSS_1_9_2_QSTRS } from "./qstr-pools-1-9.js";
export { MPY_CROSS_1_8_4_QSTRS } from "./qstr-pools-1-8.js";
