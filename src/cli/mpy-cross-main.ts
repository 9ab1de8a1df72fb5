// `tspy mpy-cross` (and the `mpy-cross` shim) without the rest of the command line: the entry the
// bundled compiler exports, run by bin/ when the command is mpy-cross and needs no board (bin/tspy.js,
// and fast-path.ts for a build with a cache). It stops, reports errors and exits as the full command
// line (main.ts) does.
import { TspyError } from "../errors.js";
import type { CliContext } from "./command.js";
import { mpyCrossCommand } from "./mpy-cross.js";
import { mpyCrossNeedsFullCommandLine } from "./mpy-cross-route.js";
import { failureStatus } from "./report-error.js";
import { Stopper } from "./stop.js";

const noBoard = (): never => {
  throw new TspyError("mpy-cross: no board in this run (internal: --board goes through the full command line)");
};

/** Whether process.stdout or process.stderr was made in this run (see outputFlushed). */
let stdioMade = false;

/** The run's Stopper, left installed for endMpyCrossRun (which needs to remove it only when it does not exit). */
let stopperOfRun: Stopper | undefined;

/** `tspy mpy-cross ARGS`, for an entry that ends the process with endMpyCrossRun afterwards. */
export async function mpyCrossMain(args: string[]): Promise<number> {
  const stopper = (stopperOfRun = new Stopper(() => null));
  // process.stdout/stderr are made on first use (they cost a few ms to create; a compile to a file
  // writes neither), and watched for a closed reader from then on.
  stopper.install({ stdio: false });
  const ctx: CliContext = {
    device: "auto",
    baud: 115200,
    stream: noBoard,
    repl: noBoard,
    reconnect: noBoard,
    get out() {
      stdioMade = true;
      stopper.watchStdio();
      return process.stdout;
    },
    get err() {
      stdioMade = true;
      stopper.watchStdio();
      return process.stderr;
    },
    // (asked for only by what needs it: see Stopper.controller)
    get signal() {
      return stopper.signal;
    },
  };
  try {
    const status = await mpyCrossCommand.run(args, ctx);
    return stopper.status ?? status;
  } catch (err) {
    stdioMade = true;
    stopper.watchStdio();
    return failureStatus(err, stopper, process.stderr);
  }
}

/**
 * Whether nothing the run wrote to stdout or stderr is still waiting in a stream's buffer (where writes
 * are asynchronous: pipes on macOS, say), so the process may end at once (fast-path.ts). Asked without
 * making the streams when the run never used them.
 */
export function outputFlushed(): boolean {
  return !stdioMade || (process.stdout.writableLength === 0 && process.stderr.writableLength === 0);
}

/**
 * `tspy mpy-cross ARGS` as bin/ runs it once it has started this bundle itself: the status, or
 * undefined when the command needs the full command line (mpy-cross-route.ts).
 */
export function mpyCrossFromBundle(args: string[]): Promise<number> | undefined {
  return mpyCrossNeedsFullCommandLine(args) ? undefined : mpyCrossMain(args);
}

/**
 * Ends the process after mpyCrossMain, when its output is out: the run has nothing left to do, and
 * Node's own teardown (freeing the environment and the heap) took ~4 ms of a one-file compile's ~25
 * above Node's start. Exit handlers still run (process.exit). Otherwise returns, and the process ends
 * as usual once the streams have drained.
 */
export function endMpyCrossRun(status: number): void {
  // (the signal handlers are not removed first: that alone took ~0.1 ms, and the process is leaving)
  if (outputFlushed()) process.exit(status);
  stopperOfRun?.uninstall();
}
