// Runs one of the real CLI command objects in-process with its output captured, as the flash tests do.
import { Writable } from "node:stream";
import type { CliContext, CommandSpec } from "../../src/cli/command.js";

class Capture extends Writable {
  text = "";
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
}

export interface InProcessResult {
  code: number;
  out: string;
  err: string;
  error?: Error & { exitCode?: number };
}

/** `tty` makes stderr claim to be a terminal (progress bars); the device is `auto` unless given. */
export async function runCommandInProcess(cmd: CommandSpec, args: string[], opts: { tty?: boolean; device?: string } = {}): Promise<InProcessResult> {
  const out = new Capture(false);
  const err = new Capture(opts.tty ?? false);
  const ctx: CliContext = {
    device: opts.device ?? "auto",
    baud: 115200,
    stream: () => Promise.reject(new Error("not used")),
    repl: () => Promise.reject(new Error("not used")),
    reconnect: () => Promise.reject(new Error("not used")),
    out,
    err,
  };
  try {
    const code = await cmd.run(args, ctx);
    return { code, out: out.text, err: err.text };
  } catch (e) {
    const error = e as Error & { exitCode?: number };
    return { code: error.exitCode ?? 1, out: out.text, err: err.text, error };
  }
}
