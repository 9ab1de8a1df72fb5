// How a failed command is reported: one line on stderr (or the board's own traceback, or a usage block)
// and the exit status its error carries. Shared by the full command line (main.ts) and the bundled
// mpy-cross (mpy-cross-main.ts), so both say the same thing.
import { UsageBlockError } from "../args/index.js";
import { TspyError } from "../errors.js";
import type { Stopper } from "./stop.js";

export function writeError(err: unknown, stderr: NodeJS.WritableStream): number {
  // DeviceError: the board's own traceback, verbatim.
  const e = err as { traceback?: string; exitCode?: number; message?: string };
  if (typeof e?.traceback === "string" && err instanceof TspyError) {
    stderr.write(e.traceback.endsWith("\n") ? e.traceback : e.traceback + "\n");
    return 1;
  }
  if (err instanceof UsageBlockError) {
    stderr.write(`${err.block}\n${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof TspyError) {
    const msg = err.message.startsWith("tspy") ? err.message : `tspy: ${err.message}`;
    stderr.write(msg.split("\n")[0] + "\n");
    return err.exitCode;
  }
  const msg = (err as Error)?.message ?? String(err);
  stderr.write(`tspy: internal error: ${msg.split("\n")[0]} (set TSPY_DEBUG=1 for details)\n`);
  if (process.env.TSPY_DEBUG) stderr.write(String((err as Error)?.stack) + "\n");
  return 1;
}

/**
 * The exit status of a command that threw. One that failed because it was stopped ends with the stop's
 * status: silently for a closed stdout, with the board's own traceback for a user program
 * (KeyboardInterrupt), else one line; any other failure is reported by writeError.
 */
export function failureStatus(err: unknown, stopper: Stopper, stderr: NodeJS.WritableStream): number {
  if (stopper.reason === null) return writeError(err, stderr);
  if (stopper.reason !== "EPIPE") {
    const tb = (err as { traceback?: unknown }).traceback;
    if (typeof tb === "string" && err instanceof TspyError) writeError(err, stderr);
    else stopper.sayInterrupted();
  }
  return stopper.status!;
}
