// How file bytes travel through the raw REPL, both ways. Pure functions, no I/O, so every encoding
// is tested byte for byte on the host.
//
// Host → board: the data rides inside a Python bytes literal in the code we execute.
//  - "bytes8": every byte as itself except the few the lexer or the raw REPL would act on (quote,
//    backslash, CR, LF, NUL and the raw REPL's control bytes), each escaped in two bytes (octal
//    `\0`..`\4`). About 1.035× for random data.
//    The lexer keeps unescaped bytes as they are, so this needs only an 8-bit-clean link (probed).
//  - "base64": `a2b_base64(b'...')` on the board: 1.33×, for links that are not 8-bit clean.
//  - "ascii": printable ASCII as itself, the rest `\xNN`: needs nothing from the board or the link.
// Board → host: the board writes the file to stdout, and the raw REPL ends its output at the first
// 0x04, so "escaped" output doubles DLE (0x10) and sends 0x04 as DLE 0x14 (two C-speed replaces on
// the board). Boards whose stdout turns LF into CR LF even for sys.stdout.buffer ("escaped-lf")
// also send LF as DLE 'n'. Fallbacks print base64 or repr() lines.

export type WriteEncoding = "bytes8" | "base64" | "ascii";
export type ReadEncoding = "escaped" | "escaped-lf" | "base64" | "repr";

const BS = 0x5c;
const QUOTE = 0x27;

/** Bytes that must be escaped inside `b'...'` (the rest may be sent as they are). */
function mustEscape8(b: number, escapeFF: boolean): boolean {
  if (b === BS || b === QUOTE || b === 0x0a || b === 0x0d || b === 0x00) return true;
  // MicroPython 1.8's lexer takes 0xFF for the end of the input (BoardCaps.rawFF).
  if (b === 0xff) return escapeFF;
  // Raw-paste ends the data at Ctrl-C/Ctrl-D; plain raw mode also acts on Ctrl-A and Ctrl-B, and
  // boards that emulate raw-paste over plain raw mode (tspy's virtual board) re-encode a program
  // holding any of them, so all four are escaped.
  return b >= 0x01 && b <= 0x04;
}

const HEX = "0123456789abcdef";

function pushEscape(out: number[], b: number): void {
  if (b === 0x0a) out.push(BS, 0x6e);
  else if (b === 0x0d) out.push(BS, 0x72);
  else if (b === BS || b === QUOTE) out.push(BS, b);
  else out.push(BS, 0x78, HEX.charCodeAt(b >> 4), HEX.charCodeAt(b & 15));
}

/** `b'...'` holding `data`, as source bytes; `escapeFF` for boards whose lexer ends at a raw 0xFF. */
export function bytesLiteral(data: Uint8Array, enc: "bytes8" | "ascii", escapeFF = false): Uint8Array {
  const out: number[] = [0x62, QUOTE];
  for (let i = 0; i < data.length; i++) {
    const b = data[i];
    const escape = enc === "bytes8" ? mustEscape8(b, escapeFF) : b < 0x20 || b >= 0x7f || b === BS || b === QUOTE;
    if (!escape) out.push(b);
    else if (b <= 0x07 && enc === "bytes8") {
      // Octal: `\3` is two bytes where `\x03` is four, unless an octal digit follows (then `\003`).
      const next = data[i + 1];
      if (next !== undefined && next >= 0x30 && next <= 0x37) out.push(BS, 0x30, 0x30, 0x30 + b);
      else out.push(BS, 0x30 + b);
    } else pushEscape(out, b);
  }
  out.push(QUOTE);
  return Uint8Array.from(out);
}

/** Source bytes of a Python expression that evaluates to `data` on the board. */
export function dataExpression(data: Uint8Array, enc: WriteEncoding, escapeFF: boolean, a2b = "_a2b"): Uint8Array {
  if (enc === "base64") return Buffer.from(`${a2b}(b'${Buffer.from(data).toString("base64")}')`, "latin1");
  return bytesLiteral(data, enc, escapeFF);
}

/** How many source bytes one data byte costs on average in each encoding (for chunk sizing). */
export const WORST_EXPANSION: Record<WriteEncoding, number> = { bytes8: 4, base64: 1.34, ascii: 4 };

export const DLE = 0x10;
/** After DLE: the end of the data (a trailer follows). */
export const DLE_END = 0x45; // 'E'
const DLE_EOT = 0x14;
const DLE_LF = 0x6e; // 'n'

/** The board-side expression that escapes bytes `d` for the stream. */
export function boardEscapeExpr(d: string, lf: boolean): string {
  const base = `${d}.replace(b'\\x10',b'\\x10\\x10').replace(b'\\x04',b'\\x10\\x14')`;
  return lf ? `${base}.replace(b'\\n',b'\\x10n')` : base;
}

/**
 * Undoes the board's escaping incrementally: feed stdout chunks, get file bytes; after DLE 'E' the
 * rest is the trailer text. A DLE split across two chunks is carried over.
 */
export class EscapedStreamDecoder {
  private pendingDle = false;
  private ended = false;
  private readonly parts: Buffer[] = [];
  private trailerBytes: number[] = [];
  received = 0;

  push(chunk: Uint8Array): void {
    let start = 0;
    const emit = (end: number) => {
      if (end > start) {
        this.parts.push(Buffer.from(chunk.subarray(start, end)));
        this.received += end - start;
      }
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (this.ended) {
        this.trailerBytes.push(b);
        continue;
      }
      if (this.pendingDle) {
        this.pendingDle = false;
        start = i + 1;
        if (b === DLE) this.emitByte(DLE);
        else if (b === DLE_EOT) this.emitByte(0x04);
        else if (b === DLE_LF) this.emitByte(0x0a);
        else if (b === DLE_END) this.ended = true;
        else throw new Error(`bad escape 0x${b.toString(16)} in the board's data`);
        continue;
      }
      if (b === DLE) {
        emit(i);
        this.pendingDle = true;
        start = i + 1;
      }
    }
    if (!this.ended && !this.pendingDle) emit(chunk.length);
  }

  private emitByte(b: number): void {
    this.parts.push(Buffer.of(b));
    this.received += 1;
  }

  get complete(): boolean {
    return this.ended;
  }

  get data(): Buffer {
    return Buffer.concat(this.parts);
  }

  get trailer(): string {
    return Buffer.from(this.trailerBytes).toString("latin1");
  }
}

/** Board-side escaping, applied by the host in tests and by the simulated paths. */
export function escapeForStream(data: Uint8Array, lf = false): Buffer {
  const out: number[] = [];
  for (const b of data) {
    if (b === DLE) out.push(DLE, DLE);
    else if (b === 0x04) out.push(DLE, DLE_EOT);
    else if (lf && b === 0x0a) out.push(DLE, DLE_LF);
    else out.push(b);
  }
  return Buffer.from(out);
}

/** A Python str literal for a path or name: UTF-8 as itself, quote, backslash and controls escaped. */
export function pyStr(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\" || ch === "'") out += "\\" + ch;
    else if (c < 0x20 || c === 0x7f) out += "\\x" + c.toString(16).padStart(2, "0");
    else out += ch;
  }
  return out + "'";
}
