// One connection shared by every command of a chain, opened on first use and closed at the end.
import type { Writable } from "node:stream";
import { openStream, DEFAULT_BAUD } from "../transport/connect.js";
import type { ByteStream } from "../transport/byte-stream.js";
import { RawRepl } from "../raw-repl/raw-repl.js";
import type { CliContext } from "./command.js";
import type { BoardFiles } from "../fs/board-files.js";
import type { OpenedFiles } from "../fs/open-files.js";

export interface ContextOptions {
  device?: string;
  baud?: number;
  out?: Writable;
  err?: Writable;
  env?: NodeJS.ProcessEnv;
  /** Fires when the user stops the command (Ctrl-C, SIGTERM, closed stdout). */
  signal?: AbortSignal;
  /**
   * Called before process.stdout or process.stderr is first used as `out` or `err` (main.ts watches them
   * for a reader that went away from then on). They are made on first use: creating them loads Node's
   * stream and net modules, a few ms that `exec` of a silent program need not pay.
   */
  beforeStdio?: () => void;
}

export function defaultDevice(env: NodeJS.ProcessEnv): string {
  return env.TSPY_DEVICE || env.PYBOARD_DEVICE || "auto";
}

export function defaultBaud(env: NodeJS.ProcessEnv): number {
  const b = Number(env.PYBOARD_BAUDRATE);
  return Number.isInteger(b) && b > 0 ? b : DEFAULT_BAUD;
}

export class Session implements CliContext {
  device: string;
  baud: number;
  /** `resume`: do not soft-reset on entering the raw REPL. */
  resume = false;
  /** Set by `run --no-follow`: a program is still running, so leave the board alone on exit. */
  leaveRunning = false;
  /** Login for telnet links (pyboard's -u/-p); transports that need none ignore it. */
  credentials?: { user: string; password: string };
  /** Whether any command did something (mpremote starts a REPL when nothing did). */
  acted = false;
  readonly signal: AbortSignal;
  private openStreamPromise: Promise<ByteStream> | null = null;
  private rawRepl: RawRepl | null = null;
  private openedFiles: Promise<OpenedFiles> | null = null;

  constructor(opts: ContextOptions = {}) {
    const env = opts.env ?? process.env;
    this.device = opts.device ?? defaultDevice(env);
    this.baud = opts.baud ?? defaultBaud(env);
    this.outStream = opts.out;
    this.errStream = opts.err;
    this.beforeStdio = opts.beforeStdio;
    this.signal = opts.signal ?? new AbortController().signal;
  }

  private outStream: Writable | undefined;
  private errStream: Writable | undefined;
  private readonly beforeStdio: (() => void) | undefined;

  get out(): Writable {
    if (!this.outStream) {
      this.beforeStdio?.();
      this.outStream = process.stdout;
    }
    return this.outStream;
  }

  get err(): Writable {
    if (!this.errStream) {
      this.beforeStdio?.();
      this.errStream = process.stderr;
    }
    return this.errStream;
  }

  get isOpen(): boolean {
    return this.openStreamPromise !== null;
  }

  stream(): Promise<ByteStream> {
    if (!this.openStreamPromise) {
      // A close still under way (disconnect, connect) must release the port (and its lock) first, or the
      // reopen finds the port busy: mpremote's resume test flaked on exactly that.
      const released = this.closing ?? Promise.resolve();
      const opts = { baud: this.baud, ...this.credentials, onNotice: (m: string) => this.err.write(`tspy: ${m}\n`) };
      this.openStreamPromise = released.then(() => openStream(this.device, opts));
      // A failed open must not be cached: a later `connect` may fix the spec.
      this.openStreamPromise.catch(() => {
        this.openStreamPromise = null;
      });
    }
    return this.openStreamPromise;
  }

  /** The raw REPL, entered once per connection (with a soft reset unless `resume`). */
  async repl(): Promise<RawRepl> {
    if (!this.rawRepl) this.rawRepl = new RawRepl(await this.stream(), { signal: this.signal });
    if (!this.rawRepl.inRawRepl) {
      await this.rawRepl.enter({ softReset: !this.resume });
      this.resume = true; // once per connection
    }
    return this.rawRepl;
  }

  /** The board's files: over FTP where the device offers it (ftp://, a WiPy's telnet://), else the REPL. */
  async files(): Promise<BoardFiles> {
    if (!this.openedFiles) {
      const { openBoardFiles } = await import("../fs/open-files.js");
      this.openedFiles = openBoardFiles({
        device: this.device,
        credentials: this.credentials,
        repl: () => this.repl(),
        notice: (m) => this.err.write(`tspy: ${m}\n`),
      });
      this.openedFiles.catch(() => {
        this.openedFiles = null;
      });
    }
    return (await this.openedFiles).files;
  }

  private readonly heldNotes: string[] = [];

  /**
   * A line of tspy's own that mpremote prints with Python's print(): on a terminal it shows at once;
   * on a pipe Python holds it until the process ends, while the board's output (flushed as it comes)
   * overtakes it. Scripts and mpremote's test transcripts see that order, so tspy keeps it.
   */
  note(text: string): void {
    if ((this.out as { isTTY?: boolean }).isTTY) this.out.write(text);
    else this.heldNotes.push(text);
  }

  /** The held notes, at the end of the run (after the link is closed and any error is out). */
  flushNotes(): void {
    for (const t of this.heldNotes.splice(0)) this.out.write(t);
  }

  /** Cleanups run before the link closes, newest first (a mount is undone on the board here). */
  private readonly beforeClose: Array<() => Promise<void>> = [];

  onClose(fn: () => Promise<void>): void {
    this.beforeClose.push(fn);
  }

  /**
   * Put a layer between the link and every user of it (a mount serving the board's file requests).
   * The raw REPL keeps its state; file access re-opens over the new layer.
   */
  async interpose<T extends ByteStream>(wrap: (inner: ByteStream) => T): Promise<T> {
    const outer = wrap(await this.stream());
    this.openStreamPromise = Promise.resolve(outer);
    const old = this.rawRepl;
    this.rawRepl = new RawRepl(outer, { signal: this.signal });
    if (old) {
      this.rawRepl.inRawRepl = old.inRawRepl;
      this.rawRepl.pasteMode = old.pasteMode;
    }
    // File access opened earlier (over the old layer, or FTP) is closed and opened again when next used.
    const files = this.openedFiles;
    this.openedFiles = null;
    if (files) await files.then((f) => f.close()).catch(() => undefined);
    return outer;
  }

  /** The RawRepl if one was created, without entering it. */
  currentRepl(): RawRepl | null {
    return this.rawRepl;
  }

  async reconnect(device: string): Promise<void> {
    await this.close();
    this.device = device;
    this.resume = false;
  }

  private closing: Promise<void> | null = null;

  /** Leave the board in its friendly REPL and close the link. */
  async close(): Promise<void> {
    const done = this.closeNow();
    const released = done.catch(() => undefined);
    this.closing = released;
    try {
      await done;
    } finally {
      if (this.closing === released) this.closing = null;
    }
  }

  private async closeNow(): Promise<void> {
    for (const fn of this.beforeClose.splice(0).reverse()) {
      try {
        if (!this.leaveRunning) await fn();
      } catch {
        // The board may be gone; what remains is closing the link.
      }
    }
    const files = this.openedFiles;
    this.openedFiles = null;
    if (files) await files.then((f) => f.close()).catch(() => undefined);
    const repl = this.rawRepl;
    this.rawRepl = null;
    const p = this.openStreamPromise;
    this.openStreamPromise = null;
    if (!p) return;
    let stream: ByteStream;
    try {
      stream = await p;
    } catch {
      return;
    }
    try {
      if (repl && !this.leaveRunning) await repl.exit();
    } catch {
      // The link may already be gone; closing is all that is left to do.
    }
    await stream.close();
  }
}
