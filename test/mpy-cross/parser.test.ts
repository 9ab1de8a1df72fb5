import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CompileError } from "../../src/mpy-cross/compile-error.js";
import { parse } from "../../src/mpy-cross/parser.js";
import { formatParseTree } from "../../src/mpy-cross/parse-tree-print.js";
import type { ParseNode, StructNode } from "../../src/mpy-cross/parse-tree.js";
import { Tok } from "../../src/mpy-cross/tokens.js";
import { sharedPath } from "../helpers/shared-corpus.js";

const conformance = sharedPath("conformance", "the parser run over the conformance corpus");
const corpusDir = path.join(conformance ?? "", "corpus");
const failedList = path.join(conformance ?? "", "golden/6.3/FAILED.txt");

const tree = (src: string, opts: Partial<Parameters<typeof parse>[1]> = {}): string =>
  formatParseTree(parse(src, { filename: "case.py", ...opts }));

/** The root's statements (file_input_2 children, or the single statement). */
function statements(src: string, opts: Partial<Parameters<typeof parse>[1]> = {}): ParseNode[] {
  const root = parse(src, { filename: "case.py", ...opts }).root;
  return root !== null && root.kind === "struct" && root.rule === "file_input_2" ? root.nodes : [root];
}

/** The value side of `name = value`. */
function rhs(src: string, opts: Partial<Parameters<typeof parse>[1]> = {}): ParseNode {
  const stmt = statements(src, opts)[0] as StructNode;
  expect(stmt.rule).toBe("expr_stmt");
  return stmt.nodes[1]!;
}

function compileError(src: string, opts: Partial<Parameters<typeof parse>[1]> = {}): CompileError {
  try {
    parse(src, { filename: "case.py", ...opts });
  } catch (e) {
    if (e instanceof CompileError) return e;
    throw e;
  }
  throw new Error("expected a CompileError");
}

// Expected trees and error texts below were produced by upstream mpy-cross 1.27 itself (a build with its
// debug parse-tree printer), normalised to formatParseTree's layout: rule names without their numbers,
// constant objects without their addresses. Tokens print as their number (Tok enum = upstream's order).
const UPSTREAM_TREES: readonly { name: string; src: string; tree: string }[] = [
  {
    name: "assignments and tuples",
    src: "x = 1\na, b = b, a\nc = (1, 2)\nd = (1,)\ne = ()\nf = [1, 2, 3]\ng = (1, x)\n",
    tree: `
[   1] file_input_2 (n=7)
[   1]   expr_stmt (n=2)
           id(x)
           int(1)
[   2]   expr_stmt (n=2)
[   2]     testlist_star_expr (n=2)
             id(a)
             id(b)
[   2]     testlist_star_expr (n=2)
             id(b)
             id(a)
[   3]   expr_stmt (n=2)
           id(c)
[   3]     literal const=(1, 2)
[   4]   expr_stmt (n=2)
           id(d)
[   4]     literal const=(1,)
[   5]   expr_stmt (n=2)
           id(e)
[   5]     atom_paren (n=1)
             NULL
[   6]   expr_stmt (n=2)
           id(f)
[   6]     atom_bracket (n=1)
[   6]       testlist_comp (n=3)
               int(1)
               int(2)
               int(3)
[   7]   expr_stmt (n=2)
           id(g)
[   7]     atom_paren (n=1)
[   7]       testlist_comp (n=2)
               int(1)
               id(x)
`,
  },
  {
    name: "three-item tuple in parens folds, in brackets does not",
    src: "t = (1, 'a', None)\nl = [1, 'a', None]\nm = (1, 2, x)\n",
    tree: `
[   1] file_input_2 (n=3)
[   1]   expr_stmt (n=2)
           id(t)
[   1]     literal const=(1, 'a', None)
[   2]   expr_stmt (n=2)
           id(l)
[   2]     atom_bracket (n=1)
[   2]       testlist_comp (n=3)
               int(1)
               str(a)
               tok(15)
[   3]   expr_stmt (n=2)
           id(m)
[   3]     atom_paren (n=1)
[   3]       testlist_comp (n=3)
               int(1)
               int(2)
               id(x)
`,
  },
  {
    name: "constant folding",
    src: "a = 1 + 2 * 3 - 4 // 3\nb = -(2 ** 3) ** 2\nc = ~5 & 0xff | 1 << 4 ^ 3\nd = 7 / 2\ne = 1 / 0\nf = 1 << -1\ng = 2 ** 40\nh = x + 1 + 2\n",
    tree: `
[   1] file_input_2 (n=8)
[   1]   expr_stmt (n=2)
           id(a)
           int(6)
[   2]   expr_stmt (n=2)
           id(b)
           int(-64)
[   3]   expr_stmt (n=2)
           id(c)
           int(251)
[   4]   expr_stmt (n=2)
           id(d)
[   0]     literal const=3.5
[   5]   expr_stmt (n=2)
           id(e)
[   5]     term (n=3)
             int(1)
             tok(68)
             int(0)
[   6]   expr_stmt (n=2)
           id(f)
[   6]     shift_expr (n=3)
             int(1)
             tok(61)
             int(-1)
[   7]   expr_stmt (n=2)
           id(g)
[   0]     literal const=1099511627776
[   8]   expr_stmt (n=2)
           id(h)
[   8]     arith_expr (n=5)
             id(x)
             tok(63)
             int(1)
             tok(63)
             int(2)
`,
  },
  {
    name: "logical folding",
    src: "a = 1 or x\nb = 0 or x\nc = x or 1 or y\nd = x and 0\ne = 1 and x and y\nf = not 0\ng = not ()\nh = not x\n",
    tree: `
[   1] file_input_2 (n=8)
[   1]   expr_stmt (n=2)
           id(a)
           int(1)
[   2]   expr_stmt (n=2)
           id(b)
           id(x)
[   3]   expr_stmt (n=2)
           id(c)
[   3]     or_test (n=2)
             id(x)
             int(1)
[   4]   expr_stmt (n=2)
           id(d)
[   4]     and_test (n=2)
             id(x)
             int(0)
[   5]   expr_stmt (n=2)
           id(e)
[   5]     and_test (n=2)
             id(x)
             id(y)
[   6]   expr_stmt (n=2)
           id(f)
           tok(16)
[   7]   expr_stmt (n=2)
           id(g)
           tok(16)
[   8]   expr_stmt (n=2)
           id(h)
[   8]     not_test_2 (n=1)
             id(x)
`,
  },
  {
    name: "const() names",
    src: "from micropython import const\nA = const(10)\n_B = const(20)\nC = const(A * _B)\nS = const('text')\nprint(A, _B, C, S)\n",
    tree: `
[   1] file_input_2 (n=6)
[   1]   import_from (n=2)
           id(micropython)
[   1]     import_as_name (n=2)
             id(const)
             NULL
[   2]   expr_stmt (n=2)
           id(A)
           int(10)
[   0]   pass_stmt (n=0)
[   4]   expr_stmt (n=2)
           id(C)
           int(200)
[   5]   expr_stmt (n=2)
           id(S)
           str(text)
[   6]   expr_stmt (n=2)
[   6]     atom_expr_normal (n=2)
             id(print)
[   6]       trailer_paren (n=1)
[   6]         arglist (n=4)
                 int(10)
                 int(20)
                 int(200)
[   6]           literal const='text'
           NULL
`,
  },
  {
    name: "docstrings and lonely constants",
    src: "'''module doc'''\ndef f():\n    '''doc'''\n    1\n    ...\n    return None\n",
    tree: `
[   1] file_input_2 (n=2)
[   1]   pass_stmt (n=0)
[   2]   funcdef (n=5)
           id(f)
           NULL
           NULL
[   3]     suite_block_stmts (n=4)
[   3]       pass_stmt (n=0)
[   4]       pass_stmt (n=0)
[   5]       pass_stmt (n=0)
[   6]       return_stmt (n=1)
               tok(15)
           NULL
`,
  },
  {
    name: "module constants",
    src: "import math\nx = math.pi\ny = math.sqrt(2)\nz = math.inf * 2\n",
    tree: `
[   1] file_input_2 (n=4)
[   1]   import_name (n=1)
           id(math)
[   2]   expr_stmt (n=2)
           id(x)
[   0]     literal const=3.141592653589793
[   3]   expr_stmt (n=2)
           id(y)
[   3]     atom_expr_normal (n=2)
             id(math)
[   3]       atom_expr_trailers (n=2)
[   3]         trailer_period (n=1)
                 id(sqrt)
[   3]         trailer_paren (n=1)
                 int(2)
[   4]   expr_stmt (n=2)
           id(z)
[   0]     literal const=inf
`,
  },
  {
    name: "string interning",
    src: "a = 'short'\nb = 'a longer string literal'\nc = 'ZeroDivisionError'\nlong_identifier_name = 1\nd = 'long_identifier_name'\ne = b'bytes'\n",
    tree: `
[   1] file_input_2 (n=6)
[   1]   expr_stmt (n=2)
           id(a)
           str(short)
[   2]   expr_stmt (n=2)
           id(b)
[   2]     literal const='a longer string literal'
[   3]   expr_stmt (n=2)
           id(c)
           str(ZeroDivisionError)
[   4]   expr_stmt (n=2)
           id(long_identifier_name)
           int(1)
[   5]   expr_stmt (n=2)
           id(d)
           str(long_identifier_name)
[   6]   expr_stmt (n=2)
           id(e)
[   6]     literal const=b'bytes'
`,
  },
  {
    name: "f-strings",
    src: "s = f'{a}-{b!r:>{w}}-{c=}'\n",
    tree: `
[   1] expr_stmt (n=2)
         id(s)
[   1]   atom_expr_normal (n=2)
[   1]     literal const='{}-{!r:>{}}-c={}'
[   1]     atom_expr_trailers (n=2)
[   1]       trailer_period (n=1)
               id(format)
[   1]       trailer_paren (n=1)
[   1]         arglist (n=4)
                 id(a)
                 id(b)
                 id(w)
                 id(c)
`,
  },
  {
    name: "calls and trailers",
    src: "f(a, b=1, *c, **d)\nx.y.z[1:2, ::3](e)\ng(x for x in y)\n",
    tree: `
[   1] file_input_2 (n=3)
[   1]   expr_stmt (n=2)
[   1]     atom_expr_normal (n=2)
             id(f)
[   1]       trailer_paren (n=1)
[   1]         arglist (n=4)
                 id(a)
[   1]           argument (n=2)
                   id(b)
                   int(1)
[   1]           arglist_star (n=1)
                   id(c)
[   1]           arglist_dbl_star (n=1)
                   id(d)
           NULL
[   2]   expr_stmt (n=2)
[   2]     atom_expr_normal (n=2)
             id(x)
[   2]       atom_expr_trailers (n=4)
[   2]         trailer_period (n=1)
                 id(y)
[   2]         trailer_period (n=1)
                 id(z)
[   2]         trailer_bracket (n=1)
[   2]           subscriptlist (n=2)
[   2]             subscript_2 (n=2)
                     int(1)
[   2]               subscript_3 (n=1)
                       int(2)
[   2]             subscript_3 (n=1)
[   2]               subscript_3c (n=1)
                       int(3)
[   2]         trailer_paren (n=1)
                 id(e)
           NULL
[   3]   expr_stmt (n=2)
[   3]     atom_expr_normal (n=2)
             id(g)
[   3]       trailer_paren (n=1)
[   3]         argument (n=2)
                 id(x)
[   3]           comp_for (n=4)
                   id(x)
                   id(y)
                   NULL
                   NULL
           NULL
`,
  },
  {
    name: "comparisons",
    src: "r = a < b <= c is not d not in e\n",
    tree: `
[   1] expr_stmt (n=2)
         id(r)
[   1]   comparison (n=9)
           id(a)
           tok(52)
           id(b)
           tok(55)
           id(c)
[   1]     comp_op_is (n=1)
[   1]       comp_op_is_not (n=0)
           id(d)
[   1]     comp_op_not_in (n=0)
           id(e)
`,
  },
  {
    name: "functions",
    src: "@deco(1)\ndef f(a, b: int = 2, *args, c, **kw) -> str:\n    return a\nlambda x, y=1: x\n",
    tree: `
[   1] file_input_2 (n=2)
[   1]   decorated (n=2)
[   1]     decorator (n=2)
             id(deco)
[   1]       trailer_paren (n=1)
               int(1)
[   2]     funcdef (n=5)
             id(f)
[   2]       typedargslist (n=5)
               id(a)
[   2]         typedargslist_name (n=3)
                 id(b)
                 id(int)
                 int(2)
[   2]         typedargslist_star (n=1)
[   2]           tfpdef (n=2)
                   id(args)
                   NULL
               id(c)
[   2]         typedargslist_dbl_star (n=2)
                 id(kw)
                 NULL
             id(str)
[   3]       return_stmt (n=1)
               id(a)
             NULL
[   4]   expr_stmt (n=2)
[   4]     lambdef (n=3)
[   4]       varargslist (n=2)
               id(x)
[   4]         varargslist_name (n=2)
                 id(y)
                 int(1)
             id(x)
             NULL
           NULL
`,
  },
  {
    name: "classes",
    src: "class A(B, metaclass=M):\n    x = 1\n    def m(self):\n        pass\n",
    tree: `
[   1] classdef (n=4)
         id(A)
[   1]   arglist (n=2)
           id(B)
[   1]     argument (n=2)
             id(metaclass)
             id(M)
[   2]   suite_block_stmts (n=2)
[   2]     expr_stmt (n=2)
             id(x)
             int(1)
[   3]     funcdef (n=5)
             id(m)
             id(self)
             NULL
[   4]       pass_stmt (n=0)
             NULL
         NULL
`,
  },
  {
    name: "async",
    src: "async def f():\n    async with a as b:\n        await c\n    async for d in e:\n        pass\n",
    tree: `
[   1] async_stmt (n=1)
[   1]   funcdef (n=5)
           id(f)
           NULL
           NULL
[   2]     suite_block_stmts (n=2)
[   2]       async_stmt (n=1)
[   2]         with_stmt (n=2)
[   2]           with_item (n=2)
                   id(a)
                   id(b)
[   3]           expr_stmt (n=2)
[   3]             atom_expr_await (n=2)
                     id(c)
                     NULL
                   NULL
[   4]       async_stmt (n=1)
[   4]         for_stmt (n=4)
                 id(d)
                 id(e)
[   5]           pass_stmt (n=0)
                 NULL
           NULL
`,
  },
  {
    name: "control flow",
    src: "if a:\n    pass\nelif b:\n    pass\nelse:\n    pass\nwhile x:\n    break\nelse:\n    continue\nfor i in 1, 2:\n    pass\n",
    tree: `
[   1] file_input_2 (n=3)
[   1]   if_stmt (n=4)
           id(a)
[   2]     pass_stmt (n=0)
[   3]     if_stmt_elif (n=2)
             id(b)
[   4]       pass_stmt (n=0)
[   6]     pass_stmt (n=0)
[   7]   while_stmt (n=3)
           id(x)
[   8]     break_stmt (n=0)
[  10]     continue_stmt (n=0)
[  11]   for_stmt (n=4)
           id(i)
[  11]     literal const=(1, 2)
[  12]     pass_stmt (n=0)
           NULL
`,
  },
  {
    name: "try",
    src: "try:\n    pass\nexcept E as e:\n    pass\nexcept:\n    pass\nelse:\n    pass\nfinally:\n    pass\n",
    tree: `
[   1] try_stmt (n=2)
[   2]   pass_stmt (n=0)
[   3]   try_stmt_except_and_more (n=3)
[   3]     try_stmt_except_list (n=2)
[   3]       try_stmt_except (n=2)
[   3]         try_stmt_as_name (n=2)
                 id(E)
                 id(e)
[   4]         pass_stmt (n=0)
[   5]       try_stmt_except (n=2)
               NULL
[   6]         pass_stmt (n=0)
[   8]     pass_stmt (n=0)
[   9]     try_stmt_finally (n=1)
[  10]       pass_stmt (n=0)
`,
  },
  {
    name: "with and imports",
    src: "with a as b, c:\n    pass\nimport x.y as z, w\nfrom ..m import (p, q as r,)\nfrom . import *\n",
    tree: `
[   1] file_input_2 (n=4)
[   1]   with_stmt (n=2)
[   1]     with_stmt_list (n=2)
[   1]       with_item (n=2)
               id(a)
               id(b)
             id(c)
[   2]     pass_stmt (n=0)
[   3]   import_name (n=1)
[   3]     dotted_as_names (n=2)
[   3]       dotted_as_name (n=2)
[   3]         dotted_name (n=2)
                 id(x)
                 id(y)
               id(z)
             id(w)
[   4]   import_from (n=2)
[   4]     import_from_2b (n=2)
[   4]       one_or_more_period_or_ellipsis (n=2)
               tok(92)
               tok(92)
             id(m)
[   4]     import_as_names (n=2)
[   4]       import_as_name (n=2)
               id(p)
               NULL
[   4]       import_as_name (n=2)
               id(q)
               id(r)
[   5]   import_from (n=2)
           tok(92)
           tok(65)
`,
  },
  {
    name: "comprehensions and dicts",
    src: "a = [x for x in y if x]\nb = {k: v for k, v in d}\nc = {1, 2}\nd = {'k': 1}\n",
    tree: `
[   1] file_input_2 (n=4)
[   1]   expr_stmt (n=2)
           id(a)
[   1]     atom_bracket (n=1)
[   1]       testlist_comp (n=2)
               id(x)
[   1]         comp_for (n=4)
                 id(x)
                 id(y)
[   1]           comp_if (n=2)
                   id(x)
                   NULL
                 NULL
[   2]   expr_stmt (n=2)
           id(b)
[   2]     atom_brace (n=1)
[   2]       dictorsetmaker (n=2)
[   2]         dictorsetmaker_item (n=2)
                 id(k)
                 id(v)
[   2]         comp_for (n=4)
[   2]           exprlist (n=2)
                   id(k)
                   id(v)
                 id(d)
                 NULL
                 NULL
[   3]   expr_stmt (n=2)
           id(c)
[   3]     atom_brace (n=1)
[   3]       dictorsetmaker (n=2)
               int(1)
[   3]         dictorsetmaker_list (n=1)
                 int(2)
[   4]   expr_stmt (n=2)
           id(d)
[   4]     atom_brace (n=1)
[   4]       dictorsetmaker_item (n=2)
               str(k)
               int(1)
`,
  },
  {
    name: "walrus, star, yield",
    src: "if (n := len(a)) > 1:\n    pass\n*a, b = c\ndef g():\n    x = yield\n    yield from h()\n",
    tree: `
[   1] file_input_2 (n=3)
[   1]   if_stmt (n=4)
[   1]     comparison (n=3)
[   1]       namedexpr_test (n=2)
               id(n)
[   1]         atom_expr_normal (n=2)
                 id(len)
[   1]           trailer_paren (n=1)
                   id(a)
             tok(53)
             int(1)
[   2]     pass_stmt (n=0)
           NULL
           NULL
[   3]   expr_stmt (n=2)
[   3]     testlist_star_expr (n=2)
[   3]       star_expr (n=1)
               id(a)
             id(b)
           id(c)
[   4]   funcdef (n=5)
           id(g)
           NULL
           NULL
[   5]     suite_block_stmts (n=2)
[   5]       expr_stmt (n=2)
               id(x)
[   5]         yield_expr (n=1)
                 NULL
[   6]       yield_stmt (n=1)
[   6]         yield_expr (n=1)
[   6]           yield_arg_from (n=1)
[   6]             atom_expr_normal (n=2)
                     id(h)
[   6]               trailer_paren (n=1)
                       NULL
           NULL
`,
  },
  {
    name: "global statements and del",
    src: "def f():\n    global a, b\n    del a, b[0]\n    assert a, 'm'\n    raise E from F\n",
    tree: `
[   1] funcdef (n=5)
         id(f)
         NULL
         NULL
[   2]   suite_block_stmts (n=4)
[   2]     global_stmt (n=1)
[   2]       name_list (n=2)
               id(a)
               id(b)
[   3]     del_stmt (n=1)
[   3]       exprlist (n=2)
               id(a)
[   3]         atom_expr_normal (n=2)
                 id(b)
[   3]           trailer_bracket (n=1)
                   int(0)
[   4]     assert_stmt (n=2)
             id(a)
             str(m)
[   5]     raise_stmt (n=1)
[   5]       raise_stmt_arg (n=2)
               id(E)
               id(F)
         NULL
`,
  },
  {
    name: "augmented and annotated assignment",
    src: "x += 1\ny: int = 2\nz: str\n",
    tree: `
[   1] file_input_2 (n=3)
[   1]   expr_stmt (n=2)
           id(x)
[   1]     expr_stmt_augassign (n=2)
             tok(76)
             int(1)
[   2]   expr_stmt (n=2)
           id(y)
[   2]     annassign (n=2)
             id(int)
             int(2)
[   3]   expr_stmt (n=2)
           id(z)
[   3]     annassign (n=2)
             id(str)
             NULL
`,
  },
  {
    name: "big ints and floats",
    src: "a = 1073741823\nb = 1073741824\nc = -1073741824\nd = 2 ** 100\ne = 1.5\nf = 2j\ng = 0x7fffffff\n",
    tree: `
[   1] file_input_2 (n=7)
[   1]   expr_stmt (n=2)
           id(a)
           int(1073741823)
[   2]   expr_stmt (n=2)
           id(b)
[   2]     literal const=1073741824
[   3]   expr_stmt (n=2)
           id(c)
           int(-1073741824)
[   4]   expr_stmt (n=2)
           id(d)
[   0]     literal const=1267650600228229401496703205376
[   5]   expr_stmt (n=2)
           id(e)
[   5]     literal const=1.5
[   6]   expr_stmt (n=2)
           id(f)
[   6]     literal const=2j
[   7]   expr_stmt (n=2)
           id(g)
[   7]     literal const=2147483647
`,
  },
  {
    name: "line continuation and brackets",
    src: "x = 1 + \\\n    2\ny = [1,\n     2,\n     3]\n",
    tree: `
[   1] file_input_2 (n=2)
[   1]   expr_stmt (n=2)
           id(x)
           int(3)
[   3]   expr_stmt (n=2)
           id(y)
[   3]     atom_bracket (n=1)
[   4]       testlist_comp (n=3)
               int(1)
               int(2)
               int(3)
`,
  },
  {
    name: "float folding (upstream printed these floats in hex, so the values are exact)",
    src: "a = 7.5 // 2\nb = -7.5 % 2\nc = (-8) ** 0.5\nd = 2 ** -1\ne = 1 / 3\nf = 10 ** 20\ng = 1e308 * 10\nh = 0.1 + 0.2\ni = -0.0 % 1\nj = 5 // 0.0\nk = 2 ** 0.5\nl = 1e23\nm = 8.888e32\n",
    tree: `
[   1] file_input_2 (n=13)
[   1]   expr_stmt (n=2)
           id(a)
[   0]     literal const=3.0
[   2]   expr_stmt (n=2)
           id(b)
[   0]     literal const=0.5
[   3]   expr_stmt (n=2)
           id(c)
[   3]     power (n=2)
             int(-8)
[   3]       literal const=0.5
[   4]   expr_stmt (n=2)
           id(d)
[   0]     literal const=0.5
[   5]   expr_stmt (n=2)
           id(e)
[   0]     literal const=0.3333333333333333
[   6]   expr_stmt (n=2)
           id(f)
[   0]     literal const=100000000000000000000
[   7]   expr_stmt (n=2)
           id(g)
[   0]     literal const=inf
[   8]   expr_stmt (n=2)
           id(h)
[   0]     literal const=0.30000000000000004
[   9]   expr_stmt (n=2)
           id(i)
[   0]     literal const=0.0
[  10]   expr_stmt (n=2)
           id(j)
[  10]     term (n=3)
             int(5)
             tok(67)
[  10]       literal const=0.0
[  11]   expr_stmt (n=2)
           id(k)
[   0]     literal const=1.4142135623730951
[  12]   expr_stmt (n=2)
           id(l)
[  12]     literal const=1e+23
[  13]   expr_stmt (n=2)
           id(m)
[  13]     literal const=8.888e+32
`,
  },
  {
    name: "literals: escapes, bytes, tuples of constants",
    src: "s = 'tab\\there \\x41\\u00e9'\nb = b'\\x00\\xff\\u1234'\nr = r'\\n'\nt = ('a', b'b', 1.5, None, ...)\nu = 'a rather long string that is not interned'\n",
    tree: "[   1] file_input_2 (n=5)\n[   1]   expr_stmt (n=2)\n           id(s)\n[   1]     literal const='tab\\there A\\xe9'\n[   2]   expr_stmt (n=2)\n           id(b)\n[   2]     literal const=b'\\x00\\xff\\\\u1234'\n[   3]   expr_stmt (n=2)\n           id(r)\n           str(\\n)\n[   4]   expr_stmt (n=2)\n           id(t)\n[   4]     literal const=('a', b'b', 1.5, None, Ellipsis)\n[   5]   expr_stmt (n=2)\n           id(u)\n[   5]     literal const='a rather long string that is not interned'\n",
  },
];

// mpy-cross's stderr for each rejected source (compiled as case.py).
const UPSTREAM_ERRORS: readonly { name: string; src: string; stderr: string }[] = [
  { name: "invalid syntax", src: "x = 1\ndef f(:\n    pass\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nSyntaxError: invalid syntax\n" },
  { name: "unexpected indent", src: "x = 1\n    y = 2\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nIndentationError: unexpected indent\n" },
  { name: "unindent mismatch", src: "if x:\n    y\n  z\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nIndentationError: unindent doesn't match any outer indent level\n" },
  { name: "first line indented", src: "  x = 1\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nIndentationError: unexpected indent\n" },
  { name: "unterminated string", src: "x = 1\ny = 'abc\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nSyntaxError: invalid syntax\n" },
  { name: "bad hex escape", src: "x = '\\x4'\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax\n" },
  { name: "bad integer", src: "x = 1\ny = 09\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nSyntaxError: invalid syntax for integer with base 0: '09'\n" },
  { name: "bad integer base 16", src: "x = 0x\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax for integer with base 16: ''\n" },
  { name: "bad float", src: "x = 1e\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax for number\n" },
  { name: "non-constant const()", src: "from micropython import const\nX = const(\n  y)\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nSyntaxError: not a constant\n" },
  { name: "unicode name escape", src: "x = 1\ny = '\\N{BULLET}'\n", stderr: "NotImplementedError: unicode name escapes\n" },
  { name: "unclosed bracket at end", src: "x = (1,\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 2\nSyntaxError: invalid syntax\n" },
  { name: "stray character", src: "x = 1 $ 2\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax\n" },
  { name: "dict unpacking is not supported", src: "d = {1: 2, **e}\n", stderr: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax\n" },
];

describe("parse trees are upstream's", () => {
  it.each(UPSTREAM_TREES)("$name", ({ src, tree: expected }) => {
    expect(tree(src)).toBe(expected.replace(/^\n/, ""));
  });
});

describe("compile errors are upstream's", () => {
  it.each(UPSTREAM_ERRORS)("$name", ({ src, stderr }) => {
    expect(compileError(src).format()).toBe(stderr);
  });

  it("carries kind, file name, line and the bare message", () => {
    const e = compileError("x = 1\n\nif x\n    pass\n", { filename: "dir/mod.py" });
    expect(e).toBeInstanceOf(CompileError);
    expect(e.kind).toBe("SyntaxError");
    expect(e.filename).toBe("dir/mod.py");
    expect(e.line).toBe(3);
    expect(e.message).toBe("invalid syntax");
    expect(e.oneLine()).toBe("dir/mod.py:3: SyntaxError: invalid syntax");
  });

  it("reports an indentation error on the line of the offending token", () => {
    const e = compileError("def f():\n    a = 1\n      b = 2\n");
    expect([e.kind, e.line, e.message]).toEqual(["IndentationError", 3, "unexpected indent"]);
  });

  it("counts a tab as reaching the next multiple of 8", () => {
    // tab = column 9 = eight spaces: consistent
    expect(() => parse("if x:\n\ty = 1\n        z = 2\n", { filename: "t.py" })).not.toThrow();
    // four spaces then a tab is still column 9; seven spaces is not
    expect(() => parse("if x:\n    \ty = 1\n\tz = 2\n", { filename: "t.py" })).not.toThrow();
    // (a dedent is found on the NEWLINE token, which sits at the end of the line before)
    const e = compileError("if x:\n\ty = 1\n       z = 2\n");
    expect([e.kind, e.line, e.message]).toEqual(["IndentationError", 2, "unindent doesn't match any outer indent level"]);
  });

  it("rejects what MicroPython's grammar lacks even where CPython accepts it", () => {
    expect(compileError("d = {**a}\n").message).toBe("invalid syntax");
    expect(compileError("x = 1 <> 2\n").message).toBe("invalid syntax");
  });
});

// Older mpy-cross releases, by the .mpy version they write (6.2 = 1.22.2, 6.1 = 1.20.0, 6 = 1.19.1).
// Expected texts come from those upstream builds (same normalisation as above; their token numbers
// shifted to 1.27's, their floats printed exactly).
const UPSTREAM_BY_VERSION: readonly { src: string; expect: readonly { versions: string[]; upstream: string }[] }[] = [
  {
    src: "x = f'{a,b}'\n",
    expect: [
      { versions: ["6"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_expr_normal (n=2)\n           str({})\n[   1]     atom_expr_trailers (n=2)\n[   1]       trailer_period (n=1)\n               id(format)\n[   1]       trailer_paren (n=1)\n[   1]         arglist (n=2)\n                 id(a)\n                 id(b)\n" },
      { versions: ["6.3", "6.2", "6.1"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_expr_normal (n=2)\n           str({})\n[   1]     atom_expr_trailers (n=2)\n[   1]       trailer_period (n=1)\n               id(format)\n[   1]       trailer_paren (n=1)\n[   1]         arglist (n=1)\n[   1]           atom_paren (n=1)\n[   1]             testlist_comp (n=2)\n                     id(a)\n                     id(b)\n" },
    ],
  },
  {
    src: "x = f'{a!r}'\n",
    expect: [
      { versions: ["6", "6.1"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax\n" },
      { versions: ["6.3", "6.2"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_expr_normal (n=2)\n           str({!r})\n[   1]     atom_expr_trailers (n=2)\n[   1]       trailer_period (n=1)\n               id(format)\n[   1]       trailer_paren (n=1)\n[   1]         arglist (n=1)\n                 id(a)\n" },
    ],
  },
  {
    src: "x = rf'{a}'\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: raw f-strings are not supported\n" },
      { versions: ["6.3"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_expr_normal (n=2)\n           str({})\n[   1]     atom_expr_trailers (n=2)\n[   1]       trailer_period (n=1)\n               id(format)\n[   1]       trailer_paren (n=1)\n[   1]         arglist (n=1)\n                 id(a)\n" },
    ],
  },
  {
    src: "x = f'{a}' f'{b}'\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax\n" },
      { versions: ["6.3"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_expr_normal (n=2)\n           str({}{})\n[   1]     atom_expr_trailers (n=2)\n[   1]       trailer_period (n=1)\n               id(format)\n[   1]       trailer_paren (n=1)\n[   1]         arglist (n=2)\n                 id(a)\n                 id(b)\n" },
    ],
  },
  {
    src: "x = 09\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "[   1] expr_stmt (n=2)\n         id(x)\n         int(9)\n" },
      { versions: ["6.3"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 1\nSyntaxError: invalid syntax for integer with base 0: '09'\n" },
    ],
  },
  {
    src: "from micropython import const\nX = const('s')\nY = const(())\nZ = const(1.5)\na = X or 1\nb = Y and 2\nc = not Z\nd = not X\n",
    expect: [
      { versions: ["6"], upstream: "[   1] file_input_2 (n=8)\n[   1]   import_from (n=2)\n           id(micropython)\n[   1]     import_as_name (n=2)\n             id(const)\n             NULL\n[   2]   expr_stmt (n=2)\n           id(X)\n           str(s)\n[   3]   expr_stmt (n=2)\n           id(Y)\n[   3]     atom_paren (n=1)\n             NULL\n[   4]   expr_stmt (n=2)\n           id(Z)\n[   4]     literal const=1.5\n[   5]   expr_stmt (n=2)\n           id(a)\n[   5]     or_test (n=2)\n[   5]       literal const='s'\n             int(1)\n[   6]   expr_stmt (n=2)\n           id(b)\n[   6]     and_test (n=2)\n[   6]       literal const=()\n             int(2)\n[   7]   expr_stmt (n=2)\n           id(c)\n[   7]     not_test_2 (n=1)\n[   7]       literal const=1.5\n[   8]   expr_stmt (n=2)\n           id(d)\n[   8]     not_test_2 (n=1)\n[   8]       literal const='s'\n" },
      { versions: ["6.3", "6.2", "6.1"], upstream: "[   1] file_input_2 (n=8)\n[   1]   import_from (n=2)\n           id(micropython)\n[   1]     import_as_name (n=2)\n             id(const)\n             NULL\n[   2]   expr_stmt (n=2)\n           id(X)\n           str(s)\n[   3]   expr_stmt (n=2)\n           id(Y)\n[   3]     atom_paren (n=1)\n             NULL\n[   4]   expr_stmt (n=2)\n           id(Z)\n[   4]     literal const=1.5\n[   5]   expr_stmt (n=2)\n           id(a)\n[   5]     literal const='s'\n[   6]   expr_stmt (n=2)\n           id(b)\n[   6]     literal const=()\n[   7]   expr_stmt (n=2)\n           id(c)\n           tok(14)\n[   8]   expr_stmt (n=2)\n           id(d)\n           tok(14)\n" },
    ],
  },
  {
    src: "x = 2**70 // 2**69\ny = 2**100 - 2**100 + 5\nz = -(2**62)\nw = (2**64) % 7\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "[   1] file_input_2 (n=4)\n[   1]   expr_stmt (n=2)\n           id(x)\n[   0]     literal const=2\n[   2]   expr_stmt (n=2)\n           id(y)\n[   0]     literal const=5\n[   3]   expr_stmt (n=2)\n           id(z)\n[   0]     literal const=-4611686018427387904\n[   4]   expr_stmt (n=2)\n           id(w)\n[   0]     literal const=2\n" },
      { versions: ["6.3"], upstream: "[   1] file_input_2 (n=4)\n[   1]   expr_stmt (n=2)\n           id(x)\n           int(2)\n[   2]   expr_stmt (n=2)\n           id(y)\n           int(5)\n[   3]   expr_stmt (n=2)\n           id(z)\n[   0]     literal const=-4611686018427387904\n[   4]   expr_stmt (n=2)\n           id(w)\n           int(2)\n" },
    ],
  },
  {
    src: "x = 1 / 2\ny = 2 ** -1\nz = 1.5 + 1\nw = -1.5\nv = ~1\nu = 1 @ 2\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "[   1] file_input_2 (n=6)\n[   1]   expr_stmt (n=2)\n           id(x)\n[   1]     term (n=3)\n             int(1)\n             tok(68)\n             int(2)\n[   2]   expr_stmt (n=2)\n           id(y)\n[   2]     power (n=2)\n             int(2)\n             int(-1)\n[   3]   expr_stmt (n=2)\n           id(z)\n[   3]     arith_expr (n=3)\n[   3]       literal const=1.5\n             tok(63)\n             int(1)\n[   4]   expr_stmt (n=2)\n           id(w)\n[   4]     factor_2 (n=2)\n             tok(64)\n[   4]       literal const=1.5\n[   5]   expr_stmt (n=2)\n           id(v)\n           int(-2)\n[   6]   expr_stmt (n=2)\n           id(u)\n[   6]     term (n=3)\n             int(1)\n             tok(66)\n             int(2)\n" },
      { versions: ["6.3"], upstream: "[   1] file_input_2 (n=6)\n[   1]   expr_stmt (n=2)\n           id(x)\n[   0]     literal const=0.5\n[   2]   expr_stmt (n=2)\n           id(y)\n[   0]     literal const=0.5\n[   3]   expr_stmt (n=2)\n           id(z)\n[   0]     literal const=2.5\n[   4]   expr_stmt (n=2)\n           id(w)\n[   0]     literal const=-1.5\n[   5]   expr_stmt (n=2)\n           id(v)\n           int(-2)\n[   6]   expr_stmt (n=2)\n           id(u)\n[   6]     term (n=3)\n             int(1)\n             tok(66)\n             int(2)\n" },
    ],
  },
  {
    src: "import math\nx = math.pi\n",
    expect: [
      { versions: ["6", "6.2", "6.1"], upstream: "[   1] file_input_2 (n=2)\n[   1]   import_name (n=1)\n           id(math)\n[   2]   expr_stmt (n=2)\n           id(x)\n[   2]     atom_expr_normal (n=2)\n             id(math)\n[   2]       trailer_period (n=1)\n               id(pi)\n" },
      { versions: ["6.3"], upstream: "[   1] file_input_2 (n=2)\n[   1]   import_name (n=1)\n           id(math)\n[   2]   expr_stmt (n=2)\n           id(x)\n[   0]     literal const=3.141592653589793\n" },
    ],
  },
  {
    src: "if x:\n    y\n  z\n",
    expect: [
      { versions: ["6", "6.1"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 3\nIndentationError: unindent doesn't match any outer indent level\n" },
      { versions: ["6.3", "6.2"], upstream: "Traceback (most recent call last):\n  File \"case.py\", line 2\nIndentationError: unindent doesn't match any outer indent level\n" },
    ],
  },
  {
    src: "\n\n# c\nif x:\n    pass\n",
    expect: [
      { versions: ["6", "6.1"], upstream: "[   4] file_input_2 (n=2)\n         tok(5)\n[   4]   if_stmt (n=4)\n           id(x)\n[   5]     pass_stmt (n=0)\n           NULL\n           NULL\n" },
      { versions: ["6.3", "6.2"], upstream: "[   1] file_input_2 (n=2)\n         tok(5)\n[   4]   if_stmt (n=4)\n           id(x)\n[   5]     pass_stmt (n=0)\n           NULL\n           NULL\n" },
    ],
  },
];

describe("older releases' front ends", () => {
  const cases = UPSTREAM_BY_VERSION.flatMap(({ src, expect: e }) =>
    e.flatMap(({ versions, upstream }) => versions.map((mpyVersion) => ({ src, mpyVersion, upstream }))));
  it.each(cases)("$mpyVersion: $src", ({ src, mpyVersion, upstream }) => {
    if (upstream.startsWith("Traceback")) expect(compileError(src, { mpyVersion }).format()).toBe(upstream);
    else expect(tree(src, { mpyVersion })).toBe(upstream);
  });

  // 1.18 (.mpy 5), from that upstream build: no tuple folding, const() takes ints only
  it("5: keeps tuples of constants as tuples", () => {
    expect(tree("x = (1, 2)\n", { mpyVersion: "5" })).toBe(
      "[   1] expr_stmt (n=2)\n         id(x)\n[   1]   atom_paren (n=1)\n[   1]     testlist_comp (n=2)\n" +
        "             int(1)\n             int(2)\n",
    );
  });

  it("5: accepts only ints in const()", () => {
    expect(compileError("from micropython import const\nX = const('s')\n", { mpyVersion: "5" }).format()).toBe(
      'Traceback (most recent call last):\n  File "case.py", line 2\nSyntaxError: constant must be an integer\n',
    );
  });

  it("picks the front end by release as well", () => {
    expect(tree("x = 1 / 2\n", { release: "1.22.2" })).toBe(tree("x = 1 / 2\n", { mpyVersion: "6.2" }));
    expect(tree("x = 1 / 2\n", { release: "1.27.0" })).toBe(tree("x = 1 / 2\n"));
    expect(() => parse("x = 1\n", { filename: "a.py", release: "1.4" })).toThrow(RangeError);
  });

  it("has no `@` operator, `:=` or f-strings before 1.12 (decorators still parse)", () => {
    for (const v of ["4", "3"]) {
      for (const src of ["x = a @ b\n", "a @= b\n", "if (n := 1):\n    pass\n", "x = f'{a}'\n"]) {
        expect(() => parse(src, { filename: "a.py", mpyVersion: v }), `${v}: ${src}`).toThrow(CompileError);
      }
      expect(() => parse("@d\ndef f():\n    pass\n", { filename: "a.py", mpyVersion: v })).not.toThrow();
    }
    expect(() => parse("x = a @ b\n", { filename: "a.py", mpyVersion: "5" })).not.toThrow();
  });

  it("refuses a version it has no front end for", () => {
    expect(() => parse("x = 1\n", { filename: "a.py", mpyVersion: "1" })).toThrow(RangeError);
  });
});

describe("deep nesting", () => {
  // upstream's parser keeps its own stacks, so nesting depth is bounded by memory, not the call stack
  it("drops thousands of redundant parentheses", () => {
    expect(rhs(`x = ${"(".repeat(3000)}1${")".repeat(3000)}\n`)).toEqual({ kind: "smallint", value: 1 });
  });

  it("keeps thousands of nested lists", () => {
    let node = rhs(`x = ${"[".repeat(3000)}1${"]".repeat(3000)}\n`);
    let depth = 0;
    while (node !== null && node.kind === "struct" && node.rule === "atom_bracket") {
      depth++;
      node = node.nodes[0]!;
    }
    expect(depth).toBe(3000);
    expect(node).toEqual({ kind: "smallint", value: 1 });
  });
});

describe("options", () => {
  it("folds __debug__ by optimisation level", () => {
    expect(rhs("x = __debug__\n")).toEqual({ kind: "token", tok: Tok.KW_TRUE });
    expect(rhs("x = __debug__\n", { optimize: 1 })).toEqual({ kind: "token", tok: Tok.KW_FALSE });
    expect(rhs("x = not __debug__\n", { optimize: 2 })).toEqual({ kind: "token", tok: Tok.KW_TRUE });
    // __debug__ is a keyword, not a name: it cannot be an attribute
    expect(compileError("x.__debug__\n").message).toBe("invalid syntax");
  });

  it("keeps ints beyond the target's small-int range as constant objects", () => {
    expect(rhs("x = 2 ** 40\n")).toEqual({ kind: "const", line: 0, value: { type: "int", value: 2n ** 40n } });
    expect(rhs("x = 2 ** 40\n", { smallIntBits: 63 })).toEqual({ kind: "smallint", value: 2 ** 40 });
    expect(rhs("x = 1 << 30\n", { smallIntBits: 31 })).toEqual({ kind: "const", line: 0, value: { type: "int", value: 1n << 30n } });
    expect(rhs("x = -(1 << 30)\n", { smallIntBits: 31 })).toEqual({ kind: "smallint", value: -(2 ** 30) });
    expect(rhs("x = 127\n", { smallIntBits: 8 })).toEqual({ kind: "smallint", value: 127 });
    expect(rhs("x = 128\n", { smallIntBits: 8 })).toEqual({ kind: "const", line: 1, value: { type: "int", value: 128n } });
  });

  it("parses eval input: the expression and the NEWLINE that ends it", () => {
    const root = parse("1 + x", { filename: "<eval>", inputKind: "eval" }).root as StructNode;
    expect(root.rule).toBe("eval_input");
    expect((root.nodes[0] as StructNode).rule).toBe("arith_expr");
    expect(root.nodes[1]).toEqual({ kind: "struct", rule: "eval_input_2", line: 1, nodes: [] });
  });

  it("keeps lone constants in single (REPL) input, where they print", () => {
    const root = parse("'doc'\n", { filename: "<stdin>", inputKind: "single" }).root as StructNode;
    expect(root.rule).toBe("expr_stmt");
    expect(root.nodes).toEqual([{ kind: "string", value: "doc" }, null]);
    const file = parse("'doc'\n", { filename: "x.py" }).root as StructNode;
    expect(file.rule).toBe("pass_stmt");
  });

  it("treats the file name and extra interned names as existing qstrs", () => {
    // strings longer than 10 bytes become STRING leaves only when their text is already a qstr
    expect(rhs("x = 'my_module_name.py'\n", { filename: "other.py" })?.kind).toBe("const");
    expect(rhs("x = 'my_module_name.py'\n", { filename: "my_module_name.py" })?.kind).toBe("string");
    expect(rhs("x = 'renamed_source.py'\n", { filename: "a.py", internedNames: ["renamed_source.py"] })?.kind).toBe("string");
  });

  it("interns a long string only after the same text appeared as a name", () => {
    const [before, , after] = statements("a = 'a_long_identifier'\na_long_identifier = 1\nb = 'a_long_identifier'\n");
    expect((before as StructNode).nodes[1]!.kind).toBe("const");
    expect((after as StructNode).nodes[1]).toEqual({ kind: "string", value: "a_long_identifier" });
  });

  it("measures the 10-byte interning limit in UTF-8 bytes", () => {
    expect(rhs("x = 'ééééé'\n")).toEqual({ kind: "string", value: "ééééé" }); // 10 bytes
    expect(rhs("x = 'éééééa'\n")?.kind).toBe("const"); // 11 bytes, 6 characters
  });
});

describe.runIf(conformance !== null)("the conformance corpus", () => {
  if (conformance === null) return;
  const failed = new Map(
    fs.readFileSync(failedList, "utf8").split("\n").filter(Boolean).map((l) => {
      const i = l.indexOf(": ");
      return [l.slice(0, i), l.slice(i + 2)] as const;
    }),
  );
  const files = fs.readdirSync(corpusDir).filter((f) => f.endsWith(".py")).sort();

  it("has the sources", () => {
    expect(files.length).toBeGreaterThan(50);
  });

  it.each(files)("%s", (file) => {
    const source = fs.readFileSync(path.join(corpusDir, file));
    for (const optimize of [0, 1, 3]) {
      const expectedError = failed.get(file);
      if (expectedError === undefined) {
        const t = parse(source, { filename: file, optimize });
        expect(t.root).not.toBeNull();
      } else {
        let caught: unknown;
        try {
          parse(source, { filename: file, optimize });
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(CompileError);
        expect(`${(caught as CompileError).kind}: ${(caught as CompileError).message}`).toBe(expectedError);
      }
    }
  });
});
