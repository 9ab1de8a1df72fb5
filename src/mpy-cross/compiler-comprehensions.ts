// Comprehensions and generator expressions: each becomes its own scope, called immediately with
// the iterator of its first `for` (the inner loop lives in compiler-scopes.ts).
import type { StructNode } from "./parse-tree.js";
import type { Compiler } from "./compiler.js";
import { ScopeKind } from "./scope.js";
import { closeOverVariables } from "./compiler-functions.js";

/** `pns` has two children: the element expression and its comp_for. */
export function compileComprehension(c: Compiler, pns: StructNode, kind: ScopeKind): void {
  const compFor = pns.nodes[1] as StructNode;
  const scope = c.scopeFor(pns, kind, c.scopeCur.emitOptions);
  closeOverVariables(c, scope, 0, 0);
  c.compileNode(compFor.nodes[1]);
  // 1.8: every comprehension is passed an iterator object (later ones get the iterable, but a generator)
  if (kind === ScopeKind.GenExpr || c.compat.iterSlots === 1) c.emit.getIter(false);
  c.emit.callFunction(1, 0, 0);
}
