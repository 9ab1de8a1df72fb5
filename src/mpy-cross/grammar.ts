// MicroPython's grammar (py/grammar.h, as mpy-cross 1.27 configures it: async/await, `:=`, slices and
// sets enabled) as a table. The parser interprets it; the rule kinds decide the tree's shape:
//
//   or         first alternative whose first token matches; the alternative's node is the result
//   and        a sequence; builds a node of its rule (tokens are dropped, except NAMEs)
//   and_ident  like `and`, but when only one child is not null, that child is passed through
//   and_blank  like `and`, plus a trailing null child (the compiler keeps data there)
//   list       item (sep item)*         — one item alone is passed through
//   one_or_more item item*
//   list_end   item (sep item)* [sep]   — a trailing separator forces a node even for one item
//
// A rule that fails on its first element backtracks without consuming tokens; failing later is a
// syntax error. Rule names are upstream's, and the compiler dispatches on them.
//
// This module is the grammar's source: tests and scripts/gen-grammar-tables.mjs read it. The parser runs
// from the tables generated from it (grammar-tables.generated.ts), see grammarTables.
import { AND_BLANK, AND_IDENT, ARG_RULE, KIND_AND, KIND_LIST, KIND_OR, MAY_START_ROW, TOK_SLOTS } from "./grammar-layout.js";
import { TOK_COUNT, Tok, Tok as T } from "./tokens.js";

export type RuleKind = "or" | "and" | "list";

export type GrammarArg =
  | { readonly type: "tok"; readonly tok: Tok }
  | { readonly type: "rule"; readonly rule: number; readonly optional: boolean };

export interface GrammarRule {
  readonly id: number;
  readonly name: string;
  readonly kind: RuleKind;
  /** and: pass a single non-null child through. */
  readonly ident: boolean;
  /** and: append a null child. */
  readonly blank: boolean;
  /** list: 1 = separated, 2 = one_or_more, 3 = separated with optional trailing separator. */
  readonly listKind: 1 | 2 | 3;
  readonly args: readonly GrammarArg[];
}

type ArgSpec = Tok | string | { opt: string };
interface RuleSpec {
  kind: RuleKind;
  ident?: boolean;
  blank?: boolean;
  listKind?: 1 | 2 | 3;
  args: ArgSpec[];
}

const or = (...args: ArgSpec[]): RuleSpec => ({ kind: "or", args });
const and = (...args: ArgSpec[]): RuleSpec => ({ kind: "and", args });
const andIdent = (...args: ArgSpec[]): RuleSpec => ({ kind: "and", ident: true, args });
const andBlank = (...args: ArgSpec[]): RuleSpec => ({ kind: "and", blank: true, args });
const list = (item: ArgSpec, sep: ArgSpec): RuleSpec => ({ kind: "list", listKind: 1, args: [item, sep] });
const oneOrMore = (item: ArgSpec): RuleSpec => ({ kind: "list", listKind: 2, args: [item] });
const listEnd = (item: ArgSpec, sep: ArgSpec): RuleSpec => ({ kind: "list", listKind: 3, args: [item, sep] });
const opt = (rule: string): ArgSpec => ({ opt: rule });


// Upstream's order is kept so a reader can follow grammar.h side by side.
const SPECS: Record<string, RuleSpec> = {
  generic_colon_test: andIdent(T.DEL_COLON, "test"),
  generic_equal_test: andIdent(T.DEL_EQUAL, "test"),

  single_input: or(T.NEWLINE, "simple_stmt", "compound_stmt"),
  file_input: andIdent(opt("file_input_2")),
  file_input_2: oneOrMore("file_input_3"),
  file_input_3: or(T.NEWLINE, "stmt"),
  eval_input: andIdent("testlist", opt("eval_input_2")),
  eval_input_2: and(T.NEWLINE),

  decorator: and(T.OP_AT, "dotted_name", opt("trailer_paren"), T.NEWLINE),
  decorators: oneOrMore("decorator"),
  decorated: andIdent("decorators", "decorated_body"),
  decorated_body: or("classdef", "funcdef", "async_funcdef"),
  async_funcdef: and(T.KW_ASYNC, "funcdef"),
  funcdef: andBlank(T.KW_DEF, T.NAME, T.DEL_PAREN_OPEN, opt("typedargslist"), T.DEL_PAREN_CLOSE, opt("funcdefrettype"), T.DEL_COLON, "suite"),
  funcdefrettype: andIdent(T.DEL_MINUS_MORE, "test"),
  typedargslist: listEnd("typedargslist_item", T.DEL_COMMA),
  typedargslist_item: or("typedargslist_name", "typedargslist_star", "typedargslist_dbl_star"),
  typedargslist_name: andIdent(T.NAME, opt("generic_colon_test"), opt("generic_equal_test")),
  typedargslist_star: and(T.OP_STAR, opt("tfpdef")),
  typedargslist_dbl_star: and(T.OP_DBL_STAR, T.NAME, opt("generic_colon_test")),
  tfpdef: and(T.NAME, opt("generic_colon_test")),
  varargslist: listEnd("varargslist_item", T.DEL_COMMA),
  varargslist_item: or("varargslist_name", "varargslist_star", "varargslist_dbl_star"),
  varargslist_name: andIdent(T.NAME, opt("generic_equal_test")),
  varargslist_star: and(T.OP_STAR, opt("vfpdef")),
  varargslist_dbl_star: and(T.OP_DBL_STAR, T.NAME),
  vfpdef: andIdent(T.NAME),

  stmt: or("compound_stmt", "simple_stmt"),
  simple_stmt: andIdent("simple_stmt_2", T.NEWLINE),
  simple_stmt_2: listEnd("small_stmt", T.DEL_SEMICOLON),

  small_stmt: or("del_stmt", "pass_stmt", "flow_stmt", "import_stmt", "global_stmt", "nonlocal_stmt", "assert_stmt", "expr_stmt"),
  expr_stmt: and("testlist_star_expr", opt("expr_stmt_2")),
  expr_stmt_2: or("annassign", "expr_stmt_augassign", "expr_stmt_assign_list"),
  expr_stmt_augassign: andIdent("augassign", "expr_stmt_6"),
  expr_stmt_assign_list: oneOrMore("expr_stmt_assign"),
  expr_stmt_assign: andIdent(T.DEL_EQUAL, "expr_stmt_6"),
  expr_stmt_6: or("yield_expr", "testlist_star_expr"),
  testlist_star_expr: listEnd("testlist_star_expr_2", T.DEL_COMMA),
  testlist_star_expr_2: or("star_expr", "test"),
  annassign: and(T.DEL_COLON, "test", opt("expr_stmt_assign")),
  augassign: or(
    T.DEL_PLUS_EQUAL, T.DEL_MINUS_EQUAL, T.DEL_STAR_EQUAL, T.DEL_AT_EQUAL, T.DEL_SLASH_EQUAL, T.DEL_PERCENT_EQUAL,
    T.DEL_AMPERSAND_EQUAL, T.DEL_PIPE_EQUAL, T.DEL_CARET_EQUAL, T.DEL_DBL_LESS_EQUAL, T.DEL_DBL_MORE_EQUAL,
    T.DEL_DBL_STAR_EQUAL, T.DEL_DBL_SLASH_EQUAL,
  ),

  del_stmt: and(T.KW_DEL, "exprlist"),
  pass_stmt: and(T.KW_PASS),
  flow_stmt: or("break_stmt", "continue_stmt", "return_stmt", "raise_stmt", "yield_stmt"),
  break_stmt: and(T.KW_BREAK),
  continue_stmt: and(T.KW_CONTINUE),
  return_stmt: and(T.KW_RETURN, opt("testlist")),
  yield_stmt: and("yield_expr"),
  raise_stmt: and(T.KW_RAISE, opt("raise_stmt_arg")),
  raise_stmt_arg: andIdent("test", opt("raise_stmt_from")),
  raise_stmt_from: andIdent(T.KW_FROM, "test"),

  import_stmt: or("import_name", "import_from"),
  import_name: and(T.KW_IMPORT, "dotted_as_names"),
  import_from: and(T.KW_FROM, "import_from_2", T.KW_IMPORT, "import_from_3"),
  import_from_2: or("dotted_name", "import_from_2b"),
  import_from_2b: andIdent("one_or_more_period_or_ellipsis", opt("dotted_name")),
  import_from_3: or(T.OP_STAR, "import_as_names_paren", "import_as_names"),
  import_as_names_paren: andIdent(T.DEL_PAREN_OPEN, "import_as_names", T.DEL_PAREN_CLOSE),
  one_or_more_period_or_ellipsis: oneOrMore("period_or_ellipsis"),
  period_or_ellipsis: or(T.DEL_PERIOD, T.ELLIPSIS),
  import_as_name: and(T.NAME, opt("as_name")),
  dotted_as_name: andIdent("dotted_name", opt("as_name")),
  as_name: andIdent(T.KW_AS, T.NAME),
  import_as_names: listEnd("import_as_name", T.DEL_COMMA),
  dotted_as_names: list("dotted_as_name", T.DEL_COMMA),
  dotted_name: list(T.NAME, T.DEL_PERIOD),
  global_stmt: and(T.KW_GLOBAL, "name_list"),
  nonlocal_stmt: and(T.KW_NONLOCAL, "name_list"),
  name_list: list(T.NAME, T.DEL_COMMA),
  assert_stmt: and(T.KW_ASSERT, "test", opt("assert_stmt_extra")),
  assert_stmt_extra: andIdent(T.DEL_COMMA, "test"),

  compound_stmt: or("if_stmt", "while_stmt", "for_stmt", "try_stmt", "with_stmt", "funcdef", "classdef", "decorated", "async_stmt"),
  async_stmt: and(T.KW_ASYNC, "async_stmt_2"),
  async_stmt_2: or("funcdef", "with_stmt", "for_stmt"),
  if_stmt: and(T.KW_IF, "namedexpr_test", T.DEL_COLON, "suite", opt("if_stmt_elif_list"), opt("else_stmt")),
  if_stmt_elif_list: oneOrMore("if_stmt_elif"),
  if_stmt_elif: and(T.KW_ELIF, "namedexpr_test", T.DEL_COLON, "suite"),
  while_stmt: and(T.KW_WHILE, "namedexpr_test", T.DEL_COLON, "suite", opt("else_stmt")),
  for_stmt: and(T.KW_FOR, "exprlist", T.KW_IN, "testlist", T.DEL_COLON, "suite", opt("else_stmt")),
  try_stmt: and(T.KW_TRY, T.DEL_COLON, "suite", "try_stmt_2"),
  try_stmt_2: or("try_stmt_except_and_more", "try_stmt_finally"),
  try_stmt_except_and_more: andIdent("try_stmt_except_list", opt("else_stmt"), opt("try_stmt_finally")),
  try_stmt_except: and(T.KW_EXCEPT, opt("try_stmt_as_name"), T.DEL_COLON, "suite"),
  try_stmt_as_name: andIdent("test", opt("as_name")),
  try_stmt_except_list: oneOrMore("try_stmt_except"),
  try_stmt_finally: and(T.KW_FINALLY, T.DEL_COLON, "suite"),
  else_stmt: andIdent(T.KW_ELSE, T.DEL_COLON, "suite"),
  with_stmt: and(T.KW_WITH, "with_stmt_list", T.DEL_COLON, "suite"),
  with_stmt_list: list("with_item", T.DEL_COMMA),
  with_item: andIdent("test", opt("with_item_as")),
  with_item_as: andIdent(T.KW_AS, "expr"),
  suite: or("suite_block", "simple_stmt"),
  suite_block: andIdent(T.NEWLINE, T.INDENT, "suite_block_stmts", T.DEDENT),
  suite_block_stmts: oneOrMore("stmt"),

  namedexpr_test: andIdent("test", opt("namedexpr_test_2")),
  namedexpr_test_2: andIdent(T.OP_ASSIGN, "test"),
  test: or("lambdef", "test_if_expr"),
  test_if_expr: andIdent("or_test", opt("test_if_else")),
  test_if_else: and(T.KW_IF, "or_test", T.KW_ELSE, "test"),
  test_nocond: or("lambdef_nocond", "or_test"),
  lambdef: andBlank(T.KW_LAMBDA, opt("varargslist"), T.DEL_COLON, "test"),
  lambdef_nocond: andBlank(T.KW_LAMBDA, opt("varargslist"), T.DEL_COLON, "test_nocond"),

  or_test: list("and_test", T.KW_OR),
  and_test: list("not_test", T.KW_AND),
  not_test: or("not_test_2", "comparison"),
  not_test_2: and(T.KW_NOT, "not_test"),
  comparison: list("expr", "comp_op"),
  comp_op: or(T.OP_LESS, T.OP_MORE, T.OP_DBL_EQUAL, T.OP_LESS_EQUAL, T.OP_MORE_EQUAL, T.OP_NOT_EQUAL, T.KW_IN, "comp_op_not_in", "comp_op_is"),
  comp_op_not_in: and(T.KW_NOT, T.KW_IN),
  comp_op_is: and(T.KW_IS, opt("comp_op_is_not")),
  comp_op_is_not: and(T.KW_NOT),
  star_expr: and(T.OP_STAR, "expr"),
  expr: list("xor_expr", T.OP_PIPE),
  xor_expr: list("and_expr", T.OP_CARET),
  and_expr: list("shift_expr", T.OP_AMPERSAND),
  shift_expr: list("arith_expr", "shift_op"),
  shift_op: or(T.OP_DBL_LESS, T.OP_DBL_MORE),
  arith_expr: list("term", "arith_op"),
  arith_op: or(T.OP_PLUS, T.OP_MINUS),
  term: list("factor", "term_op"),
  term_op: or(T.OP_STAR, T.OP_AT, T.OP_SLASH, T.OP_PERCENT, T.OP_DBL_SLASH),
  factor: or("factor_2", "power"),
  factor_2: andIdent("factor_op", "factor"),
  factor_op: or(T.OP_PLUS, T.OP_MINUS, T.OP_TILDE),
  power: andIdent("atom_expr", opt("power_dbl_star")),
  atom_expr: or("atom_expr_await", "atom_expr_normal"),
  atom_expr_await: and(T.KW_AWAIT, "atom", opt("atom_expr_trailers")),
  atom_expr_normal: andIdent("atom", opt("atom_expr_trailers")),
  atom_expr_trailers: oneOrMore("trailer"),
  power_dbl_star: andIdent(T.OP_DBL_STAR, "factor"),

  atom: or(T.NAME, T.INTEGER, T.FLOAT_OR_IMAG, T.STRING, T.BYTES, T.ELLIPSIS, T.KW_NONE, T.KW_TRUE, T.KW_FALSE, "atom_paren", "atom_bracket", "atom_brace"),
  atom_paren: and(T.DEL_PAREN_OPEN, opt("atom_2b"), T.DEL_PAREN_CLOSE),
  atom_2b: or("yield_expr", "testlist_comp"),
  atom_bracket: and(T.DEL_BRACKET_OPEN, opt("testlist_comp"), T.DEL_BRACKET_CLOSE),
  atom_brace: and(T.DEL_BRACE_OPEN, opt("dictorsetmaker"), T.DEL_BRACE_CLOSE),
  testlist_comp: andIdent("testlist_comp_2", opt("testlist_comp_3")),
  testlist_comp_2: or("star_expr", "namedexpr_test"),
  testlist_comp_3: or("comp_for", "testlist_comp_3b"),
  testlist_comp_3b: andIdent(T.DEL_COMMA, opt("testlist_comp_3c")),
  testlist_comp_3c: listEnd("testlist_comp_2", T.DEL_COMMA),
  trailer: or("trailer_paren", "trailer_bracket", "trailer_period"),
  trailer_paren: and(T.DEL_PAREN_OPEN, opt("arglist"), T.DEL_PAREN_CLOSE),
  trailer_bracket: and(T.DEL_BRACKET_OPEN, "subscriptlist", T.DEL_BRACKET_CLOSE),
  trailer_period: and(T.DEL_PERIOD, T.NAME),

  subscriptlist: listEnd("subscript", T.DEL_COMMA),
  subscript: or("subscript_3", "subscript_2"),
  subscript_2: andIdent("test", opt("subscript_3")),
  subscript_3: and(T.DEL_COLON, opt("subscript_3b")),
  subscript_3b: or("subscript_3c", "subscript_3d"),
  subscript_3c: and(T.DEL_COLON, opt("test")),
  subscript_3d: andIdent("test", opt("sliceop")),
  sliceop: and(T.DEL_COLON, opt("test")),

  exprlist: listEnd("exprlist_2", T.DEL_COMMA),
  exprlist_2: or("star_expr", "expr"),
  testlist: listEnd("test", T.DEL_COMMA),
  dictorsetmaker: andIdent("dictorsetmaker_item", opt("dictorsetmaker_tail")),
  dictorsetmaker_item: andIdent("test", opt("generic_colon_test")),
  dictorsetmaker_tail: or("comp_for", "dictorsetmaker_list"),
  dictorsetmaker_list: and(T.DEL_COMMA, opt("dictorsetmaker_list2")),
  dictorsetmaker_list2: listEnd("dictorsetmaker_item", T.DEL_COMMA),

  classdef: andBlank(T.KW_CLASS, T.NAME, opt("classdef_2"), T.DEL_COLON, "suite"),
  classdef_2: andIdent(T.DEL_PAREN_OPEN, opt("arglist"), T.DEL_PAREN_CLOSE),

  arglist: listEnd("arglist_2", T.DEL_COMMA),
  arglist_2: or("arglist_star", "arglist_dbl_star", "argument"),
  arglist_star: and(T.OP_STAR, "test"),
  arglist_dbl_star: and(T.OP_DBL_STAR, "test"),

  argument: andIdent("test", opt("argument_2")),
  argument_2: or("comp_for", "generic_equal_test", "argument_3"),
  argument_3: and(T.OP_ASSIGN, "test"),
  comp_iter: or("comp_for", "comp_if"),
  comp_for: andBlank(T.KW_FOR, "exprlist", T.KW_IN, "or_test", opt("comp_iter")),
  comp_if: and(T.KW_IF, "test_nocond", opt("comp_iter")),

  yield_expr: and(T.KW_YIELD, opt("yield_arg")),
  yield_arg: or("yield_arg_from", "testlist"),
  yield_arg_from: and(T.KW_FROM, "test"),
};

function build(): { rules: GrammarRule[]; byName: Map<string, GrammarRule> } {
  const names = Object.keys(SPECS);
  const ids = new Map(names.map((n, i) => [n, i]));
  const resolve = (name: string): number => {
    const id = ids.get(name);
    if (id === undefined) throw new Error(`grammar: unknown rule ${name}`);
    return id;
  };
  const rules = names.map((name, id): GrammarRule => {
    const s = SPECS[name]!;
    const args = s.args.map((a): GrammarArg => {
      if (typeof a === "number") return { type: "tok", tok: a };
      if (typeof a === "string") return { type: "rule", rule: resolve(a), optional: false };
      return { type: "rule", rule: resolve(a.opt), optional: true };
    });
    return { id, name, kind: s.kind, ident: s.ident ?? false, blank: s.blank ?? false, listKind: s.listKind ?? 1, args };
  });
  return { rules, byName: new Map(rules.map((r) => [r.name, r])) };
}

const built = build();
export const RULES: readonly GrammarRule[] = built.rules;

export function ruleId(name: string): number {
  const r = built.byName.get(name);
  if (r === undefined) throw new Error(`grammar: unknown rule ${name}`);
  return r.id;
}

/** The grammar as the rule machine's flat tables (grammar-layout.ts says what each holds). */
export interface GrammarTables {
  ruleNames: string[];
  ruleKind: Uint8Array;
  ruleArg0: Uint16Array;
  ruleNargs: Uint8Array;
  ruleFlags: Uint8Array;
  rulePushed: Uint8Array;
  args: Uint16Array;
  mayStart: Uint16Array;
}

/**
 * The tables computed from SPECS. The parser does not call this: it reads the same tables from
 * grammar-tables.generated.ts (written by scripts/gen-grammar-tables.mjs from this function), because
 * building them here took ~2 ms and ~100 fresh memory pages of every one-file compile's start.
 * test/mpy-cross/grammar.test.ts fails when the two differ.
 */
export function grammarTables(): GrammarTables {
  const rules = built.rules;
  const n = rules.length;
  const t: GrammarTables = {
    ruleNames: rules.map((r) => r.name),
    ruleKind: new Uint8Array(n),
    ruleArg0: new Uint16Array(n),
    ruleNargs: new Uint8Array(n),
    ruleFlags: new Uint8Array(n),
    rulePushed: new Uint8Array(n),
    args: new Uint16Array(0),
    mayStart: computeMayStart(rules),
  };
  const allArgs: number[] = [];
  for (const r of rules) {
    t.ruleKind[r.id] = r.kind === "or" ? KIND_OR : r.kind === "and" ? KIND_AND : KIND_LIST;
    t.ruleArg0[r.id] = allArgs.length;
    t.ruleNargs[r.id] = r.args.length;
    t.ruleFlags[r.id] = r.kind === "list" ? r.listKind : (r.ident ? AND_IDENT : 0) | (r.blank ? AND_BLANK : 0);
    t.rulePushed[r.id] = r.args.filter((a) => a.type === "rule" || a.tok === Tok.NAME).length;
    for (const a of r.args) allArgs.push(a.type === "tok" ? a.tok : ARG_RULE + ((a.rule << 1) | (a.optional ? 1 : 0)));
  }
  t.args = Uint16Array.from(allArgs);
  return t;
}

/** MAY_START in the parser's layout (grammar-layout.ts: a bit per rule and token, 16 to a word). */
function computeMayStart(rules: readonly GrammarRule[]): Uint16Array {
  if (TOK_COUNT > TOK_SLOTS) throw new Error("grammar: more token kinds than TOK_SLOTS");
  const table = new Uint16Array(rules.length * MAY_START_ROW);
  // Each rule's FIRST set from its parts', every rule once (depth first): the grammar has no left
  // recursion, so no rule needs its own row before that row is done.
  const state = new Uint8Array(rules.length); // 0 not seen, 1 being computed, 2 done
  const visit = (id: number): void => {
    if (state[id] === 2) return;
    if (state[id] === 1) throw new Error(`grammar: left recursion through ${rules[id]!.name}`);
    state[id] = 1;
    const r = rules[id]!;
    const first = r.args[0]!;
    const row = id * MAY_START_ROW;
    if (r.kind !== "or" && first.type === "rule" && first.optional) {
      // an and / list whose first element is optional may match at any token
      table.fill(0xffff, row, row + MAY_START_ROW);
    } else {
      // or: fails only when every alternative fails; and / list: exactly when the first element (item) fails
      const starts = r.kind === "or" ? r.args : [first];
      for (const a of starts) {
        if (a.type === "tok") {
          table[row + (a.tok >> 4)]! |= 1 << (a.tok & 15);
        } else {
          visit(a.rule);
          const from = a.rule * MAY_START_ROW;
          for (let w = 0; w < MAY_START_ROW; w++) table[row + w]! |= table[from + w]!;
        }
      }
    }
    state[id] = 2;
  };
  for (const r of rules) visit(r.id);
  return table;
}
