// The raw REPL client: enter/leave raw mode, execute code (raw-paste with flow control, falling back to
// plain raw mode), separate stdout from the exception text, and turn tracebacks into typed errors.
import type { ByteStream } from "../transport/byte-stream.js";

export interface ExecOptions {
  /** Stream the program's stdout as it arrives. */
  onStdout?: (chunk: Uint8Array) => void;
  /** How long the program may run (ms); default: no limit for `run`, 10 s for helpers. */
  timeoutMs?: number;
}

export interface ExecResult {
  stdout: Uint8Array;
  /** The exception text the board printed (empty when the program ended normally). */
  stderr: string;
}

export class RawRepl {
  constructor(readonly stream: ByteStream) {}
}
