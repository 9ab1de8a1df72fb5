// The parser's state, shared by the rule machine (parser.ts) and the node builder (parse-reduce.ts):
// the lexer, the result stack, the pending-rule stack, and what the parse has learnt so far (interned
// strings, const() names).
import { CompileError } from "./compile-error.js";
import { ruleId } from "./grammar-tables.generated.js";
import { Lexer } from "./lexer.js";
import { selectDialect, type FrontEndDialect } from "./parse-dialect.js";
import type { InputKind, ParseNode, PyConstant, StructNode } from "./parse-tree.js";
import { Tok } from "./tokens.js";

export interface ParseOptions {
  /** Source name for error messages; also a qstr before parsing starts (it affects string interning). */
  filename: string;
  inputKind?: InputKind;
  /** -O level (mpy-cross -O<N>): makes `__debug__` False when non-zero. */
  optimize?: number;
  /** Bits of the target's small ints (mpy-cross -msmall-int-bits, default 31). */
  smallIntBits?: number;
  /** false for mpy-cross -mno-unicode: a str escape stores one byte (and must be below 0x100). */
  unicode?: boolean;
  /** Other strings that are qstrs before parsing (mpy-cross interns the -s source name too). */
  internedNames?: readonly string[];
  /**
   * Which mpy-cross to be, named by the .mpy version it writes: "6.3" (1.27.0, the default), "6.2"
   * (1.22.2), "6.1" (1.20.0), "6" (1.19.1), "5" (1.18.0). See parse-dialect.ts for what differs.
   */
  mpyVersion?: string;
  /** The same choice by MicroPython release ("1.22.2"); wins over mpyVersion when both are given. */
  release?: string;
}

/** Rule ids the parser treats specially. */
export const R = {
  atom: ruleId("atom"),
  atom_paren: ruleId("atom_paren"),
  testlist_comp: ruleId("testlist_comp"),
  testlist_comp_3b: ruleId("testlist_comp_3b"),
  testlist_comp_3c: ruleId("testlist_comp_3c"),
  or_test: ruleId("or_test"),
  and_test: ruleId("and_test"),
  not_test_2: ruleId("not_test_2"),
  expr: ruleId("expr"),
  xor_expr: ruleId("xor_expr"),
  and_expr: ruleId("and_expr"),
  power: ruleId("power"),
  shift_expr: ruleId("shift_expr"),
  arith_expr: ruleId("arith_expr"),
  term: ruleId("term"),
  factor_2: ruleId("factor_2"),
  expr_stmt: ruleId("expr_stmt"),
  atom_expr_normal: ruleId("atom_expr_normal"),
  pass_stmt: ruleId("pass_stmt"),
  testlist_star_expr: ruleId("testlist_star_expr"),
  testlist: ruleId("testlist"),
  subscriptlist: ruleId("subscriptlist"),
  file_input: ruleId("file_input"),
  eval_input: ruleId("eval_input"),
  single_input: ruleId("single_input"),
};

/** The node as a struct of `rule`, or null. */
export const structOf = (pn: ParseNode | undefined, rule: string): StructNode | null =>
  pn !== null && pn !== undefined && pn.kind === "struct" && pn.rule === rule ? pn : null;

/** Slots per pending rule in ParserState.pending. */
export const PENDING_SLOTS = 3;

export abstract class ParserState {
  protected readonly lex: Lexer;
  protected readonly stack: ParseNode[] = [];
  // The pending rules, innermost last, three slots each (PENDING_SLOTS): the rule id, where to resume
  // it (for lists, the count of elements so far), and the line of its first token. An explicit stack keeps deeply nested source (thousands of
  // brackets, as upstream accepts) away from the JS call stack; one packed typed array costs the rule
  // machine less than parallel arrays of boxed numbers. The machine keeps its top in a local and
  // stores it in pendingTop around calls that read or drop pending rules.
  protected pending: Int32Array = new Int32Array(3 * 1024);
  protected pendingTop = 0;
  protected readonly qstrs: Set<string>;
  /** The strings interned so far, in order (see ParseTree.createdQstrs). */
  protected readonly createdQstrs: string[] = [];
  /** `const()` names: the value, and whether it is an int the VM holds as a big-int object. */
  protected readonly consts = new Map<string, { value: PyConstant; mpz: boolean }>();
  /** Int constant nodes whose value the VM holds as a big-int object (see Num.mpz). */
  protected readonly mpzNodes = new WeakSet<object>();
  protected readonly smallMin: bigint;
  protected readonly smallMax: bigint;
  protected readonly dialect: FrontEndDialect;

  constructor(source: string | Uint8Array, protected readonly opts: ParseOptions) {
    const bits = opts.smallIntBits ?? 31;
    this.smallMin = -(1n << BigInt(bits - 1));
    this.smallMax = (1n << BigInt(bits - 1)) - 1n;
    this.dialect = selectDialect(opts);
    this.qstrs = new Set(this.dialect.longStaticQstrs);
    this.qstrs.add(opts.filename);
    this.createdQstrs.push(opts.filename);
    for (const n of opts.internedNames ?? []) {
      this.qstrs.add(n);
      this.createdQstrs.push(n);
    }
    this.lex = new Lexer(source, { optimize: opts.optimize ?? 0, dialect: this.dialect, unicode: opts.unicode });
  }


  // --- errors -----------------------------------------------------------------------------------

  protected syntaxError(): never {
    const { kind, tokLine } = this.lex;
    if (kind === Tok.INDENT) throw this.error("IndentationError", "unexpected indent", tokLine);
    if (kind === Tok.DEDENT_MISMATCH) {
      throw this.error("IndentationError", this.dialect.dedentMismatch, tokLine);
    }
    if (kind === Tok.MALFORMED_FSTRING) throw this.error("SyntaxError", "malformed f-string", tokLine);
    if (kind === Tok.FSTRING_COMMENT) throw this.error("SyntaxError", "f-string expression part cannot include a '#'", tokLine);
    if (kind === Tok.FSTRING_BACKSLASH) {
      throw this.error("SyntaxError", "f-string expression part cannot include a backslash", tokLine);
    }
    if (kind === Tok.FSTRING_RAW) throw this.error("SyntaxError", "raw f-strings are not supported", tokLine);
    throw this.error("SyntaxError", "invalid syntax", tokLine);
  }

  protected error(kind: "SyntaxError" | "IndentationError" | "OverflowError", message: string, line: number): CompileError {
    return new CompileError(kind, message, this.opts.filename, line);
  }

  /** The n-th pending rule below the current one (upstream's peek_rule), or -1. */
  protected pendingRule(n: number): number {
    const at = this.pendingTop - PENDING_SLOTS * (n + 1);
    return at >= 0 ? this.pending[at]! : -1;
  }

  /** Forgets the n innermost pending rules (their work was done for them). */
  protected dropPending(n: number): void {
    this.pendingTop -= PENDING_SLOTS * n;
  }

  protected peek(pos: number): ParseNode {
    return this.stack[this.stack.length - 1 - pos]!;
  }
}
