// Small questions the compiler asks of parse nodes (upstream's MP_PARSE_NODE_* macros and the
// parse-node helpers of py/parse.c).
import type { ParseNode, SmallIntLeaf, StructNode } from "./parse-tree.js";
import { constIsTrue, type ConstObj } from "./constants.js";
import { Tok } from "./tokens.js";

export function isStruct(pn: ParseNode): pn is StructNode;
export function isStruct<R extends string>(pn: ParseNode, rule: R): pn is StructNode & { readonly rule: R };
export function isStruct(pn: ParseNode, rule?: string): boolean {
  return pn !== null && pn.kind === "struct" && (rule === undefined || pn.rule === rule);
}

export function isId(pn: ParseNode): pn is { kind: "id"; name: string } {
  return pn !== null && pn.kind === "id";
}

export function isToken(pn: ParseNode, tok?: Tok): boolean {
  return pn !== null && pn.kind === "token" && (tok === undefined || pn.tok === tok);
}

export function isLeaf(pn: ParseNode): boolean {
  return pn !== null && (pn.kind === "id" || pn.kind === "smallint" || pn.kind === "string" || pn.kind === "token");
}

export function isSmallInt(pn: ParseNode): pn is SmallIntLeaf {
  return pn !== null && pn.kind === "smallint";
}

export function idName(pn: ParseNode): string {
  if (pn === null || pn.kind !== "id") throw new Error(`internal: expected an identifier, got ${pn?.kind}`);
  return pn.name;
}

export function tokOf(pn: ParseNode): Tok {
  if (pn === null || pn.kind !== "token") throw new Error(`internal: expected a token, got ${pn?.kind}`);
  return pn.tok;
}

/** The children of a list node of kind `rule`, or the node itself as a one-item list (upstream's extract_list). */
export function extractList(pn: ParseNode, rule: string): ParseNode[] {
  if (pn === null) return [];
  if (pn.kind === "struct" && pn.rule === rule) return pn.nodes;
  return [pn];
}

/** The constant a node stands for, when it is one (small int, string, None/True/False/..., const object, `()`). */
export function constValue(pn: ParseNode, smallIntBits: number): ConstObj | undefined {
  if (pn === null) return undefined;
  switch (pn.kind) {
    case "smallint": {
      return { type: "int", value: BigInt(pn.value) };
    }
    case "string":
      return { type: "str", value: pn.value, qstr: true };
    case "token":
      if (pn.tok === Tok.KW_NONE) return { type: "none" };
      if (pn.tok === Tok.KW_FALSE) return { type: "bool", value: false };
      if (pn.tok === Tok.KW_TRUE) return { type: "bool", value: true };
      if (pn.tok === Tok.ELLIPSIS) return { type: "ellipsis" };
      return undefined;
    case "const":
      return pn.value;
    case "struct":
      if (pn.rule === "atom_paren" && pn.nodes[0] === null) return { type: "tuple", items: [] };
      return undefined;
    default:
      void smallIntBits;
      return undefined;
  }
}

export function isConstFalse(pn: ParseNode): boolean {
  const c = constValue(pn, 31);
  return c !== undefined && !constIsTrue(c);
}

export function isConstTrue(pn: ParseNode): boolean {
  const c = constValue(pn, 31);
  return c !== undefined && constIsTrue(c);
}

/** A small int's leaf value: a plain number while that is exact. */
export function smallIntLeafValue(v: bigint): number | bigint {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
}
