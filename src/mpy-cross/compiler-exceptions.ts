// try/except/else/finally, with, and the async for / async with forms: exception-block setup,
// handler matching, binding and deleting `except ... as e`, and unwinding through finally.
import type { ParseNode, StructNode } from "./parse-tree.js";
import type { Compiler, RuleFn } from "./compiler.js";
import { AssignKind } from "./compiler.js";
import { AttrKind, SetupBlockKind } from "./emitter.js";
import { BinaryOp } from "./opcodes.js";
import { extractList, idName, isStruct } from "./parse-node.js";
import { Tok } from "./tokens.js";
import { compileYieldFrom } from "./compiler-expressions.js";
import { endLoop, startLoop } from "./compiler-statements.js";

function tryExcept(c: Compiler, body: ParseNode, excepts: ParseNode[], orElse: ParseNode): void {
  const emit = c.emit;
  const l1 = c.newLabel();
  const successLabel = c.newLabel();
  c.increaseExceptLevel(l1, SetupBlockKind.Except);
  c.compileNode(body);
  emit.popExceptJump(successLabel, false);
  emit.labelAssign(l1);
  emit.startExceptHandler();
  const l2 = c.newLabel();

  for (let i = 0; i < excepts.length; i++) {
    const ex = excepts[i] as StructNode;
    let excLocal: string | null = null;
    const endFinallyLabel = c.newLabel();
    if (ex.nodes[0] === null) {
      if (i + 1 !== excepts.length) c.syntaxError(ex, "default 'except' must be last");
    } else {
      let excExpr: ParseNode = ex.nodes[0];
      if (isStruct(excExpr, "try_stmt_as_name")) {
        excLocal = idName(excExpr.nodes[1]);
        excExpr = excExpr.nodes[0];
      }
      emit.dupTop();
      c.compileNode(excExpr);
      emit.binaryOp(BinaryOp.EXCEPTION_MATCH);
      emit.popJumpIf(false, endFinallyLabel);
    }
    // 1.8 enters the handler with type, value and traceback: only the value can be bound
    const threeItems = c.compat.excItems === 3;
    if (threeItems) emit.popTop();
    if (excLocal === null) emit.popTop();
    else c.storeId(excLocal);
    if (threeItems) emit.popTop();

    // `except E as e:` runs its body in a try/finally that clears and deletes e
    let l3 = 0;
    if (excLocal !== null) {
      l3 = c.newLabel();
      c.increaseExceptLevel(l3, SetupBlockKind.Finally);
    }
    c.compileNode(ex.nodes[1]);
    // 1.10 and earlier left both blocks before clearing e (and jumped on after)
    const leaveFirst = excLocal !== null && c.compat.popBlockOpcodes;
    if (leaveFirst) {
      emit.popBlock!();
      emit.popExcept!();
    }
    if (excLocal !== null) {
      emit.loadConstTok(Tok.KW_NONE);
      emit.labelAssign(l3);
      if (c.compat.finallyReturnSlot) emit.adjustStackSize(1);
      emit.loadConstTok(Tok.KW_NONE);
      c.storeId(excLocal);
      c.deleteId(excLocal);
      if (c.compat.finallyReturnSlot) emit.adjustStackSize(-1);
      c.decreaseExceptLevel();
    }
    if (leaveFirst) emit.jump(l2);
    else emit.popExceptJump(l2, true);
    emit.labelAssign(endFinallyLabel);
    emit.adjustStackSize(c.compat.excItems);
  }
  c.decreaseExceptLevel();
  emit.endExceptHandler();
  emit.labelAssign(successLabel);
  c.compileNode(orElse);
  emit.labelAssign(l2);
}

function tryFinally(c: Compiler, body: ParseNode, excepts: ParseNode[], orElse: ParseNode, fin: ParseNode): void {
  const emit = c.emit;
  const lFinally = c.newLabel();
  c.increaseExceptLevel(lFinally, SetupBlockKind.Finally);
  if (excepts.length === 0) {
    emit.adjustStackSize(3);
    c.compileNode(body);
    emit.adjustStackSize(-3);
  } else {
    tryExcept(c, body, excepts, orElse);
  }
  if (c.compat.popBlockOpcodes) emit.popBlock!();
  emit.loadConstTok(Tok.KW_NONE);
  emit.labelAssign(lFinally);
  if (c.compat.finallyReturnSlot) emit.adjustStackSize(1);
  c.compileNode(fin);
  if (c.compat.finallyReturnSlot) emit.adjustStackSize(-1);
  c.decreaseExceptLevel();
}

function tryStmt(c: Compiler, pns: StructNode): void {
  const second = pns.nodes[1] as StructNode;
  if (second.rule === "try_stmt_finally") {
    tryFinally(c, pns.nodes[0], [], null, second.nodes[0]);
  } else if (second.rule === "try_stmt_except_and_more") {
    const excepts = extractList(second.nodes[0], "try_stmt_except_list");
    if (second.nodes[2] === null) tryExcept(c, pns.nodes[0], excepts, second.nodes[1]);
    else tryFinally(c, pns.nodes[0], excepts, second.nodes[1], (second.nodes[2] as StructNode).nodes[0]);
  } else {
    tryExcept(c, pns.nodes[0], extractList(pns.nodes[1], "try_stmt_except_list"), null);
  }
}

function withHelper(c: Compiler, items: ParseNode[], body: ParseNode): void {
  if (items.length === 0) {
    c.compileNode(body);
    return;
  }
  const lEnd = c.newLabel();
  const item = items[0];
  if (isStruct(item, "with_item")) {
    c.compileNode(item.nodes[0]);
    c.increaseExceptLevel(lEnd, SetupBlockKind.With);
    c.assign(item.nodes[1], AssignKind.Store);
  } else {
    c.compileNode(item);
    c.increaseExceptLevel(lEnd, SetupBlockKind.With);
    c.emit.popTop();
  }
  withHelper(c, items.slice(1), body);
  c.emit.withCleanup(lEnd);
  c.reserveLabelsForNative(3);
  c.decreaseExceptLevel();
}

function withStmt(c: Compiler, pns: StructNode): void {
  withHelper(c, extractList(pns.nodes[0], "with_stmt_list"), pns.nodes[1]);
}

function awaitMethod(c: Compiler, method: string): void {
  c.emit.loadMethod(method, false);
  c.emit.callMethod(0, 0, 0);
  compileYieldFrom(c);
}

export function compileAsyncFor(c: Compiler, pns: StructNode): void {
  const emit = c.emit;
  const whileElseLabel = c.newLabel();
  const tryExceptionLabel = c.newLabel();
  const tryElseLabel = c.newLabel();
  const tryFinallyLabel = c.newLabel();

  // Before 1.21 the iterator lived in a local named by the iterator expression's leaf value; for a
  // non-name expression that was an arbitrary fresh name, here one no source can spell.
  const oldForm = !c.compat.asyncForIteratorOnStack;
  const context = oldForm ? asyncForContextName(pns.nodes[1]) : "";
  c.compileNode(pns.nodes[1]);
  // before 1.12 the result of __aiter__() was awaited too
  if (c.compat.awaitAiter) {
    awaitMethod(c, "__aiter__");
  } else {
    emit.loadMethod("__aiter__", false);
    emit.callMethod(0, 0, 0);
  }
  if (oldForm) c.storeId(context);

  const { save, breakLabel, continueLabel } = startLoop(c);

  emit.labelAssign(continueLabel);
  c.increaseExceptLevel(tryExceptionLabel, SetupBlockKind.Except);
  if (oldForm) c.loadId(context);
  else emit.dupTop();
  awaitMethod(c, "__anext__");
  c.assign(pns.nodes[0], AssignKind.Store);
  emit.popExceptJump(tryElseLabel, false);

  emit.labelAssign(tryExceptionLabel);
  emit.startExceptHandler();
  emit.dupTop();
  c.loadGlobal("StopAsyncIteration");
  emit.binaryOp(BinaryOp.EXCEPTION_MATCH);
  emit.popJumpIf(false, tryFinallyLabel);
  for (let i = 0; i < c.compat.excItems; i++) emit.popTop();
  emit.popExceptJump(whileElseLabel, true);

  emit.labelAssign(tryFinallyLabel);
  emit.adjustStackSize(c.compat.excItems);
  c.decreaseExceptLevel();
  emit.endExceptHandler();

  emit.labelAssign(tryElseLabel);
  c.compileNode(pns.nodes[2]);
  emit.jump(continueLabel);

  endLoop(c, save);

  emit.labelAssign(whileElseLabel);
  c.compileNode(pns.nodes[3]);
  emit.labelAssign(breakLabel);
  if (!oldForm) emit.popTop();
}

const asyncForNames = new WeakMap<object, string>();
let asyncForCounter = 0;

function asyncForContextName(pn: ParseNode): string {
  if (pn !== null && pn.kind === "id") return pn.name;
  if (pn !== null && pn.kind === "string") return pn.value;
  if (pn === null) return "\0async-for";
  let name = asyncForNames.get(pn);
  if (!name) {
    name = `\0async-for-${asyncForCounter++}`;
    asyncForNames.set(pn, name);
  }
  return name;
}

/**
 * `async with` as MicroPython 1.9.4 (and so CircuitPython 3-6) compiled it: the context manager kept in
 * a local named after the expression (as the old `async for`), __aexit__ called from a try/except
 * handler with the exception, or after the body with three Nones; a return or break out of the body
 * skips __aexit__ there.
 */
function asyncWithHelperTryExcept(c: Compiler, items: ParseNode[], body: ParseNode): void {
  const emit = c.emit;
  if (items.length === 0) {
    c.compileNode(body);
    return;
  }
  const tryExceptionLabel = c.newLabel();
  const noReraiseLabel = c.newLabel();
  const tryElseLabel = c.newLabel();
  const endLabel = c.newLabel();
  const item = items[0];
  const expr = isStruct(item, "with_item") ? item.nodes[0] : item;
  const context = asyncForContextName(expr);
  c.compileNode(expr);
  c.storeId(context);
  c.loadId(context);
  awaitMethod(c, "__aenter__");
  if (isStruct(item, "with_item")) c.assign(item.nodes[1], AssignKind.Store);
  else emit.popTop();
  c.loadId(context);
  emit.loadMethod("__aexit__", false);

  c.increaseExceptLevel(tryExceptionLabel, SetupBlockKind.Except);
  asyncWithHelperTryExcept(c, items.slice(1), body);
  emit.popBlock!();
  emit.jump(tryElseLabel);

  emit.labelAssign(tryExceptionLabel);
  emit.startExceptHandler();
  const threeItems = c.compat.excItems === 3;
  if (threeItems) {
    // 1.8: the handler's type, value and traceback become the three arguments
    emit.rotThree();
    emit.rotTwo();
  } else {
    // stack: ..., __aexit__, self, exc
    emit.dupTop();
    emit.attr("__class__", AttrKind.Load);
    emit.rotTwo();
    emit.loadConstTok(Tok.KW_NONE);
  }
  emit.callMethod(3, 0, 0);
  compileYieldFrom(c);
  emit.popJumpIf(true, noReraiseLabel);
  emit.raiseVarargs(0);
  emit.labelAssign(noReraiseLabel);
  emit.popExcept!();
  emit.jump(endLabel);
  // __aexit__ and self, and the exception's items
  emit.adjustStackSize(2 + c.compat.excItems);
  c.decreaseExceptLevel();
  emit.endExceptHandler();

  emit.labelAssign(tryElseLabel);
  emit.loadConstTok(Tok.KW_NONE);
  emit.dupTop();
  emit.dupTop();
  emit.callMethod(3, 0, 0);
  compileYieldFrom(c);
  emit.popTop();
  emit.labelAssign(endLabel);
}

function asyncWithHelper(c: Compiler, items: ParseNode[], body: ParseNode): void {
  const emit = c.emit;
  if (items.length === 0) {
    c.compileNode(body);
    return;
  }
  const lFinally = c.newLabel();
  const lAexitNoExc = c.newLabel();
  const lRetUnwindJump = c.newLabel();
  const lEnd = c.newLabel();
  const item = items[0];
  if (isStruct(item, "with_item")) {
    c.compileNode(item.nodes[0]);
    emit.dupTop();
    awaitMethod(c, "__aenter__");
    c.assign(item.nodes[1], AssignKind.Store);
  } else {
    c.compileNode(item);
    emit.dupTop();
    awaitMethod(c, "__aenter__");
    emit.popTop();
  }
  c.increaseExceptLevel(lFinally, SetupBlockKind.Finally);
  emit.adjustStackSize(3);
  asyncWithHelper(c, items.slice(1), body);
  emit.adjustStackSize(-3);
  if (c.compat.popBlockOpcodes) emit.popBlock!();

  emit.asyncWithSetupFinally(lAexitNoExc, lFinally, lRetUnwindJump);

  emit.dupTop();
  emit.rotThree();
  emit.rotTwo();
  emit.loadMethod("__aexit__", false);
  emit.rotThree();
  emit.rotThree();
  emit.dupTop();
  emit.attr("__class__", AttrKind.Load);
  emit.rotTwo();
  emit.loadConstTok(Tok.KW_NONE);
  emit.callMethod(3, 0, 0);
  compileYieldFrom(c);
  emit.popJumpIf(false, lEnd);
  emit.popTop();
  emit.loadConstTok(Tok.KW_NONE);
  emit.jump(lEnd);
  emit.adjustStackSize(2);

  emit.labelAssign(lRetUnwindJump);
  emit.rotThree();
  emit.rotThree();
  emit.labelAssign(lAexitNoExc);
  emit.loadMethod("__aexit__", false);
  emit.loadConstTok(Tok.KW_NONE);
  emit.dupTop();
  emit.dupTop();
  emit.callMethod(3, 0, 0);
  compileYieldFrom(c);
  emit.popTop();
  emit.adjustStackSize(-1);

  emit.labelAssign(lEnd);
  c.decreaseExceptLevel();
}

export function compileAsyncWith(c: Compiler, pns: StructNode): void {
  const helper = c.compat.asyncWithForm === "try-except" ? asyncWithHelperTryExcept : asyncWithHelper;
  helper(c, extractList(pns.nodes[0], "with_stmt_list"), pns.nodes[1]);
}


export const EXCEPTION_RULES: Record<string, RuleFn> = {
  try_stmt: tryStmt,
  with_stmt: withStmt,
};
