// Build step for the bundles (bundle-compiler.mjs): the indentation at the start of each line removed.
// A short command reads its bundle whole at every start, about 2 bytes of fresh memory per byte, and
// esbuild's two-space indentation was ~18% of the compiler bundle. Lines stay where they are, so no
// two tokens can run together and automatic semicolons fall as before; only text inside a literal that
// spans lines (a template literal, a string continued with a backslash) keeps its leading spaces, since
// there they are part of the value. (esbuild's own minifyWhitespace, which joins lines too, made the
// one-file compile slower in wall time, though it touched less memory.)
import ts from "typescript";

/** The [start, end) offsets of every literal in `text` that spans lines. */
function multiLineLiterals(text) {
  const source = ts.createSourceFile("bundle.js", text, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const ranges = [];
  const visit = (node) => {
    if (
      ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node) || ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node) || ts.isStringLiteral(node)
    ) {
      const start = node.getStart(source);
      const nl = text.indexOf("\n", start);
      if (nl !== -1 && nl < node.end) ranges.push([start, node.end]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  if (source.parseDiagnostics?.length) throw new Error(`strip-indentation: the bundle does not parse: ${source.parseDiagnostics[0].messageText}`);
  return ranges.sort((a, b) => a[0] - b[0]);
}

/** `text` (a script) with each line's leading spaces and tabs removed, but inside literals that span lines. */
export function stripIndentation(text) {
  const ranges = multiLineLiterals(text);
  let out = "";
  let r = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf("\n", pos);
    const lineEnd = nl === -1 ? text.length : nl + 1;
    while (r < ranges.length && ranges[r][1] <= pos) r++;
    const insideLiteral = r < ranges.length && ranges[r][0] < pos;
    let start = pos;
    if (!insideLiteral) while (start < lineEnd && (text[start] === " " || text[start] === "\t")) start++;
    out += text.slice(start, lineEnd);
    pos = lineEnd;
  }
  return out;
}
