// What the bundled script (dist/mpy-cross.bundle.cjs) exports: the compiler for batches and worker
// threads (one compile, or one file of a build read, compiled and written), and the whole
// `tspy mpy-cross` command, so a one-file compile loads one script and nothing else.
export { compileOne, MPY_VERSIONS } from "./compile-one.js";
export { JobRunner } from "./build-job.js";
export { mpyCrossMain, mpyCrossFromBundle, endMpyCrossRun, outputFlushed } from "../../cli/mpy-cross-main.js";
export { keepDefaultFlagsForCache } from "./v8-setting.js";
