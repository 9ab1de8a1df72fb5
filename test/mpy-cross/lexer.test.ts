// Token streams for tricky inputs. Expectations follow upstream's py/lexer.c (v1.27) rules, worked out by
// hand: where it differs from CPython's tokenizer the comment says so.
import { describe, expect, it } from "vitest";
import { Lexer, NotImplementedEscape, normaliseSource, tokenize } from "../../src/mpy-cross/lexer.js";
import { TOK_COUNT, Tok, tokName } from "../../src/mpy-cross/tokens.js";

const kinds = (src: string, optimize = 0): string[] => tokenize(src, { optimize }).map((t) => tokName(t.kind));
const pairs = (src: string): [string, string][] => tokenize(src).map((t) => [tokName(t.kind), t.text]);
const positions = (src: string): [string, number, number][] =>
  tokenize(src).map((t) => [tokName(t.kind), t.line, t.column]);

/** The first token's decoded bytes (for bytes literals). */
function firstBytes(src: string): number[] {
  return Array.from(new Lexer(src).copyBytes());
}

describe("lines and indentation", () => {
  it("gives each token its line and column; NEWLINE sits at the end of its line", () => {
    expect(positions("x = 1\ny\n")).toEqual([
      ["NAME", 1, 1], ["DEL_EQUAL", 1, 3], ["INTEGER", 1, 5], ["NEWLINE", 1, 6],
      ["NAME", 2, 1], ["NEWLINE", 2, 2], ["END", 3, 1],
    ]);
  });

  it("emits INDENT and one DEDENT per closed level", () => {
    expect(kinds("if a:\n  b\n    c\nd\n")).toEqual([
      "KW_IF", "NAME", "DEL_COLON", "NEWLINE", "INDENT", "NAME", "NEWLINE", "INDENT", "NAME", "NEWLINE",
      "DEDENT", "DEDENT", "NAME", "NEWLINE", "END",
    ]);
  });

  it("closes open blocks at the end of the file", () => {
    expect(kinds("if a:\n    b")).toEqual(["KW_IF", "NAME", "DEL_COLON", "NEWLINE", "INDENT", "NAME", "NEWLINE", "DEDENT", "END"]);
  });

  it("marks a dedent to an unknown level, then still dedents", () => {
    expect(kinds("if a:\n    b\n  c\n")).toEqual([
      "KW_IF", "NAME", "DEL_COLON", "NEWLINE", "INDENT", "NAME", "DEDENT_MISMATCH", "DEDENT", "NAME", "NEWLINE", "END",
    ]);
  });

  it("expands a tab to the next multiple of 8 columns", () => {
    expect(kinds("if a:\n\tb\n        c\n")).toEqual([
      "KW_IF", "NAME", "DEL_COLON", "NEWLINE", "INDENT", "NAME", "NEWLINE", "NAME", "NEWLINE", "DEDENT", "END",
    ]);
    expect(positions("\tx\n")[0]).toEqual(["INDENT", 1, 9]);
    expect(positions("a\tb\n")[1]).toEqual(["NAME", 1, 9]);
  });

  it("ignores blank and comment-only lines", () => {
    expect(kinds("a\n\n  # note\n\t\nb  # trailing\n")).toEqual(["NAME", "NEWLINE", "NAME", "NEWLINE", "END"]);
  });

  it("joins lines inside brackets and after a backslash", () => {
    expect(kinds("f(1,\n  2)\n")).toEqual(["NAME", "DEL_PAREN_OPEN", "INTEGER", "DEL_COMMA", "INTEGER", "DEL_PAREN_CLOSE", "NEWLINE", "END"]);
    expect(positions("x = 1 + \\\n  2\n").map((t) => t[0])).toEqual(["NAME", "DEL_EQUAL", "INTEGER", "OP_PLUS", "INTEGER", "NEWLINE", "END"]);
    expect(positions("x = 1 + \\\n  2\n")[4]).toEqual(["INTEGER", 2, 3]);
  });

  it("reads CR LF and lone CR as newlines and adds a missing final newline", () => {
    expect(positions("a\r\nb\rc")).toEqual([
      ["NAME", 1, 1], ["NEWLINE", 1, 2], ["NAME", 2, 1], ["NEWLINE", 2, 2], ["NAME", 3, 1], ["NEWLINE", 3, 2], ["END", 4, 1],
    ]);
    expect(Array.from(normaliseSource("a\r\n\rb"))).toEqual([0x61, 0x0a, 0x0a, 0x62, 0x0a]);
  });

  it("reads an empty file as a single newline", () => {
    expect(kinds("")).toEqual(["NEWLINE", "END"]);
  });

  it("turns a first token that is not in column 1 into INDENT", () => {
    expect(kinds("  x = 1\n")[0]).toBe("INDENT");
    // but blank lines first are fine: the NEWLINE comes first, then a real INDENT
    expect(kinds("\n  x\n").slice(0, 3)).toEqual(["NEWLINE", "INDENT", "NAME"]);
  });
});

describe("string literals", () => {
  it("joins adjacent literals of one kind, even across lines inside brackets", () => {
    expect(pairs("'a' \"b\" '''c'''\n")[0]).toEqual(["STRING", "abc"]);
    expect(pairs("('a'\n 'b')\n")[1]).toEqual(["STRING", "ab"]);
    expect(kinds("'a'\n'b'\n")).toEqual(["STRING", "NEWLINE", "STRING", "NEWLINE", "END"]);
  });

  it("does not join str and bytes: the second literal is a token of its own", () => {
    expect(kinds("'a' b'b'\n")).toEqual(["STRING", "BYTES", "NEWLINE", "END"]);
    expect(kinds("b'a' 'b'\n")).toEqual(["BYTES", "STRING", "NEWLINE", "END"]);
  });

  it("decodes escapes; unknown escapes keep their backslash", () => {
    expect(pairs("'\\x41\\101\\u00e9\\U0001F600\\q\\'\\\"\\a\\0'\n")[0]).toEqual(["STRING", "AAé😀\\q'\"\x07\0"]);
    // an octal escape takes at most three digits
    expect(pairs("'\\1234'\n")[0]).toEqual(["STRING", "S4"]);
    // backslash-newline inside a literal disappears
    expect(pairs("'ab\\\ncd'\n")[0]).toEqual(["STRING", "abcd"]);
  });

  it("keeps a surrogate escape as a lone UTF-16 unit (upstream stores its 3-byte form)", () => {
    expect(pairs("'\\ud800a\\uDFFF'\n")[0]).toEqual(["STRING", "\ud800a\udfff"]);
    expect(Array.from(new Lexer("'\\ud800'\n").bytes)).toEqual([0xed, 0xa0, 0x80]);
  });

  it("keeps backslashes in raw literals, where a backslash still protects a quote", () => {
    expect(pairs("r'\\n\\''\n")[0]).toEqual(["STRING", "\\n\\'"]);
    expect(pairs("rb'\\x00' br'\\d'\n")[0]).toEqual(["BYTES", "\\x00\\d"]);
    // only lower-case prefixes exist (CPython also takes R, B, F, U)
    expect(pairs("BR'x'\n").slice(0, 2)).toEqual([["NAME", "BR"], ["STRING", "x"]]);
  });

  it("reads bytes byte-wise: \\u is not an escape there, and UTF-8 passes through", () => {
    expect(firstBytes("b'\\xff\\u12'\n")).toEqual([0xff, 0x5c, 0x75, 0x31, 0x32]);
    expect(firstBytes("b'é'\n")).toEqual([0xc3, 0xa9]); // CPython would reject this
  });

  it("flags broken literals", () => {
    expect(kinds("'abc\n")[0]).toBe("LONELY_STRING_OPEN");
    expect(kinds("'''abc\n")[0]).toBe("LONELY_STRING_OPEN");
    expect(kinds("'\\U00110000'\n")[0]).toBe("INVALID");
    expect(kinds("b'\\777'\n")[0]).toBe("INVALID"); // 511 does not fit a byte
    // a short \x escape swallows the character after it, here the closing quote
    expect(kinds("'\\x4'\n")[0]).toBe("LONELY_STRING_OPEN");
  });

  it("refuses \\N{...} escapes as upstream does (NotImplementedError)", () => {
    expect(() => tokenize("x = '\\N{BULLET}'\n")).toThrow(NotImplementedEscape);
  });
});

describe("f-strings", () => {
  it("become a format string followed by the tokens of .format(...)", () => {
    expect(pairs("f'{a}-{b!r:>{w}}-{c=}'\n")).toEqual([
      ["STRING", "{}-{!r:>{}}-c={}"],
      ["DEL_PERIOD", ""], ["NAME", "format"], ["DEL_PAREN_OPEN", ""],
      ["DEL_PAREN_OPEN", ""], ["NAME", "a"], ["DEL_PAREN_CLOSE", ""], ["DEL_COMMA", ""],
      ["DEL_PAREN_OPEN", ""], ["NAME", "b"], ["DEL_PAREN_CLOSE", ""], ["DEL_COMMA", ""],
      ["DEL_PAREN_OPEN", ""], ["NAME", "w"], ["DEL_PAREN_CLOSE", ""], ["DEL_COMMA", ""],
      ["DEL_PAREN_OPEN", ""], ["NAME", "c"], ["DEL_PAREN_CLOSE", ""], ["DEL_COMMA", ""],
      ["DEL_PAREN_CLOSE", ""], ["NEWLINE", ""], ["END", ""],
    ]);
  });

  it("leave doubled braces to str.format and call .format() even without fields", () => {
    expect(pairs("f'{{x}}'\n").map((p) => p[1]).slice(0, 5)).toEqual(["{{x}}", "", "format", "", ""]);
    expect(kinds("f'plain'\n")).toEqual(["STRING", "DEL_PERIOD", "NAME", "DEL_PAREN_OPEN", "DEL_PAREN_CLOSE", "NEWLINE", "END"]);
  });

  it("join with neighbouring literals and then continue with the real source", () => {
    const p = pairs("x = 'a' f'{b}' 'c' + d\n");
    expect(p[2]).toEqual(["STRING", "a{}c"]);
    expect(p.slice(3, 11).map((t) => t[0])).toEqual([
      "DEL_PERIOD", "NAME", "DEL_PAREN_OPEN", "DEL_PAREN_OPEN", "NAME", "DEL_PAREN_CLOSE", "DEL_COMMA", "DEL_PAREN_CLOSE",
    ]);
    expect(p.slice(11)).toEqual([["OP_PLUS", ""], ["NAME", "d"], ["NEWLINE", ""], ["END", ""]]);
  });

  it("treat != inside a field as an operator, not a conversion", () => {
    const p = pairs("f'{a!=b}'\n");
    expect(p[0]).toEqual(["STRING", "{}"]);
    expect(p.slice(4, 9).map((t) => t[0])).toEqual(["DEL_PAREN_OPEN", "NAME", "OP_NOT_EQUAL", "NAME", "DEL_PAREN_CLOSE"]);
  });
});

describe("numbers", () => {
  it("keeps the text for the parser, dropping underscores and lowering the exponent mark", () => {
    expect(pairs("0x_1F 1_000 1e5 1E+5 .5 5. 1j 2.5J 0b101 0o17 0x1e5\n").slice(0, 11)).toEqual([
      ["INTEGER", "0x1F"], ["INTEGER", "1000"], ["FLOAT_OR_IMAG", "1e5"], ["FLOAT_OR_IMAG", "1e+5"],
      ["FLOAT_OR_IMAG", ".5"], ["FLOAT_OR_IMAG", "5."], ["FLOAT_OR_IMAG", "1j"], ["FLOAT_OR_IMAG", "2.5J"],
      ["INTEGER", "0b101"], ["INTEGER", "0o17"], ["INTEGER", "0x1e5"],
    ]);
  });

  it("runs letters into the number (the parser rejects them later)", () => {
    expect(pairs("1if x\n").slice(0, 2)).toEqual([["INTEGER", "1if"], ["NAME", "x"]]);
  });
});

describe("names, keywords and operators", () => {
  it("reads __debug__ as True, or False under -O", () => {
    expect(kinds("__debug__\n")[0]).toBe("KW_TRUE");
    expect(kinds("__debug__\n", 1)[0]).toBe("KW_FALSE");
  });

  it("knows async/await and leaves near-misses as names", () => {
    expect(kinds("async await nonlocal Async await_\n").slice(0, 5)).toEqual(["KW_ASYNC", "KW_AWAIT", "KW_NONLOCAL", "NAME", "NAME"]);
  });

  it("reads non-ASCII identifiers as names", () => {
    expect(pairs("λ_1 = größe\n").filter((p) => p[0] === "NAME")).toEqual([["NAME", "λ_1"], ["NAME", "größe"]]);
  });

  it("matches the longest operator", () => {
    expect(kinds("a := b -> c ** d **= e // f //= g << h <<= i >> j >>= k != l ... . @ @= ~ ^= |= &= %= == <= >= < > = -= +=\n").filter((k) => k !== "NAME")).toEqual([
      "OP_ASSIGN", "DEL_MINUS_MORE", "OP_DBL_STAR", "DEL_DBL_STAR_EQUAL", "OP_DBL_SLASH", "DEL_DBL_SLASH_EQUAL",
      "OP_DBL_LESS", "DEL_DBL_LESS_EQUAL", "OP_DBL_MORE", "DEL_DBL_MORE_EQUAL", "OP_NOT_EQUAL", "ELLIPSIS",
      "DEL_PERIOD", "OP_AT", "DEL_AT_EQUAL", "OP_TILDE", "DEL_CARET_EQUAL", "DEL_PIPE_EQUAL", "DEL_AMPERSAND_EQUAL",
      "DEL_PERCENT_EQUAL", "OP_DBL_EQUAL", "OP_LESS_EQUAL", "OP_MORE_EQUAL", "OP_LESS", "OP_MORE", "DEL_EQUAL",
      "DEL_MINUS_EQUAL", "DEL_PLUS_EQUAL", "NEWLINE", "END",
    ]);
    // ".." is a period twice, and <> is two comparisons
    expect(kinds("a..b <>\n").slice(1, 6)).toEqual(["DEL_PERIOD", "DEL_PERIOD", "NAME", "OP_LESS", "OP_MORE"]);
    // greedy, one character at a time: what follows a complete operator starts the next one
    expect(kinds("<<== === ->= :== *** <=< -- >>>\n").slice(0, -2)).toEqual([
      "DEL_DBL_LESS_EQUAL", "DEL_EQUAL", "OP_DBL_EQUAL", "DEL_EQUAL", "DEL_MINUS_MORE", "DEL_EQUAL", "OP_ASSIGN", "DEL_EQUAL",
      "OP_DBL_STAR", "OP_STAR", "OP_LESS_EQUAL", "OP_LESS", "OP_MINUS", "OP_MINUS", "OP_DBL_MORE", "OP_MORE",
    ]);
  });

  it("knows every keyword, and only those", () => {
    const words = "False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield";
    expect(kinds(words + "\n").slice(0, -2)).toEqual(words.split(" ").map((w) => `KW_${w.toUpperCase()}`));
    expect(kinds("Fals Nonee true an yields __debug _\n").slice(0, -2).every((k) => k === "NAME")).toBe(true);
  });

  it("names every token kind as tokens.ts's enum does", async () => {
    const text = await import("node:fs").then((fs) => fs.readFileSync(new URL("../../src/mpy-cross/tokens.ts", import.meta.url), "utf8"));
    const members = [...text.matchAll(/^ {2}([A-Z_0-9]+) = (\d+),$/gm)];
    expect(members.length).toBe(TOK_COUNT);
    for (const [, name, value] of members) expect(tokName(Number(value))).toBe(name);
    expect(tokName(TOK_COUNT)).toBe(String(TOK_COUNT));
  });

  it("marks characters outside the language as INVALID", () => {
    expect(kinds("a $ b ! c ?\n")).toEqual(["NAME", "INVALID", "NAME", "INVALID", "NAME", "INVALID", "NEWLINE", "END"]);
  });
});

describe("bytes that are not UTF-8", () => {
  it("carries any bytes of a name or str literal to the .mpy unchanged", async () => {
    const { decodeUtf8 } = await import("../../src/mpy-cross/lexer.js");
    const { utf8Bytes } = await import("../../src/mpy-cross/utf8.js");
    const cases = [
      [0x63, 0x61, 0x66, 0xe9], // Latin-1 "café"
      [0xc3, 0xa9, 0xff, 0x80], // UTF-8 é, then two stray bytes
      [0xed, 0xa0, 0x80], // an encoded surrogate (upstream's '\ud800')
      [0xf4, 0x8f, 0xbf, 0x80], // U+10FFC0: a real code point of the raw-byte range
      [0xe0, 0x80, 0x80, 0xf0, 0x80, 0x80, 0x80], // overlong forms
      [0xe2, 0x82], // a cut sequence
    ];
    for (const c of cases) expect(Array.from(utf8Bytes(decodeUtf8(Uint8Array.from(c))))).toEqual(c);
    expect(decodeUtf8(Uint8Array.from([0xc3, 0xa9]))).toBe("é");
  });
});
