// What the board does with each byte from the host, around the VM's own event-driven REPL. The VM runs
// the friendly and the raw REPL itself; this layer follows which one is active, and plays the device
// side of raw-paste mode (the npm build answers `R\x01` but cannot read stdin, so its own raw-paste is
// unusable). Flow control is honest: the window is announced, counted while data is consumed, and
// refilled with \x01; an over-long program makes the device ask the host to stop (\x04).

const CTRL_A = 0x01;
const CTRL_B = 0x02;
const CTRL_C = 0x03;
const CTRL_D = 0x04;
const CTRL_E = 0x05;

export interface ReplVm {
  /** Feed one byte to the VM's REPL; a non-zero result asks for a soft reset. */
  feed(byte: number): number;
  /** Send bytes to the host as the board's output. */
  emit(bytes: string | Uint8Array): void;
  /** Hide the next `n` bytes the VM prints (the `OK` plain raw mode prints and raw-paste does not). */
  hideNext(n: number): void;
  /** Collect what the VM prints from now on, as well as sending it. */
  startCapture(): void;
  endCapture(): string;
}

export interface RawPasteOptions {
  /** Flow-control window in bytes (the device announces it and refills it with \x01). */
  window: number;
  /** The longest program accepted; longer ones are refused with \x04 mid-stream. */
  maxProgram: number;
  /** false: firmware before 1.14, which does not know raw-paste (Ctrl-E A Ctrl-A restarts the raw REPL). */
  rawPaste?: boolean;
  /** MicroPython 1.8: a 0xFF byte ends the program's source (the rest, up to Ctrl-D, is lost). */
  inputEndsAtFF?: boolean;
}

export type InputResult = "ok" | "soft-reset";

export class BoardProtocol {
  mode: "friendly" | "raw" = "friendly";
  private rawLen = 0;
  private rawFirst = -1;
  private rawSecond = -1;
  /** After a 0xFF on a board whose lexer ends there: the rest of the program never reaches it. */
  private cutOff = false;
  /** The last byte of the program so far (-1 at its start): what 1.8's lexer makes of a 0xFF depends on it. */
  private lastByte = -1;
  private paste: { chunks: number[]; remain: number; refused: boolean } | null = null;

  constructor(
    private readonly vm: ReplVm,
    private readonly opts: RawPasteOptions,
  ) {}

  /** Start state after a (re)boot: the VM's REPL is in `mode`. */
  reset(mode: "friendly" | "raw"): void {
    this.mode = mode;
    this.rawLen = 0;
    this.paste = null;
  }

  get inRawPaste(): boolean {
    return this.paste !== null;
  }

  input(byte: number): InputResult {
    if (this.paste) return this.pasteInput(byte);
    if (this.mode === "raw") return this.rawInput(byte);
    return this.friendlyInput(byte);
  }

  private friendlyInput(byte: number): InputResult {
    if (byte === CTRL_A) {
      // Ctrl-A switches to raw mode only on an empty line (and not in paste mode): let the VM decide,
      // and see what it printed.
      this.vm.startCapture();
      const ret = this.vm.feed(byte);
      if (this.vm.endCapture().includes("raw REPL; CTRL-B to exit")) {
        this.mode = "raw";
        this.rawLen = 0;
      }
      return ret ? "soft-reset" : "ok";
    }
    return this.vm.feed(byte) ? "soft-reset" : "ok";
  }

  private rawInput(byte: number): InputResult {
    switch (byte) {
      case CTRL_A:
        this.cutOff = false;
        this.lastByte = -1;
        if (this.rawLen === 2 && this.rawFirst === CTRL_E && this.rawSecond === 0x41 /* A */) {
          this.vm.feed(CTRL_C); // the VM clears its line silently; the device takes over
          this.rawLen = 0;
          if (this.opts.rawPaste === false) {
            // Old firmware: Ctrl-A resets the raw REPL, dropping the line.
            this.vm.emit("raw REPL; CTRL-B to exit\r\n>");
            return "ok";
          }
          this.startRawPaste();
          return "ok";
        }
        this.rawLen = 0;
        return this.vm.feed(byte) ? "soft-reset" : "ok";
      case CTRL_B:
        this.mode = "friendly";
        this.rawLen = 0;
        return this.vm.feed(byte) ? "soft-reset" : "ok";
      case CTRL_C:
      case CTRL_D:
        this.rawLen = 0;
        this.cutOff = false;
        this.lastByte = -1;
        return this.vm.feed(byte) ? "soft-reset" : "ok";
      default:
        if (this.cutOff) return "ok";
        if (byte === 0xff && this.opts.inputEndsAtFF) {
          // 1.8's lexer: the 0xFF reads as the end of input, which it makes a newline unless a
          // newline came just before; only then does the program end there.
          if (this.lastByte === 0x0a) {
            this.cutOff = true;
            return "ok";
          }
          byte = 0x0a;
        }
        this.lastByte = byte;
        if (this.rawLen === 0) this.rawFirst = byte;
        else if (this.rawLen === 1) this.rawSecond = byte;
        this.rawLen++;
        return this.vm.feed(byte) ? "soft-reset" : "ok";
    }
  }

  private startRawPaste(): void {
    const w = this.opts.window;
    // R\x01: understood; the window size (16-bit LE) is one free window, the \x01 a second one.
    this.vm.emit(new Uint8Array([0x52, 0x01, w & 0xff, (w >> 8) & 0xff, 0x01]));
    this.paste = { chunks: [], remain: w, refused: false };
  }

  private pasteInput(byte: number): InputResult {
    const p = this.paste!;
    if (byte === CTRL_D) {
      this.paste = null;
      if (p.refused) {
        // The device already sent its \x04; nothing ran.
        this.vm.emit(`\x04MemoryError: program longer than ${this.opts.maxProgram} bytes\r\n\x04>`);
        return "ok";
      }
      this.vm.emit("\x04");
      return this.execute(Uint8Array.from(p.chunks));
    }
    if (byte === CTRL_C) {
      this.paste = null;
      if (!p.refused) this.vm.emit("\x04");
      this.vm.emit("\x04KeyboardInterrupt: \r\n\x04>");
      return "ok";
    }
    if (p.refused) return "ok";
    p.chunks.push(byte);
    if (p.chunks.length > this.opts.maxProgram) {
      p.refused = true;
      p.chunks = [];
      this.vm.emit("\x04");
      return "ok";
    }
    if (--p.remain === 0) {
      p.remain = this.opts.window;
      this.vm.emit("\x01");
    }
    return "ok";
  }

  /** Run a received program through the VM's plain raw REPL, without the `OK` raw-paste does not print. */
  private execute(code: Uint8Array): InputResult {
    let source = code;
    if (code.some((b) => b >= CTRL_A && b <= CTRL_D)) {
      // These bytes are commands to the plain raw REPL; pass such a program as data instead.
      source = Buffer.from(`exec(compile(${pythonBytesLiteral(code)}.decode(),'<stdin>','exec'))`, "latin1");
    }
    for (const b of source) this.vm.feed(b);
    this.vm.hideNext(2);
    return this.vm.feed(CTRL_D) ? "soft-reset" : "ok";
  }
}

function pythonBytesLiteral(data: Uint8Array): string {
  let s = "b'";
  for (const b of data) {
    if (b === 0x5c) s += "\\\\";
    else if (b === 0x27) s += "\\'";
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += "\\x" + b.toString(16).padStart(2, "0");
  }
  return s + "'";
}
