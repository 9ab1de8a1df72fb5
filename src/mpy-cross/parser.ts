// Tokens → parse tree, with the exact shape upstream's py/parse.c builds, because the compiler (and so
// the bytecode) depends on it. This file is the rule machine: the grammar table (grammar.ts) is
// interpreted rule by rule on an explicit stack; parse-reduce.ts completes the nodes with upstream's
// simplifications (parentheses dropped around single expressions, constant folding, `const()` names,
// docstrings and other lone constant statements turned into `pass`, tuples of constants built).
import { CompileError } from "./compile-error.js";
import { MAY_START, RULES, ruleId, TOK_SLOTS, type GrammarRule } from "./grammar.js";
import { NotImplementedEscape } from "./lexer.js";
import { NodeBuilder } from "./parse-reduce.js";
import { R, type ParseOptions } from "./parse-state.js";
import type { ParseNode, ParseTree } from "./parse-tree.js";
import { Tok } from "./tokens.js";

export type { ParseOptions } from "./parse-state.js";

class Parser extends NodeBuilder {
  /** Rule/token pairs of syntax this release lacks (rule id * 1024 + token). */
  private readonly absent = new Set(this.dialect.absentSyntax.map(([rule, tok]) => ruleId(rule) * 1024 + tok));

  run(): ParseTree {
    const inputKind = this.opts.inputKind ?? "file";
    const top = inputKind === "single" ? R.single_input : inputKind === "eval" ? R.eval_input : R.file_input;
    this.pushPending(top, 0, this.lex.tokLine);
    while (this.ruleIds.length > 0) this.step();
    if (this.lex.kind !== Tok.END || this.stack.length === 0) this.syntaxError();
    return { root: this.stack[0]!, inputKind, createdQstrs: this.createdQstrs };
  }

  // --- the rule interpreter ---------------------------------------------------------------------
  //
  // Each step takes the innermost pending rule and advances it until it needs a sub-rule (pushed on top
  // of itself, to be resumed afterwards), completes, or fails. A rule fails only when its first element
  // does not match, which consumes nothing; a mismatch later on is a syntax error.

  /** Rule `id` resumes at `argIndex` after sub-rule `sub` (which starts at the current token). */
  private descend(id: number, argIndex: number, line: number, sub: number): void {
    this.pushPending(id, argIndex, line);
    this.pushPending(sub, 0, this.lex.tokLine);
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
        if (this.lex.kind === arg.tok && !this.absent.has(rule.id * 1024 + arg.tok)) {
          this.pushToken(rule.id);
          this.advance();
          return;
        }
      } else {
        // (an alternative that cannot start here fails at once, as if tried)
        if (MAY_START[arg.rule * TOK_SLOTS + this.lex.kind] === 0) continue;
        // the last alternative need not come back here: its success or failure is the rule's (so,
        // as upstream, this rule is then not among the pending rules that pendingRule() sees)
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
        if (this.lex.kind === arg.tok && !(i === 0 && this.absent.has(rule.id * 1024 + arg.tok))) {
          if (arg.tok === Tok.NAME) this.pushToken(rule.id);
          this.advance();
        } else if (i === 0) {
          this.backtrack = true;
          return;
        } else {
          this.syntaxError();
        }
      } else if (MAY_START[arg.rule * TOK_SLOTS + this.lex.kind] === 0) {
        // the sub-rule would fail at once: what the backtrack above does, without the descent
        if (arg.optional) this.stack.push(null);
        else if (i > 0) this.syntaxError();
        else {
          this.backtrack = true;
          return;
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
    // Docstrings and other lone constants as statements compile to nothing (no MICROPY_ENABLE_DOC_STRING);
    // 1.8 still evaluated (and discarded) adjacent literals, which its compiler joined.
    if (rule.id === R.expr_stmt && this.opts.inputKind !== "single" && this.peek(0) === null) {
      const p = this.peek(1);
      if (p !== null && (p.kind === "smallint" || p.kind === "string" || p.kind === "token" || (p.kind === "const" && !p.joined))) {
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
          if (MAY_START[arg.rule * TOK_SLOTS + this.lex.kind] === 0) {
            // fails at once (see MAY_START): as if it had been tried
            i++;
            this.backtrack = true;
            break;
          }
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
