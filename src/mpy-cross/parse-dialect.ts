// What changed in upstream's lexer and parser between the mpy-cross releases whose output tspy
// reproduces. Each .mpy version is tied to the release that made the reference files: 6.3 → 1.27.0,
// 6.2 → 1.22.2, 6.1 → 1.20.0, 6 → 1.19.1, 5 → 1.18.0. Only front-end differences live here (tree shape,
// literal values, accepted syntax); bytecode and container differences belong to the back end.
import { MPY_CROSS_LONG_STATIC_QSTRS } from "./parse-qstrs.js";
import { Tok } from "./tokens.js";
import { oldQstrPools } from "./old-qstr-pools-loader.js";

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
  /** How f-string bodies are read: MicroPython's field scanner (1.19+), or CircuitPython 5-6's own, where
   * each `{` toggles "in an expression", a `#` or backslash there is an error of its own, `:` sends the
   * rest of the field to the text, and `.format(` starts at the first `{` (an unclosed field still
   * compiles). */
  readonly fstringBody: "micropython" | "circuitpython-5";
  /** `_` may separate digits in a number (MicroPython 1.10+; not CircuitPython 3). */
  readonly numberUnderscores: boolean;
  /** 1.8: adjacent string literals are separate tokens that the compiler joins into a new object (each
   * short one still interned; str and bytes mixed is its compile error), and such a join as a
   * statement is still evaluated (1.9+: the lexer joins them into one literal). */
  readonly compilerJoinsStrings: boolean;
}

export interface ParserDialect {
  /** Folding with floats, `/`, negative powers and math.pi & co (MICROPY_COMP_CONST_FLOAT, 1.26+). */
  readonly floatFolding: boolean;
  /** `01` is an error, reported as base 0 (1.25+); before it read as decimal 1. */
  readonly rejectLeadingZeros: boolean;
  /** How float literals are rounded: 80-bit scaling (1.26+), or double arithmetic (earlier). */
  readonly floatLiterals: "extended" | "double" | "double-1.19" | "frac-mult";
  /** Big-int arithmetic results that fit come back as small ints (1.24+), so they can become leaves. */
  readonly normaliseBigIntResults: boolean;
  /** `const()` values other than ints count as constant true/false in `and`/`or`/`not` (1.20+). */
  readonly constTruthOfAnyObject: boolean;
  /** qstrs longer than 10 bytes that the mpy-cross binary holds before parsing. */
  readonly longStaticQstrs: readonly string[];
  /** Tuples of constants become one constant object (MICROPY_COMP_CONST_TUPLE, 1.19+). */
  readonly constTuples: boolean;
  /** `X = const(v)` takes any constant (1.19+); before, only ints ("constant must be an integer"). */
  readonly constAnyObject: boolean;
  /** Before 1.19 every int the host holds as a small int (63-bit) was a leaf, so `and`/`or`/`not`
   * treat such an int as a constant truth value even when the target's small ints are narrower. */
  readonly hostSmallIntLeaves: boolean;
  /** Syntax a release did not have yet, as [grammar rule, token] pairs the parser must not match there
   * (the `@` operator before 1.12, `:=` before 1.13). */
  readonly absentSyntax: readonly (readonly [string, Tok])[];
  /** `**` of two ints is folded (1.12+). */
  readonly foldPower: boolean;
  /** `or`/`and`/`not` with constant operands are simplified by the parser (1.9+). */
  readonly foldLogical: boolean;
  /** 1.8: const() takes only small ints (the host's), and "constant must be an integer" carries the
   * line of the token after the statement. */
  readonly constErrorAtNextToken: boolean;
  /** The IndentationError of a dedent to no enclosing level (1.9.2 and older spelled it out). */
  readonly dedentMismatch: string;
}

export interface FrontEndDialect extends LexerDialect, ParserDialect {
  /** The MicroPython release whose mpy-cross this reproduces. */
  readonly release: string;
}

/**
 * A dialect as the table below holds it: its long static qstrs as a function, called when the dialect
 * is first selected. Filtering every old release's pool at import took ~0.7 ms of each start, for
 * releases most runs never ask for.
 */
interface DialectRow extends Omit<FrontEndDialect, "longStaticQstrs"> {
  readonly longStaticQstrsOf: () => readonly string[];
}

/** A row made on its first use (the releases before 1.27 are made only when a run asks for one). */
const once = (make: () => DialectRow): (() => DialectRow) => {
  let row: DialectRow | undefined;
  return () => (row ??= make());
};

const V1_27: DialectRow = {
  release: "1.27.0",
  fstrings: true,
  fstringConversions: true,
  fstringParenthesised: true,
  joinAdjacentFstrings: true,
  rawFstrings: true,
  newlineAtLineEnd: true,
  numberUnderscores: true,
  fstringBody: "micropython",
  floatFolding: true,
  rejectLeadingZeros: true,
  floatLiterals: "extended",
  normaliseBigIntResults: true,
  constTruthOfAnyObject: true,
  longStaticQstrsOf: () => MPY_CROSS_LONG_STATIC_QSTRS,
  constTuples: true,
  constAnyObject: true,
  hostSmallIntLeaves: false,
  absentSyntax: [],
  foldPower: true,
  foldLogical: true,
  compilerJoinsStrings: false,
  dedentMismatch: "unindent doesn't match any outer indent level",
  constErrorAtNextToken: false,
};

const V1_22 = once(() => ({
  ...V1_27,
  release: "1.22.2",
  joinAdjacentFstrings: false,
  rawFstrings: false,
  floatFolding: false,
  rejectLeadingZeros: false,
  floatLiterals: "double",
  normaliseBigIntResults: false,
}));

const V1_20 = once(() => ({
  ...V1_22(),
  release: "1.20.0",
  fstringConversions: false,
  newlineAtLineEnd: false,
}));

const V1_19 = once(() => ({
  ...V1_20(),
  release: "1.19.1",
  fstringParenthesised: false,
  floatLiterals: "double-1.19",
  constTruthOfAnyObject: false,
  // (its build had no __complex__ yet)
  longStaticQstrsOf: () => MPY_CROSS_LONG_STATIC_QSTRS.filter((q) => q !== "__complex__"),
}));

const V1_18 = once(() => ({
  ...V1_19(),
  release: "1.18.0",
  constTuples: false,
  constAnyObject: false,
  hostSmallIntLeaves: true,
}));

/** The long (over 10 bytes) entries of a release's mpy-cross qstr pool: strings equal to them stay interned. */
// (ASCII entries, nearly all of them, are measured by their length: encoding thousands of them took
// half the compiler's load time)
const longQstrsOf = (pool: readonly string[]) =>
  pool.filter((q) => q.length > 10 || (/[^\0-\x7f]/.test(q) && new TextEncoder().encode(q).length > 10));

// 1.11 and 1.10: no f-strings, no `:=`, no `@` operator (the token exists, for decorators only)
const V1_11 = once(() => ({
  ...V1_18(),
  release: "1.11.0",
  fstrings: false,
  longStaticQstrsOf: () => longQstrsOf(oldQstrPools().MPY_CROSS_1_11_QSTRS),
  // (and no variable annotations, which came in 1.13)
  absentSyntax: [["term_op", Tok.OP_AT], ["augassign", Tok.DEL_AT_EQUAL], ["namedexpr_test_2", Tok.OP_ASSIGN], ["annassign", Tok.DEL_COLON]],
  foldPower: false,
}));

const V1_10 = once(() => ({ ...V1_11(), release: "1.10.0", longStaticQstrsOf: () => longQstrsOf(oldQstrPools().MPY_CROSS_1_10_QSTRS) }));

// CircuitPython 3.x - 6.x (MicroPython 1.9.4 inside, with CircuitPython's own changes): 3.x still reads
// float literals digit by digit (fraction digits times 0.1, 0.01, ... then one pow(10, exp)) and has no
// `_` in numbers; 5.x and 6.x have f-strings.
const CP_3 = once(() => ({
  ...V1_10(), release: "CircuitPython 3.1.2", dedentMismatch: "unindent does not match any outer indentation level", numberUnderscores: false, floatLiterals: "frac-mult",
  longStaticQstrsOf: () => longQstrsOf(oldQstrPools().CIRCUITPY_3_1_2_QSTRS),
}));
const CP_4 = once(() => ({ ...V1_10(), release: "CircuitPython 4.1.2", dedentMismatch: CP_3().dedentMismatch, longStaticQstrsOf: () => longQstrsOf(oldQstrPools().CIRCUITPY_4_1_2_QSTRS) }));
const CP_5 = once(() => ({ ...CP_4(), release: "CircuitPython 5.3.1", fstrings: true, fstringBody: "circuitpython-5", longStaticQstrsOf: () => longQstrsOf(oldQstrPools().CIRCUITPY_5_3_1_QSTRS) }));
const CP_6 = once(() => ({ ...CP_5(), release: "CircuitPython 6.3.0", longStaticQstrsOf: () => longQstrsOf(oldQstrPools().CIRCUITPY_6_3_0_QSTRS) }));

// 1.9.2 (and CircuitPython 2.x): no `_` in numbers yet, float literals read digit by digit (before
// 1.9.4's parsenum rework), its own mpy-cross qstr pool.
const V1_9_2 = once(() => ({
  ...V1_10(), release: "1.9.2", dedentMismatch: "unindent does not match any outer indentation level", numberUnderscores: false, floatLiterals: "frac-mult", longStaticQstrsOf: () => longQstrsOf(oldQstrPools().MPY_CROSS_1_9_2_QSTRS),
}));

// 1.8.4: 1.9.2's front end with its own mpy-cross qstr pool.
const V1_8_4 = once(() => ({ ...V1_9_2(), release: "1.8.4", longStaticQstrsOf: () => longQstrsOf(oldQstrPools().MPY_CROSS_1_8_4_QSTRS), foldLogical: false,
  compilerJoinsStrings: true, constErrorAtNextToken: true,
}));

// Pycopy 3.6.1 (MicroPython 1.17 inside): its mpy-cross is built without f-strings.
const PYCOPY_3_6 = once(() => ({ ...V1_18(), release: "Pycopy 3.6.1", fstrings: false }));

/** Front-end behaviour per .mpy version (the mpy-cross release that writes it). */
const DIALECTS: Readonly<Record<string, () => DialectRow>> = {
  "6.3": () => V1_27,
  "6.2": V1_22,
  "6.1": V1_20,
  "6": V1_19,
  "5": V1_18,
  "4": V1_11,
  "3": V1_10,
  cp3: CP_3,
  cp4: CP_4,
  cp5: CP_5,
  cp6: CP_6,
  pycopy: PYCOPY_3_6,
  "2": V1_9_2,
  "0": V1_8_4,
};

const selected = new Map<DialectRow, FrontEndDialect>();

/**
 * The dialect of a row, its long static qstrs filtered on the first call (the same object each time).
 * (It keeps the row's longStaticQstrsOf: leaving it out would take an object rest, a slower copy.)
 */
function dialectOf(row: DialectRow): FrontEndDialect {
  let d = selected.get(row);
  if (d === undefined) {
    d = { ...row, longStaticQstrs: row.longStaticQstrsOf() };
    selected.set(row, d);
  }
  return d;
}

export const DEFAULT_DIALECT: FrontEndDialect = dialectOf(V1_27);

const minorOf = (release: string): string => release.split(".").slice(0, 2).join(".");
const DEFAULT_MINOR = minorOf(DEFAULT_DIALECT.release);

/**
 * The dialect for an emulated release ("1.22.2") or, failing that, a .mpy version ("6.2"). Releases are
 * matched on major.minor, so "1.22" and "1.22.0" pick the 1.22.2 front end.
 */
export function selectDialect(opts: { release?: string; mpyVersion?: string }): FrontEndDialect {
  if (opts.release !== undefined) {
    const minor = minorOf(opts.release);
    // (1.27's row comes first in DIALECTS, so this is what the search would find, without making the others)
    if (minor === DEFAULT_MINOR) return DEFAULT_DIALECT;
    const d = Object.values(DIALECTS).map((row) => row()).find((x) => minorOf(x.release) === minor);
    if (d === undefined) {
      const known = Object.values(DIALECTS).map((row) => row().release).join(", ");
      throw new RangeError(`no parser for MicroPython ${opts.release} (known: ${known})`);
    }
    return dialectOf(d);
  }
  if (opts.mpyVersion === undefined) return DEFAULT_DIALECT;
  const key = opts.mpyVersion === "6.0" ? "6" : opts.mpyVersion;
  const row = Object.hasOwn(DIALECTS, key) ? DIALECTS[key] : undefined;
  if (row === undefined) {
    throw new RangeError(`no parser for .mpy version ${opts.mpyVersion} (known: ${Object.keys(DIALECTS).join(", ")})`);
  }
  return dialectOf(row());
}
