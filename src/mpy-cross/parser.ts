// Tokens → parse tree, with the exact shape upstream's py/parse.c builds, because the compiler (and so
// the bytecode) depends on it. This file is the rule machine: the grammar table (grammar.ts) is
// interpreted rule by rule on an explicit stack; parse-reduce.ts completes the nodes with upstream's
// simplifications (parentheses dropped around single expressions, constant folding, `const()` names,
// docstrings and other lone constant statements turned into `pass`, tuples of constants built).
import { CompileError } from "./compile-error.js";
import { AND_BLANK, AND_IDENT, ARG_RULE, KIND_AND, KIND_OR, MAY_START_ROW, TOK_SLOTS } from "./grammar-layout.js";
import { ARGS, MAY_START, RULE_ARG0, RULE_FLAGS, RULE_KIND, RULE_NAMES, RULE_NARGS, RULE_PUSHED, ruleId } from "./grammar-tables.generated.js";
import { NotImplementedEscape } from "./lexer.js";
import { NodeBuilder } from "./parse-reduce.js";
import { PENDING_SLOTS, R, type ParseOptions } from "./parse-state.js";
import type { ParseNode, ParseTree } from "./parse-tree.js";
import { Tok } from "./tokens.js";

export type { ParseOptions } from "./parse-state.js";

/** Rule/token pairs a dialect lacks, as a table like MAY_START (1 = absent), made once per dialect. */
const absentTables = new Map<readonly (readonly [string, Tok])[], Uint8Array | null>();
function absentTable(pairs: readonly (readonly [string, Tok])[]): Uint8Array | null {
  let table = absentTables.get(pairs);
  if (table === undefined) {
    table = null;
    if (pairs.length > 0) {
      table = new Uint8Array(RULE_NAMES.length * TOK_SLOTS);
      for (const [rule, tok] of pairs) table[ruleId(rule) * TOK_SLOTS + tok] = 1;
    }
    absentTables.set(pairs, table);
  }
  return table;
}

class Parser extends NodeBuilder {
  /** Syntax this release lacks (null: none), see absentTable. */
  private readonly absent = absentTable(this.dialect.absentSyntax);

  run(): ParseTree {
    const inputKind = this.opts.inputKind ?? "file";
    const top = inputKind === "single" ? R.single_input : inputKind === "eval" ? R.eval_input : R.file_input;
    this.interpret(top);
    if (this.lex.kind !== Tok.END || this.stack.length === 0) this.syntaxError();
    return { root: this.stack[0]!, inputKind, createdQstrs: this.createdQstrs };
  }

  // --- the rule interpreter ---------------------------------------------------------------------
  //
  // Each step advances the current rule (id, resuming at element i) until it needs a sub-rule (it is
  // then pushed on the pending stack, to be resumed afterwards, and the sub-rule becomes the current
  // one), completes, or fails; then the innermost pending rule is resumed. A rule fails only when its
  // first element does not match, which consumes nothing (`back` tells the rule resumed that its
  // sub-rule failed); a mismatch later on is a syntax error. A sub-rule that cannot start at the
  // current token (MAY_START, its bit as mayStartBit reads it) is not entered: it would fail at once, so
  // the step goes on as if it had.
  //
  // One loop with its state in locals, over the flat tables of grammar.ts: while the code is cold
  // (most of a directory run), every call and property access of the step counts.

  private interpret(top: number): void {
    const lex = this.lex;
    const stack = this.stack;
    const absent = this.absent;
    let pending = this.pending;
    let sp = 0;
    let id = top;
    let i = 0;
    let line = lex.tokLine;
    let back = false;
    step: for (;;) {
      rule: {
        const a0 = RULE_ARG0[id]!;
        const n = RULE_NARGS[id]!;
        const kind = RULE_KIND[id];
        if (kind === KIND_OR) {
          // the first alternative that matches; resumed after a sub-rule: done if it matched
          if (i > 0 && !back) break rule;
          back = false;
          for (; i < n; i++) {
            const arg = ARGS[a0 + i]!;
            if (arg < ARG_RULE) {
              if (lex.kind === arg && (absent === null || absent[id * TOK_SLOTS + arg] === 0)) {
                this.pushToken(id);
                lex.next();
                break rule;
              }
              continue;
            }
            const sub = (arg - ARG_RULE) >> 1;
            if ((MAY_START[sub * MAY_START_ROW + (lex.kind >> 4)]! & (1 << (lex.kind & 15))) === 0) continue;
            // the last alternative need not come back here: its success or failure is the rule's (so,
            // as upstream, this rule is then not among the pending rules that pendingRule() sees)
            if (i + 1 < n) {
              if (sp + PENDING_SLOTS > pending.length) pending = this.growPending();
              pending[sp] = id;
              pending[sp + 1] = i + 1;
              pending[sp + 2] = line;
              sp += PENDING_SLOTS;
            }
            id = sub;
            i = 0;
            line = lex.tokLine;
            continue step;
          }
          back = true;
          break rule;
        }

        if (kind === KIND_AND) {
          if (back) {
            // the sub-rule at i - 1 failed
            const failed = ARGS[a0 + i - 1]!;
            if (failed >= ARG_RULE && (failed & 1) === 1) {
              stack.push(null);
              back = false;
            } else if (i > 1) {
              this.syntaxError();
            } else {
              break rule; // failed on the first element: fail too
            }
          }
          for (; i < n; i++) {
            const arg = ARGS[a0 + i]!;
            if (arg < ARG_RULE) {
              if (lex.kind === arg && !(i === 0 && absent !== null && absent[id * TOK_SLOTS + arg] === 1)) {
                if (arg === Tok.NAME) this.pushToken(id);
                lex.next();
              } else if (i === 0) {
                back = true;
                break rule;
              } else {
                this.syntaxError();
              }
              continue;
            }
            const sub = (arg - ARG_RULE) >> 1;
            if ((MAY_START[sub * MAY_START_ROW + (lex.kind >> 4)]! & (1 << (lex.kind & 15))) === 0) {
              // what the failure of the sub-rule does above, without the descent
              if ((arg & 1) === 1) stack.push(null);
              else if (i > 0) this.syntaxError();
              else {
                back = true;
                break rule;
              }
              continue;
            }
            if (sp + PENDING_SLOTS > pending.length) pending = this.growPending();
            pending[sp] = id;
            pending[sp + 1] = i + 1;
            pending[sp + 2] = line;
            sp += PENDING_SLOTS;
            id = sub;
            i = 0;
            line = lex.tokLine;
            continue step;
          }
          this.pendingTop = sp;
          this.completeAnd(id, line);
          sp = this.pendingTop;
          break rule;
        }

        // Lists count elements and separators together in i: items at even positions, separators at
        // odd ones (one_or_more has items only).
        const listKind = RULE_FLAGS[id]!;
        if (!back) {
          for (;;) {
            const isSep = (i & 1 & listKind) !== 0;
            const arg = ARGS[isSep ? a0 + 1 : a0]!;
            if (arg >= ARG_RULE) {
              const sub = (arg - ARG_RULE) >> 1;
              if ((MAY_START[sub * MAY_START_ROW + (lex.kind >> 4)]! & (1 << (lex.kind & 15))) === 0) {
                i++; // fails at once: as if it had been tried
                back = true;
                break;
              }
              if (sp + PENDING_SLOTS > pending.length) pending = this.growPending();
              pending[sp] = id;
              pending[sp + 1] = i + 1;
              pending[sp + 2] = line;
              sp += PENDING_SLOTS;
              id = sub;
              i = 0;
              line = lex.tokLine;
              continue step;
            }
            i++;
            if (lex.kind !== arg) {
              back = true;
              break;
            }
            if (!isSep) this.pushToken(id);
            lex.next();
          }
        }
        // element i - 1 did not match
        if (i === 1) break rule; // not even one item: the list fails
        back = false;
        let trailingSep = false;
        if (listKind !== 2 && (i & 1) === 1) {
          // an item missing after a separator
          if (listKind === 3) trailingSep = true;
          else this.syntaxError();
        }
        let count = i - 1;
        if ((listKind & 1) !== 0 && ARGS[a0 + 1]! < ARG_RULE) count = (count + 1) >> 1;
        if (count !== 1 || trailingSep) {
          this.pendingTop = sp;
          this.pushRule(line, id, count);
          sp = this.pendingTop;
        }
        // else the single item stays on the stack as it is
        break rule;
      }
      // the rule is done (matched, or failed with `back` set): resume the innermost pending one
      if (sp === 0) break;
      sp -= PENDING_SLOTS;
      id = pending[sp]!;
      i = pending[sp + 1]!;
      line = pending[sp + 2]!;
    }
    this.pendingTop = 0;
  }

  /** A pending stack twice as large, for deeply nested source. */
  private growPending(): Int32Array {
    const larger = new Int32Array(this.pending.length * 2);
    larger.set(this.pending);
    this.pending = larger;
    return larger;
  }

  private completeAnd(id: number, line: number): void {
    const stack = this.stack;
    // Docstrings and other lone constants as statements compile to nothing (no MICROPY_ENABLE_DOC_STRING);
    // 1.8 still evaluated (and discarded) adjacent literals, which its compiler joined.
    if (id === R.expr_stmt && this.opts.inputKind !== "single" && this.peek(0) === null) {
      const p = this.peek(1);
      if (p !== null && (p.kind === "smallint" || p.kind === "string" || p.kind === "token" || (p.kind === "const" && !p.joined))) {
        stack.length -= 2;
        this.pushRule(line, R.pass_stmt, 0);
        return;
      }
    }

    // What this rule pushed: NAME tokens (never null) and every sub-rule (optional ones as null).
    let count = RULE_PUSHED[id]!;
    const flags = RULE_FLAGS[id]!;
    if ((flags & AND_IDENT) !== 0) {
      // a single non-null child is passed through
      const base = stack.length - count;
      let notNull = 0;
      let keep: ParseNode = null;
      for (let x = base; x < stack.length; x++) {
        if (stack[x] !== null) {
          notNull++;
          keep = stack[x]!;
        }
      }
      if (notNull === 1) {
        stack[base] = keep;
        stack.length = base + 1;
        return;
      }
    }
    if ((flags & AND_BLANK) !== 0) {
      stack.push(null);
      count++;
    }
    this.pushRule(line, id, count);
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
