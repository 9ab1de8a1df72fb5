import { TransportError, TspyError } from "../errors.js";

/**
 * The board raised an exception. `traceback` is the text exactly as the board sent it; the CLI prints it
 * verbatim and exits 1.
 */
export class DeviceError extends TspyError {
  constructor(readonly traceback: string, readonly stdout: Uint8Array = new Uint8Array()) {
    const lines = traceback.trim().split(/\r?\n/);
    super(lines[lines.length - 1] || "exception on the board");
  }

  /** The exception's class name as printed on its last line ("OSError", "KeyboardInterrupt" ...). */
  get exceptionName(): string {
    return /^(\w+)/.exec(this.message)?.[1] ?? "";
  }

  /** For OSError: the errno number printed as `OSError: 2` or `OSError: [Errno 2] ENOENT`. */
  get errno(): number | undefined {
    const m = /^OSError: (?:\[Errno )?(-?\d+)/.exec(this.message);
    return m ? Number(m[1]) : undefined;
  }
}

/** The board answered the raw REPL protocol with something unexpected. */
export class RawReplError extends TransportError {}

/**
 * The code holds a byte the raw REPL reserves (Ctrl-C interrupts, Ctrl-D ends the code), so it cannot be
 * sent: almost always a binary file given to `run`.
 */
export class UnsendableCodeError extends TspyError {
  constructor(readonly byte: number, readonly offset: number) {
    const name = byte === 0x03 ? "Ctrl-C" : "Ctrl-D";
    super(`the code holds byte 0x0${byte.toString(16)} (${name}) at offset ${offset}, which the raw REPL cannot carry: not a Python source file?`);
  }
}
