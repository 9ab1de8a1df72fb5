// `tspy mpy-cross` (and the `mpy-cross` shim) without the rest of the command line: the entry the
// bundled compiler exports, run by bin/ when the command is mpy-cross and needs no board (see
// fast-path.ts). It stops, reports errors and exits as the full command line (main.ts) does.
import { TspyError } from "../errors.js";
import type { CliContext } from "./command.js";
import { mpyCrossCommand } from "./mpy-cross.js";
import { failureStatus } from "./report-error.js";
import { Stopper } from "./stop.js";

const noBoard = (): never => {
  throw new TspyError("mpy-cross: no board in this run (internal: --board goes through the full command line)");
};

export async function mpyCrossMain(args: string[]): Promise<number> {
  const stopper = new Stopper(() => null);
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
      stopper.watchStdio();
      return process.stdout;
    },
    get err() {
      stopper.watchStdio();
      return process.stderr;
    },
    signal: stopper.signal,
  };
  try {
    const status = await mpyCrossCommand.run(args, ctx);
    return stopper.status ?? status;
  } catch (err) {
    stopper.watchStdio();
    return failureStatus(err, stopper, process.stderr);
  } finally {
    stopper.uninstall();
  }
}
