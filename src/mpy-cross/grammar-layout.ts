// How the rule machine's grammar tables (grammar-tables.generated.ts, made from grammar.ts) are laid
// out. Flat small-int typed arrays because the parser reads them once per step, and they are far
// cheaper to read than rule objects while its code is still cold (a directory run of 500 files spends
// most of its parse in not yet optimised code).
//
//   RULE_KIND[rule]    KIND_*
//   RULE_ARG0[rule]    where the rule's elements start in ARGS; RULE_NARGS[rule] how many there are
//   RULE_FLAGS[rule]   list: listKind (1 separated, 2 one_or_more, 3 separated with optional trailing
//                      separator); and: AND_IDENT | AND_BLANK
//   RULE_PUSHED[rule]  and: the results it leaves on the stack (its NAME tokens and sub-rules, optional
//                      ones as null)
//   ARGS[i]            below ARG_RULE a token; from it on, ARG_RULE + (rule << 1 | optional)
//   MAY_START          a bit per rule and token (mayStartBit): bit tok & 15 of 16-bit word
//                      rule * MAY_START_ROW + (tok >> 4). As words in a literal, not a 0/1 byte per
//                      entry spread from hex at every start (that took ~0.3 ms, in cold code, and
//                      25 KB; decoding base64 through Buffer.from was ~0.1 ms, most of it Buffer's
//                      first use in the run)
//                      0 when `rule`, tried at token `tok`, certainly fails without consuming or
//                      pushing anything (tok is in no FIRST set of it), so the parser need not descend
//                      into it to find out: most descents are such failures (each statement tries every
//                      compound statement, each operand every operator). 1 means "may match". It is
//                      conservative: a rule whose first element is optional may succeed at any token,
//                      and tokens a dialect lacks (absentSyntax) still count as starts, so the rule
//                      machine itself decides those.

/** Row width of MAY_START: one entry per token kind. */
export const TOK_SLOTS = 128;
export const KIND_OR = 0;
export const KIND_AND = 1;
export const KIND_LIST = 2;
export const ARG_RULE = TOK_SLOTS;
export const AND_IDENT = 1;
export const AND_BLANK = 2;

/** 16-bit words per rule in MAY_START: a bit per token kind. */
export const MAY_START_ROW = TOK_SLOTS / 16;

/** MAY_START's bit for `rule` tried at token `tok` (the parser has the same test written out). */
export function mayStartBit(table: Uint16Array, rule: number, tok: number): number {
  return (table[rule * MAY_START_ROW + (tok >> 4)]! >> (tok & 15)) & 1;
}
