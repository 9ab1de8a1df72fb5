// The typed seam between the parser and the compiler.
//
// The tree has the same shape as MicroPython's own parse tree (py/parse.h): the compiler is written
// against upstream's py/compile.c, which inspects node kinds, rule ids and child counts, so any drift in
// shape here would change the bytecode. Rule names are upstream's grammar rule names (py/grammar.h)
// without the `RULE_` prefix, e.g. "expr_stmt", "atom_paren", "testlist_comp". Token kinds are the
// numeric values of `Tok` (./tokens.ts), in upstream's order, because the compiler maps operator tokens
// to binary/unary op numbers by offset.
import type { Tok } from "./tokens.js";

/**
 * A value the parser folded or read that does not fit a leaf: big ints, floats, complex, long strings, bytes.
 * Also, because mpy-cross builds with MICROPY_COMP_CONST_TUPLE and MICROPY_COMP_CONST: tuples of constants
 * (`(1, "a", None)` becomes one tuple object), and the value of a `const()` name used later, which can be
 * None/True/False/Ellipsis or an interned str (`qstr: true`: upstream holds a qstr object, not a heap str).
 */
export type PyConstant =
  // `mpz`: the parser's VM held the value as a big-int object although it may be small (a folded result
  // before 1.24); 1.18 compiled such a node as a constant object rather than a small int
  | { readonly type: "int"; readonly value: bigint; readonly mpz?: boolean }
  | { readonly type: "float"; readonly value: number }
  | { readonly type: "complex"; readonly imag: number }
  | { readonly type: "str"; readonly value: string; readonly qstr?: boolean }
  | { readonly type: "bytes"; readonly value: Uint8Array }
  | { readonly type: "none" }
  | { readonly type: "bool"; readonly value: boolean }
  | { readonly type: "ellipsis" }
  | { readonly type: "tuple"; readonly items: readonly PyConstant[] };

/** MP_PARSE_NODE_SMALL_INT: an integer that fits the target's small-int range. */
// (a bigint only beyond 2^53, which -msmall-int-bits above 54 allows; a number otherwise)
export interface SmallIntLeaf { readonly kind: "smallint"; readonly value: number | bigint }
/** MP_PARSE_NODE_ID: an identifier. */
export interface IdLeaf { readonly kind: "id"; readonly name: string }
/** MP_PARSE_NODE_STRING: a str literal the parser kept as an interned string. */
export interface StringLeaf { readonly kind: "string"; readonly value: string }
/** MP_PARSE_NODE_TOKEN: a keyword or operator token kept in the tree (None, True, ..., operators). */
export interface TokenLeaf { readonly kind: "token"; readonly tok: Tok }
/** A rule node (mp_parse_node_struct_t): rule name, the source line it started on, its children. */
export interface StructNode {
  readonly kind: "struct";
  readonly rule: string;
  readonly line: number;
  readonly nodes: ParseNode[];
}
/** RULE_const_object: a constant object held by the tree. */
export interface ConstNode {
  readonly kind: "const";
  readonly line: number;
  readonly value: PyConstant;
  /** 1.8's RULE atom_string: adjacent literals its compiler joined into a new object (never interned). */
  readonly joined?: true;
  /** Joined str and bytes literals, which 1.8's compiler refused. */
  readonly mixedKinds?: true;
}

/** null is MP_PARSE_NODE_NULL (an absent optional part). */
export type ParseNode = null | SmallIntLeaf | IdLeaf | StringLeaf | TokenLeaf | StructNode | ConstNode;

export type InputKind = "single" | "file" | "eval";

export interface ParseTree {
  readonly root: ParseNode;
  readonly inputKind: InputKind;
  /** Every string the parse made a qstr, in the order mpy-cross would have created it (the file name
   * and -s name first). Pre-1.12 .mpy files hold some qstrs as mpy-cross's own numbers, which follow
   * this order for qstrs its binary does not contain. */
  readonly createdQstrs?: readonly string[];
}

// Every node is made by one constructor that sets every field (those a kind lacks stay undefined), so
// all nodes share one hidden class: the compiler's many `pn.kind` / `pn.rule` / `pn.nodes` sites see one
// map instead of five (past four a property access is megamorphic, and optimised code that met a new
// node shape late was thrown away and rebuilt). The interfaces above stay the typed view.
class Node {
  declare readonly kind: string;
  declare readonly rule: string | undefined;
  declare readonly line: number | undefined;
  declare readonly nodes: ParseNode[] | undefined;
  declare readonly value: unknown;
  declare readonly name: string | undefined;
  declare readonly tok: Tok | undefined;
  declare readonly joined: true | undefined;
  declare readonly mixedKinds: true | undefined;
  constructor(
    kind: string, rule: string | undefined, line: number | undefined, nodes: ParseNode[] | undefined, value: unknown,
    name: string | undefined, tok: Tok | undefined, joined: true | undefined, mixedKinds: true | undefined,
  ) {
    this.kind = kind;
    this.rule = rule;
    this.line = line;
    this.nodes = nodes;
    this.value = value;
    this.name = name;
    this.tok = tok;
    this.joined = joined;
    this.mixedKinds = mixedKinds;
  }
}

/** A rule node of `rule`. */
export function structNode(rule: string, line: number, nodes: ParseNode[]): StructNode {
  return new Node("struct", rule, line, nodes, undefined, undefined, undefined, undefined, undefined) as StructNode;
}

/** A small-int leaf. */
export function smallIntLeaf(value: number | bigint): SmallIntLeaf {
  return new Node("smallint", undefined, undefined, undefined, value, undefined, undefined, undefined, undefined) as SmallIntLeaf;
}

/** An identifier leaf. */
export function idLeaf(name: string): IdLeaf {
  return new Node("id", undefined, undefined, undefined, undefined, name, undefined, undefined, undefined) as IdLeaf;
}

/** An interned-string leaf. */
export function stringLeaf(value: string): StringLeaf {
  return new Node("string", undefined, undefined, undefined, value, undefined, undefined, undefined, undefined) as StringLeaf;
}

// Token leaves are immutable and carry nothing but the token, so every parse shares one per token kind
// (operators and keywords are a large share of the leaves the tree keeps).
const TOKEN_LEAVES: TokenLeaf[] = [];

/** The token leaf of `tok` (one shared object per token kind). */
export function tokenLeaf(tok: Tok): TokenLeaf {
  return (TOKEN_LEAVES[tok] ??= new Node("token", undefined, undefined, undefined, undefined, undefined, tok, undefined, undefined) as TokenLeaf);
}

/** A constant-object node; `joined`/`mixedKinds` only for 1.8's joined literals. */
export function constNode(line: number, value: PyConstant, joined?: true, mixedKinds?: true): ConstNode {
  return new Node("const", undefined, line, undefined, value, undefined, undefined, joined, mixedKinds) as ConstNode;
}

// Fields that hold both small ints and heap objects are generalised once, here, rather than while the
// first file's optimised code runs (a field's representation changing deprecates the map).
smallIntLeaf(0);
stringLeaf("");
smallIntLeaf(0.5);
structNode("", 0, []);
constNode(0, { type: "none" }, true, true);
