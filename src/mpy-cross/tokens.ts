// Token kinds, numbered in the same order as MicroPython's lexer (mpy-cross builds with f-strings and
// async/await enabled). The order matters: the compiler turns comparison and arithmetic tokens into
// runtime operator numbers by their offset from the first token of each run.
//
// A const enum: tsc writes each number where it is used, so no object is made at start (as a plain
// object of 99 properties it took ~0.12-0.16 ms of every start, and each use was a property load in
// cold code). The names, which only tests and the tree printer ask for, are TOK_NAMES below.
export const enum Tok {
  END = 0,
  INVALID = 1,
  DEDENT_MISMATCH = 2,
  LONELY_STRING_OPEN = 3,
  MALFORMED_FSTRING = 4,
  NEWLINE = 5,
  INDENT = 6,
  DEDENT = 7,
  NAME = 8,
  INTEGER = 9,
  FLOAT_OR_IMAG = 10,
  STRING = 11,
  BYTES = 12,
  ELLIPSIS = 13,
  KW_FALSE = 14,
  KW_NONE = 15,
  KW_TRUE = 16,
  KW___DEBUG__ = 17,
  KW_AND = 18,
  KW_AS = 19,
  KW_ASSERT = 20,
  KW_ASYNC = 21,
  KW_AWAIT = 22,
  KW_BREAK = 23,
  KW_CLASS = 24,
  KW_CONTINUE = 25,
  KW_DEF = 26,
  KW_DEL = 27,
  KW_ELIF = 28,
  KW_ELSE = 29,
  KW_EXCEPT = 30,
  KW_FINALLY = 31,
  KW_FOR = 32,
  KW_FROM = 33,
  KW_GLOBAL = 34,
  KW_IF = 35,
  KW_IMPORT = 36,
  KW_IN = 37,
  KW_IS = 38,
  KW_LAMBDA = 39,
  KW_NONLOCAL = 40,
  KW_NOT = 41,
  KW_OR = 42,
  KW_PASS = 43,
  KW_RAISE = 44,
  KW_RETURN = 45,
  KW_TRY = 46,
  KW_WHILE = 47,
  KW_WITH = 48,
  KW_YIELD = 49,
  OP_ASSIGN = 50,
  OP_TILDE = 51,
  OP_LESS = 52,
  OP_MORE = 53,
  OP_DBL_EQUAL = 54,
  OP_LESS_EQUAL = 55,
  OP_MORE_EQUAL = 56,
  OP_NOT_EQUAL = 57,
  OP_PIPE = 58,
  OP_CARET = 59,
  OP_AMPERSAND = 60,
  OP_DBL_LESS = 61,
  OP_DBL_MORE = 62,
  OP_PLUS = 63,
  OP_MINUS = 64,
  OP_STAR = 65,
  OP_AT = 66,
  OP_DBL_SLASH = 67,
  OP_SLASH = 68,
  OP_PERCENT = 69,
  OP_DBL_STAR = 70,
  DEL_PIPE_EQUAL = 71,
  DEL_CARET_EQUAL = 72,
  DEL_AMPERSAND_EQUAL = 73,
  DEL_DBL_LESS_EQUAL = 74,
  DEL_DBL_MORE_EQUAL = 75,
  DEL_PLUS_EQUAL = 76,
  DEL_MINUS_EQUAL = 77,
  DEL_STAR_EQUAL = 78,
  DEL_AT_EQUAL = 79,
  DEL_DBL_SLASH_EQUAL = 80,
  DEL_SLASH_EQUAL = 81,
  DEL_PERCENT_EQUAL = 82,
  DEL_DBL_STAR_EQUAL = 83,
  DEL_PAREN_OPEN = 84,
  DEL_PAREN_CLOSE = 85,
  DEL_BRACKET_OPEN = 86,
  DEL_BRACKET_CLOSE = 87,
  DEL_BRACE_OPEN = 88,
  DEL_BRACE_CLOSE = 89,
  DEL_COMMA = 90,
  DEL_COLON = 91,
  DEL_PERIOD = 92,
  DEL_SEMICOLON = 93,
  DEL_EQUAL = 94,
  DEL_MINUS_MORE = 95,
  // Not in 1.27's list. Upstream 1.20-1.23 had it after MALFORMED_FSTRING (the lexer's answer to rf"…");
  // it comes last here so that every 1.27 number stays as upstream's.
  FSTRING_RAW = 96,
  /** CircuitPython 5-6: a `#` or a backslash between an f-string's braces (its own error tokens). */
  FSTRING_COMMENT = 97,
  FSTRING_BACKSLASH = 98,
}

/** Tok's names in its order (test/mpy-cross/lexer.test.ts checks the two agree). */
const TOK_NAMES =
  "END INVALID DEDENT_MISMATCH LONELY_STRING_OPEN MALFORMED_FSTRING NEWLINE INDENT DEDENT NAME INTEGER " +
  "FLOAT_OR_IMAG STRING BYTES ELLIPSIS KW_FALSE KW_NONE KW_TRUE KW___DEBUG__ KW_AND KW_AS KW_ASSERT KW_ASYNC " +
  "KW_AWAIT KW_BREAK KW_CLASS KW_CONTINUE KW_DEF KW_DEL KW_ELIF KW_ELSE KW_EXCEPT KW_FINALLY KW_FOR KW_FROM " +
  "KW_GLOBAL KW_IF KW_IMPORT KW_IN KW_IS KW_LAMBDA KW_NONLOCAL KW_NOT KW_OR KW_PASS KW_RAISE KW_RETURN KW_TRY " +
  "KW_WHILE KW_WITH KW_YIELD OP_ASSIGN OP_TILDE OP_LESS OP_MORE OP_DBL_EQUAL OP_LESS_EQUAL OP_MORE_EQUAL " +
  "OP_NOT_EQUAL OP_PIPE OP_CARET OP_AMPERSAND OP_DBL_LESS OP_DBL_MORE OP_PLUS OP_MINUS OP_STAR OP_AT " +
  "OP_DBL_SLASH OP_SLASH OP_PERCENT OP_DBL_STAR DEL_PIPE_EQUAL DEL_CARET_EQUAL DEL_AMPERSAND_EQUAL " +
  "DEL_DBL_LESS_EQUAL DEL_DBL_MORE_EQUAL DEL_PLUS_EQUAL DEL_MINUS_EQUAL DEL_STAR_EQUAL DEL_AT_EQUAL " +
  "DEL_DBL_SLASH_EQUAL DEL_SLASH_EQUAL DEL_PERCENT_EQUAL DEL_DBL_STAR_EQUAL DEL_PAREN_OPEN DEL_PAREN_CLOSE " +
  "DEL_BRACKET_OPEN DEL_BRACKET_CLOSE DEL_BRACE_OPEN DEL_BRACE_CLOSE DEL_COMMA DEL_COLON DEL_PERIOD " +
  "DEL_SEMICOLON DEL_EQUAL DEL_MINUS_MORE FSTRING_RAW FSTRING_COMMENT FSTRING_BACKSLASH";
/** How many token kinds there are. */
export const TOK_COUNT = Tok.FSTRING_BACKSLASH + 1;

let names: string[] | undefined;
/** The name of token kind `kind` ("NAME", "OP_PLUS" ...), for printing. */
export function tokName(kind: Tok): string {
  names ??= TOK_NAMES.split(" ");
  return names[kind] ?? String(kind);
}
