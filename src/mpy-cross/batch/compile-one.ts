// One compile as a batch sees it: source bytes in, .mpy bytes or upstream's error text out. Shared by
// the in-thread path and the worker threads, so both report a failure with the same words. This module
// is also the entry of the bundled compiler (load-compiler.ts), so it exports what the CLI needs.
import { compileToMpy, CompileError, MPY_VERSIONS, type CompileOptions } from "../index.js";
import { OutputNotWrittenError } from "../compile-error.js";

export { MPY_VERSIONS };

/** `tooDeep`: the source nests deeper than this thread's stack; the batch retries it on a big-stack thread. */
export type CompileOutcome = { ok: true; mpy: Uint8Array } | { ok: false; message: string; tooDeep?: boolean };

export function compileOne(file: string, source: Uint8Array, options: CompileOptions): CompileOutcome {
  try {
    return { ok: true, mpy: compileToMpy(source, options) };
  } catch (e) {
    if (e instanceof CompileError) return { ok: false, message: e.format() };
    if (e instanceof OutputNotWrittenError) return { ok: false, message: `mpy-cross: ${file}: ${e.message}\n` };
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      return { ok: false, tooDeep: true, message: `mpy-cross: ${file}: the source nests too deeply to compile\n` };
    }
    // A compiler bug must not cost the other files their output: report it and go on.
    return { ok: false, message: `mpy-cross: ${file}: internal compiler error: ${(e as Error).message ?? String(e)}\n` };
  }
}
