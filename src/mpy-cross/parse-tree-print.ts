// A readable dump of a parse tree, laid out like upstream's mp_parse_node_print (debug builds of
// MicroPython print the same shape): struct nodes carry their source line in a left column, children
// are indented by two, tokens print as their Tok number.
import type { ParseNode, ParseTree, PyConstant } from "./parse-tree.js";
import { tokName } from "./tokens.js";

/** Python-style repr of a float, as CPython and MicroPython's exact formatter write it. */
export function floatRepr(v: number): string {
  if (Number.isNaN(v)) return "nan";
  if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
  if (v === 0) return Object.is(v, -0) ? "-0.0" : "0.0";
  const [mantissa, expText] = v.toExponential().split("e") as [string, string];
  const exp = Number(expText);
  const neg = mantissa.startsWith("-");
  const digits = mantissa.replace("-", "").replace(".", "");
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    out = `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  } else if (exp < 0) {
    out = `0.${"0".repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${"0".repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

function quoteBytesLike(codes: Iterable<number>, isBytes: boolean, text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const c of codes) {
    if (c === quote.charCodeAt(0) || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) out += "\\n";
    else if (c === 0x0d) out += "\\r";
    else if (c === 0x09) out += "\\t";
    else if (c < 0x20 || c === 0x7f || (isBytes && c >= 0x80) || (c >= 0x80 && c < 0x100)) {
      out += `\\x${c.toString(16).padStart(2, "0")}`;
    } else if (c >= 0x100 && c < 0x10000) out += `\\u${c.toString(16).padStart(4, "0")}`;
    else if (c >= 0x10000) out += `\\U${c.toString(16).padStart(8, "0")}`;
    else out += String.fromCharCode(c);
  }
  return `${isBytes ? "b" : ""}${quote}${out}${quote}`;
}

/** Python repr of a constant. */
export function constantRepr(c: PyConstant): string {
  switch (c.type) {
    case "int": return c.value.toString();
    case "float": return floatRepr(c.value);
    case "complex": {
      const r = floatRepr(c.imag);
      return `${r.endsWith(".0") ? r.slice(0, -2) : r}j`;
    }
    case "str": {
      const codes = Array.from(c.value, (ch) => ch.codePointAt(0)!);
      return quoteBytesLike(codes, false, c.value);
    }
    case "bytes": return quoteBytesLike(c.value, true, String.fromCharCode(...c.value));
    case "none": return "None";
    case "bool": return c.value ? "True" : "False";
    case "ellipsis": return "Ellipsis";
    case "tuple":
      return c.items.length === 1 ? `(${constantRepr(c.items[0]!)},)` : `(${c.items.map(constantRepr).join(", ")})`;
  }
}

function printNode(pn: ParseNode, indent: number, out: string[], tokNames: boolean): void {
  const gutter = pn !== null && (pn.kind === "struct" || pn.kind === "const")
    ? `[${` ${pn.line}`.padStart(4)}] `
    : "       ";
  const pad = " ".repeat(indent);
  if (pn === null) {
    out.push(`${gutter}${pad}NULL`);
    return;
  }
  switch (pn.kind) {
    case "smallint":
      out.push(`${gutter}${pad}int(${pn.value})`);
      return;
    case "id":
      out.push(`${gutter}${pad}id(${pn.name})`);
      return;
    case "string":
      out.push(`${gutter}${pad}str(${pn.value})`);
      return;
    case "token":
      out.push(`${gutter}${pad}tok(${tokNames ? tokName(pn.tok) : pn.tok})`);
      return;
    case "const":
      out.push(`${gutter}${pad}literal const=${constantRepr(pn.value)}`);
      return;
    case "struct":
      out.push(`${gutter}${pad}${pn.rule} (n=${pn.nodes.length})`);
      for (const child of pn.nodes) printNode(child, indent + 2, out, tokNames);
  }
}

/**
 * The tree as text, one node per line. `tokNames` prints token kinds by name instead of number
 * (numbers match upstream's own printer).
 */
export function formatParseTree(tree: ParseTree | ParseNode, opts: { tokNames?: boolean } = {}): string {
  const root = tree !== null && "root" in tree ? tree.root : (tree as ParseNode);
  const out: string[] = [];
  printNode(root, 0, out, opts.tokNames ?? false);
  return out.join("\n") + "\n";
}
