// The interface between the compiler and a code emitter (upstream's emit_method_table_t). The compiler
// walks the parse tree once per pass and calls these; the bytecode emitter is the only implementation
// today, a native emitter could plug in behind the same calls.
import type { Scope } from "./scope.js";
import type { ConstObj } from "./constants.js";
import type { Tok } from "./tokens.js";

export const enum Pass {
  /** Find identifiers and their kinds, count labels. */
  Scope = 1,
  /** Find the maximum stack depth. */
  StackSize = 2,
  /** Find the code size and label offsets. */
  CodeSize = 3,
  /** Write the code; repeated until jump encodings stop shrinking. */
  Emit = 4,
}

export const STAR_FLAG_SINGLE = 0x01;
export const STAR_FLAG_DOUBLE = 0x02;
/** Set on a break label when breaking out of a for loop (its iterator must be popped). */
export const BREAK_FROM_FOR = 0x8000;

export const enum IdOpKind { Fast = 0, Deref = 1 }
export const enum GlobalOpKind { Name = 0, Global = 1 }
export const enum ImportKind { Name = 0, From = 1, Star = 2 }
export const enum SubscrKind { Load = 0, Store = 1, Delete = 2 }
export const enum AttrKind { Load = 0, Store = 1, Delete = 2 }
export const enum SetupBlockKind { With = 0, Except = 1, Finally = 2 }
export const enum BuildKind { Tuple = 0, List = 1, Map = 2, Set = 3, Slice = 4 }
export const enum YieldKind { Value = 0, From = 1 }

export interface IdOps {
  local(name: string, localNum: number, kind: IdOpKind): void;
  /** `isConst`: a store of a name that a def, class or import binds (only Pycopy tells these apart). */
  global(name: string, kind: GlobalOpKind, isConst?: boolean): void;
}

export interface Emitter {
  startPass(pass: Pass, scope: Scope): void;
  /** false asks the compiler to run the emit pass again (code shrank). */
  endPass(): boolean;
  /** Only meaningful for releases before 1.20, which skipped a jump right after a return. */
  lastEmitWasReturnValue(): boolean;
  adjustStackSize(delta: number): void;
  setSourceLine(line: number): void;

  readonly loadId: IdOps;
  readonly storeId: IdOps;
  readonly deleteId: IdOps;

  labelAssign(label: number): void;
  importOp(name: string, kind: ImportKind): void;
  loadConstTok(tok: Tok): void;
  loadConstSmallInt(value: number | bigint): void;
  loadConstStr(s: string): void;
  loadConstObj(obj: ConstObj): void;
  loadNull(): void;
  loadMethod(name: string, isSuper: boolean): void;
  loadBuildClass(): void;
  subscr(kind: SubscrKind): void;
  attr(name: string, kind: AttrKind): void;
  dupTop(): void;
  dupTopTwo(): void;
  popTop(): void;
  rotTwo(): void;
  rotThree(): void;
  jump(label: number): void;
  popJumpIf(cond: boolean, label: number): void;
  jumpIfOrPop(cond: boolean, label: number): void;
  unwindJump(label: number, exceptDepth: number): void;
  setupBlock(label: number, kind: SetupBlockKind): void;
  withCleanup(label: number): void;
  asyncWithSetupFinally(labelAexitNoExc: number, labelFinallyBlock: number, labelRetUnwindJump: number): void;
  endFinally(): void;
  getIter(useStack: boolean): void;
  forIter(label: number): void;
  forIterEnd(): void;
  popExceptJump(label: number, withinExcHandler: boolean): void;
  /** 1.10 and earlier only (compat.popBlockOpcodes): leave a try block / an exception handler. */
  popBlock?(): void;
  popExcept?(): void;
  unaryOp(op: number): void;
  binaryOp(op: number): void;
  build(nArgs: number, kind: BuildKind): void;
  storeMap(): void;
  storeComp(scopeKind: number, collectionStackIndex: number): void;
  unpackSequence(nArgs: number): void;
  unpackEx(nLeft: number, nRight: number): void;
  makeFunction(scope: Scope, nPosDefaults: number, nKwDefaults: number): void;
  makeClosure(scope: Scope, nClosedOver: number, nPosDefaults: number, nKwDefaults: number): void;
  callFunction(nPositional: number, nKeyword: number, starFlags: number): void;
  callMethod(nPositional: number, nKeyword: number, starFlags: number): void;
  returnValue(): void;
  raiseVarargs(nArgs: number): void;
  yieldOp(kind: YieldKind): void;
  startExceptHandler(): void;
  endExceptHandler(): void;
}
