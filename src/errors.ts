// The few error classes that cross layers. Lower layers throw these (or subclasses in their own
// modules); only the CLI turns them into one-line messages and exit codes.

/** Any failure tspy expects and can explain in one line. Everything else is a bug (and gets a trace). */
export class TspyError extends Error {
  /** The process exit status the CLI uses for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** The user's words are off: unknown command, bad flag, bad device spec. */
export class UsageError extends TspyError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The link to a board failed: no such port, busy, permission, connection refused, link lost. */
export class TransportError extends TspyError {}

/** The link has no DTR/RTS to set (a pty, a network bridge): resets through them cannot happen. */
export class NoModemLinesError extends TransportError {}

/** Nothing (or not the expected thing) arrived in time. `message` says what was awaited. */
export class TimeoutError extends TransportError {}

/** The user pressed Ctrl-C on the host. */
export class InterruptedError extends TspyError {
  constructor(message = "interrupted") {
    super(message, 130);
  }
}
