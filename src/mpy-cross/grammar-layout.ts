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
//   MAY_START[rule * TOK_SLOTS + tok]
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

/**
 * MAY_START from its generated form: a hex digit per four entries, lowest bit first. Each digit is
 * written as one 32-bit word of four 0/1 bytes where the host is little-endian (this runs at every
 * start, in cold code: a loop per byte took ~1 ms).
 */
export function mayStartFromHex(hex: string, rules: number): Uint8Array {
  const table = new Uint8Array(rules * TOK_SLOTS);
  const words = new Uint32Array(table.buffer);
  const spread = new Uint32Array(16);
  for (let d = 0; d < 16; d++) spread[d] = (d & 1) | ((d & 2) << 7) | ((d & 4) << 14) | ((d & 8) << 21);
  const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  for (let i = 0; i < hex.length; i++) {
    const c = hex.charCodeAt(i);
    const d = c <= 57 ? c - 48 : c - 87;
    if (littleEndian) words[i] = spread[d]!;
    else for (let b = 0; b < 4; b++) table[i * 4 + b] = (d >> b) & 1;
  }
  return table;
}
