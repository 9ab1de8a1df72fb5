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

/** Keywords, looked up by exact text. `__debug__` is resolved by the lexer according to -O. */
const KEYWORDS: ReadonlyMap<string, Tok> = new Map([
  ["False", Tok.KW_FALSE], ["None", Tok.KW_NONE], ["True", Tok.KW_TRUE], ["__debug__", Tok.KW___DEBUG__],
  ["and", Tok.KW_AND], ["as", Tok.KW_AS], ["assert", Tok.KW_ASSERT], ["async", Tok.KW_ASYNC],
  ["await", Tok.KW_AWAIT], ["break", Tok.KW_BREAK], ["class", Tok.KW_CLASS], ["continue", Tok.KW_CONTINUE],
  ["def", Tok.KW_DEF], ["del", Tok.KW_DEL], ["elif", Tok.KW_ELIF], ["else", Tok.KW_ELSE],
  ["except", Tok.KW_EXCEPT], ["finally", Tok.KW_FINALLY], ["for", Tok.KW_FOR], ["from", Tok.KW_FROM],
  ["global", Tok.KW_GLOBAL], ["if", Tok.KW_IF], ["import", Tok.KW_IMPORT], ["in", Tok.KW_IN],
  ["is", Tok.KW_IS], ["lambda", Tok.KW_LAMBDA], ["nonlocal", Tok.KW_NONLOCAL], ["not", Tok.KW_NOT],
  ["or", Tok.KW_OR], ["pass", Tok.KW_PASS], ["raise", Tok.KW_RAISE], ["return", Tok.KW_RETURN],
  ["try", Tok.KW_TRY], ["while", Tok.KW_WHILE], ["with", Tok.KW_WITH], ["yield", Tok.KW_YIELD],
]);

/**
 * Operators and delimiters as data: for each first character, the longest-match continuations.
 * Upstream matches greedily one character at a time; `//=` and `**=` and `<<=` / `>>=` need two steps.
 */
interface OpNode { readonly tok: Tok; readonly next?: Readonly<Record<string, OpNode>> }
const op = (tok: Tok, next?: Record<string, OpNode>): OpNode => ({ tok, next });
const OPERATORS: Readonly<Record<string, OpNode>> = {
  "(": op(Tok.DEL_PAREN_OPEN), ")": op(Tok.DEL_PAREN_CLOSE),
  "[": op(Tok.DEL_BRACKET_OPEN), "]": op(Tok.DEL_BRACKET_CLOSE),
  "{": op(Tok.DEL_BRACE_OPEN), "}": op(Tok.DEL_BRACE_CLOSE),
  ",": op(Tok.DEL_COMMA), ";": op(Tok.DEL_SEMICOLON), "~": op(Tok.OP_TILDE),
  ":": op(Tok.DEL_COLON, { "=": op(Tok.OP_ASSIGN) }),
  "<": op(Tok.OP_LESS, { "=": op(Tok.OP_LESS_EQUAL), "<": op(Tok.OP_DBL_LESS, { "=": op(Tok.DEL_DBL_LESS_EQUAL) }) }),
  ">": op(Tok.OP_MORE, { "=": op(Tok.OP_MORE_EQUAL), ">": op(Tok.OP_DBL_MORE, { "=": op(Tok.DEL_DBL_MORE_EQUAL) }) }),
  "*": op(Tok.OP_STAR, { "=": op(Tok.DEL_STAR_EQUAL), "*": op(Tok.OP_DBL_STAR, { "=": op(Tok.DEL_DBL_STAR_EQUAL) }) }),
  "+": op(Tok.OP_PLUS, { "=": op(Tok.DEL_PLUS_EQUAL) }),
  "-": op(Tok.OP_MINUS, { "=": op(Tok.DEL_MINUS_EQUAL), ">": op(Tok.DEL_MINUS_MORE) }),
  "&": op(Tok.OP_AMPERSAND, { "=": op(Tok.DEL_AMPERSAND_EQUAL) }),
  "|": op(Tok.OP_PIPE, { "=": op(Tok.DEL_PIPE_EQUAL) }),
  "/": op(Tok.OP_SLASH, { "=": op(Tok.DEL_SLASH_EQUAL), "/": op(Tok.OP_DBL_SLASH, { "=": op(Tok.DEL_DBL_SLASH_EQUAL) }) }),
  "%": op(Tok.OP_PERCENT, { "=": op(Tok.DEL_PERCENT_EQUAL) }),
  "^": op(Tok.OP_CARET, { "=": op(Tok.DEL_CARET_EQUAL) }),
  "@": op(Tok.OP_AT, { "=": op(Tok.DEL_AT_EQUAL) }),
  "=": op(Tok.DEL_EQUAL, { "=": op(Tok.OP_DBL_EQUAL) }),
};

// ASCII character classes, as upstream's unichar_* helpers (bytes ≥ 0x80 belong to no class).
const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isAlpha = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number): boolean => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const hexValue = (c: number): number => (isDigit(c) ? c - 0x30 : (c | 0x20) - 0x61 + 10);
// UTF-8 identifiers: any byte with the high bit set may start or continue a name.
const isNameHead = (c: number): boolean => isAlpha(c) || c === CH_UNDERSCORE || c >= 0x80;
const isNameTail = (c: number): boolean => isNameHead(c) || isDigit(c);

const utf8 = new TextEncoder();

/** A growable byte buffer (upstream's vstr). */
class ByteBuilder {
  buf = new Uint8Array(64);
  len = 0;
  reset(): void {
    this.len = 0;
  }
  byte(b: number): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = b & 0xff;
  }
  bytes(src: Uint8Array): void {
    for (let i = 0; i < src.length; i++) this.byte(src[i]!);
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

/**
 * Source text as bytes, the way upstream's reader and next_char() see it: CR and CR LF become LF, and a
 * final newline is added when the text does not end with one (an empty text becomes one newline).
 */
export function normaliseSource(source: string | Uint8Array): Uint8Array {
  const raw = typeof source === "string" ? utf8.encode(source) : source;
  let hasCr = false;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === CH_CR) {
      hasCr = true;
      break;
    }
  }
  let out: Uint8Array;
  let n: number;
  if (hasCr) {
    out = new Uint8Array(raw.length + 1);
    n = 0;
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c === CH_CR) {
        out[n++] = CH_NL;
        if (raw[i + 1] === CH_NL) i++;
      } else out[n++] = c;
    }
  } else {
    out = new Uint8Array(raw.length + 1);
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

export class Lexer {
  private readonly unicode: boolean;
  // The character stream: the source, or while an f-string's arguments are being replayed, those
  // (replayed straight from fstringArgs, so an f-string nested in the replayed text appends to the
  // replay, as upstream's does).
  private readonly main: Uint8Array;
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
    this.debugTok = (opts.optimize ?? 0) === 0 ? Tok.KW_TRUE : Tok.KW_FALSE;
    this.dialect = opts.dialect ?? DEFAULT_DIALECT;
    this.unicode = opts.unicode !== false;
    this.next();
    // Upstream turns a first token that is not in column 1 into INDENT, so the parser reports it.
    if (this.tokColumn !== 1 && (this.kind !== Tok.NEWLINE || !this.dialect.newlineAtLineEnd)) this.kind = Tok.INDENT;
  }

  /** The token's bytes: a name, number text, or the decoded content of a string/bytes literal. */
  get bytes(): Uint8Array {
    return this.text.view();
  }
  /** The token's text as a JS string (for names, numbers and str literals). */
  get value(): string {
    return decodeUtf8(this.text.view());
  }
  /** The literals a string token was joined from, each as its own bytes (more than one: adjacent literals). */
  pieces(): Uint8Array[] {
    const all = this.text.view();
    return this.pieceEnds.map((end, i) => all.subarray(i === 0 ? 0 : this.pieceEnds[i - 1]!, end));
  }
  /** A copy of the token's bytes (for bytes literals). */
  copyBytes(): Uint8Array {
    return this.text.copy();
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
      this.column = Math.floor((this.column - 1 + TAB_SIZE) / TAB_SIZE) * TAB_SIZE + 1;
    } else {
      this.column++;
    }
    this.pos++;
    if (this.replaying && this.pos >= this.fstringArgs.len) {
      this.replaying = false;
      this.fstringArgs.reset();
      this.pos = this.mainPos;
    }
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

  /** Skips one space, comment or line continuation starting at c; false when c starts none of them. */
  private skipBlank(c: number): boolean {
    if (isSpace(c)) {
      this.advance();
    } else if (c === CH_HASH) {
      this.advance();
      while (!this.atEnd() && !this.is(CH_NL)) this.advance();
    } else if (c === CH_BACKSLASH && this.chr(1) === CH_NL) {
      this.advance();
      this.advance();
    } else {
      return false;
    }
    return true;
  }

  /** Before 1.22: skips everything, newlines included, and says whether it crossed one. */
  private skipWhitespaceAcrossLines(): boolean {
    let crossed = false;
    for (;;) {
      const c = this.chr(0);
      if (c === EOF) return crossed;
      if (c === CH_NL) {
        crossed = true;
        this.advance();
      } else if (!this.skipBlank(c)) {
        return crossed;
      }
    }
  }

  /** Skips spaces, comments and line continuations; true when it stopped at a newline that ends a line. */
  private skipWhitespace(stopAtNewline: boolean): boolean {
    for (;;) {
      const c = this.chr(0);
      if (c === EOF) return false;
      if (c === CH_NL) {
        if (stopAtNewline && this.bracketDepth === 0) return true;
        this.advance();
      } else if (!this.skipBlank(c)) {
        return false;
      }
    }
  }

  // --- tokens ---------------------------------------------------------------------------------

  /** Moves to the next token. */
  next(): void {
    if (this.fstringArgs.len > 0 && !this.replaying) this.startFstringReplay();

    this.text.reset();
    const lineEnd = this.dialect.newlineAtLineEnd;
    const hadNewline = lineEnd ? this.skipWhitespace(true) : this.skipWhitespaceAcrossLines();
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
    } else if (this.atEnd()) {
      this.kind = Tok.END;
    } else if (this.isStringStart()) {
      this.lexStrings();
    } else if (isNameHead(this.chr(0))) {
      this.lexName();
    } else if (isDigit(this.chr(0)) || (this.is(CH_DOT) && isDigit(this.chr(1)))) {
      this.lexNumber();
    } else {
      this.lexOperator();
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
    if (this.dialect.newlineAtLineEnd) this.skipWhitespace(false);
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
    this.kind = Tok.NAME;
    this.text.byte(this.chr(0));
    this.advance();
    while (!this.atEnd() && isNameTail(this.chr(0))) {
      this.text.byte(this.chr(0));
      this.advance();
    }
    const b = this.text.view();
    // Keywords are ASCII and 2..9 bytes long (the cheap filter keeps long names out of the map lookup).
    if (b.length >= 2 && b.length <= 9) {
      const kw = KEYWORDS.get(decodeUtf8(b));
      if (kw !== undefined) this.kind = kw === Tok.KW___DEBUG__ ? this.debugTok : kw;
    }
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
    this.advance();
    while (!this.atEnd()) {
      const c = this.chr(0);
      if (!forcedInteger && (c === 0x65 || c === 0x45)) {
        this.kind = Tok.FLOAT_OR_IMAG;
        this.text.byte(0x65);
        this.advance();
        const s = this.chr(0);
        if (s === 0x2b || s === 0x2d) {
          this.text.byte(s);
          this.advance();
        }
      } else if (isAlpha(c) || isDigit(c) || c === CH_DOT) {
        if (c === CH_DOT || c === 0x6a || c === 0x4a) this.kind = Tok.FLOAT_OR_IMAG;
        this.text.byte(c);
        this.advance();
      } else if (c === CH_UNDERSCORE && this.dialect.numberUnderscores) {
        this.advance();
      } else {
        break;
      }
    }
  }

  private lexOperator(): void {
    const c = this.chr(0);
    this.advance();
    if (c === CH_BANG) {
      if (this.is(CH_EQUAL)) {
        this.advance();
        this.kind = Tok.OP_NOT_EQUAL;
      } else {
        this.kind = Tok.INVALID;
      }
      return;
    }
    if (c === CH_DOT) {
      if (this.is(CH_DOT) && this.chr(1) === CH_DOT) {
        this.advance();
        this.advance();
        this.kind = Tok.ELLIPSIS;
      } else {
        this.kind = Tok.DEL_PERIOD;
      }
      return;
    }
    let node = c < 0x80 ? OPERATORS[String.fromCharCode(c)] : undefined;
    if (node === undefined) {
      this.kind = Tok.INVALID;
      return;
    }
    while (node.next !== undefined) {
      const more: OpNode | undefined = node.next[String.fromCharCode(this.chr(0) & 0xff)];
      if (more === undefined || this.chr(0) < 0) break;
      this.advance();
      node = more;
    }
    this.kind = node.tok;
    if (this.kind === Tok.DEL_PAREN_OPEN || this.kind === Tok.DEL_BRACKET_OPEN || this.kind === Tok.DEL_BRACE_OPEN) {
      this.bracketDepth++;
    } else if (this.kind === Tok.DEL_PAREN_CLOSE || this.kind === Tok.DEL_BRACKET_CLOSE || this.kind === Tok.DEL_BRACE_CLOSE) {
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
        first = false;
      } else if (this.kind !== kind) {
        // str and bytes do not join; the next literal becomes its own token (1.8: its compiler refused the mix)
        if (!this.dialect.compilerJoinsStrings) break;
        this.mixedKinds = true;
      }
      for (let i = 0; i < prefix; i++) this.advance();
      this.lexStringBody(raw, fstring);
      this.pieceEnds.push(this.text.len);
      this.skipWhitespace(true);
    } while (this.isStringStart());
  }

  /** Steps over a string's opening quote, single or triple; says which quote character it was. */
  private openQuote(): { quote: number; quotes: number } {
    const quote = this.is(CH_DQUOTE) ? CH_DQUOTE : CH_QUOTE;
    this.advance();
    if (this.chr(0) === quote && this.chr(1) === quote) {
      this.advance();
      this.advance();
      return { quote, quotes: 3 };
    }
    return { quote, quotes: 1 };
  }

  private lexStringBody(raw: boolean, fstring: boolean): void {
    if (fstring && this.dialect.fstringBody === "circuitpython-5") {
      this.lexCircuitPython5Fstring(raw);
      return;
    }
    const { quote, quotes } = this.openQuote();
    if (fstring && (this.fstringArgs.len === 0 || !this.dialect.joinAdjacentFstrings)) {
      for (const ch of ".format(") this.fstringArgs.byte(ch.charCodeAt(0));
    }

    const text = this.text;
    let closing = 0;
    while (!this.atEnd() && (quotes > 1 || !this.is(CH_NL)) && closing < quotes) {
      if (this.is(quote)) {
        closing++;
        text.byte(quote);
      } else {
        closing = 0;
        while (fstring && this.is(CH_LBRACE)) this.lexFstringField();
        if (this.is(CH_BACKSLASH)) {
          this.lexEscape(raw);
        } else {
          // bytes as they come: the literal stays 8-bit clean, UTF-8 passes through
          text.byte(this.chr(0));
        }
      }
      this.advance();
    }
    if (closing < quotes) this.kind = Tok.LONELY_STRING_OPEN;
    text.len -= closing;
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
    const { quote, quotes } = this.openQuote();
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
