// The raw REPL client: enter/leave raw mode, execute code (raw-paste with flow control, falling back to
// plain raw mode), separate stdout from the exception text, and turn tracebacks into typed errors.
// It knows the protocol only; bytes travel through a ByteStream, and what the code does is the caller's.
import { InterruptedError, TimeoutError } from "../errors.js";
import type { ByteStream } from "../transport/byte-stream.js";
import { DeviceError, RawReplError, UnsendableCodeError } from "./errors.js";
import { pacingProbe, PACES, type Pace } from "./plain-pacing.js";

const CTRL_A = 0x01;
const CTRL_B = 0x02;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_E = 0x05;

const RAW_BANNER = "raw REPL; CTRL-B to exit";

export interface ExecOptions {
  /** Stream the program's stdout as it arrives. */
  onStdout?: (chunk: Uint8Array) => void;
  /** How long the program may run before we give up (ms). Default 10 s; `Infinity` for user programs. */
  timeoutMs?: number;
  /**
   * The program checks itself (its length and byte sum) before doing anything, and the caller sends it
   * again if it arrived damaged. Only such programs go at the probed plain-raw pace: others (a user's
   * code) go at the slowest pace, since a byte lost inside a literal can still compile and run wrong.
   */
  selfChecking?: boolean;
}

export interface ExecResult {
  stdout: Uint8Array;
  /** The exception text the board printed (empty when the program ended normally). */
  stderr: string;
}

export interface RawReplOptions {
  /**
   * Plain raw mode: bytes per write, and the pause after each, so small UART buffers keep up. Given,
   * they are used as they are; left out, the pace is found by a probe (plain-pacing.ts).
   */
  chunkSize?: number;
  chunkDelayMs?: number;
  /** How long to wait for the board to answer the protocol (not for programs to finish). */
  answerTimeoutMs?: number;
  /** The whole of entering the raw REPL, retries included. Default 10 s. */
  enterTimeoutMs?: number;
  /**
   * The command's stop signal (Ctrl-C, SIGTERM): once it fired no new program is sent, so a signal that
   * came between two programs (or while connecting) stops the command as one during a program does.
   */
  signal?: AbortSignal;
}

/** How the board takes code: probed on first exec, then remembered for the connection. */
export type PasteMode = "unknown" | "raw-paste" | "plain";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function text(b: Uint8Array): string {
  return Buffer.from(b).toString("utf8");
}

/**
 * The raw REPL takes Ctrl-C in the code as "interrupt" and Ctrl-D as "end of code", in both paste modes:
 * code holding either byte would be cut short and its tail typed at the REPL. Refuse it before sending.
 */
function checkSendable(code: Uint8Array): void {
  for (let i = 0; i < code.length; i++) {
    if (code[i] === CTRL_C || code[i] === CTRL_D) throw new UnsendableCodeError(code[i], i);
  }
}

export class RawRepl {
  inRawRepl = false;
  /** True while code sent by execRaw runs (so a host Ctrl-C knows there is a program to interrupt). */
  running = false;
  pasteMode: PasteMode = "unknown";
  /** Where in PACES this connection is; null until the probe has run. A fixed pace has no level. */
  private paceLevel: number | null = null;
  private readonly fixedPace: Pace | null;
  private readonly answerTimeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly enterTimeoutMs: number;

  constructor(readonly stream: ByteStream, opts: RawReplOptions = {}) {
    // Plain raw mode has no flow control: boards that lack raw-paste (MicroPython before 1.14, the
    // micro:bit) drop bytes once their small UART receive buffer overflows. Unless the caller fixes
    // the pace, the first plain-raw program is preceded by a probe that finds it (plain-pacing.ts).
    this.fixedPace =
      opts.chunkSize !== undefined || opts.chunkDelayMs !== undefined
        ? { chunkSize: opts.chunkSize ?? PACES[0].chunkSize, delayMs: opts.chunkDelayMs ?? 0 }
        : null;
    this.answerTimeoutMs = opts.answerTimeoutMs ?? 5000;
    this.signal = opts.signal;
    this.enterTimeoutMs = opts.enterTimeoutMs ?? 2 * this.answerTimeoutMs;
  }

  /**
   * Interrupt whatever runs, then switch to the raw REPL. With `softReset`, reboot the interpreter
   * first so the program starts from a clean state (and boot.py runs, as on power-up).
   */
  async enter(opts: { softReset?: boolean } = {}): Promise<void> {
    const s = this.stream;
    // One deadline for the whole attempt (mpremote gives up after about 10 s too): a device that keeps
    // sending, or ignores Ctrl-C, must not hold us past it.
    const deadline = Date.now() + this.enterTimeoutMs;
    const left = () => Math.max(0, deadline - Date.now());
    let lastError: Error | undefined;
    let chattering = false;
    // Two tries: a board mid-output or mid-boot may swallow the first Ctrl-A.
    for (let attempt = 0; attempt < 2 && left() > 0; attempt++) {
      // Ctrl-C twice stops a running program; what it printed until then is skipped by the wait for the
      // banner below, so nothing here waits on a timer or for the line to go quiet. Bytes sent meanwhile
      // stay queued on the board, which reads the Ctrl-A once its program has stopped.
      await s.write(Uint8Array.of(0x0d, CTRL_C, CTRL_C));
      await s.drain(0);
      await s.write(Uint8Array.of(0x0d, CTRL_A));
      try {
        await s.readUntil(`${RAW_BANNER}`, Math.min(this.answerTimeoutMs, left()), "waiting for the raw REPL (is the board running MicroPython?)");
        await s.readUntil(">", Math.min(this.answerTimeoutMs, left()), "waiting for the raw REPL prompt");
        lastError = undefined;
        break;
      } catch (e) {
        if (!(e instanceof TimeoutError)) throw e;
        lastError = e;
        // No banner: is the board still talking (not listening), or silent / answering garbage once?
        await s.drain(0);
        if ((await s.readSome(Math.min(100, left()))).length > 0) chattering = true;
      }
    }
    if (lastError && chattering) {
      throw new TimeoutError(
        `${s.description}: could not enter the raw REPL: the board kept sending output for ` +
          `${Math.round(this.enterTimeoutMs / 1000)} s and did not stop on Ctrl-C (a program that ignores KeyboardInterrupt?)`,
      );
    }
    if (lastError) throw lastError;
    this.inRawRepl = true;
    if (opts.softReset) await this.softResetInRaw();
  }

  /** Ctrl-D on an empty raw REPL line reboots the interpreter; wait until it is back in raw mode. */
  async softResetInRaw(): Promise<void> {
    const s = this.stream;
    await s.write(Uint8Array.of(CTRL_D));
    await s.readUntil("soft reboot", this.answerTimeoutMs * 2, "waiting for the soft reboot");
    // boot.py may print between the reboot and the raw REPL banner: let it.
    await s.readUntil(RAW_BANNER, this.answerTimeoutMs * 2, "waiting for the raw REPL after the soft reboot");
    await s.readUntil(">", this.answerTimeoutMs, "waiting for the raw REPL prompt");
    this.inRawRepl = true;
  }

  /** Back to the friendly REPL (what a user expects to find after tspy exits). */
  async exit(): Promise<void> {
    if (!this.inRawRepl) return;
    await this.stream.write(Uint8Array.of(0x0d, CTRL_B));
    this.inRawRepl = false;
  }

  /** Send Ctrl-C: the running program gets KeyboardInterrupt (and exec() then throws it as DeviceError). */
  async interrupt(): Promise<void> {
    await this.stream.write(Uint8Array.of(CTRL_C));
  }

  /** Run `code` and return its stdout and exception text, without throwing on a board exception. */
  async execRaw(code: string | Uint8Array, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.signal?.aborted) throw new InterruptedError();
    if (!this.inRawRepl) await this.enter();
    const bytes = typeof code === "string" ? Buffer.from(code, "utf8") : code;
    this.running = true;
    try {
      await this.sendCode(bytes, opts.selfChecking === true);
      return await this.follow(opts);
    } finally {
      this.running = false;
    }
  }

  /** Run `code`; a board exception becomes a DeviceError carrying the traceback as the board sent it. */
  async exec(code: string | Uint8Array, opts: ExecOptions = {}): Promise<Uint8Array> {
    const r = await this.execRaw(code, opts);
    if (r.stderr) throw new DeviceError(r.stderr, r.stdout);
    return r.stdout;
  }

  /**
   * Send `code` and return once the board has accepted it, without waiting for it to finish
   * (`run --no-follow`, `reset`). The board stays busy; the next exec must interrupt it first.
   */
  async start(code: string | Uint8Array): Promise<void> {
    if (this.signal?.aborted) throw new InterruptedError();
    if (!this.inRawRepl) await this.enter();
    await this.sendCode(typeof code === "string" ? Buffer.from(code, "utf8") : code);
    this.inRawRepl = false;
  }

  /** Evaluate a Python expression on the board and return its repr() as text. */
  async eval(expr: string, opts: ExecOptions = {}): Promise<string> {
    const out = await this.exec(`print(repr(${expr}))`, opts);
    return text(out).replace(/\r?\n$/, "");
  }

  private async sendCode(code: Uint8Array, selfChecking = false): Promise<void> {
    checkSendable(code);
    if (this.pasteMode !== "plain") {
      const mode = await this.tryRawPaste(code);
      if (mode === "raw-paste") return;
    }
    await this.sendPlainRaw(code, selfChecking);
  }

  /**
   * Raw-paste: Ctrl-E 'A' Ctrl-A; the board answers `R\x01` + a 16-bit window, `R\x00` (known but
   * off), or — firmware before 1.14 — treats it as text and re-prints the raw REPL banner.
   */
  private async tryRawPaste(code: Uint8Array): Promise<PasteMode> {
    const s = this.stream;
    await s.write(Uint8Array.of(CTRL_E, 0x41, CTRL_A));
    const head = await s.read(2, this.answerTimeoutMs, "waiting for the raw-paste answer");
    if (head[0] === 0x52 && head[1] === 0x00) {
      this.pasteMode = "plain";
      return "plain";
    }
    if (head[0] !== 0x52 || head[1] !== 0x01) {
      // Old firmware: Ctrl-A restarted the raw REPL; the rest of its banner and prompt follow.
      await s.readUntil(">", this.answerTimeoutMs, "waiting for the raw REPL prompt after the raw-paste probe");
      this.pasteMode = "plain";
      return "plain";
    }
    this.pasteMode = "raw-paste";
    const w = await s.read(2, this.answerTimeoutMs, "waiting for the raw-paste window size");
    const windowSize = w[0] | (w[1] << 8);
    await this.rawPasteWrite(code, windowSize);
    return "raw-paste";
  }

  /**
   * Send within the window; each \x01 from the board grants another window; \x04 from the board means
   * it wants no more (we end the data at once). Exported for tests via the class.
   */
  async rawPasteWrite(code: Uint8Array, windowSize: number): Promise<void> {
    const s = this.stream;
    let credit = windowSize;
    let i = 0;
    let stopped = false;
    while (i < code.length && !stopped) {
      // Take every flow-control byte that has arrived; block only when out of credit.
      while (credit === 0 || s.available() > 0) {
        const b = (await s.read(1, this.answerTimeoutMs, "waiting for raw-paste flow control"))[0];
        if (b === CTRL_A) credit += windowSize;
        else if (b === CTRL_D) {
          stopped = true;
          break;
        } else throw new RawReplError(`${s.description}: unexpected byte 0x${b.toString(16)} during raw-paste`);
      }
      if (stopped) break;
      const n = Math.min(credit, code.length - i);
      await s.write(code.subarray(i, i + n));
      credit -= n;
      i += n;
    }
    await s.write(Uint8Array.of(CTRL_D));
    // The board acknowledges the end of data with \x04 (after any \x01 still in flight), then compiles.
    await s.readUntil(Uint8Array.of(CTRL_D), this.answerTimeoutMs, "waiting for the board to accept the code");
    if (stopped) {
      // Its output then is the error (stdout part, stderr part): raised later by follow().
    }
  }

  /** The plain-raw pace in use (the probe's choice, or the one given), null before the probe. */
  get plainPace(): Pace | null {
    return this.fixedPace ?? (this.paceLevel === null ? null : PACES[this.paceLevel]!);
  }

  /**
   * The caller found a program damaged on the way (bytes lost): send slower from now on. False when
   * the pace cannot go lower (or was fixed by the caller).
   */
  slowDown(): boolean {
    if (this.fixedPace || this.paceLevel === null || this.paceLevel >= PACES.length - 1) return false;
    this.paceLevel++;
    return true;
  }

  /**
   * Find the fastest pace at which the probe arrives whole. A failed try leaves the raw REPL in an
   * unknown state (a lost end-of-code byte, a SyntaxError): enter it again before the next.
   */
  private async findPace(): Promise<void> {
    const probe = pacingProbe();
    for (let level = 0; level < PACES.length - 1; level++) {
      try {
        await this.sendPlainRawAt(probe.code, PACES[level]!);
        const r = await this.follow({ timeoutMs: this.answerTimeoutMs });
        if (!r.stderr && text(r.stdout).trim() === probe.answer) {
          this.paceLevel = level;
          return;
        }
      } catch (e) {
        if (!(e instanceof TimeoutError || e instanceof RawReplError)) throw e;
      }
      await this.enter();
    }
    this.paceLevel = PACES.length - 1;
  }

  private async sendPlainRaw(code: Uint8Array, selfChecking: boolean): Promise<void> {
    if (this.fixedPace) return this.sendPlainRawAt(code, this.fixedPace);
    // Measured on the QEMU micro:bit under load: every pace above the slowest lost bytes now and then
    // (1 in 20 programs of 1400 bytes), whatever the probe had found, because the board's pauses (a
    // garbage collection while its input grows) come at random. A probe cannot promise more than that,
    // so only programs that catch their own damage take the probed pace.
    if (!selfChecking) return this.sendPlainRawAt(code, PACES[PACES.length - 1]!);
    if (this.paceLevel === null) await this.findPace();
    await this.sendPlainRawAt(code, this.plainPace!);
  }

  private async sendPlainRawAt(code: Uint8Array, pace: Pace): Promise<void> {
    const s = this.stream;
    for (let i = 0; i < code.length; i += pace.chunkSize) {
      await s.write(code.subarray(i, Math.min(i + pace.chunkSize, code.length)));
      if (pace.delayMs > 0 && i + pace.chunkSize < code.length) await sleep(pace.delayMs);
    }
    await s.write(Uint8Array.of(CTRL_D));
    const ok = await s.read(2, this.answerTimeoutMs, "waiting for the board to accept the code");
    if (ok[0] !== 0x4f || ok[1] !== 0x4b) {
      throw new RawReplError(`${s.description}: could not execute code (board answered ${JSON.stringify(text(ok))})`);
    }
  }

  /** Read stdout up to \x04, the exception text up to \x04, and the next prompt. */
  private async follow(opts: ExecOptions): Promise<ExecResult> {
    const s = this.stream;
    const timeout = opts.timeoutMs ?? 10_000;
    const out = await s.readUntil(
      Uint8Array.of(CTRL_D),
      timeout,
      "waiting for the program to finish (use a longer timeout, or Ctrl-C)",
      opts.onStdout,
    );
    const err = await s.readUntil(Uint8Array.of(CTRL_D), this.answerTimeoutMs, "waiting for the exception text");
    await s.readUntil(">", this.answerTimeoutMs, "waiting for the raw REPL prompt");
    return { stdout: out.subarray(0, out.length - 1), stderr: text(err.subarray(0, err.length - 1)) };
  }
}
