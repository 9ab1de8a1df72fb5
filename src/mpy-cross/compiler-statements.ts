// Simple and compound statements other than try/with (compiler-exceptions.ts) and def/class
// (compiler-functions.ts): assignment, del, flow control, imports, global/nonlocal, assert, if,
// while, for (with upstream's range() loop optimisation).
import { constNode, smallIntLeaf, stringLeaf, structNode, tokenLeaf, type ParseNode, type PyConstant, type StructNode } from "./parse-tree.js";
import { AssignKind, INVALID_LABEL, hasCompFor, type Compiler, type RuleFn } from "./compiler.js";
import { AttrKind, BREAK_FROM_FOR, BuildKind, ImportKind, Pass, SubscrKind } from "./emitter.js";
import { BinaryOp } from "./opcodes.js";
import { IdKind, ScopeKind, type IdInfo } from "./scope.js";
import { extractList, idName, isId, isLeaf, isSmallInt, isStruct, isToken, smallIntLeafValue, tokOf } from "./parse-node.js";
import { Tok } from "./tokens.js";
import type { ConstObj } from "./constants.js";

function exprStmt(c: Compiler, pns: StructNode): void {
  let rhs = pns.nodes[1];
  const emit = c.emit;
  if (rhs === null) {
    const lhs = pns.nodes[0];
    // a lone constant statement (e.g. a docstring) compiles to nothing
    if ((isLeaf(lhs) && !isId(lhs)) || (lhs !== null && lhs.kind === "const" && !lhs.joined)) return;
    c.compileNode(lhs);
    emit.popTop();
    return;
  }
  if (isStruct(rhs)) {
    const kind = rhs.rule;
    if (kind === "annassign") {
      if (rhs.nodes[1] === null) {
        // `x: T` alone declares x local in a function
        if (c.scopeCur.kind === ScopeKind.Function && isId(pns.nodes[0])) {
          c.scopeCur.findOrAdd(pns.nodes[0].name, IdKind.Local);
        }
        return;
      }
      rhs = rhs.nodes[1];
      plainAssign(c, pns, rhs);
      return;
    }
    if (kind === "expr_stmt_augassign") {
      c.assign(pns.nodes[0], AssignKind.AugLoad);
      c.compileNode(rhs.nodes[1]);
      const tok = tokOf(rhs.nodes[0]);
      emit.binaryOp(BinaryOp.INPLACE_OR + (tok - Tok.DEL_PIPE_EQUAL));
      c.assign(pns.nodes[0], AssignKind.AugStore);
      return;
    }
    if (kind === "expr_stmt_assign_list") {
      const n = rhs.nodes.length - 1;
      c.compileNode(rhs.nodes[n]);
      if (n > 0) emit.dupTop();
      c.assign(pns.nodes[0], AssignKind.Store);
      for (let i = 0; i < n; i++) {
        if (i + 1 < n) emit.dupTop();
        c.assign(rhs.nodes[i], AssignKind.Store);
      }
      return;
    }
  }
  plainAssign(c, pns, rhs);
}

function plainAssign(c: Compiler, pns: StructNode, rhs: ParseNode): void {
  const lhs = pns.nodes[0];
  if (c.compat.layout !== "v6" && rhs !== null && rhs.kind === "const" && rhs.value.type === "tuple") {
    // 1.18 did not fold tuples: `a, b = 1, 2` was still a bare tuple display on the right
    rhs = constTupleAsDisplay(rhs.value.items, rhs.line, c.opts.smallIntBits);
  }
  if (c.compat.doubleTupleAssign && isStruct(rhs, "testlist_star_expr") && isStruct(lhs, "testlist_star_expr")) {
    const n = lhs.nodes.length;
    if (n === rhs.nodes.length && (n === 2 || n === 3) && !lhs.nodes.some((x) => isStruct(x, "star_expr"))) {
      // a, b = c, d (and the 3-item form) without building a tuple
      c.compileNode(rhs.nodes[0]);
      c.compileNode(rhs.nodes[1]);
      if (n === 3) {
        c.compileNode(rhs.nodes[2]);
        c.emit.rotThree();
      }
      c.emit.rotTwo();
      c.assign(lhs.nodes[0], AssignKind.Store);
      c.assign(lhs.nodes[1], AssignKind.Store);
      if (n === 3) c.assign(lhs.nodes[2], AssignKind.Store);
      return;
    }
  }
  c.compileNode(rhs);
  c.assign(lhs, AssignKind.Store);
}

/** A folded constant tuple turned back into the tuple display 1.18's parser would have kept. */
function constTupleAsDisplay(items: readonly PyConstant[], line: number, smallIntBits: number): StructNode {
  const limit = 1n << BigInt(smallIntBits - 1);
  const nodes: ParseNode[] = items.map((item): ParseNode => {
    switch (item.type) {
      case "int":
        return item.value >= -limit && item.value < limit ? smallIntLeaf(smallIntLeafValue(item.value)) : constNode(line, item);
      case "str":
        return item.qstr ? stringLeaf(item.value) : constNode(line, item);
      case "none": return tokenLeaf(Tok.KW_NONE);
      case "bool": return tokenLeaf(item.value ? Tok.KW_TRUE : Tok.KW_FALSE);
      case "ellipsis": return tokenLeaf(Tok.ELLIPSIS);
      default: return constNode(line, item);
    }
  });
  return structNode("testlist_star_expr", line, nodes);
}

function delOne(c: Compiler, pn: ParseNode): void {
  if (isId(pn)) {
    c.deleteId(pn.name);
    return;
  }
  if (isStruct(pn, "atom_expr_normal")) {
    c.compileNode(pn.nodes[0]);
    let last = pn.nodes[1];
    if (isStruct(last)) {
      if (last.rule === "atom_expr_trailers") {
        const n = last.nodes.length;
        for (let i = 0; i < n - 1; i++) c.compileNode(last.nodes[i]);
        last = last.nodes[n - 1];
      }
      if (isStruct(last, "trailer_bracket")) {
        c.compileNode(last.nodes[0]);
        c.emit.subscr(SubscrKind.Delete);
        return;
      }
      if (isStruct(last, "trailer_period")) {
        c.emit.attr(idName(last.nodes[0]), AttrKind.Delete);
        return;
      }
    }
    c.syntaxError(pn, "can't delete expression");
  }
  if (isStruct(pn, "atom_paren")) {
    const inner = pn.nodes[0];
    if (inner === null || !isStruct(inner) || hasCompFor(inner)) c.syntaxError(pn, "can't delete expression");
    for (const n of (inner as StructNode).nodes) delOne(c, n);
    return;
  }
  c.syntaxError(pn, "can't delete expression");
}

function delStmt(c: Compiler, pns: StructNode): void {
  c.applyToSingleOrList(pns.nodes[0], "exprlist", (pn) => delOne(c, pn));
}

function breakContStmt(c: Compiler, pns: StructNode): void {
  const label = pns.rule === "break_stmt" ? c.breakLabel : c.continueLabel;
  if (label === INVALID_LABEL) {
    // some releases name the statement; upstream 1.27 shares one message
    const own = pns.rule === "break_stmt" ? "'break' outside loop" : "'continue' outside loop";
    c.syntaxErrorSplit(pns, own, "'break'/'continue' outside loop");
  }
  c.emit.unwindJump(label, c.curExceptLevel - c.breakContinueExceptLevel);
}

function returnStmt(c: Compiler, pns: StructNode): void {
  if (c.scopeCur.kind !== ScopeKind.Function) c.syntaxError(pns, "'return' outside function");
  const val = pns.nodes[0];
  if (val === null) {
    c.emit.loadConstTok(Tok.KW_NONE);
  } else if (isStruct(val, "test_if_expr")) {
    // return a if cond else b: two returns, no jump
    const ifElse = val.nodes[1] as StructNode;
    const lFail = c.newLabel();
    c.ifCond(ifElse.nodes[0], false, lFail);
    c.compileNode(val.nodes[0]);
    c.emit.returnValue();
    c.emit.labelAssign(lFail);
    c.compileNode(ifElse.nodes[1]);
  } else {
    c.compileNode(val);
  }
  c.emit.returnValue();
}

function yieldStmt(c: Compiler, pns: StructNode): void {
  c.compileNode(pns.nodes[0]);
  c.emit.popTop();
}

function raiseStmt(c: Compiler, pns: StructNode): void {
  const arg = pns.nodes[0];
  if (arg === null) {
    c.emit.raiseVarargs(0);
  } else if (isStruct(arg, "raise_stmt_arg")) {
    c.compileNode(arg.nodes[0]);
    c.compileNode(arg.nodes[1]);
    c.emit.raiseVarargs(2);
  } else {
    c.compileNode(arg);
    c.emit.raiseVarargs(1);
  }
}

/** Emits IMPORT_NAME for a (possibly dotted, possibly `as`) module name; returns the name to bind. */
function importName(c: Compiler, pn: ParseNode): string {
  let isAs = false;
  let base = "";
  if (isStruct(pn, "dotted_as_name")) {
    base = idName(pn.nodes[1]);
    pn = pn.nodes[0];
    isAs = true;
  }
  if (pn === null) {
    c.emit.importOp("", ImportKind.Name);
    return "";
  }
  if (isId(pn)) {
    if (!isAs) base = pn.name;
    c.emit.importOp(pn.name, ImportKind.Name);
    return base;
  }
  const parts = (pn as StructNode).nodes.map(idName);
  if (!isAs) base = parts[0];
  c.emit.importOp(parts.join("."), ImportKind.Name);
  if (isAs) for (let i = 1; i < parts.length; i++) c.emit.attr(parts[i], AttrKind.Load);
  return base;
}

function importNameStmt(c: Compiler, pns: StructNode): void {
  c.applyToSingleOrList(pns.nodes[0], "dotted_as_names", (pn) => {
    c.emit.loadConstSmallInt(0);
    c.emit.loadConstTok(Tok.KW_NONE);
    c.storeId(importName(c, pn), true);
  });
}

function importFromStmt(c: Compiler, pns: StructNode): void {
  let source = pns.nodes[0];
  let level = 0;
  let rel: ParseNode = null;
  let relative = false;
  if (isToken(source) || isStruct(source, "one_or_more_period_or_ellipsis")) {
    rel = source;
    source = null;
    relative = true;
  } else if (isStruct(source, "import_from_2b")) {
    rel = source.nodes[0];
    source = source.nodes[1];
    relative = true;
  }
  if (relative) {
    for (const n of extractList(rel, "one_or_more_period_or_ellipsis")) {
      level += isToken(n, Tok.DEL_PERIOD) ? 1 : 3;
    }
  }

  if (isToken(pns.nodes[1], Tok.OP_STAR)) {
    if (c.scopeCur.kind !== ScopeKind.Module && c.compat.importStarModuleOnly) c.syntaxError(pns, "import * not at module level");
    c.emit.loadConstSmallInt(level);
    c.emit.loadConstStr("*");
    c.emit.build(1, BuildKind.Tuple);
    importName(c, source);
    c.emit.importOp("", ImportKind.Star);
    return;
  }
  c.emit.loadConstSmallInt(level);
  const names = extractList(pns.nodes[1], "import_as_names");
  for (const n of names) c.emit.loadConstStr(idName((n as StructNode).nodes[0]));
  c.emit.build(names.length, BuildKind.Tuple);
  importName(c, source);
  for (const n of names) {
    const s = n as StructNode;
    const name = idName(s.nodes[0]);
    c.emit.importOp(name, ImportKind.From);
    c.storeId(s.nodes[1] === null ? name : idName(s.nodes[1]), true);
  }
  c.emit.popTop();
}

export function declareGlobal(c: Compiler, pn: ParseNode, id: IdInfo): void {
  if (id.kind !== IdKind.Undecided && id.kind !== IdKind.GlobalExplicit) c.syntaxError(pn, "identifier redefined as global");
  id.kind = IdKind.GlobalExplicit;
  const g = c.scopeCur.findGlobal(id.name);
  if (g) g.kind = IdKind.GlobalExplicit;
}

export function declareNonlocal(c: Compiler, pn: ParseNode, id: IdInfo): void {
  if (id.kind === IdKind.Undecided) {
    id.kind = IdKind.GlobalImplicit;
    c.scopeCur.checkToCloseOver(id);
    if (id.kind === IdKind.GlobalImplicit) c.syntaxError(pn, "no binding for nonlocal found");
  } else if (id.kind !== IdKind.Free) {
    c.syntaxError(pn, "identifier redefined as nonlocal");
  }
}

function globalNonlocalStmt(c: Compiler, pns: StructNode): void {
  if (c.pass !== Pass.Scope) return;
  const isGlobal = pns.rule === "global_stmt";
  if (!isGlobal && c.scopeCur.kind === ScopeKind.Module) c.syntaxError(pns, "can't declare nonlocal in outer code");
  for (const n of extractList(pns.nodes[0], "name_list")) {
    const id = c.scopeCur.findOrAdd(idName(n), IdKind.Undecided);
    if (isGlobal) declareGlobal(c, pns, id);
    else declareNonlocal(c, pns, id);
  }
}

function assertStmt(c: Compiler, pns: StructNode): void {
  if (c.opts.optimize !== 0) return;
  const lEnd = c.newLabel();
  c.ifCond(pns.nodes[0], true, lEnd);
  c.loadGlobal("AssertionError");
  if (pns.nodes[1] !== null) {
    c.compileNode(pns.nodes[1]);
    c.emit.callFunction(1, 0, 0);
  }
  c.emit.raiseVarargs(1);
  c.emit.labelAssign(lEnd);
}

/** Before 1.20 the compiler left out a jump that would directly follow a return. */
export function afterReturn(c: Compiler): boolean {
  return !c.compat.suppressDeadCode && c.emit.lastEmitWasReturnValue();
}

function ifStmt(c: Compiler, pns: StructNode): void {
  const emit = c.emit;
  const lEnd = c.newLabel();
  done: {
    if (!c.isConstFalse(pns.nodes[0])) {
      const lFail = c.newLabel();
      c.ifCond(pns.nodes[0], false, lFail);
      c.compileNode(pns.nodes[1]);
      if (c.isConstTrue(pns.nodes[0])) break done;
      if (!(pns.nodes[2] === null && pns.nodes[3] === null) && !afterReturn(c)) emit.jump(lEnd);
      emit.labelAssign(lFail);
    }
    const elifs = extractList(pns.nodes[2], "if_stmt_elif_list");
    for (let i = 0; i < elifs.length; i++) {
      const e = elifs[i] as StructNode;
      const lastBeforeNoElse = c.compat.noJumpAfterLastElif && pns.nodes[3] === null && i === elifs.length - 1;
      if (c.isConstFalse(e.nodes[0])) continue;
      const lFail = c.newLabel();
      c.ifCond(e.nodes[0], false, lFail);
      c.compileNode(e.nodes[1]);
      if (c.isConstTrue(e.nodes[0])) break done;
      if (!afterReturn(c) && !lastBeforeNoElse) emit.jump(lEnd);
      emit.labelAssign(lFail);
    }
    c.compileNode(pns.nodes[3]);
  }
  emit.labelAssign(lEnd);
}

interface LoopSave { brk: number; cont: number; level: number }

/** Points break/continue at fresh labels for a loop body; endLoop puts back the enclosing loop's. */
export function startLoop(c: Compiler): { save: LoopSave; breakLabel: number; continueLabel: number } {
  const save = { brk: c.breakLabel, cont: c.continueLabel, level: c.breakContinueExceptLevel };
  const breakLabel = c.newLabel();
  const continueLabel = c.newLabel();
  c.breakLabel = breakLabel;
  c.continueLabel = continueLabel;
  c.breakContinueExceptLevel = c.curExceptLevel;
  return { save, breakLabel, continueLabel };
}

export function endLoop(c: Compiler, save: LoopSave): void {
  c.breakLabel = save.brk;
  c.continueLabel = save.cont;
  c.breakContinueExceptLevel = save.level;
}

function whileStmt(c: Compiler, pns: StructNode): void {
  const { save, breakLabel, continueLabel } = startLoop(c);
  if (!c.isConstFalse(pns.nodes[0])) {
    const top = c.newLabel();
    if (!c.isConstTrue(pns.nodes[0])) c.emit.jump(continueLabel);
    c.emit.labelAssign(top);
    c.compileNode(pns.nodes[1]);
    c.emit.labelAssign(continueLabel);
    c.ifCond(pns.nodes[0], true, top);
  }
  endLoop(c, save);
  c.compileNode(pns.nodes[2]);
  c.emit.labelAssign(breakLabel);
}

function forRange(c: Compiler, pnVar: ParseNode, start: ParseNode, end: ParseNode, step: ParseNode, body: ParseNode, orElse: ParseNode): void {
  const emit = c.emit;
  const { save, breakLabel, continueLabel } = startLoop(c);
  const top = c.newLabel();
  const entry = c.newLabel();
  const endOnStack = !isSmallInt(end);
  if (endOnStack) c.compileNode(end);
  c.compileNode(start);
  emit.jump(entry);
  emit.labelAssign(top);
  emit.dupTop();
  c.assign(pnVar, AssignKind.Store);
  c.compileNode(body);
  emit.labelAssign(continueLabel);
  c.compileNode(step);
  emit.binaryOp(BinaryOp.INPLACE_ADD);
  emit.labelAssign(entry);
  if (endOnStack) {
    emit.dupTopTwo();
    emit.rotTwo();
  } else {
    emit.dupTop();
    c.compileNode(end);
  }
  emit.binaryOp((step as { value: number | bigint }).value >= 0 ? BinaryOp.LESS : BinaryOp.MORE);
  emit.popJumpIf(true, top);
  endLoop(c, save);

  let endLabel = 0;
  if (c.compat.rangeFor === "1.8") {
    // 1.8: the else runs with the loop values still on the stack (a break there skips the pops)
    c.compileNode(orElse);
  } else if (orElse !== null) {
    emit.popTop();
    if (endOnStack) emit.popTop();
    c.compileNode(orElse);
    endLabel = c.newLabel();
    emit.jump(endLabel);
    emit.adjustStackSize(1 + (endOnStack ? 1 : 0));
  }
  emit.labelAssign(breakLabel);
  emit.popTop();
  if (endOnStack) emit.popTop();
  if (endLabel !== 0) emit.labelAssign(endLabel);
}

const NOT_PLAIN_ARG = new Set(["arglist_star", "arglist_dbl_star", "argument"]);

function forStmt(c: Compiler, pns: StructNode): void {
  const it = pns.nodes[1];
  if (isId(pns.nodes[0]) && isStruct(it, "atom_expr_normal") && isId(it.nodes[0]) && it.nodes[0].name === "range" &&
      isStruct(it.nodes[1], "trailer_paren")) {
    const args = extractList(it.nodes[1].nodes[0], "arglist");
    if (args.length >= 1 && args.length <= 3) {
      let ok = true;
      let start: ParseNode, end: ParseNode, step: ParseNode;
      if (args.length === 1) {
        start = smallIntLeaf(0);
        end = args[0];
        step = smallIntLeaf(1);
      } else if (args.length === 2) {
        [start, end] = args;
        step = smallIntLeaf(1);
      } else {
        [start, end, step] = args;
        if (!isSmallInt(step) || (Number(step.value) === 0 && c.compat.rangeFor === "1.9")) ok = false;
      }
      if (ok && isStruct(start) && NOT_PLAIN_ARG.has(start.rule)) ok = false;
      if (ok && isStruct(end) && NOT_PLAIN_ARG.has(end.rule)) ok = false;
      if (ok) {
        forRange(c, pns.nodes[0], start, end, step, pns.nodes[2], pns.nodes[3]);
        return;
      }
    }
  }

  const emit = c.emit;
  const { save, breakLabel, continueLabel } = startLoop(c);
  c.breakLabel |= BREAK_FROM_FOR;
  const popLabel = c.newLabel();
  c.compileNode(pns.nodes[1]);
  emit.getIter(true);
  emit.labelAssign(continueLabel);
  emit.forIter(popLabel);
  c.assign(pns.nodes[0], AssignKind.Store);
  c.compileNode(pns.nodes[2]);
  if (!afterReturn(c)) emit.jump(continueLabel);
  emit.labelAssign(popLabel);
  emit.forIterEnd();
  endLoop(c, save);
  c.compileNode(pns.nodes[3]);
  emit.labelAssign(breakLabel);
}


export const STATEMENT_RULES: Record<string, RuleFn> = {
  file_input: (c, pns) => c.compileGenericAllNodes(pns),
  file_input_2: (c, pns) => c.compileGenericAllNodes(pns),
  simple_stmt_2: (c, pns) => c.compileGenericAllNodes(pns),
  suite_block_stmts: (c, pns) => c.compileGenericAllNodes(pns),
  pass_stmt: (c, pns) => c.compileGenericAllNodes(pns),
  expr_stmt: exprStmt,
  del_stmt: delStmt,
  break_stmt: breakContStmt,
  continue_stmt: breakContStmt,
  return_stmt: returnStmt,
  yield_stmt: yieldStmt,
  raise_stmt: raiseStmt,
  import_name: importNameStmt,
  import_from: importFromStmt,
  global_stmt: globalNonlocalStmt,
  nonlocal_stmt: globalNonlocalStmt,
  assert_stmt: assertStmt,
  if_stmt: ifStmt,
  while_stmt: whileStmt,
  for_stmt: forStmt,
};
