// The link while a host directory is mounted: a ByteStream over the board's link that takes the
// board's filesystem requests out of its output and answers them at once, whoever is reading (exec,
// the REPL, nobody), and passes every other byte through. It also notices a soft reboot (which
// forgets the mount on the board) and mounts again before handing the board's next prompt on.
import { BufferedStream, type ByteStream } from "../transport/byte-stream.js";
import { RawRepl } from "../raw-repl/raw-repl.js";
import { ESC, NO_ANSWER, REQUEST_MARK, parseRequest, type Request } from "./protocol.js";
import type { HostDir } from "./host-dir.js";
import { mountProgram, type BoardMountOptions } from "./board-code.js";

/** A request whose arguments stop arriving for this long is taken for ordinary output. */
const REQUEST_STALL_MS = 3000;
/** After "soft reboot", how long to wait for the board's prompt before giving the mount up. */
const REBOOT_PROMPT_MS = 10_000;

// "MPY: soft reboot" (1.x), "PYB: soft reboot" (older pyboards); a bare "soft reboot" in program output is not one.
const SOFT_REBOOT = ": soft reboot";
const RAW_PROMPT = "raw REPL; CTRL-B to exit\r\n>";
const FRIENDLY_PROMPT = ">>> ";

export interface MountLinkOptions {
  /** How the board side is set up (its request token, read size, deadline). */
  board: BoardMountOptions;
  /** A line for the user (remount notices, failures). */
  notice: (msg: string) => void;
  /** Tests: alter an answer before it is sent (e.g. cut it short, as a broken link would). */
  alterAnswer?: (req: Request, answer: Buffer) => Buffer;
}

/** The stream a private remount talks through, fed by the link's pump instead of the user's reads. */
class PrivateView extends BufferedStream {
  constructor(
    readonly description: string,
    private readonly send: (d: Uint8Array) => Promise<void>,
  ) {
    super();
  }
  feed(d: Uint8Array): void {
    this.push(d);
  }
  protected writeBytes(d: Uint8Array): Promise<void> {
    return this.send(d);
  }
  protected async closeLink(): Promise<void> {}
}

export class MountLink extends BufferedStream {
  readonly description: string;
  private dir: HostDir | null;
  private pending: Buffer = Buffer.alloc(0);
  private requestSince = 0;
  private stopped = false;
  private readonly pumping: Promise<void>;
  /** Output kept back after a soft reboot until the prompt shows (and the mount is back). */
  private held: Buffer | null = null;
  private heldSince = 0;
  private tail = "";
  private privateView: PrivateView | null = null;
  private remounting: Promise<void> | null = null;
  /** Requests served (for tests and the benchmark). */
  served = 0;

  constructor(
    private readonly inner: ByteStream,
    dir: HostDir,
    private readonly opts: MountLinkOptions,
  ) {
    super();
    this.description = inner.description;
    this.dir = dir;
    this.pumping = this.pump();
  }

  /** The board program that mounts this link's directory (board-code.ts). */
  program(): string {
    return mountProgram(this.opts.board);
  }

  get mountedDir(): HostDir | null {
    return this.dir;
  }

  /** Serve another directory, or (null) none: the link then only passes bytes through. */
  setDir(dir: HostDir | null): void {
    this.dir?.closeAll();
    this.dir = dir;
    this.held = null;
  }

  protected async writeBytes(data: Uint8Array): Promise<void> {
    // The user's keystrokes wait while a remount has the line.
    while (this.remounting) await this.remounting;
    await this.inner.write(data);
  }

  protected async closeLink(): Promise<void> {
    this.stopped = true;
    this.dir?.closeAll();
    await this.inner.close();
    await this.pumping;
  }

  private async pump(): Promise<void> {
    while (!this.stopped) {
      let chunk: Uint8Array;
      try {
        chunk = await this.inner.readSome(100);
      } catch (e) {
        this.flushHeld();
        this.linkClosed((e as Error).message.replace(`${this.description}: `, ""));
        return;
      }
      if (chunk.length) this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
      this.process();
      if (this.held && Date.now() - this.heldSince > REBOOT_PROMPT_MS) {
        this.opts.notice("the board did not come back to a prompt after the soft reset; the mount is gone");
        this.flushHeld();
      }
    }
  }

  /** Split pending input into requests (served) and everything else (passed on). */
  private process(): void {
    while (this.pending.length) {
      const at = this.dir ? this.pending.indexOf(ESC) : -1;
      if (at < 0) {
        this.route(this.pending);
        this.pending = Buffer.alloc(0);
        return;
      }
      if (at > 0) {
        this.route(this.pending.subarray(0, at));
        this.pending = this.pending.subarray(at);
      }
      if (this.pending.length >= 2 && this.pending[1] !== REQUEST_MARK) {
        this.route(this.pending.subarray(0, 1));
        this.pending = this.pending.subarray(1);
        continue;
      }
      const req = this.pending.length >= 2 ? parseRequest(this.pending, this.opts.board.token) : null;
      if (req === "bad") {
        this.route(this.pending.subarray(0, 1));
        this.pending = this.pending.subarray(1);
        continue;
      }
      if (req === null) {
        // Part of a request: wait for the rest, but not for ever.
        if (!this.requestSince) this.requestSince = Date.now();
        else if (Date.now() - this.requestSince > REQUEST_STALL_MS) {
          this.requestSince = 0;
          this.route(this.pending.subarray(0, 1));
          this.pending = this.pending.subarray(1);
          continue;
        }
        return;
      }
      this.requestSince = 0;
      this.pending = this.pending.subarray(req.length);
      this.answer(req);
    }
  }

  private answer(req: Request): void {
    const dir = this.dir!;
    this.served++;
    const result = dir.serve(req.cmd, req.args);
    if (NO_ANSWER.has(req.cmd)) return;
    let reply: Buffer = Buffer.concat([Buffer.of(ESC), result]);
    if (this.opts.alterAnswer) reply = this.opts.alterAnswer(req, reply);
    // A failed write means the link is gone; the pump's next read reports that.
    this.inner.write(reply).catch(() => undefined);
  }

  /** Ordinary output: to the private remount if one runs, else to readers (watching for a reboot). */
  private route(bytes: Buffer): void {
    if (this.privateView) {
      this.privateView.feed(bytes);
      return;
    }
    if (!this.dir) {
      this.push(bytes);
      return;
    }
    if (this.held) {
      this.held = Buffer.concat([this.held, bytes]);
      this.checkPrompt();
      return;
    }
    const text = this.tail + bytes.toString("latin1");
    const at = text.indexOf(SOFT_REBOOT);
    if (at < 0) {
      this.tail = text.slice(-SOFT_REBOOT.length);
      this.push(bytes);
      return;
    }
    // Hand on everything up to the end of the reboot line's marker; keep the rest until the prompt.
    const cut = Math.max(0, at + SOFT_REBOOT.length - this.tail.length);
    this.tail = "";
    this.push(bytes.subarray(0, cut));
    this.held = Buffer.from(bytes.subarray(cut));
    this.heldSince = Date.now();
    this.checkPrompt();
  }

  private flushHeld(): void {
    const h = this.held;
    this.held = null;
    if (h?.length) this.push(h);
  }

  private checkPrompt(): void {
    const held = this.held!;
    const text = held.toString("latin1");
    const raw = text.indexOf(RAW_PROMPT);
    if (raw >= 0) {
      const end = raw + RAW_PROMPT.length;
      this.held = null;
      this.push(held.subarray(0, end - 1));
      this.startRemount("raw", Buffer.concat([Buffer.from(">"), held.subarray(end)]));
    } else if (text.endsWith(FRIENDLY_PROMPT)) {
      this.held = null;
      this.push(held.subarray(0, held.length - FRIENDLY_PROMPT.length));
      this.startRemount("friendly", Buffer.from(FRIENDLY_PROMPT));
    }
  }

  /** Mount again through a private view of the line, then hand the held prompt to the readers. */
  private startRemount(mode: "raw" | "friendly", prompt: Buffer): void {
    const view = new PrivateView(this.description, (d) => this.inner.write(d));
    this.privateView = view;
    const root = this.dir!.root;
    this.remounting = (async () => {
      let ok = false;
      try {
        const repl = new RawRepl(view);
        if (mode === "raw") repl.inRawRepl = true;
        else await repl.enter();
        const r = await repl.execRaw(this.program());
        ok = r.stderr === "";
        if (mode === "friendly") {
          await repl.exit();
          await view.readUntil(FRIENDLY_PROMPT, 5000, "waiting for the REPL prompt after remounting");
        }
      } catch {
        ok = false;
      } finally {
        this.privateView = null;
        this.remounting = null;
        if (mode === "friendly") this.push(Buffer.from(ok ? `Remount local directory ${root} at /remote\r\n` : "Warning: could not remount the local directory\r\n"));
        else if (!ok) this.opts.notice("could not mount the local directory again after the soft reset");
        this.push(prompt);
      }
    })();
  }
}
