// Tokens → parse tree, with the exact shape upstream's py/parse.c builds, because the compiler (and so
// the bytecode) depends on it: the grammar table is interpreted rule by rule (grammar.ts says how each
// kind of rule shapes its node), and the same simplifications run as each node is completed —
// parentheses dropped around single expressions, constant folding, `const()` names, docstrings and
// other lonely constant statements turned into `pass`, and tuples of constants built at parse time.
//
import { CompileError } from "./compile-error.js";
import {
  binaryOpForToken, constNodeValue, fitsHostSmallInt, foldBinary, foldUnary, isConstBool, isConstNode, moduleConstant,
  nodeNumber,
  type BinaryOp, type Num,
} from "./const-fold.js";
import { RULES, ruleId, type GrammarRule } from "./grammar.js";
import { Lexer, NotImplementedEscape } from "./lexer.js";
import { dialectForMpyVersion, type FrontEndDialect } from "./parse-dialect.js";
import { NumberSyntaxError, parseFloatLiteral, parseIntegerLiteral } from "./parse-number.js";
import type { InputKind, ParseNode, ParseTree, PyConstant, StructNode } from "./parse-tree.js";
import { Tok } from "./tokens.js";

export interface ParseOptions {
  /** Source name for error messages; also a qstr before parsing starts (it affects string interning). */
  filename: string;
  inputKind?: InputKind;
  /** -O level (mpy-cross -O<N>): makes `__debug__` False when non-zero. */
  optimize?: number;
  /** Bits of the target's small ints (mpy-cross -msmall-int-bits, default 31). */
  smallIntBits?: number;
  /** Other strings that are qstrs before parsing (mpy-cross interns the -s source name too). */
  internedNames?: readonly string[];
  /**
   * Which mpy-cross to be, named by the .mpy version it writes: "6.3" (1.27.0, the default), "6.2"
   * (1.22.2), "6.1" (1.20.0), "6" (1.19.1). See parse-dialect.ts for what differs.
   */
  mpyVersion?: string;
}

/** Strings up to this many UTF-8 bytes are always interned (MICROPY_ALLOC_PARSE_INTERN_STRING_LEN). */
const INTERN_STRING_LEN = 10;

const R = {
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

const BITWISE_OP: Partial<Record<number, BinaryOp>> = {
  [R.expr]: "or",
  [R.xor_expr]: "xor",
  [R.and_expr]: "and",
  [R.power]: "pow",
};

/** The node as a struct of `rule`, or null. */
const structOf = (pn: ParseNode | undefined, rule: string): StructNode | null =>
  pn !== null && pn !== undefined && pn.kind === "struct" && pn.rule === rule ? pn : null;

class Parser {
  private readonly lex: Lexer;
  private readonly stack: ParseNode[] = [];
  // The pending rules, innermost last (three parallel arrays): which rule, where to resume it, and the
  // line of its first token. An explicit stack keeps deeply nested source (thousands of brackets, as
  // upstream accepts) away from the JS call stack.
  private readonly ruleIds: number[] = [];
  private readonly ruleArgs: number[] = [];
  private readonly ruleLines: number[] = [];
  /** The last rule failed without consuming anything; the rule below decides what that means. */
  private backtrack = false;
  private readonly qstrs: Set<string>;
  /** `const()` names: the value, and whether it is an int the VM holds as a big-int object. */
  private readonly consts = new Map<string, { value: PyConstant; mpz: boolean }>();
  /** Int constant nodes whose value the VM holds as a big-int object (see Num.mpz). */
  private readonly mpzNodes = new WeakSet<object>();
  private readonly smallMin: bigint;
  private readonly smallMax: bigint;
  private readonly dialect: FrontEndDialect;

  constructor(source: string | Uint8Array, private readonly opts: ParseOptions) {
    const bits = opts.smallIntBits ?? 31;
    this.smallMin = -(1n << BigInt(bits - 1));
    this.smallMax = (1n << BigInt(bits - 1)) - 1n;
    this.dialect = dialectForMpyVersion(opts.mpyVersion);
    this.qstrs = new Set(this.dialect.longStaticQstrs);
    this.qstrs.add(opts.filename);
    for (const n of opts.internedNames ?? []) this.qstrs.add(n);
    this.lex = new Lexer(source, { optimize: opts.optimize ?? 0, dialect: this.dialect });
  }

  run(): ParseTree {
    const inputKind = this.opts.inputKind ?? "file";
    const top = inputKind === "single" ? R.single_input : inputKind === "eval" ? R.eval_input : R.file_input;
    this.pushPending(top, 0, this.lex.tokLine);
    while (this.ruleIds.length > 0) this.step();
    if (this.lex.kind !== Tok.END || this.stack.length === 0) this.syntaxError();
    return { root: this.stack[0]!, inputKind };
  }

  // --- errors -----------------------------------------------------------------------------------

  private syntaxError(): never {
    const { kind, tokLine } = this.lex;
    if (kind === Tok.INDENT) throw this.error("IndentationError", "unexpected indent", tokLine);
    if (kind === Tok.DEDENT_MISMATCH) {
      throw this.error("IndentationError", "unindent doesn't match any outer indent level", tokLine);
    }
    if (kind === Tok.MALFORMED_FSTRING) throw this.error("SyntaxError", "malformed f-string", tokLine);
    if (kind === Tok.FSTRING_RAW) throw this.error("SyntaxError", "raw f-strings are not supported", tokLine);
    throw this.error("SyntaxError", "invalid syntax", tokLine);
  }

  private error(kind: "SyntaxError" | "IndentationError", message: string, line: number): CompileError {
    return new CompileError(kind, message, this.opts.filename, line);
  }

  private advance(): void {
    this.lex.next();
  }

  // --- the rule interpreter ---------------------------------------------------------------------
  //
  // Each step takes the innermost pending rule and advances it until it needs a sub-rule (pushed on top
  // of itself, to be resumed afterwards), completes, or fails. A rule fails only when its first element
  // does not match, which consumes nothing; a mismatch later on is a syntax error.

  private pushPending(id: number, argIndex: number, line: number): void {
    this.ruleIds.push(id);
    this.ruleArgs.push(argIndex);
    this.ruleLines.push(line);
  }

  /** Rule `id` resumes at `argIndex` after sub-rule `sub` (which starts at the current token). */
  private descend(id: number, argIndex: number, line: number, sub: number): void {
    this.pushPending(id, argIndex, line);
    this.pushPending(sub, 0, this.lex.tokLine);
  }

  /** The n-th pending rule below the current one (upstream's peek_rule), or -1. */
  private pendingRule(n: number): number {
    return this.ruleIds[this.ruleIds.length - 1 - n] ?? -1;
  }

  private step(): void {
    const id = this.ruleIds.pop()!;
    const argIndex = this.ruleArgs.pop()!;
    const line = this.ruleLines.pop()!;
    const rule = RULES[id]!;
    if (rule.kind === "or") this.stepOr(rule, argIndex, line);
    else if (rule.kind === "and") this.stepAnd(rule, argIndex, line);
    else this.stepList(rule, argIndex, line);
  }

  /** First alternative that matches; resumed after a sub-rule: done if it matched, else try the next. */
  private stepOr(rule: GrammarRule, i: number, line: number): void {
    if (i > 0 && !this.backtrack) return;
    this.backtrack = false;
    const args = rule.args;
    for (; i < args.length; i++) {
      const arg = args[i]!;
      if (arg.type === "tok") {
        if (this.lex.kind === arg.tok) {
          this.pushToken(rule.id);
          this.advance();
          return;
        }
      } else {
        // the last alternative need not come back here: its success or failure is the rule's
        if (i + 1 < args.length) this.descend(rule.id, i + 1, line, arg.rule);
        else this.pushPending(arg.rule, 0, this.lex.tokLine);
        return;
      }
    }
    this.backtrack = true;
  }

  private stepAnd(rule: GrammarRule, i: number, line: number): void {
    const args = rule.args;
    if (this.backtrack) {
      // the sub-rule at i - 1 failed
      const failed = args[i - 1]!;
      if (failed.type === "rule" && failed.optional) {
        this.stack.push(null);
        this.backtrack = false;
      } else if (i > 1) {
        this.syntaxError();
      } else {
        return; // failed on the first element: fail too
      }
    }
    for (; i < args.length; i++) {
      const arg = args[i]!;
      if (arg.type === "tok") {
        if (this.lex.kind === arg.tok) {
          if (arg.tok === Tok.NAME) this.pushToken(rule.id);
          this.advance();
        } else if (i === 0) {
          this.backtrack = true;
          return;
        } else {
          this.syntaxError();
        }
      } else {
        this.descend(rule.id, i + 1, line, arg.rule);
        return;
      }
    }
    this.completeAnd(rule, line);
  }

  private completeAnd(rule: GrammarRule, line: number): void {
    const args = rule.args;
    // Docstrings and other lone constants as statements compile to nothing (no MICROPY_ENABLE_DOC_STRING).
    if (rule.id === R.expr_stmt && this.opts.inputKind !== "single" && this.peek(0) === null) {
      const p = this.peek(1);
      if (p !== null && (p.kind === "smallint" || p.kind === "string" || p.kind === "token" || p.kind === "const")) {
        this.stack.length -= 2;
        this.pushRule(line, R.pass_stmt, 0);
        return;
      }
    }

    // Count what this rule pushed: NAME tokens and every sub-rule (optional ones as null).
    let count = 0;
    let notNull = 0;
    for (let x = args.length - 1; x >= 0; x--) {
      const arg = args[x]!;
      if (arg.type === "tok") {
        if (arg.tok === Tok.NAME) {
          count++;
          notNull++;
        }
      } else {
        if (this.peek(count) !== null) notNull++;
        count++;
      }
    }

    if (notNull === 1 && rule.ident) {
      let keep: ParseNode = null;
      for (let x = 0; x < count; x++) {
        const pn = this.stack.pop()!;
        if (pn !== null) keep = pn;
      }
      this.stack.push(keep);
    } else {
      if (rule.blank) {
        this.stack.push(null);
        count++;
      }
      this.pushRule(line, rule.id, count);
    }
  }

  /**
   * Lists count elements and separators together in i: items at even positions, separators at odd
   * ones (one_or_more has items only).
   */
  private stepList(rule: GrammarRule, i: number, line: number): void {
    const n = rule.listKind;
    const item = rule.args[0]!;
    const sep = rule.args[1];
    let trailingSep = false;
    if (!this.backtrack) {
      for (;;) {
        const isSep = (i & 1 & n) !== 0;
        const arg = isSep ? sep! : item;
        if (arg.type === "rule") {
          this.descend(rule.id, i + 1, line, arg.rule);
          return;
        }
        i++;
        if (this.lex.kind !== arg.tok) {
          this.backtrack = true;
          break;
        }
        if (!isSep) this.pushToken(rule.id);
        this.advance();
      }
    }
    // element i - 1 did not match
    if (i === 1) return; // not even one item: the list fails
    this.backtrack = false;
    if (n !== 2 && (i & 1) === 1) {
      // an item missing after a separator
      if (n === 3) trailingSep = true;
      else this.syntaxError();
    }

    let count = i - 1;
    if ((n & 1) !== 0 && sep!.type === "tok") count = (count + 1) >> 1;
    if (count === 1) {
      if (trailingSep) this.pushRule(line, rule.id, 1);
      // else the single item stays on the stack as it is
    } else {
      this.pushRule(line, rule.id, count);
    }
  }

  // --- results ----------------------------------------------------------------------------------

  private peek(pos: number): ParseNode {
    return this.stack[this.stack.length - 1 - pos]!;
  }

  private intern(s: string): void {
    this.qstrs.add(s);
  }

  /** A constant node, or a small-int leaf when the int fits the target's small ints. */
  private constNode(line: number, value: PyConstant, mpz = false): ParseNode {
    if (value.type !== "int") return { kind: "const", line, value };
    const big = mpz || !fitsHostSmallInt(value.value);
    if (!big && value.value >= this.smallMin && value.value <= this.smallMax) {
      return { kind: "smallint", value: Number(value.value) };
    }
    const node: ParseNode = { kind: "const", line, value };
    if (big) this.mpzNodes.add(node);
    return node;
  }

  private pushToken(ruleIdOfToken: number): void {
    const lex = this.lex;
    let pn: ParseNode;
    switch (lex.kind) {
      case Tok.NAME: {
        const name = lex.value;
        this.intern(name);
        const constant = ruleIdOfToken === R.atom ? this.consts.get(name) : undefined;
        pn = constant !== undefined ? this.constNode(lex.tokLine, constant.value, constant.mpz) : { kind: "id", name };
        break;
      }
      case Tok.INTEGER:
        pn = this.constNode(lex.tokLine, {
          type: "int",
          value: this.numberLiteral(() => parseIntegerLiteral(lex.value, this.dialect.rejectLeadingZeros)),
        });
        break;
      case Tok.FLOAT_OR_IMAG:
        pn = {
          kind: "const",
          line: lex.tokLine,
          value: this.numberLiteral(() => parseFloatLiteral(lex.value, this.dialect.floatLiterals)),
        };
        break;
      case Tok.STRING: {
        const value = lex.value;
        if (lex.bytes.length <= INTERN_STRING_LEN) {
          this.intern(value);
          pn = { kind: "string", value };
        } else if (this.qstrs.has(value)) {
          pn = { kind: "string", value };
        } else {
          pn = { kind: "const", line: lex.tokLine, value: { type: "str", value } };
        }
        break;
      }
      case Tok.BYTES:
        pn = { kind: "const", line: lex.tokLine, value: { type: "bytes", value: lex.copyBytes() } };
        break;
      default:
        pn = { kind: "token", tok: lex.kind };
    }
    this.stack.push(pn);
  }

  private numberLiteral<T>(read: () => T): T {
    try {
      return read();
    } catch (e) {
      if (e instanceof NumberSyntaxError) throw this.error("SyntaxError", e.message, this.lex.tokLine);
      throw e;
    }
  }

  /** Completes a node of `id` from the top `numArgs` results, after upstream's simplifications. */
  private pushRule(line: number, id: number, numArgs: number): void {
    if (id === R.atom_paren) {
      const pn = this.peek(0);
      // ( ) and (a, b, ...) keep their parentheses; (x) is just x
      if (pn !== null && structOf(pn, "testlist_comp") === null) return;
    } else if (id === R.testlist_comp) {
      const pn = this.peek(0);
      const many = structOf(pn, "testlist_comp_3c");
      if (structOf(pn, "testlist_comp_3b") !== null) {
        // (a,) — one item and a trailing comma
        this.stack.pop();
        numArgs--;
      } else if (many !== null) {
        // (a, b, ...) — 3c took the first item already; it becomes the testlist_comp itself
        this.stack.pop();
        this.stack[this.stack.length - 1] = { kind: "struct", rule: "testlist_comp", line: many.line, nodes: many.nodes };
        return;
      }
    } else if (id === R.testlist_comp_3c) {
      numArgs++; // take the first item, which testlist_comp parsed before the comma
    }

    const remaining = this.foldLogical(id, numArgs);
    if (remaining === null) return;
    numArgs = remaining;
    if (this.foldConstants(id, numArgs)) return;
    if (this.buildTuple(line, id, numArgs)) return;

    const nodes = this.stack.splice(this.stack.length - numArgs, numArgs);
    const node: StructNode = { kind: "struct", rule: RULES[id]!.name, line, nodes };
    if (id === R.testlist_comp_3c) this.stack.push(node); // stands in for the item it took
    this.stack.push(node);
  }

  /**
   * `or`/`and` with constant operands, and `not <constant>`. Returns how many operands remain for the
   * node, or null when the expression folded to a single node.
   */
  private foldLogical(id: number, numArgs: number): number | null {
    const anyObject = this.dialect.constTruthOfAnyObject;
    if (id === R.or_test || id === R.and_test) {
      const isOr = id === R.or_test;
      const args = this.stack.splice(this.stack.length - numArgs, numArgs);
      const kept: ParseNode[] = [];
      for (let j = 0; j < args.length; j++) {
        const pn = args[j]!;
        kept.push(pn);
        if (j === args.length - 1) break;
        // a constant that decides the result ends the chain; one that cannot decide it is dropped
        if (isConstBool(pn, isOr, anyObject)) break;
        if (isConstBool(pn, !isOr, anyObject)) kept.pop();
      }
      this.stack.push(...kept);
      return kept.length === 1 ? null : kept.length;
    }
    if (id === R.not_test_2) {
      const pn = this.peek(0);
      let folded: ParseNode;
      if (isConstBool(pn, false, anyObject)) folded = { kind: "token", tok: Tok.KW_TRUE };
      else if (isConstBool(pn, true, anyObject)) folded = { kind: "token", tok: Tok.KW_FALSE };
      else return numArgs;
      this.stack[this.stack.length - 1] = folded;
      return null;
    }
    return numArgs;
  }

  /** The number a node holds, as far as this release folds: ints only before 1.26. */
  private foldable(pn: ParseNode): Num | null {
    let n = nodeNumber(pn);
    if (n !== null && n.type === "int" && pn !== null && this.mpzNodes.has(pn)) n = { ...n, mpz: true };
    return n !== null && (n.type === "int" || this.dialect.floatFolding) ? n : null;
  }

  /** One folding step; before 1.26 `/`, `@` and negative powers were left alone. */
  private foldStep(op: BinaryOp, lhs: Num, rhs: Num): Num | null {
    if (!this.dialect.floatFolding) {
      if (op === "truediv" || op === "matmul") return null;
      if (op === "pow" && rhs.type === "int" && rhs.value < 0n) return null;
    }
    return foldBinary(op, lhs, rhs, this.dialect.normaliseBigIntResults);
  }

  private foldConstants(id: number, numArgs: number): boolean {
    let result: Num | null = null;
    const first = this.peek(numArgs - 1);
    const bitwise = BITWISE_OP[id];
    if (bitwise !== undefined) {
      result = this.foldable(first);
      for (let i = numArgs - 2; i >= 0 && result !== null; i--) {
        const rhs = this.foldable(this.peek(i));
        result = rhs === null ? null : this.foldStep(bitwise, result, rhs);
      }
    } else if (id === R.shift_expr || id === R.arith_expr || id === R.term) {
      result = this.foldable(first);
      for (let i = numArgs - 2; i >= 1 && result !== null; i -= 2) {
        const rhs = this.foldable(this.peek(i - 1));
        const opNode = this.peek(i);
        const op = opNode !== null && opNode.kind === "token" ? binaryOpForToken(opNode.tok) : null;
        result = rhs === null || op === null ? null : this.foldStep(op, result, rhs);
      }
    } else if (id === R.factor_2) {
      const operand = this.foldable(this.peek(0));
      const opNode = this.peek(1);
      if (operand !== null && opNode !== null && opNode.kind === "token") {
        if (opNode.tok !== Tok.OP_TILDE || operand.type === "int") result = foldUnary(opNode.tok, operand);
      }
    } else if (id === R.expr_stmt) {
      return this.foldConstAssignment();
    } else if (id === R.atom_expr_normal) {
      const base = this.peek(1);
      const trailer = this.peek(0);
      const period = structOf(trailer, "trailer_period");
      if (base !== null && base.kind === "id" && period !== null) {
        const attr = period.nodes[0];
        // (math joined the table of foldable modules in 1.26, together with float folding)
        if (attr !== null && attr !== undefined && attr.kind === "id" && this.dialect.floatFolding) {
          result = moduleConstant(base.name, attr.name);
        }
      }
    } else {
      return false;
    }
    if (result === null) return false;
    this.stack.length -= numArgs;
    this.stack.push(this.constNode(0, result, result.type === "int" && result.mpz === true));
    return true;
  }

  /** `NAME = const(value)`: remember the value; `_NAME` assignments vanish (become `pass`). */
  private foldConstAssignment(): boolean {
    const rhs = this.peek(0);
    if (rhs === null || structOf(rhs, "expr_stmt_augassign") || structOf(rhs, "expr_stmt_assign_list")) return false;
    const target = this.peek(1);
    const call = structOf(rhs, "atom_expr_normal");
    if (target === null || target.kind !== "id" || call === null) return false;
    const callee = call.nodes[0];
    const args = structOf(call.nodes[1], "trailer_paren");
    if (callee === null || callee === undefined || callee.kind !== "id" || callee.name !== "const" || args === null) {
      return false;
    }
    const valueNode = args.nodes[0] ?? null;
    if (!isConstNode(valueNode)) throw this.error("SyntaxError", "not a constant", call.line);
    this.consts.set(target.name, { value: constNodeValue(valueNode), mpz: valueNode !== null && this.mpzNodes.has(valueNode) });
    if (target.name.startsWith("_")) {
      this.stack.length -= 2;
      this.pushRule(0, R.pass_stmt, 0);
      return true;
    }
    this.stack[this.stack.length - 1] = valueNode;
    return false;
  }

  private buildTuple(line: number, id: number, numArgs: number): boolean {
    if (id === R.testlist_comp && this.pendingRule(0) === R.atom_paren) {
      // (a,) or (a, b)
      return this.tupleFromStack(line, numArgs);
    }
    if (id === R.testlist_comp_3c && this.pendingRule(2) === R.atom_paren) {
      // (a, b, c, ...): the pending testlist_comp_3b and testlist_comp have nothing left to do
      if (this.tupleFromStack(line, numArgs)) {
        for (let k = 0; k < 2; k++) {
          this.ruleIds.pop();
          this.ruleArgs.pop();
          this.ruleLines.pop();
        }
        return true;
      }
      return false;
    }
    if (id === R.testlist_star_expr || id === R.testlist || id === R.subscriptlist) {
      return this.tupleFromStack(line, numArgs);
    }
    return false;
  }

  private tupleFromStack(line: number, numArgs: number): boolean {
    for (let i = 0; i < numArgs; i++) if (!isConstNode(this.peek(i))) return false;
    const items = this.stack.splice(this.stack.length - numArgs, numArgs).map(constNodeValue);
    this.stack.push({ kind: "const", line, value: { type: "tuple", items } });
    return true;
  }
}

/** Parses Python source the way mpy-cross 1.27 does; throws CompileError on bad source. */
export function parse(source: string | Uint8Array, opts: ParseOptions): ParseTree {
  try {
    return new Parser(source, opts).run();
  } catch (e) {
    if (e instanceof NotImplementedEscape) throw new CompileError("NotImplementedError", e.message, opts.filename, 0);
    throw e;
  }
}
