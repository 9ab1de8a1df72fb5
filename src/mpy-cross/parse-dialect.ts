// What changed in upstream's lexer and parser between the mpy-cross releases whose output tspy
// reproduces. Each .mpy version is tied to the release that made the reference files: 6.3 → 1.27.0,
// 6.2 → 1.22.2, 6.1 → 1.20.0, 6 → 1.19.1. Only front-end differences live here (tree shape, literal
// values, accepted syntax); bytecode and container differences belong to the back end.
import { MPY_CROSS_LONG_STATIC_QSTRS } from "./parse-qstrs.js";

export interface LexerDialect {
  /** f-strings exist at all (mpy-cross has had them since 1.19; kept for other builds). */
  readonly fstrings: boolean;
  /** f"{x!r}": `!r`/`!s` end the expression (1.21+); before, `!` was part of the expression. */
  readonly fstringConversions: boolean;
  /** Each f-string field is wrapped in parentheses inside .format(...) (1.20+). */
  readonly fstringParenthesised: boolean;
  /** Adjacent f-strings share one .format( (1.24+); before, each added its own (and broke the syntax). */
  readonly joinAdjacentFstrings: boolean;
  /** rf"" / fr"" are accepted (1.24+); before they were a "raw f-strings are not supported" error. */
  readonly rawFstrings: boolean;
  /** NEWLINE sits at the end of its line (1.22+); before, at the first token of the next line. */
  readonly newlineAtLineEnd: boolean;
}

export interface ParserDialect {
  /** Folding with floats, `/`, negative powers and math.pi & co (MICROPY_COMP_CONST_FLOAT, 1.26+). */
  readonly floatFolding: boolean;
  /** `01` is an error, reported as base 0 (1.25+); before it read as decimal 1. */
  readonly rejectLeadingZeros: boolean;
  /** How float literals are rounded: 80-bit scaling (1.26+), or double arithmetic (earlier). */
  readonly floatLiterals: "extended" | "double" | "double-1.19";
  /** Big-int arithmetic results that fit come back as small ints (1.24+), so they can become leaves. */
  readonly normaliseBigIntResults: boolean;
  /** `const()` values other than ints count as constant true/false in `and`/`or`/`not` (1.20+). */
  readonly constTruthOfAnyObject: boolean;
  /** qstrs longer than 10 bytes that the mpy-cross binary holds before parsing. */
  readonly longStaticQstrs: readonly string[];
}

export interface FrontEndDialect extends LexerDialect, ParserDialect {
  /** The MicroPython release whose mpy-cross this reproduces. */
  readonly release: string;
}

const V1_27: FrontEndDialect = {
  release: "1.27.0",
  fstrings: true,
  fstringConversions: true,
  fstringParenthesised: true,
  joinAdjacentFstrings: true,
  rawFstrings: true,
  newlineAtLineEnd: true,
  floatFolding: true,
  rejectLeadingZeros: true,
  floatLiterals: "extended",
  normaliseBigIntResults: true,
  constTruthOfAnyObject: true,
  longStaticQstrs: MPY_CROSS_LONG_STATIC_QSTRS,
};

const V1_22: FrontEndDialect = {
  ...V1_27,
  release: "1.22.2",
  joinAdjacentFstrings: false,
  rawFstrings: false,
  floatFolding: false,
  rejectLeadingZeros: false,
  floatLiterals: "double",
  normaliseBigIntResults: false,
};

const V1_20: FrontEndDialect = {
  ...V1_22,
  release: "1.20.0",
  fstringConversions: false,
  newlineAtLineEnd: false,
};

const V1_19: FrontEndDialect = {
  ...V1_20,
  release: "1.19.1",
  fstringParenthesised: false,
  floatLiterals: "double-1.19",
  constTruthOfAnyObject: false,
};

/** Front-end behaviour per .mpy version (the mpy-cross release that writes it). */
export const DIALECTS: Readonly<Record<string, FrontEndDialect>> = {
  "6.3": V1_27,
  "6.2": V1_22,
  "6.1": V1_20,
  "6": V1_19,
};

export const DEFAULT_DIALECT = V1_27;

export function dialectForMpyVersion(version: string | undefined): FrontEndDialect {
  if (version === undefined) return DEFAULT_DIALECT;
  const d = DIALECTS[version];
  if (d === undefined) throw new RangeError(`no parser for .mpy version ${version} (known: ${Object.keys(DIALECTS).join(", ")})`);
  return d;
}
