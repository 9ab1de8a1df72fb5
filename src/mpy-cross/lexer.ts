// Python source → tokens, with MicroPython's lexer semantics (py/lexer.c of v1.27), because the .mpy
// output depends on its quirks: it works on UTF-8 bytes (string lengths and columns are byte counts),
// joins adjacent string literals into one token, turns `__debug__` into True/False, and rewrites each
// f-string into a plain string followed by the tokens of `.format(...)` (f"{a}{b!r:>4}" reads as
// "{}{!r:>4}".format((a),(b),)), by splicing the argument text back into the character stream.
import { DEFAULT_DIALECT, type LexerDialect } from "./parse-dialect.js";
import { Tok } from "./tokens.js";
import { decodeUtf8 } from "./utf8.js";

export { decodeUtf8 };

const TAB_SIZE = 8;
const EOF = -1;

const CH_NL = 0x0a;
const CH_CR = 0x0d;
const CH_TAB = 0x09;
const CH_BACKSLASH = 0x5c;
const CH_HASH = 0x23;
const CH_QUOTE = 0x27;
const CH_DQUOTE = 0x22;
const CH_LBRACE = 0x7b;
const CH_RBRACE = 0x7d;
const CH_LBRACKET = 0x5b;
const CH_RBRACKET = 0x5d;
const CH_COLON = 0x3a;
const CH_BANG = 0x21;
const CH_EQUAL = 0x3d;
const CH_DOT = 0x2e;
const CH_UNDERSCORE = 0x5f;

/**
 * Keywords, looked up by exact text: Tok numbers them in this order (upstream's), from KW_FALSE on.
 * A list, not a Map: the Map of 36 entries took ~0.09 ms to build at every start, and a lookup only
 * happens for a name the name cache (below) has not seen. `__debug__` is resolved by the lexer
 * according to -O.
 */
const KEYWORDS: readonly string[] = [
  "False", "None", "True", "__debug__", "and", "as", "assert", "async", "await", "break", "class", "continue",
  "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
  "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/**
 * Operators and delimiters, as upstream matches them (greedily, a character at a time): the token of
 * each first character, then a repeat of that character (`<<` `>>` `**` `//`), then `=` (`<=` `<<=`
 * `+=` `==` `:=` ...); `->` is the one other pair. Typed arrays filled by plain stores: the trie of
 * objects and arrays this replaces took ~0.3 ms to build at every start, in cold code.
 */
/** By character code (below 0x80): the operator that character is alone, or 0 (none: Tok.END). */
const OP_FIRST = new Uint8Array(0x80);
/** By token: the token it becomes when its character repeats, or 0. */
const OP_DOUBLED = new Uint8Array(0x80);
/** By token: the token it becomes when `=` follows, or 0. */
const OP_WITH_EQUAL = new Uint8Array(0x80);
{
  const first = (ch: string, tok: Tok, withEqual = 0, doubled = 0, doubledWithEqual = 0): void => {
    OP_FIRST[ch.charCodeAt(0)] = tok;
    OP_WITH_EQUAL[tok] = withEqual;
    if (doubled !== 0) {
      OP_DOUBLED[tok] = doubled;
      OP_WITH_EQUAL[doubled] = doubledWithEqual;
    }
  };
  first("(", Tok.DEL_PAREN_OPEN);
  first(")", Tok.DEL_PAREN_CLOSE);
  first("[", Tok.DEL_BRACKET_OPEN);
  first("]", Tok.DEL_BRACKET_CLOSE);
  first("{", Tok.DEL_BRACE_OPEN);
  first("}", Tok.DEL_BRACE_CLOSE);
  first(",", Tok.DEL_COMMA);
  first(";", Tok.DEL_SEMICOLON);
  first("~", Tok.OP_TILDE);
  first(":", Tok.DEL_COLON, Tok.OP_ASSIGN);
  first("<", Tok.OP_LESS, Tok.OP_LESS_EQUAL, Tok.OP_DBL_LESS, Tok.DEL_DBL_LESS_EQUAL);
  first(">", Tok.OP_MORE, Tok.OP_MORE_EQUAL, Tok.OP_DBL_MORE, Tok.DEL_DBL_MORE_EQUAL);
  first("*", Tok.OP_STAR, Tok.DEL_STAR_EQUAL, Tok.OP_DBL_STAR, Tok.DEL_DBL_STAR_EQUAL);
  first("+", Tok.OP_PLUS, Tok.DEL_PLUS_EQUAL);
  first("-", Tok.OP_MINUS, Tok.DEL_MINUS_EQUAL); // and `->` (lexOperator)
  first("&", Tok.OP_AMPERSAND, Tok.DEL_AMPERSAND_EQUAL);
  first("|", Tok.OP_PIPE, Tok.DEL_PIPE_EQUAL);
  first("/", Tok.OP_SLASH, Tok.DEL_SLASH_EQUAL, Tok.OP_DBL_SLASH, Tok.DEL_DBL_SLASH_EQUAL);
  first("%", Tok.OP_PERCENT, Tok.DEL_PERCENT_EQUAL);
  first("^", Tok.OP_CARET, Tok.DEL_CARET_EQUAL);
  first("@", Tok.OP_AT, Tok.DEL_AT_EQUAL);
  first("=", Tok.DEL_EQUAL, Tok.OP_DBL_EQUAL);
}

// ASCII character classes, as upstream's unichar_* helpers (bytes ≥ 0x80 belong to no class).
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isHexDigit = (c: number): boolean => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const hexValue = (c: number): number => (isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/**
 * What a byte can start, as one table lookup in next() (tried in upstream's order: a quote, or a string
 * prefix letter that is followed by one, before names; a dot before a digit is a number).
 */
const START_OTHER = 0;
const START_NAME = 1;
const START_PREFIX = 2; // r u b f: a name, unless a quote follows
const START_DIGIT = 3;
const START_QUOTE = 4;
const START_DOT = 5;
/**
 * 1 for bytes that continue a name: ASCII letters, digits, `_`, and (UTF-8 identifiers) any byte ≥ 0x80.
 * Both tables are filled by ranges (a loop over the 256 bytes took ~0.06 ms of every start, in cold code).
 */
const NAME_TAIL = new Uint8Array(256);
const START_CLASS = new Uint8Array(256);
for (const [from, to] of [[0x41, 0x5b], [0x61, 0x7b], [CH_UNDERSCORE, CH_UNDERSCORE + 1], [0x80, 0x100]] as const) {
  NAME_TAIL.fill(1, from, to);
  START_CLASS.fill(START_NAME, from, to);
}
NAME_TAIL.fill(1, 0x30, 0x3a);
START_CLASS.fill(START_DIGIT, 0x30, 0x3a);
for (const ch of "rubf") START_CLASS[ch.charCodeAt(0)] = START_PREFIX;
START_CLASS[CH_QUOTE] = START_QUOTE;
START_CLASS[CH_DQUOTE] = START_QUOTE;
START_CLASS[CH_DOT] = START_DOT;

const tabStop = (column: number): number => Math.floor((column - 1 + TAB_SIZE) / TAB_SIZE) * TAB_SIZE + 1;

/**
 * Names already seen, across files, direct-mapped by a hash of their bytes (a clash just replaces the
 * entry). A hit gives the same string object again instead of a new one: no allocation per name, and
 * the Maps and Sets of the later stages find its hash already computed. Only ASCII names of up to 12
 * bytes are kept: V8 copies strings that short out of the source, so an entry pins no file's text.
 * It grows with the bytes lexed so far (a slot per 16, a power of 2), up to NAME_CACHE_MAX_SIZE slots:
 * made that size at once, its 32 KB of fresh pages took ~0.1 ms of a one-file compile of a few lines.
 */
const NAME_CACHE_MAX_SIZE = 4096;
const NAME_CACHE_MAX_LEN = 12;
let nameCache: string[] = [];
/** Each entry's token kind: NAME or its keyword. */
let nameCacheKind = new Uint8Array(0);
let lexedBytes = 0;
/** Counts a source of `bytes` bytes as lexed, and grows the cache to the size that asks for. */
function sizeNameCache(bytes: number): void {
  lexedBytes += bytes;
  let size = Math.max(nameCache.length, 64);
  while (size < NAME_CACHE_MAX_SIZE && size * 16 < lexedBytes) size *= 2;
  if (size === nameCache.length) return;
  // (a bigger cache starts empty: its slots are other hashes' than the smaller one's)
  nameCache = new Array<string>(size).fill("");
  nameCacheKind = new Uint8Array(size);
}

const utf8 = new TextEncoder();

/** A growable byte buffer (upstream's vstr). */
class ByteBuilder {
  buf = new Uint8Array(64);
  len = 0;
  reset(): void {
    this.len = 0;
  }
  /** Makes room for n more bytes. */
  reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    bigger.set(this.buf.subarray(0, this.len));
    this.buf = bigger;
  }
  byte(b: number): void {
    if (this.len === this.buf.length) this.reserve(1);
    this.buf[this.len++] = b & 0xff;
  }
  bytes(src: Uint8Array): void {
    this.append(src, 0, src.length);
  }
  /** Appends src[from, to) (one copy, not a call per byte). */
  append(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    this.reserve(n);
    if (n > 16) this.buf.set(src.subarray(from, to), this.len);
    else for (let i = 0; i < n; i++) this.buf[this.len + i] = src[from + i]!;
    this.len += n;
  }
  /** Appends code point c as UTF-8 (upstream's vstr_add_char, which also encodes surrogates as-is). */
  char(c: number): void {
    if (c < 0x80) this.byte(c);
    else if (c < 0x800) {
      this.byte(0xc0 | (c >> 6));
      this.byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      this.byte(0xe0 | (c >> 12));
      this.byte(0x80 | ((c >> 6) & 0x3f));
      this.byte(0x80 | (c & 0x3f));
    } else {
      this.byte(0xf0 | (c >> 18));
      this.byte(0x80 | ((c >> 12) & 0x3f));
      this.byte(0x80 | ((c >> 6) & 0x3f));
      this.byte(0x80 | (c & 0x3f));
    }
  }
  last(): number {
    return this.len > 0 ? this.buf[this.len - 1]! : EOF;
  }
  view(from = 0): Uint8Array {
    return this.buf.subarray(from, this.len);
  }
  copy(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const bufferLatin1Slice = (Buffer.prototype as unknown as { latin1Slice?: (this: Uint8Array, start: number, end: number) => string }).latin1Slice;

/**
 * The bytes as a string of the same length, one char per byte. Through Buffer's latin1Slice, which takes
 * any Uint8Array: Buffer.from(...).toString("latin1") checks its arguments in Buffer's JS first (~0.1 ms
 * the first time, in a one-file compile that is all first times).
 */
function latin1Text(bytes: Uint8Array): string {
  return bufferLatin1Slice ? bufferLatin1Slice.call(bytes, 0, bytes.length) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("latin1");
}

/**
 * Source text as bytes, the way upstream's reader and next_char() see it: CR and CR LF become LF, and a
 * final newline is added when the text does not end with one (an empty text becomes one newline).
 * Text that needs neither comes back as a plain view of the caller's bytes, not a copy (the lexer
 * only reads it).
 */
export function normaliseSource(source: string | Uint8Array): Uint8Array {
  const raw = typeof source === "string" ? utf8.encode(source) : source;
  // (the typed array's own indexOf: a Buffer's goes through Buffer's JS, ~0.1 ms the first time)
  const hasCr = Uint8Array.prototype.indexOf.call(raw, CH_CR) >= 0;
  if (!hasCr && raw.length > 0 && raw[raw.length - 1] === CH_NL) {
    // (a plain Uint8Array, not a Buffer: a Buffer's subarray() goes through its slower subclass)
    return new Uint8Array(raw.buffer, raw.byteOffset, raw.length);
  }
  const out = new Uint8Array(raw.length + 1);
  let n: number;
  if (hasCr) {
    n = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === CH_CR) {
        out[n++] = CH_NL;
        if (raw[i + 1] === CH_NL) i++;
      } else out[n++] = c;
    }
  } else {
    out.set(raw);
    n = raw.length;
  }
  // (upstream primes its window with dummy bytes, so even an empty file reads as one newline)
  if (n === 0 || out[n - 1] !== CH_NL) out[n++] = CH_NL;
  return out.subarray(0, n);
}

export interface LexerOptions {
  /** -O level: `__debug__` reads as True at 0, False otherwise. */
  optimize?: number;
  /** Which release's lexer to be (default: 1.27's). */
  dialect?: LexerDialect;
  /** false (mpy-cross -mno-unicode): an escape in a str adds one byte, and must be below 0x100. */
  unicode?: boolean;
}

/**
 * Speed: the hot readers (blanks and comments, names, string bodies) walk the current stream's bytes
 * with a local index and update line and column once per run, instead of a call per character; rare
 * steps (escapes, f-string fields, operators) go through chr()/advance(). Any run that reaches the
 * end of replayed f-string arguments hands over to the source there, as advance() does.
 */
export class Lexer {
  private readonly unicode: boolean;
  // The character stream: the source, or while an f-string's arguments are being replayed, those
  // (replayed straight from fstringArgs, so an f-string nested in the replayed text appends to the
  // replay, as upstream's does).
  private readonly main: Uint8Array;
  /** The source as a one-byte string (byte i is char i), so an ASCII token's text is one substring. */
  private readonly mainText: string;
  private pos = 0;
  private mainPos = 0;
  private replaying = false;

  private line = 1;
  private column = 1;

  private emitDent = 0;
  private bracketDepth = 0;
  private readonly indents: number[] = [0];
  private readonly debugTok: Tok;
  private readonly dialect: LexerDialect;

  private readonly text = new ByteBuilder();
  /** false: the token's bytes are main[valStart, valEnd) and were not copied to `text` (names). */
  private inText = true;
  /** Where in the source the token's value lies verbatim, or -1 (escapes, joined literals, replay). */
  private valStart = -1;
  private valEnd = -1;
  /** The token's value once made. */
  private val: string | undefined = undefined;
  /** Where each literal of the last string token ends in `text`. */
  private pieceEnds: number[] = [];
  /** 1.8: the last string token joined str and bytes literals. */
  mixedKinds = false;
  /** Upstream's fstring_args: `.format(` plus each `{…}` expression wrapped as `(expr),`. */
  private readonly fstringArgs = new ByteBuilder();

  /** The current token. */
  kind: Tok = Tok.END;
  tokLine = 1;
  tokColumn = 1;

  constructor(source: string | Uint8Array, opts: LexerOptions = {}) {
    this.main = normaliseSource(source);
    sizeNameCache(this.main.length);
    this.mainText = latin1Text(this.main);
    this.debugTok = (opts.optimize ?? 0) === 0 ? Tok.KW_TRUE : Tok.KW_FALSE;
    this.dialect = opts.dialect ?? DEFAULT_DIALECT;
    this.unicode = opts.unicode !== false;
    this.next();
    // Upstream turns a first token that is not in column 1 into INDENT, so the parser reports it.
    if (this.tokColumn !== 1 && (this.kind !== Tok.NEWLINE || !this.dialect.newlineAtLineEnd)) this.kind = Tok.INDENT;
  }

  /** The token's bytes: a name, number text, or the decoded content of a string/bytes literal. */
  get bytes(): Uint8Array {
    return this.inText ? this.text.view() : this.main.subarray(this.valStart, this.valEnd);
  }
  /** The token's text as a JS string (for names, numbers and str literals). */
  get value(): string {
    if (this.val === undefined) {
      this.val = this.valStart >= 0 ? this.mainText.substring(this.valStart, this.valEnd) : decodeUtf8(this.bytes);
    }
    return this.val;
  }
  /** The literals a string token was joined from, each as its own bytes (more than one: adjacent literals). */
  pieces(): Uint8Array[] {
    const all = this.text.view();
    return this.pieceEnds.map((end, i) => all.subarray(i === 0 ? 0 : this.pieceEnds[i - 1]!, end));
  }
  /** A copy of the token's bytes (for bytes literals). */
  copyBytes(): Uint8Array {
    return this.inText ? this.text.copy() : this.main.slice(this.valStart, this.valEnd);
  }

  // --- the character window -------------------------------------------------------------------

  private chr(k: number): number {
    const p = this.pos + k;
    if (this.replaying) {
      // past the replayed arguments upstream's window holds NUL, not the source that follows
      return p < this.fstringArgs.len ? this.fstringArgs.buf[p]! : 0;
    }
    return p < this.main.length ? this.main[p]! : EOF;
  }

  private advance(): void {
    const c = this.chr(0);
    if (c === CH_NL) {
      this.line++;
      this.column = 1;
    } else if (c === CH_TAB) {
      this.column = tabStop(this.column);
    } else {
      this.column++;
    }
    this.pos++;
    if (this.replaying && this.pos >= this.fstringArgs.len) this.endReplay();
  }

  /** advance() for a character known to be neither a newline nor a tab. */
  private step(): void {
    if (this.replaying) {
      this.advance();
    } else {
      this.pos++;
      this.column++;
    }
  }

  /** The replayed f-string arguments are used up: back to the source where the f-string ended. */
  private endReplay(): void {
    this.replaying = false;
    this.fstringArgs.reset();
    this.pos = this.mainPos;
  }

  /** The bytes the readers walk now (the source or the replayed arguments) and where they end. */
  private stream(): Uint8Array {
    return this.replaying ? this.fstringArgs.buf : this.main;
  }
  private streamEnd(): number {
    return this.replaying ? this.fstringArgs.len : this.main.length;
  }

  private atEnd(): boolean {
    return this.chr(0) === EOF;
  }

  private is(c: number): boolean {
    return this.chr(0) === c;
  }

  private isStringStart(): boolean {
    const c0 = this.chr(0);
    if (c0 === CH_QUOTE || c0 === CH_DQUOTE) return true;
    const c1 = this.chr(1);
    const quote1 = c1 === CH_QUOTE || c1 === CH_DQUOTE;
    const f = this.dialect.fstrings;
    // r u b f then a quote
    if ((c0 === 0x72 || c0 === 0x75 || c0 === 0x62 || (f && c0 === 0x66)) && quote1) return true;
    const c2 = this.chr(2);
    const quote2 = c2 === CH_QUOTE || c2 === CH_DQUOTE;
    if (!quote2) return false;
    // rf fr rb br then a quote
    return (
      (f && ((c0 === 0x72 && c1 === 0x66) || (c0 === 0x66 && c1 === 0x72))) ||
      (c0 === 0x72 && c1 === 0x62) || (c0 === 0x62 && c1 === 0x72)
    );
  }

  /**
   * Skips spaces, comments and line continuations, and newlines unless `stopAtNewline` (then it stops
   * at one outside brackets and returns true). Otherwise returns whether it crossed a newline when
   * `reportCrossed` (before 1.22 the lexer skipped across lines and noted it), false when not.
   */
  private skipWhitespace(stopAtNewline: boolean, reportCrossed: boolean): boolean {
    let crossed = false;
    let inComment = false;
    for (;;) {
      const buf = this.stream();
      const end = this.streamEnd();
      let p = this.pos;
      let line = this.line;
      let col = this.column;
      let stop = 0; // 0: ran to the end of the stream, 1: at a token, 2: at a newline that ends a line
      while (p < end) {
        let c = buf[p]!;
        if (c === CH_HASH || inComment) {
          if (!inComment) {
            p++;
            col++;
            inComment = true;
          }
          while (p < end && (c = buf[p]!) !== CH_NL) {
            col = c === CH_TAB ? tabStop(col) : col + 1;
            p++;
          }
          if (p < end) inComment = false; // (at its newline, taken next round)
        } else if (c === 0x20) {
          p++;
          col++;
        } else if (c === CH_NL) {
          if (stopAtNewline && this.bracketDepth === 0) {
            stop = 2;
            break;
          }
          crossed = true;
          p++;
          line++;
          col = 1;
        } else if (c === CH_TAB) {
          p++;
          col = tabStop(col);
        } else if (c >= 0x09 && c <= 0x0d) {
          p++;
          col++;
        } else if (c === CH_BACKSLASH && (p + 1 < end ? buf[p + 1]! : this.replaying ? 0 : EOF) === CH_NL) {
          p += 2;
          line++;
          col = 1;
        } else {
          stop = 1;
          break;
        }
      }
      this.pos = p;
      this.line = line;
      this.column = col;
      if (stop === 2) return true;
      if (stop === 0 && this.replaying) {
        this.endReplay();
        continue;
      }
      return reportCrossed && crossed;
    }
  }

  // --- tokens ---------------------------------------------------------------------------------

  /** Moves to the next token. */
  next(): void {
    if (this.fstringArgs.len > 0 && !this.replaying) this.startFstringReplay();

    this.text.len = 0;
    this.inText = true;
    this.valStart = -1;
    this.val = undefined;
    const lineEnd = this.dialect.newlineAtLineEnd;
    const hadNewline = this.skipWhitespace(lineEnd, !lineEnd);
    this.tokLine = this.line;
    this.tokColumn = this.column;

    if (this.emitDent < 0) {
      this.kind = Tok.DEDENT;
      this.emitDent++;
    } else if (this.emitDent > 0) {
      this.kind = Tok.INDENT;
      this.emitDent--;
    } else if (hadNewline && (lineEnd || this.bracketDepth === 0)) {
      this.lexNewline();
    } else {
      const c = this.chr(0);
      if (c === EOF) {
        this.kind = Tok.END;
        return;
      }
      switch (START_CLASS[c]) {
        case START_QUOTE:
          this.lexStrings();
          break;
        case START_PREFIX:
          if (this.isStringStart()) this.lexStrings();
          else this.lexName();
          break;
        case START_NAME:
          this.lexName();
          break;
        case START_DIGIT:
          this.lexNumber();
          break;
        case START_DOT:
          if (isDigit(this.chr(1))) this.lexNumber();
          else this.lexOperator();
          break;
        default:
          this.lexOperator();
      }
    }
  }

  /** After an f-string token: replay `.format(args)` as source before continuing with the real text. */
  private startFstringReplay(): void {
    this.fstringArgs.byte(0x29); // ')'
    this.mainPos = this.pos;
    this.pos = 0;
    this.replaying = true;
  }

  private lexNewline(): void {
    // The token keeps the position of the end of the previous line; now find the next line's indent.
    if (this.dialect.newlineAtLineEnd) this.skipWhitespace(false, false);
    this.kind = Tok.NEWLINE;
    const indent = this.column - 1;
    const top = this.indents[this.indents.length - 1]!;
    if (indent > top) {
      this.indents.push(indent);
      this.emitDent++;
    } else if (indent < top) {
      while (indent < this.indents[this.indents.length - 1]!) {
        this.indents.pop();
        this.emitDent--;
      }
      if (indent !== this.indents[this.indents.length - 1]) this.kind = Tok.DEDENT_MISMATCH;
    }
  }

  private lexName(): void {
    if (this.replaying) {
      this.lexNameByChars();
      return;
    }
    const buf = this.main;
    const end = buf.length;
    const start = this.pos;
    let c = buf[start]!;
    let hash = c;
    let high = c;
    let p = start + 1;
    while (p < end && NAME_TAIL[(c = buf[p]!)] === 1) {
      hash = (Math.imul(hash, 31) + c) | 0;
      high |= c;
      p++;
    }
    // names hold no tabs or newlines: one column per byte
    const n = p - start;
    this.column += n;
    this.pos = p;
    this.inText = false;
    this.valStart = start;
    this.valEnd = p;
    if (high >= 0x80) {
      // UTF-8 is decoded, not taken one char per byte (and no keyword is anything but ASCII)
      this.val = decodeUtf8(buf.subarray(start, p));
      this.kind = Tok.NAME;
      return;
    }
    if (n > NAME_CACHE_MAX_LEN) {
      this.kind = this.keywordOf(this.value);
      return;
    }
    const slot = (hash ^ (hash >>> 12) ^ n) & (nameCache.length - 1);
    const cached = nameCache[slot]!;
    let same = cached.length === n;
    for (let i = 0; same && i < n; i++) same = cached.charCodeAt(i) === buf[start + i];
    let kind: Tok;
    if (same) {
      this.val = cached;
      kind = nameCacheKind[slot]!;
    } else {
      const name = this.value;
      kind = this.keywordOf(name);
      nameCache[slot] = name;
      nameCacheKind[slot] = kind;
    }
    this.kind = kind === Tok.KW___DEBUG__ ? this.debugTok : kind;
  }

  /** NAME, or the keyword the text is (`__debug__` as itself). Keywords are ASCII and 2..9 bytes long. */
  private keywordOf(name: string): Tok {
    if (name.length < 2 || name.length > 9) return Tok.NAME;
    const i = KEYWORDS.indexOf(name);
    return i < 0 ? Tok.NAME : Tok.KW_FALSE + i;
  }

  /**
   * A name in replayed f-string arguments, a character at a time into `text` (such a name could run
   * into the end of the replay, where upstream's reader carries on into the source).
   */
  private lexNameByChars(): void {
    do {
      this.text.byte(this.chr(0));
      this.step();
    } while (!this.atEnd() && NAME_TAIL[this.chr(0)] === 1);
    const kind = this.keywordOf(this.value);
    this.kind = kind === Tok.KW___DEBUG__ ? this.debugTok : kind;
  }

  private lexNumber(): void {
    let forcedInteger = false;
    if (this.is(CH_DOT)) {
      this.kind = Tok.FLOAT_OR_IMAG;
    } else {
      this.kind = Tok.INTEGER;
      const b = this.chr(1) | 0x20;
      if (this.is(0x30) && (b === 0x62 || b === 0x6f || b === 0x78)) forcedInteger = true;
    }
    this.text.byte(this.chr(0));
    this.step();
    while (!this.atEnd()) {
      const c = this.chr(0);
      if (!forcedInteger && (c === 0x65 || c === 0x45)) {
        this.kind = Tok.FLOAT_OR_IMAG;
        this.text.byte(0x65);
        this.step();
        const s = this.chr(0);
        if (s === 0x2b || s === 0x2d) {
          this.text.byte(s);
          this.step();
        }
      } else if (isAlpha(c) || isDigit(c) || c === CH_DOT) {
        if (c === CH_DOT || c === 0x6a || c === 0x4a) this.kind = Tok.FLOAT_OR_IMAG;
        this.text.byte(c);
        this.step();
      } else if (c === CH_UNDERSCORE && this.dialect.numberUnderscores) {
        this.step();
      } else {
        break;
      }
    }
  }

  private lexOperator(): void {
    const c = this.chr(0);
    this.step();
    if (c === CH_BANG) {
      if (this.is(CH_EQUAL)) {
        this.step();
        this.kind = Tok.OP_NOT_EQUAL;
      } else {
        this.kind = Tok.INVALID;
      }
      return;
    }
    if (c === CH_DOT) {
      if (this.is(CH_DOT) && this.chr(1) === CH_DOT) {
        this.step();
        this.step();
        this.kind = Tok.ELLIPSIS;
      } else {
        this.kind = Tok.DEL_PERIOD;
      }
      return;
    }
    let kind: Tok = c < 0x80 ? OP_FIRST[c]! : 0;
    if (kind === 0) {
      this.kind = Tok.INVALID;
      return;
    }
    if (OP_DOUBLED[kind] !== 0 && this.is(c)) {
      this.step();
      kind = OP_DOUBLED[kind]!;
    }
    if (OP_WITH_EQUAL[kind] !== 0 && this.is(CH_EQUAL)) {
      this.step();
      kind = OP_WITH_EQUAL[kind]!;
    } else if (kind === Tok.OP_MINUS && this.is(0x3e)) {
      this.step();
      kind = Tok.DEL_MINUS_MORE;
    }
    this.kind = kind;
    if (kind === Tok.DEL_PAREN_OPEN || kind === Tok.DEL_BRACKET_OPEN || kind === Tok.DEL_BRACE_OPEN) {
      this.bracketDepth++;
    } else if (kind === Tok.DEL_PAREN_CLOSE || kind === Tok.DEL_BRACKET_CLOSE || kind === Tok.DEL_BRACE_CLOSE) {
      this.bracketDepth--;
    }
  }

  /** One or more adjacent string literals of the same kind (str or bytes), joined into one token. */
  private lexStrings(): void {
    let first = true;
    this.pieceEnds = [];
    this.mixedKinds = false;
    // CircuitPython 5-6 do not join an f-string with a plain string: the second starts a token of its own
    const separateFstrings = this.dialect.fstringBody === "circuitpython-5";
    let sawFstring = false;
    let sawPlain = false;
    do {
      let raw = false;
      let fstring = false;
      let kind = Tok.STRING;
      let prefix = 0;
      const c0 = this.chr(0);
      const c1 = this.chr(1);
      if (c0 === 0x75) {
        prefix = 1; // u
      } else if (c0 === 0x62) {
        kind = Tok.BYTES;
        prefix = 1;
        if (c1 === 0x72) {
          raw = true;
          prefix = 2;
        }
      } else if (c0 === 0x72) {
        raw = true;
        prefix = 1;
        if (c1 === 0x62) {
          kind = Tok.BYTES;
          prefix = 2;
        }
        if (c1 === 0x66 && this.dialect.fstrings) {
          if (!this.dialect.rawFstrings) {
            this.kind = Tok.FSTRING_RAW;
            break;
          }
          fstring = true;
          prefix = 2;
        }
      } else if (c0 === 0x66 && this.dialect.fstrings) {
        if (c1 === 0x72 && !this.dialect.rawFstrings) {
          this.kind = Tok.FSTRING_RAW;
          break;
        }
        fstring = true;
        prefix = 1;
        if (c1 === 0x72) {
          raw = true;
          prefix = 2;
        }
      }
      if (separateFstrings) {
        if (fstring) sawFstring = true;
        else sawPlain = true;
        if (sawFstring && sawPlain) break;
      }
      if (first) {
        this.kind = kind;
      } else if (this.kind !== kind) {
        // str and bytes do not join; the next literal becomes its own token (1.8: its compiler refused the mix)
        if (!this.dialect.compilerJoinsStrings) break;
        this.mixedKinds = true;
      }
      for (let i = 0; i < prefix; i++) this.step();
      const verbatimAt = this.lexStringBody(raw, fstring);
      // a lone literal read verbatim from the source can give its value as a substring of it
      this.valStart = first ? verbatimAt : -1;
      this.valEnd = this.valStart + this.text.len;
      first = false;
      this.pieceEnds.push(this.text.len);
      this.skipWhitespace(true, false);
    } while (this.isStringStart());
  }

  /** Steps over a string's opening quote (the current character), single or triple; returns 1 or 3. */
  private openQuote(quote: number): number {
    this.step();
    if (this.chr(0) === quote && this.chr(1) === quote) {
      this.step();
      this.step();
      return 3;
    }
    return 1;
  }

  /**
   * Reads one literal's body into `text`. Returns where in the source its bytes lie verbatim when they
   * are ASCII taken as they stand (no escape, no f-string field, not replayed), else -1.
   */
  private lexStringBody(raw: boolean, fstring: boolean): number {
    if (fstring && this.dialect.fstringBody === "circuitpython-5") {
      this.lexCircuitPython5Fstring(raw);
      return -1;
    }
    const quote = this.is(CH_DQUOTE) ? CH_DQUOTE : CH_QUOTE;
    const quotes = this.openQuote(quote);
    if (fstring && (this.fstringArgs.len === 0 || !this.dialect.joinAdjacentFstrings)) {
      for (const ch of ".format(") this.fstringArgs.byte(ch.charCodeAt(0));
    }

    const text = this.text;
    const bodyStart = this.replaying ? -1 : this.pos;
    let verbatim = !fstring && bodyStart >= 0;
    let high = 0;
    let closing = 0;
    for (;;) {
      // a run of bytes that go to the text as they come (UTF-8 passes through, the literal stays 8-bit clean)
      const buf = this.stream();
      const end = this.streamEnd();
      const runStart = this.pos;
      let p = runStart;
      let line = this.line;
      let col = this.column;
      while (p < end) {
        const c = buf[p]!;
        if (c === quote) {
          p++;
          col++;
          if (++closing === quotes) break;
          continue;
        }
        if (c === CH_BACKSLASH || (c === CH_NL && quotes === 1) || (c === CH_LBRACE && fstring)) break;
        closing = 0;
        if (c === CH_NL) {
          line++;
          col = 1;
        } else if (c === CH_TAB) {
          col = tabStop(col);
        } else {
          col++;
        }
        high |= c;
        p++;
      }
      text.append(buf, runStart, p);
      this.pos = p;
      this.line = line;
      this.column = col;
      if (closing === quotes) break;
      if (p >= end) {
        if (!this.replaying) break; // end of file: unterminated
        this.endReplay();
        verbatim = false;
        continue;
      }
      if (buf[p] === CH_NL) break; // unterminated single-quoted literal
      // a backslash or an f-string brace
      verbatim = false;
      closing = 0;
      while (fstring && this.is(CH_LBRACE)) this.lexFstringField();
      if (this.is(CH_BACKSLASH)) {
        this.lexEscape(raw);
      } else {
        text.byte(this.chr(0));
      }
      this.advance();
    }
    if (closing < quotes) this.kind = Tok.LONELY_STRING_OPEN;
    text.len -= closing;
    return verbatim && high < 0x80 ? bodyStart : -1;
  }

  /**
   * At a `{` inside an f-string: `{{` stays as an escaped brace for str.format; otherwise the expression
   * up to `:`, `}` or a `!r`/`!s` conversion goes to the .format() arguments, and `{` stays in the text.
   * Like upstream this is not aware of Python syntax: brackets are counted, quotes are not.
   */
  private lexFstringField(): void {
    this.advance();
    if (this.is(CH_LBRACE)) {
      this.text.byte(CH_LBRACE);
      this.advance();
    } else {
      const args = this.fstringArgs;
      const parens = this.dialect.fstringParenthesised;
      if (parens) args.byte(0x28); // '('
      const start = args.len;
      let depth = 0;
      while (!this.atEnd()) {
        const c = this.chr(0);
        if (depth === 0) {
          if (c === CH_COLON || c === CH_RBRACE) break;
          if (c === CH_BANG && this.dialect.fstringConversions && (this.chr(1) === 0x72 || this.chr(1) === 0x73)) {
            const c2 = this.chr(2);
            if (c2 === CH_COLON || c2 === CH_RBRACE) break;
          }
        }
        if (c === CH_LBRACKET || c === CH_LBRACE) depth++;
        else if (c === CH_RBRACKET || c === CH_RBRACE) depth--;
        args.byte(c);
        this.advance();
      }
      if (args.last() === CH_EQUAL) {
        // f"{x=}" prints as "x=" followed by the value
        this.text.bytes(args.view(start));
        args.len--;
      }
      if (parens) args.byte(0x29); // ')'
      args.byte(0x2c); // ','
    }
    this.text.byte(CH_LBRACE);
  }

  /** CircuitPython 5-6's f-string body (py/lexer.c parse_string_literal at those tags): no nesting, no
   * conversions; the expression's characters go to the .format() arguments until a `:`, and a `}` ends
   * the field with a comma. Stops at a `#` or backslash inside a field, with the token made an error. */
  private lexCircuitPython5Fstring(raw: boolean): void {
    const quote = this.is(CH_DQUOTE) ? CH_DQUOTE : CH_QUOTE;
    const quotes = this.openQuote(quote);
    const text = this.text;
    const args = this.fstringArgs;
    let closing = 0;
    let inField = false;
    let toArgs = true;
    while (!this.atEnd() && (quotes > 1 || !this.is(CH_NL)) && closing < quotes) {
      const c = this.chr(0);
      if (c === quote) {
        closing++;
        text.byte(quote);
      } else {
        closing = 0;
        if (c === CH_LBRACE) {
          text.byte(c);
          inField = !inField;
          toArgs = inField;
          if (args.len === 0) for (const ch of ".format(") args.byte(ch.charCodeAt(0));
        } else if (c === CH_RBRACE) {
          text.byte(c);
          if (inField) args.byte(0x2c); // ','
          inField = false;
        } else if (inField) {
          if (c === CH_HASH || c === CH_BACKSLASH) {
            this.kind = c === CH_HASH ? Tok.FSTRING_COMMENT : Tok.FSTRING_BACKSLASH;
            return;
          }
          if (c === CH_COLON) toArgs = false;
          // upstream adds these as characters, so a byte of a UTF-8 sequence is re-encoded
          const into: ByteBuilder = toArgs ? args : text;
          if (c < 0x80) {
            into.byte(c);
          } else {
            into.byte(0xc0 | (c >> 6));
            into.byte(0x80 | (c & 0x3f));
          }
        } else if (c === CH_BACKSLASH) {
          this.lexEscape(raw);
        } else {
          text.byte(c);
        }
      }
      this.advance();
    }
    if (closing < quotes) this.kind = Tok.LONELY_STRING_OPEN;
    text.len -= closing;
  }

  private lexEscape(raw: boolean): void {
    this.advance();
    let c = this.chr(0);
    const text = this.text;
    if (raw) {
      // raw literals keep the backslash, and the escaped character (even a quote) follows verbatim
      text.byte(CH_BACKSLASH);
    } else {
      switch (c) {
        case CH_NL:
          c = EOF; // backslash-newline: nothing
          break;
        case CH_BACKSLASH:
        case CH_QUOTE:
        case CH_DQUOTE:
          break;
        case 0x61: c = 0x07; break; // a
        case 0x62: c = 0x08; break; // b
        case 0x74: c = 0x09; break; // t
        case 0x6e: c = 0x0a; break; // n
        case 0x76: c = 0x0b; break; // v
        case 0x66: c = 0x0c; break; // f
        case 0x72: c = 0x0d; break; // r
        case 0x75: // u
        case 0x55: // U
          if (this.kind === Tok.BYTES) {
            // b"\u1234" is the six characters \u1234
            text.byte(CH_BACKSLASH);
            break;
          }
          c = this.readHexEscape(c === 0x75 ? 4 : 8);
          break;
        case 0x78: // x
          c = this.readHexEscape(2);
          break;
        case 0x4e: // N
          throw new NotImplementedEscape();
        default:
          if (c >= 0x30 && c <= 0x37) {
            let value = c - 0x30;
            let digits = 3;
            while (this.chr(1) >= 0x30 && this.chr(1) <= 0x37 && --digits !== 0) {
              this.advance();
              value = value * 8 + (this.chr(0) - 0x30);
            }
            c = value;
          } else {
            // unknown escapes keep their backslash, as in CPython
            text.byte(CH_BACKSLASH);
          }
      }
    }
    if (c === EOF) return;
    if (this.kind === Tok.STRING && !this.unicode) {
      if (c < 0x100) text.byte(c);
      else this.kind = Tok.INVALID;
    } else if (this.kind === Tok.STRING && c < 0x110000) text.char(c);
    else if (this.kind === Tok.BYTES && c < 0x100) text.byte(c);
    else this.kind = Tok.INVALID;
  }

  /** Reads n hex digits after \x, \u or \U; a short escape makes the token INVALID (and yields 0). */
  private readHexEscape(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) {
      this.advance();
      const d = this.chr(0);
      if (!isHexDigit(d)) {
        this.kind = Tok.INVALID;
        return 0;
      }
      value = value * 16 + hexValue(d);
    }
    return value;
  }
}


/** Upstream raises NotImplementedError for \N{...} escapes, outside the SyntaxError path. */
export class NotImplementedEscape extends Error {
  constructor() {
    super("unicode name escapes");
  }
}

/** A token as data, for tests and debugging. */
export interface TokenInfo {
  kind: Tok;
  line: number;
  column: number;
  /** Text for names/numbers/str literals; for bytes literals the bytes as latin-1 text. */
  text: string;
}

/** All tokens of a source, END included (the parser reads the Lexer directly instead). */
export function tokenize(source: string | Uint8Array, opts: LexerOptions = {}): TokenInfo[] {
  const lex = new Lexer(source, opts);
  const out: TokenInfo[] = [];
  for (;;) {
    const text = lex.kind === Tok.BYTES ? String.fromCharCode(...lex.bytes) : lex.value;
    out.push({ kind: lex.kind, line: lex.tokLine, column: lex.tokColumn, text });
    if (lex.kind === Tok.END || out.length > 1_000_000) return out;
    lex.next();
  }
}
