// A small FTP client (RFC 959, passive mode per RFC 2428 EPSV where the server lists it, else PASV)
// made for board servers like the WiPy's: one control connection and at most one data connection at
// a time, binary transfers (TYPE I), every path sent absolute and UTF-8, and listings taken after
// CWD with a bare LIST (the WiPy's server ignores LIST's argument). The server's own reported
// address in 227/229 replies is ignored: the data connection goes to the host the control
// connection reached (which also keeps a hostile server from pointing us elsewhere).
import net from "node:net";
import { InterruptedError, TimeoutError, TransportError } from "../../errors.js";
import { closeSocket, connectSocket } from "../socket.js";
import { FtpLoginError, FtpReplyError } from "./errors.js";
import { parseListing, type FtpEntry } from "./listing.js";
import { ReplyParser, parseEpsvPort, parsePasvPort, parseQuotedPath, type FtpReply } from "./reply.js";
import type { FtpTarget } from "./spec.js";

export interface FtpClientOptions {
  /** Longest wait for one reply or one data chunk (ms, default 15 s). */
  timeoutMs?: number;
  /** Every command and reply, for --verbose style logs; PASS is shown as `PASS ***`. */
  log?: (line: string) => void;
}

export interface DataOptions {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

/** What a server supports, from FEAT (RFC 2389); the WiPy answers `211 no-features`. */
export interface ServerFeatures {
  epsv: boolean;
  mlsd: boolean;
  size: boolean;
  mdtm: boolean;
  utf8: boolean;
  /** Arguments end at the first space (the WiPy's parser): names with spaces cannot be sent. */
  spaceInNames: boolean;
}

const STORE_CHUNK = 64 * 1024;

export class FtpClient {
  private readonly parser = new ReplyParser();
  private replies: FtpReply[] = [];
  private wake: (() => void) | null = null;
  private closedWhy: string | null = null;
  /** The one data connection, while a transfer is on. */
  private data: net.Socket | null = null;
  features: ServerFeatures = { epsv: false, mlsd: false, size: true, mdtm: true, utf8: true, spaceInNames: true };
  private readonly timeoutMs: number;

  private constructor(
    private readonly socket: net.Socket,
    readonly target: FtpTarget,
    private readonly opts: FtpClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    socket.on("data", (chunk: Buffer) => {
      this.replies.push(...this.parser.feed(chunk));
      this.notify();
    });
    socket.on("close", () => this.lost("the server closed the connection"));
    socket.on("error", (e) => this.lost(e.message));
  }

  get description(): string {
    return this.target.description;
  }

  /** Connect, log in, learn the features, switch to binary. */
  static async connect(target: FtpTarget, opts: FtpClientOptions = {}): Promise<FtpClient> {
    const socket = await connectSocket(target.host, target.port, target.description, "is the board's FTP server on?", opts.timeoutMs ?? 5000);
    const client = new FtpClient(socket, target, opts);
    try {
      const hello = await client.reply();
      if (hello.code !== 220) throw new TransportError(`${target.description}: not an FTP server (greeting ${hello.code} ${client.scrub(hello.text)})`);
      await client.login();
      await client.learnFeatures();
      await client.expect("TYPE I", [200]);
    } catch (e) {
      client.socket.destroy();
      throw e;
    }
    return client;
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private lost(why: string): void {
    if (this.closedWhy === null) this.closedWhy = why;
    this.notify();
  }

  /** The server's text with the password blanked, should a server ever echo it. */
  private scrub(text: string): string {
    const p = this.target.password;
    return p.length >= 2 ? text.split(p).join("***") : text;
  }

  private async reply(timeoutMs = this.timeoutMs, what = "a reply"): Promise<FtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.closedWhy !== null) throw new TransportError(`${this.description}: ${this.closedWhy}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new TimeoutError(`${this.description}: no answer within ${timeoutMs / 1000} s (waiting for ${what})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    const r = this.replies.shift()!;
    // Only what is shown is scrubbed: a reply's own text (a PWD path) stays exact.
    this.opts.log?.(`< ${r.code} ${this.scrub(r.text)}`);
    return r;
  }

  private async send(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) throw new TransportError(`${this.description}: a name cannot contain a line break`);
    if (this.closedWhy !== null) throw new TransportError(`${this.description}: ${this.closedWhy}`);
    this.opts.log?.(`> ${line.startsWith("PASS ") ? "PASS ***" : line}`);
    await new Promise<void>((resolve, reject) =>
      this.socket.write(Buffer.from(line + "\r\n", "utf8"), (e) => (e ? reject(new TransportError(`${this.description}: ${e.message}`)) : resolve())),
    );
  }

  /** Send a command and wait for its final reply (1xx preliminaries are skipped). */
  async command(line: string): Promise<FtpReply> {
    await this.send(line);
    for (;;) {
      const r = await this.reply(this.timeoutMs, `the answer to ${verb(line)}`);
      if (r.code >= 200) return r;
    }
  }

  /** A command whose reply must be one of `ok`; otherwise an FtpReplyError naming it. */
  async expect(line: string, ok: number[]): Promise<FtpReply> {
    const r = await this.command(line);
    if (!ok.includes(r.code)) throw this.refused(r, line);
    return r;
  }

  private refused(r: FtpReply, line: string): FtpReplyError {
    return new FtpReplyError(r.code, this.scrub(r.text), shown(line), this.description);
  }

  private async login(): Promise<void> {
    const { user, password } = this.target;
    let r = await this.command(`USER ${user}`);
    if (r.code === 331 || r.code === 332) r = await this.command(`PASS ${password}`);
    if (r.code === 230 || r.code === 202) return;
    if (r.code === 530 || r.code === 332) {
      throw new FtpLoginError(`${this.description}: login refused (${r.code} ${this.scrub(r.text) || "not logged in"}): wrong user or password?`.replace(" ()", ""));
    }
    throw new FtpLoginError(`${this.description}: login failed: ${r.code} ${this.scrub(r.text)}`);
  }

  private async learnFeatures(): Promise<void> {
    const r = await this.command("FEAT");
    if (r.code !== 211) return; // 500/502: no FEAT; the defaults stand
    const lines = r.text.split("\n").map((l) => l.trim().toUpperCase());
    // One line `no-features` is the WiPy's server: its own parser and no extensions.
    if (lines.length === 1 && /NO-FEATURES/.test(lines[0])) {
      this.features = { epsv: false, mlsd: false, size: true, mdtm: true, utf8: false, spaceInNames: false };
      return;
    }
    const has = (f: string) => lines.some((l) => l === f || l.startsWith(f + " "));
    this.features = { epsv: has("EPSV"), mlsd: has("MLST"), size: has("SIZE"), mdtm: has("MDTM"), utf8: has("UTF8"), spaceInNames: true };
    if (this.features.utf8) await this.command("OPTS UTF8 ON"); // some servers want it asked for
  }

  // --- the data connection ---------------------------------------------------------------------

  /** Ask for a passive port and connect to it; the command that uses it goes next. */
  private async openData(): Promise<net.Socket> {
    if (this.data) throw new TransportError(`${this.description}: a transfer is already running on this connection`);
    let port: number | null = null;
    if (this.features.epsv) {
      const r = await this.command("EPSV");
      if (r.code === 229) port = parseEpsvPort(r.text);
      else this.features.epsv = false; // offered but refused (NAT, IPv4-only build): PASV from now on
    }
    if (port === null) {
      const r = await this.expect("PASV", [227]);
      port = parsePasvPort(r.text);
      if (port === null) throw new TransportError(`${this.description}: cannot read the passive port from "227 ${this.scrub(r.text)}"`);
    }
    const host = this.socket.remoteAddress ?? this.target.host;
    const socket = await connectSocket(host, port, `${this.description} data port ${port}`, "the server did not open its passive port", this.timeoutMs);
    this.data = socket;
    return socket;
  }

  private dropData(socket: net.Socket): void {
    socket.destroy();
    if (this.data === socket) this.data = null;
  }

  /** Start a transfer command on a fresh data connection; throws (and closes it) when refused. */
  private async startTransfer(line: string, listen?: (socket: net.Socket) => void): Promise<net.Socket> {
    const socket = await this.openData();
    listen?.(socket);
    try {
      await this.send(line);
      const r = await this.reply(this.timeoutMs, `the answer to ${verb(line)}`);
      if (r.code !== 125 && r.code !== 150) {
        throw r.code >= 400 ? this.refused(r, line) : new TransportError(`${this.description}: ${shown(line)}: unexpected ${r.code} ${this.scrub(r.text)}`);
      }
    } catch (e) {
      this.dropData(socket);
      throw e;
    }
    return socket;
  }

  /** The final reply of a transfer (226/250), after the data connection is done. */
  private async finishTransfer(line: string): Promise<void> {
    const r = await this.reply(this.timeoutMs, `the end of ${verb(line)}`);
    if (r.code !== 226 && r.code !== 250) throw this.refused(r, line);
  }

  /** Everything the server sends on the data connection for `line` (RETR, LIST, MLSD). */
  private async receive(line: string, opts: DataOptions & { total?: number } = {}): Promise<Buffer> {
    // Listen from the first moment: a short listing can arrive, and its connection end, before
    // the server's 150 does (an empty directory: nothing but the end).
    const parts: Buffer[] = [];
    let got = 0;
    let ended = false;
    let failed: Error | null = null;
    let kick: (() => void) | null = null;
    const poke = () => {
      const k = kick;
      kick = null;
      k?.();
    };
    const socket = await this.startTransfer(line, (s) => {
      s.on("data", (c: Buffer) => {
        parts.push(c);
        got += c.length;
        opts.onProgress?.(got, opts.total ?? got);
        poke();
      });
      s.on("end", () => {
        ended = true;
        poke();
      });
      s.on("close", () => {
        ended = true;
        poke();
      });
      s.on("error", (e) => {
        failed = new TransportError(`${this.description}: ${verb(line)}: ${e.message}`);
        poke();
      });
    });
    return this.completeTransfer(socket, line, async () => {
      let seen = -1;
      while (!ended) {
        if (failed) throw failed;
        if (opts.signal?.aborted) throw new InterruptedError();
        if (got === seen) throw new TimeoutError(`${this.description}: ${verb(line)} stalled (no data for ${this.timeoutMs / 1000} s)`);
        seen = got;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.timeoutMs);
          const onAbort = () => resolve();
          opts.signal?.addEventListener("abort", onAbort, { once: true });
          kick = () => {
            clearTimeout(t);
            opts.signal?.removeEventListener("abort", onAbort);
            resolve();
          };
        });
        if (got !== seen || ended) seen = -1;
      }
      if (failed) throw failed;
      return Buffer.concat(parts);
    });
  }

  /**
   * Run a transfer's data phase; then close the data connection and read the final reply. When the
   * data phase fails, the server's answer to the broken transfer is read and dropped instead.
   */
  private async completeTransfer<T>(socket: net.Socket, line: string, body: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await body();
    } catch (e) {
      this.dropData(socket);
      await this.settleAfterAbort();
      throw e;
    }
    this.dropData(socket);
    await this.finishTransfer(line);
    return result;
  }

  /** After a transfer cut short, read the server's 426/451/226 so the next command pairs up. */
  private async settleAfterAbort(): Promise<void> {
    try {
      await this.reply(2000, "the end of the cancelled transfer");
    } catch {
      // Some servers say nothing; the next command's reply still comes in order.
    }
  }

  // --- commands ----------------------------------------------------------------------------------

  private arg(path: string): string {
    if (!this.features.spaceInNames && /\s/.test(path)) {
      throw new FtpReplyError(553, "this server's FTP cannot send names with spaces (the WiPy's parser stops at a space)", `"${path}"`, this.description);
    }
    return path;
  }

  async pwd(): Promise<string> {
    const r = await this.expect("PWD", [257]);
    return parseQuotedPath(r.text) ?? "/";
  }

  async cwd(dir: string): Promise<void> {
    await this.expect(`CWD ${this.arg(dir)}`, [200, 250]);
  }

  /** The entries of directory `dir` (absolute). */
  async list(dir: string): Promise<FtpEntry[]> {
    await this.cwd(dir);
    const format = this.features.mlsd ? "mlsd" : "list";
    const raw = await this.receive(format === "mlsd" ? "MLSD" : "LIST");
    return parseListing(raw.toString("utf8"), format);
  }

  /** Names only (NLST), for servers whose LIST lines nothing here can read. */
  async nameList(dir: string): Promise<string[]> {
    await this.cwd(dir);
    const raw = await this.receive("NLST");
    return raw
      .toString("utf8")
      .split(/\r?\n/)
      .filter((l) => l !== "")
      .map((l) => l.slice(l.lastIndexOf("/") + 1));
  }

  async retrieve(path: string, opts: DataOptions & { total?: number } = {}): Promise<Buffer> {
    return this.receive(`RETR ${this.arg(path)}`, opts);
  }

  /** STOR `data` as `path`. An abort or a lost link leaves whatever the server made of the part sent. */
  async store(path: string, data: Uint8Array, opts: DataOptions = {}): Promise<void> {
    const line = `STOR ${this.arg(path)}`;
    const socket = await this.startTransfer(line);
    await this.completeTransfer(socket, line, async () => {
      opts.onProgress?.(0, data.length);
      for (let at = 0; at < data.length; at += STORE_CHUNK) {
        if (opts.signal?.aborted) throw new InterruptedError();
        const end = Math.min(data.length, at + STORE_CHUNK);
        await this.writeData(socket, data.subarray(at, end), line);
        opts.onProgress?.(end, data.length);
      }
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new TimeoutError(`${this.description}: ${verb(line)}: the data connection did not close`)), this.timeoutMs);
        socket.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
        socket.end();
      });
    });
  }

  private writeData(socket: net.Socket, chunk: Uint8Array, line: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimeoutError(`${this.description}: ${verb(line)} stalled (the server took nothing for ${this.timeoutMs / 1000} s)`)), this.timeoutMs);
      socket.write(chunk, (e) => {
        clearTimeout(timer);
        if (e) reject(new TransportError(`${this.description}: ${verb(line)}: ${e.message}`));
        else resolve();
      });
    });
  }

  /** SIZE in bytes, or null when the server does not say (550, or no SIZE). */
  async size(path: string): Promise<number | null> {
    if (!this.features.size) return null;
    const r = await this.command(`SIZE ${this.arg(path)}`);
    return r.code === 213 && /^\d+$/.test(r.text.trim()) ? Number(r.text.trim()) : null;
  }

  /** MDTM as [year, month, day, hour, minute, second] (server time, UTC by RFC 3659), or null. */
  async modified(path: string): Promise<number[] | null> {
    if (!this.features.mdtm) return null;
    const r = await this.command(`MDTM ${this.arg(path)}`);
    const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})/.exec(r.text.trim());
    return r.code === 213 && m ? m.slice(1, 7).map(Number) : null;
  }

  async delete(path: string): Promise<void> {
    await this.expect(`DELE ${this.arg(path)}`, [200, 250]);
  }

  async mkdir(path: string): Promise<void> {
    await this.expect(`MKD ${this.arg(path)}`, [250, 257]);
  }

  async rmdir(path: string): Promise<void> {
    await this.expect(`RMD ${this.arg(path)}`, [200, 250]);
  }

  async rename(from: string, to: string): Promise<void> {
    await this.expect(`RNFR ${this.arg(from)}`, [350]);
    await this.expect(`RNTO ${this.arg(to)}`, [200, 250]);
  }

  /** QUIT politely, then close (whatever state the server is in). */
  async close(): Promise<void> {
    if (this.data) this.dropData(this.data);
    if (this.closedWhy === null) {
      try {
        await this.send("QUIT");
        await this.reply(1000, "the answer to QUIT");
      } catch {
        // Closing anyway.
      }
    }
    this.lost("closed");
    await closeSocket(this.socket);
  }
}

/** The command word, for "waiting for the answer to STOR". */
function verb(line: string): string {
  return line.split(" ")[0];
}

/** A command as it may appear in a message: never a password. */
function shown(line: string): string {
  return line.startsWith("PASS ") ? "PASS" : line;
}
