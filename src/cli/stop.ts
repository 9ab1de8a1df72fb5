// How a tspy command is stopped from outside: Ctrl-C (SIGINT), SIGTERM, or a reader that went away
// (EPIPE on stdout, `tspy ls | head -1`). All three end the same way: the command's abort signal fires,
// a program running on the board gets Ctrl-C, and the command has 0.6 s to unwind by itself
// (temporary files removed, the board back at its prompt), so that with the 0.3 s the leaving gets the
// whole stop stays under a second. After that, or at a second signal, the
// process leaves anyway: the board is sent Ctrl-C and Ctrl-B, and host temporary files are removed by
// their own exit hook (src/host-output.ts).
import type { RawRepl } from "../raw-repl/raw-repl.js";

export type StopReason = "SIGINT" | "SIGTERM" | "EPIPE";

/** Exit statuses as a shell reports a process ended by that signal (EPIPE: as if killed by SIGPIPE). */
export const STOP_STATUS: Record<StopReason, number> = { SIGINT: 130, SIGTERM: 143, EPIPE: 141 };

/** How long a stopped command may take to unwind before the process leaves without it. */
export const UNWIND_MS = 600;

export interface StopTarget {
  /** The raw REPL of the open connection, if any. */
  currentRepl(): RawRepl | null;
  /** Leave the board at its friendly prompt and close the link. */
  close(): Promise<void>;
}

let quiet = false;

/**
 * Once a command is done, a write still under way to a reader that went away (`tspy cat :big | head -1`:
 * the pipe closed while the last chunk was queued) fails after the stop's watch was removed; with no
 * listener, Node would throw that EPIPE as an uncaught error. There is nobody left to tell.
 */
function quietAfterwards(): void {
  if (quiet) return;
  quiet = true;
  process.stdout.on("error", () => undefined);
  process.stderr.on("error", () => undefined);
}

export class Stopper {
  // Made when a signal is first asked for or the command is stopped: creating one loads Node's
  // AbortController internals (~0.3-0.6 ms), which a compile that never looks at its signal should not pay.
  private abortController: AbortController | undefined;
  reason: StopReason | null = null;
  private forceTimer: NodeJS.Timeout | undefined;
  private readonly onSigint = () => this.stop("SIGINT");
  private readonly onSigterm = () => this.stop("SIGTERM");
  private readonly onStdoutError = (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE" || e.code === "ERR_STREAM_DESTROYED") this.stop("EPIPE");
  };
  // Nothing useful can be said once stderr is closed too.
  private readonly onStderrError = () => this.stop("EPIPE");

  // stderr is looked up when first written: creating process.stdout/stderr costs a few milliseconds,
  // which a one-file mpy-cross that prints nothing should not pay.
  constructor(private readonly target: () => StopTarget | null, private readonly stderrStream?: NodeJS.WritableStream) {}

  private get stderr(): NodeJS.WritableStream {
    return this.stderrStream ?? process.stderr;
  }

  get controller(): AbortController {
    return (this.abortController ??= new AbortController());
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The exit status for the reason the command was stopped (undefined: it was not). */
  get status(): number | undefined {
    return this.reason ? STOP_STATUS[this.reason] : undefined;
  }

  private watchingStdio = false;

  /** Signals, and a closed stdout/stderr (unless `stdio: false`: then watchStdio before writing there). */
  install({ stdio = true }: { stdio?: boolean } = {}): void {
    process.on("SIGINT", this.onSigint);
    process.on("SIGTERM", this.onSigterm);
    if (stdio) this.watchStdio();
  }

  watchStdio(): void {
    if (this.watchingStdio) return;
    this.watchingStdio = true;
    process.stdout.on("error", this.onStdoutError);
    process.stderr.on("error", this.onStderrError);
  }

  uninstall(): void {
    clearTimeout(this.forceTimer);
    process.off("SIGINT", this.onSigint);
    process.off("SIGTERM", this.onSigterm);
    if (!this.watchingStdio) return;
    this.watchingStdio = false;
    process.stdout.off("error", this.onStdoutError);
    process.stderr.off("error", this.onStderrError);
    quietAfterwards();
  }

  stop(reason: StopReason): void {
    if (this.reason !== null) {
      // A second Ctrl-C: do not wait for the command any longer.
      if (reason !== "EPIPE") void this.leave();
      return;
    }
    // A command that handles this signal itself (`virtual serve`) shuts down on its own.
    if (reason !== "EPIPE" && process.listenerCount(reason) > 1) return;
    this.reason = reason;
    this.controller.abort(new Error(reason));
    const repl = this.target()?.currentRepl();
    // The board's program gets KeyboardInterrupt; the command then unwinds through its own error path.
    if (repl?.running) repl.interrupt().catch(() => undefined);
    this.forceTimer = setTimeout(() => void this.leave(), UNWIND_MS);
  }

  private said = false;

  /** "tspy: interrupted", once: the forced leave and the command's own unwinding may both get here. */
  sayInterrupted(): void {
    if (this.said) return;
    this.said = true;
    this.stderr.write("tspy: interrupted\n");
  }

  /** Leave now: the board's program interrupted and the board at its prompt, as far as the link allows. */
  private async leave(): Promise<void> {
    clearTimeout(this.forceTimer);
    const status = STOP_STATUS[this.reason ?? "SIGINT"];
    if (this.reason !== "EPIPE") this.sayInterrupted();
    setTimeout(() => process.exit(status), 300).unref();
    const t = this.target();
    try {
      const repl = t?.currentRepl();
      if (repl?.running) await repl.interrupt();
      await t?.close();
    } catch {
      // The link may be gone already: exiting is all that is left.
    }
    process.exit(status);
  }
}
