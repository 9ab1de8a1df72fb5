// Expressions: operators, comparisons, conditional and boolean expressions, calls and trailers,
// subscripts and slices, displays (tuple/list/dict/set), walrus, yield and await.
import type { ParseNode, StructNode } from "./parse-tree.js";
import { hasCompFor, type Compiler, type RuleFn } from "./compiler.js";
import { AttrKind, BuildKind, Pass, STAR_FLAG_DOUBLE, STAR_FLAG_SINGLE, SubscrKind, YieldKind } from "./emitter.js";
import { BinaryOp, UnaryOp } from "./opcodes.js";
import { IdKind, ScopeKind, ID_FLAG_IS_PARAM, SCOPE_FLAG_ASYNC, isCompLike } from "./scope.js";
import { extractList, idName, isId, isStruct, tokOf } from "./parse-node.js";
import { Tok } from "./tokens.js";
import { compileComprehension } from "./compiler-comprehensions.js";
import { declareGlobal, declareNonlocal } from "./compiler-statements.js";

function genericTuple(c: Compiler, pns: StructNode): void {
  for (const n of pns.nodes) c.compileNode(n);
  c.emit.build(pns.nodes.length, BuildKind.Tuple);
}

function testIfExpr(c: Compiler, pns: StructNode): void {
  const ifElse = pns.nodes[1] as StructNode;
  if (c.compat.constIfExpr && c.isConstTrue(ifElse.nodes[0])) return c.compileNode(pns.nodes[0]);
  if (c.compat.constIfExpr && c.isConstFalse(ifElse.nodes[0])) return c.compileNode(ifElse.nodes[1]);
  const lFail = c.newLabel();
  const lEnd = c.newLabel();
  c.ifCond(ifElse.nodes[0], false, lFail);
  c.compileNode(pns.nodes[0]);
  c.emit.jump(lEnd);
  c.emit.labelAssign(lFail);
  c.emit.adjustStackSize(-1);
  c.compileNode(ifElse.nodes[1]);
  c.emit.labelAssign(lEnd);
}

export function compileNamedExprHelper(c: Compiler, pnName: ParseNode, pnExpr: ParseNode): void {
  if (!isId(pnName)) c.syntaxError(pnName, "can't assign to expression");
  c.compileNode(pnExpr);
  c.emit.dupTop();
  const target = pnName.name;
  if (c.compat.walrusStoresInParent) {
    // before 1.20 the store simply ran in the enclosing scope
    const saved = c.scopeCur;
    if (isCompLike(c.scopeCur.kind)) c.scopeCur = c.scopeCur.parent!;
    c.storeId(target);
    c.scopeCur = saved;
    return;
  }
  // In a comprehension the walrus target binds in the enclosing scope (PEP 572).
  if (c.pass === Pass.Scope && isCompLike(c.scopeCur.kind)) {
    const parent = c.scopeCur.parent!;
    const idParent = parent.idForModification(target);
    if (idParent.kind === IdKind.GlobalExplicit) {
      c.scopeCur.findOrAdd(target, IdKind.GlobalExplicit);
    } else {
      const id = c.scopeCur.findOrAdd(target, IdKind.Undecided);
      const isGlobal = parent.parent === null;
      if (!isGlobal && id.kind === IdKind.GlobalImplicit) id.kind = IdKind.Undecided;
      if (isGlobal) declareGlobal(c, pnName, id);
      else declareNonlocal(c, pnName, id);
    }
  }
  c.storeId(target);
}

function namedExpr(c: Compiler, pns: StructNode): void {
  compileNamedExprHelper(c, pns.nodes[0], pns.nodes[1]);
}

function orAndTest(c: Compiler, pns: StructNode): void {
  const cond = pns.rule === "or_test";
  const lEnd = c.newLabel();
  const n = pns.nodes.length;
  for (let i = 0; i < n; i++) {
    c.compileNode(pns.nodes[i]);
    if (i + 1 < n) c.emit.jumpIfOrPop(cond, lEnd);
  }
  c.emit.labelAssign(lEnd);
}

function notTest2(c: Compiler, pns: StructNode): void {
  c.compileNode(pns.nodes[0]);
  c.emit.unaryOp(UnaryOp.NOT);
}

function comparison(c: Compiler, pns: StructNode): void {
  const emit = c.emit;
  const n = pns.nodes.length;
  c.compileNode(pns.nodes[0]);
  const multi = n > 3;
  const lFail = multi ? c.newLabel() : 0;
  for (let i = 1; i + 1 < n; i += 2) {
    c.compileNode(pns.nodes[i + 1]);
    if (i + 2 < n) {
      emit.dupTop();
      emit.rotThree();
    }
    const opn = pns.nodes[i];
    if (opn !== null && opn.kind === "token") {
      emit.binaryOp(opn.tok === Tok.KW_IN ? BinaryOp.IN : BinaryOp.LESS + (opn.tok - Tok.OP_LESS));
    } else {
      const s = opn as StructNode;
      if (s.rule === "comp_op_not_in") emit.binaryOp(BinaryOp.NOT_IN);
      else emit.binaryOp(s.nodes[0] === null ? BinaryOp.IS : BinaryOp.IS_NOT);
    }
    if (i + 2 < n) emit.jumpIfOrPop(false, lFail);
  }
  if (multi) {
    const lEnd = c.newLabel();
    emit.jump(lEnd);
    emit.labelAssign(lFail);
    emit.adjustStackSize(1);
    emit.rotTwo();
    emit.popTop();
    emit.labelAssign(lEnd);
  }
}

function starExpr(c: Compiler, pns: StructNode): void {
  c.syntaxError(pns, "*x must be assignment target");
}

const BINARY_RULE_OP: Record<string, BinaryOp> = { expr: BinaryOp.OR, xor_expr: BinaryOp.XOR, and_expr: BinaryOp.AND };

function binaryOpRule(c: Compiler, pns: StructNode): void {
  const op = BINARY_RULE_OP[pns.rule];
  c.compileNode(pns.nodes[0]);
  for (let i = 1; i < pns.nodes.length; i++) {
    c.compileNode(pns.nodes[i]);
    c.emit.binaryOp(op);
  }
}

function term(c: Compiler, pns: StructNode): void {
  const n = pns.nodes.length;
  c.compileNode(pns.nodes[0]);
  for (let i = 1; i + 1 < n; i += 2) {
    c.compileNode(pns.nodes[i + 1]);
    c.emit.binaryOp(BinaryOp.LSHIFT + (tokOf(pns.nodes[i]) - Tok.OP_DBL_LESS));
  }
}

function factor2(c: Compiler, pns: StructNode): void {
  c.compileNode(pns.nodes[1]);
  const tok = tokOf(pns.nodes[0]);
  c.emit.unaryOp(tok === Tok.OP_TILDE ? UnaryOp.INVERT : UnaryOp.POSITIVE + (tok - Tok.OP_PLUS));
}

function power(c: Compiler, pns: StructNode): void {
  c.compileGenericAllNodes(pns);
  c.emit.binaryOp(BinaryOp.POWER);
}

export function atomExprNormal(c: Compiler, pns: StructNode): void {
  const head = pns.nodes[0];
  c.compileNode(head);
  const second = pns.nodes[1] as StructNode | null;
  if (second === null) return;
  const isSuper = c.scopeCur.kind === ScopeKind.Function && head !== null && head.kind === "id" && head.name === "super";
  let trail: StructNode[];
  if (second.rule === "atom_expr_trailers") {
    // 1.8 compiled the list of trailers as a node of its own, which records its line
    if (c.compat.trailerListLine) c.emit.setSourceLine(second.line);
    trail = second.nodes as StructNode[];
  } else if (!isSuper) {
    // one trailer, the common case: compiled as the loop below would, without building a list
    c.compileNode(second);
    return;
  } else {
    trail = [second];
  }
  const num = trail.length;
  let i = 0;
  const emit = c.emit;

  if (isSuper && trail[0].rule === "trailer_paren" && trail[0].nodes[0] === null) {
    loadSuperArgs(c, trail[0]);
    if (c.compat.superCall === "method" && num >= 3 && trail[1].rule === "trailer_period" && trail[2].rule === "trailer_paren") {
      emit.loadMethod(idName(trail[1].nodes[0]), true);
      trailerParenHelper(c, trail[2].nodes[0], true, 0);
      i = 3;
    } else {
      emit.callFunction(2, 0, 0);
      i = 1;
    }
  } else if (isSuper && c.compat.superCall === "call" && num >= 2 && trail[0].rule === "trailer_period" &&
      trail[1].rule === "trailer_paren" && trail[1].nodes[0] === null) {
    // 1.8 made any empty call right after `super` the super() call, `super.f()` included: the method
    // is looked up, then __class__ and self are passed to what is below it
    emit.loadMethod(idName(trail[0].nodes[0]), false);
    loadSuperArgs(c, trail[1]);
    emit.callFunction(2, 0, 0);
    i = 2;
  }

  for (; i < num; i++) {
    if (i + 1 < num && trail[i].rule === "trailer_period" && trail[i + 1].rule === "trailer_paren") {
      emit.loadMethod(idName(trail[i].nodes[0]), false);
      trailerParenHelper(c, trail[i + 1].nodes[0], true, 0);
      i += 1;
    } else {
      c.compileNode(trail[i]);
    }
  }
}

/** __class__ and the first parameter, as `super()` inside a method passes them. */
function loadSuperArgs(c: Compiler, errNode: ParseNode): void {
  c.loadId("__class__");
  const self = c.scopeCur.ids.find((id) => id.flags & ID_FLAG_IS_PARAM);
  if (!self) c.syntaxError(errNode, "super() can't find self");
  // 1.8 loads self by its local number, even when it is a cell
  if (c.compat.superCall === "call") c.loadFast(self.name, self.localNum);
  else c.loadId(self.name);
}

export function compileYieldFrom(c: Compiler): void {
  c.emit.getIter(false);
  c.emit.loadConstTok(Tok.KW_NONE);
  c.emit.yieldOp(YieldKind.From);
  c.reserveLabelsForNative(3);
}

function atomExprAwait(c: Compiler, pns: StructNode): void {
  if (c.scopeCur.kind !== ScopeKind.Function && c.scopeCur.kind !== ScopeKind.Lambda) {
    c.syntaxError(pns, "'await' outside function");
  }
  if (c.compat.awaitNeedsAsyncDef && !(c.scopeCur.scopeFlags & SCOPE_FLAG_ASYNC)) c.syntaxError(pns, "async for/with outside async function");
  atomExprNormal(c, pns);
  if (c.compat.awaitProtocol === "dunder-await") {
    // CircuitPython: the awaitable hands out its own iterator (a coroutine returns itself)
    c.emit.loadMethod("__await__", false);
    c.emit.callMethod(0, 0, 0);
    c.emit.loadConstTok(Tok.KW_NONE);
    c.emit.yieldOp(YieldKind.From);
    return;
  }
  compileYieldFrom(c);
}

export function trailerParenHelper(c: Compiler, pnArglist: ParseNode, isMethodCall: boolean, nPositionalExtra: number): void {
  if (c.compat.starArgsAsObjects) {
    trailerParenHelperObjects(c, pnArglist, isMethodCall, nPositionalExtra);
    return;
  }
  // the arguments are the arglist's children, or the one node itself (read in place: no list is built)
  const list = pnArglist !== null && pnArglist.kind === "struct" && pnArglist.rule === "arglist" ? pnArglist.nodes : null;
  const numArgs = list !== null ? list.length : pnArglist === null ? 0 : 1;
  let nPositional = nPositionalExtra;
  let nKeyword = 0;
  let starFlags = 0;
  let starArgs = 0n;
  const emit = c.emit;
  for (let i = 0; i < numArgs; i++) {
    const arg = list !== null ? list[i] : pnArglist;
    const rule = arg !== null && arg.kind === "struct" ? arg.rule : "";
    if (rule === "arglist_star") {
      const star = arg as StructNode;
      if (starFlags & STAR_FLAG_DOUBLE) c.syntaxError(star, "* arg after **");
      if (i >= c.opts.smallIntBits - 1) c.syntaxError(star, "too many args");
      starFlags |= STAR_FLAG_SINGLE;
      starArgs |= 1n << BigInt(i);
      c.compileNode(star.nodes[0]);
      nPositional++;
    } else if (rule === "arglist_dbl_star") {
      starFlags |= STAR_FLAG_DOUBLE;
      emit.loadNull();
      c.compileNode((arg as StructNode).nodes[0]);
      nKeyword++;
    } else if (rule === "argument") {
      if (compileArgument(c, arg as StructNode)) nKeyword++;
      else nPositional++;
    } else {
      if (starFlags & STAR_FLAG_DOUBLE) c.syntaxError(arg, "positional arg after **");
      if (nKeyword > 0) c.syntaxError(arg, "positional arg after keyword arg");
      c.compileNode(arg);
      nPositional++;
    }
  }
  if (starFlags !== 0) emit.loadConstSmallInt(Number(starArgs));
  if (isMethodCall) emit.callMethod(nPositional, nKeyword, starFlags);
  else emit.callFunction(nPositional, nKeyword, starFlags);
}

/** An `argument` node: name=value, a walrus or a bare generator; true when it was a keyword argument. */
function compileArgument(c: Compiler, arg: StructNode): boolean {
  const second = arg.nodes[1];
  if (isStruct(second, "argument_3")) {
    compileNamedExprHelper(c, arg.nodes[0], second.nodes[0]);
    return false;
  }
  if (isStruct(second, "comp_for")) {
    compileComprehension(c, arg, ScopeKind.GenExpr);
    return false;
  }
  if (!isId(arg.nodes[0])) c.syntaxError(arg, "LHS of keyword arg must be an id");
  c.emit.loadConstStr(arg.nodes[0].name);
  c.compileNode(second);
  return true;
}

/** Calls as 1.18 compiled them: *x and **y are evaluated after the other arguments, as two objects. */
function trailerParenHelperObjects(c: Compiler, pnArglist: ParseNode, isMethodCall: boolean, nPositionalExtra: number): void {
  const args = extractList(pnArglist, "arglist");
  let nPositional = nPositionalExtra;
  let nKeyword = 0;
  let starFlags = 0;
  let starNode: StructNode | null = null;
  let dblStarNode: StructNode | null = null;
  const emit = c.emit;
  for (const arg of args) {
    if (isStruct(arg) && arg.rule === "arglist_star") {
      if (starFlags & STAR_FLAG_SINGLE) c.syntaxError(arg, "can't have multiple *x");
      starFlags |= STAR_FLAG_SINGLE;
      starNode = arg;
    } else if (isStruct(arg) && arg.rule === "arglist_dbl_star") {
      if (starFlags & STAR_FLAG_DOUBLE) c.syntaxError(arg, "can't have multiple **x");
      starFlags |= STAR_FLAG_DOUBLE;
      dblStarNode = arg;
    } else if (isStruct(arg) && arg.rule === "argument") {
      if (compileArgument(c, arg)) nKeyword++;
      else nPositional++;
    } else {
      if (starFlags && c.compat.positionalAfterStarIsError) c.syntaxError(arg, "non-keyword arg after */**");
      if (nKeyword > 0) c.syntaxError(arg, "non-keyword arg after keyword arg");
      c.compileNode(arg);
      nPositional++;
    }
  }
  if (starFlags !== 0) {
    if (starNode === null) emit.loadNull();
    else c.compileNode(starNode.nodes[0]);
    if (dblStarNode === null) emit.loadNull();
    else c.compileNode(dblStarNode.nodes[0]);
  }
  if (isMethodCall) emit.callMethod(nPositional, nKeyword, starFlags);
  else emit.callFunction(nPositional, nKeyword, starFlags);
}

function atomParen(c: Compiler, pns: StructNode): void {
  const inner = pns.nodes[0];
  if (inner === null) {
    c.emit.build(0, BuildKind.Tuple);
    return;
  }
  const s = inner as StructNode;
  if (hasCompFor(s)) compileComprehension(c, s, ScopeKind.GenExpr);
  else genericTuple(c, s);
}

function atomBracket(c: Compiler, pns: StructNode): void {
  const inner = pns.nodes[0];
  if (inner === null) {
    c.emit.build(0, BuildKind.List);
  } else if (isStruct(inner, "testlist_comp")) {
    if (hasCompFor(inner)) {
      compileComprehension(c, inner, ScopeKind.ListComp);
    } else {
      c.compileGenericAllNodes(inner);
      c.emit.build(inner.nodes.length, BuildKind.List);
    }
  } else {
    c.compileNode(inner);
    c.emit.build(1, BuildKind.List);
  }
}

function atomBrace(c: Compiler, pns: StructNode): void {
  const emit = c.emit;
  const pn = pns.nodes[0];
  if (pn === null) {
    emit.build(0, BuildKind.Map);
    return;
  }
  if (isStruct(pn, "dictorsetmaker_item")) {
    emit.build(1, BuildKind.Map);
    c.compileNode(pn);
    emit.storeMap();
    return;
  }
  if (isStruct(pn, "dictorsetmaker")) {
    const tail = pn.nodes[1] as StructNode;
    if (tail.rule === "dictorsetmaker_list") {
      const nodes = extractList(tail.nodes[0], "dictorsetmaker_list2");
      const isDict = isStruct(pn.nodes[0], "dictorsetmaker_item");
      if (isDict) {
        emit.build(1 + nodes.length, BuildKind.Map);
        c.compileNode(pn.nodes[0]);
        emit.storeMap();
      } else {
        c.compileNode(pn.nodes[0]);
      }
      for (const item of nodes) {
        const isKv = isStruct(item, "dictorsetmaker_item");
        c.compileNode(item);
        if (isDict) {
          if (!isKv) c.syntaxError(pn, "expecting key:value for dict");
          emit.storeMap();
        } else if (isKv) {
          c.syntaxError(pn, "expecting just a value for set");
        }
      }
      if (!isDict) emit.build(1 + nodes.length, BuildKind.Set);
    } else {
      compileComprehension(c, pn, isStruct(pn.nodes[0], "dictorsetmaker_item") ? ScopeKind.DictComp : ScopeKind.SetComp);
    }
    return;
  }
  c.compileNode(pn);
  emit.build(1, BuildKind.Set);
}

function trailerParen(c: Compiler, pns: StructNode): void {
  trailerParenHelper(c, pns.nodes[0], false, 0);
}

function trailerBracket(c: Compiler, pns: StructNode): void {
  c.compileNode(pns.nodes[0]);
  c.emit.subscr(SubscrKind.Load);
}

function trailerPeriod(c: Compiler, pns: StructNode): void {
  c.emit.attr(idName(pns.nodes[0]), AttrKind.Load);
}

function subscript(c: Compiler, pns: StructNode): void {
  const emit = c.emit;
  if (pns.rule === "subscript_2") {
    c.compileNode(pns.nodes[0]);
    pns = pns.nodes[1] as StructNode;
  } else {
    emit.loadConstTok(Tok.KW_NONE);
  }
  const pn = pns.nodes[0];
  if (pn === null) {
    emit.loadConstTok(Tok.KW_NONE);
    emit.build(2, BuildKind.Slice);
  } else if (isStruct(pn, "subscript_3c")) {
    emit.loadConstTok(Tok.KW_NONE);
    if (pn.nodes[0] === null) {
      emit.build(2, BuildKind.Slice);
    } else {
      c.compileNode(pn.nodes[0]);
      emit.build(3, BuildKind.Slice);
    }
  } else if (isStruct(pn, "subscript_3d")) {
    c.compileNode(pn.nodes[0]);
    const sliceop = pn.nodes[1] as StructNode;
    if (sliceop.nodes[0] === null) {
      emit.build(2, BuildKind.Slice);
    } else {
      c.compileNode(sliceop.nodes[0]);
      emit.build(3, BuildKind.Slice);
    }
  } else {
    c.compileNode(pn);
    emit.build(2, BuildKind.Slice);
  }
}

function dictorsetmakerItem(c: Compiler, pns: StructNode): void {
  c.compileNode(pns.nodes[1]);
  c.compileNode(pns.nodes[0]);
}

function yieldExpr(c: Compiler, pns: StructNode): void {
  if (c.scopeCur.kind !== ScopeKind.Function && c.scopeCur.kind !== ScopeKind.Lambda) {
    c.syntaxError(pns, "'yield' outside function");
  }
  const arg = pns.nodes[0];
  if (arg === null) {
    c.emit.loadConstTok(Tok.KW_NONE);
    c.emit.yieldOp(YieldKind.Value);
    c.reserveLabelsForNative(1);
  } else if (isStruct(arg, "yield_arg_from")) {
    if (c.compat.awaitProtocol === "dunder-await" && c.scopeCur.scopeFlags & SCOPE_FLAG_ASYNC) {
      c.syntaxError(pns, "'yield from' inside async function");
    }
    c.compileNode(arg.nodes[0]);
    compileYieldFrom(c);
  } else {
    c.compileNode(arg);
    c.emit.yieldOp(YieldKind.Value);
    c.reserveLabelsForNative(1);
  }
}


export const EXPRESSION_RULES: Record<string, RuleFn> = {
  testlist_star_expr: genericTuple,
  subscriptlist: genericTuple,
  testlist: genericTuple,
  namedexpr_test: namedExpr,
  test_if_expr: testIfExpr,
  or_test: orAndTest,
  and_test: orAndTest,
  not_test_2: notTest2,
  comparison,
  star_expr: starExpr,
  expr: binaryOpRule,
  xor_expr: binaryOpRule,
  and_expr: binaryOpRule,
  shift_expr: term,
  arith_expr: term,
  term,
  factor_2: factor2,
  power,
  atom_expr_normal: atomExprNormal,
  atom_expr_await: atomExprAwait,
  atom_paren: atomParen,
  atom_bracket: atomBracket,
  atom_brace: atomBrace,
  trailer_paren: trailerParen,
  trailer_bracket: trailerBracket,
  trailer_period: trailerPeriod,
  subscript_2: subscript,
  subscript_3: subscript,
  dictorsetmaker_item: dictorsetmakerItem,
  yield_expr: yieldExpr,
};
