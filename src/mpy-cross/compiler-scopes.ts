// Compiling the body of each kind of scope: module, function, lambda, class and comprehensions,
// including the parameter declarations that must be added before the body (so params number first).
import type { ParseNode, StructNode } from "./parse-tree.js";
import { Pass, BuildKind, YieldKind } from "./emitter.js";
import {
  EmitOpt, ID_FLAG_VIPER_TYPE_POS, SCOPE_FLAG_VIPERRET_POS, IdKind, ID_FLAG_IS_DBL_STAR_PARAM, ID_FLAG_IS_PARAM, ID_FLAG_IS_STAR_PARAM, Scope, ScopeKind,
  SCOPE_FLAG_GENERATOR, SCOPE_FLAG_VARARGS, SCOPE_FLAG_VARKEYWORDS, isCompLike,
} from "./scope.js";
import { AssignKind, type Compiler } from "./compiler.js";
import { idName, isId, isStruct } from "./parse-node.js";
import { afterReturn } from "./compiler-statements.js";
import { Tok } from "./tokens.js";
import { NativeType, nativeTypeFromName } from "./native/types.js";

export function compileScopeBody(c: Compiler, scope: Scope): void {
  const emit = c.emit;
  if (scope.kind === ScopeKind.Module) {
    c.compileNode(scope.pn);
    emit.loadConstTok(Tok.KW_NONE);
    emit.returnValue();
  } else if (scope.kind === ScopeKind.Function) {
    const pns = scope.pn as StructNode;
    if (c.pass === Pass.Scope) {
      c.haveStar = false;
      c.applyToSingleOrList(pns.nodes[1], "typedargslist", (pn) =>
        declareParam(c, pn, "typedargslist_name", "typedargslist_star", "typedargslist_dbl_star"));
      if (scope.emitOptions === EmitOpt.Viper) {
        scope.scopeFlags |= viperTypeAnnotation(c, pns.nodes[2]) << SCOPE_FLAG_VIPERRET_POS;
      }
    }
    c.compileNode(pns.nodes[3]);
    if (!afterReturn(c)) {
      emit.loadConstTok(Tok.KW_NONE);
      emit.returnValue();
    }
  } else if (scope.kind === ScopeKind.Lambda) {
    const pns = scope.pn as StructNode;
    if (c.compat.lambdaCompLines) emit.setSourceLine(pns.line);
    if (c.pass === Pass.Scope) {
      c.haveStar = false;
      c.applyToSingleOrList(pns.nodes[0], "varargslist", (pn) =>
        declareParam(c, pn, "varargslist_name", "varargslist_star", "varargslist_dbl_star"));
    }
    c.compileNode(pns.nodes[1]);
    // a generator lambda returns None, not the value of its expression
    if (scope.scopeFlags & SCOPE_FLAG_GENERATOR && c.compat.generatorLambdaReturnsNone) {
      emit.popTop();
      emit.loadConstTok(Tok.KW_NONE);
    }
    emit.returnValue();
  } else if (isCompLike(scope.kind)) {
    const pns = scope.pn as StructNode;
    const compFor = pns.nodes[1] as StructNode;
    // The iterator argument gets the empty name: no user variable can clash with it.
    const argName = "";
    if (c.pass === Pass.Scope) {
      scope.findOrAdd(argName, IdKind.Local);
      scope.numPosArgs = 1;
    }
    if (c.compat.lambdaCompLines) emit.setSourceLine(pns.line);
    if (scope.kind === ScopeKind.ListComp) emit.build(0, BuildKind.List);
    else if (scope.kind === ScopeKind.DictComp) emit.build(0, BuildKind.Map);
    else if (scope.kind === ScopeKind.SetComp) emit.build(0, BuildKind.Set);

    if (c.compat.iterSlots === 1) {
      // 1.8: the argument is already the iterator, one slot
      c.loadId(argName);
    } else if (scope.kind === ScopeKind.GenExpr) {
      // four iterator slots; a NULL first slot says the second holds the iterator object
      emit.loadNull();
      c.loadId(argName);
      emit.loadNull();
      emit.loadNull();
    } else {
      c.loadId(argName);
      emit.getIter(true);
    }
    compileCompIter(c, compFor, pns.nodes[0], 0);
    if (scope.kind === ScopeKind.GenExpr) emit.loadConstTok(Tok.KW_NONE);
    emit.returnValue();
  } else {
    const pns = scope.pn as StructNode;
    if (c.pass === Pass.Scope) scope.findOrAdd("__class__", IdKind.Local);
    c.loadId("__name__");
    c.storeId("__module__", true);
    emit.loadConstStr(idName(pns.nodes[0]));
    c.storeId("__qualname__", true);
    c.compileNode(pns.nodes[2]);
    const id = scope.find("__class__")!;
    if (id.kind === IdKind.Local) emit.loadConstTok(Tok.KW_NONE);
    else c.loadFast("__class__", id.localNum);
    emit.returnValue();
  }
}

function declareParam(c: Compiler, pn: ParseNode, ruleName: string, ruleStar: string, ruleDblStar: string): void {
  const scope = c.scopeCur;
  if (scope.scopeFlags & SCOPE_FLAG_VARKEYWORDS) c.syntaxError(pn, "invalid syntax");
  let paramName: string | null = null;
  let paramFlag = ID_FLAG_IS_PARAM;
  // the node whose second child is the annotation (upstream reads it for any such param of a viper function)
  let annotated: StructNode | null = null;
  const countPlain = () => {
    if (c.haveStar) scope.numKwonlyArgs += 1;
    else scope.numPosArgs += 1;
  };
  if (isId(pn)) {
    paramName = pn.name;
    countPlain();
  } else if (isStruct(pn)) {
    annotated = pn;
    if (pn.rule === ruleName) {
      paramName = idName(pn.nodes[0]);
      countPlain();
    } else if (pn.rule === ruleStar) {
      if (c.haveStar) c.syntaxError(pn, "invalid syntax");
      c.haveStar = true;
      paramFlag = ID_FLAG_IS_PARAM | ID_FLAG_IS_STAR_PARAM;
      const inner = pn.nodes[0];
      if (inner === null) {
        // bare star: keyword-only params follow
        annotated = null;
      } else if (isId(inner)) {
        scope.scopeFlags |= SCOPE_FLAG_VARARGS;
        paramName = inner.name;
        annotated = null;
      } else {
        scope.scopeFlags |= SCOPE_FLAG_VARARGS;
        annotated = inner as StructNode;
        paramName = idName(annotated.nodes[0]);
      }
    } else if (pn.rule === ruleDblStar) {
      paramName = idName(pn.nodes[0]);
      paramFlag = ID_FLAG_IS_PARAM | ID_FLAG_IS_DBL_STAR_PARAM;
      scope.scopeFlags |= SCOPE_FLAG_VARKEYWORDS;
    } else {
      throw new Error(`internal: unexpected parameter node ${pn.rule}`);
    }
  }
  if (paramName !== null) {
    const id = scope.findOrAdd(paramName, IdKind.Undecided);
    if (id.kind !== IdKind.Undecided) c.syntaxError(pn, "argument name reused");
    id.kind = IdKind.Local;
    id.flags = paramFlag;
    if (scope.emitOptions === EmitOpt.Viper && ruleName === "typedargslist_name" && annotated !== null) {
      id.flags |= viperTypeAnnotation(c, annotated.nodes[1]) << ID_FLAG_VIPER_TYPE_POS;
    }
  }
}

/** The native type an annotation of a viper function names (object when absent). */
export function viperTypeAnnotation(c: Compiler, pn: ParseNode): number {
  if (pn === null) return NativeType.Obj;
  if (isId(pn)) {
    const t = nativeTypeFromName(pn.name);
    if (t < 0) {
      c.viperError(`unknown type '${pn.name}'`);
      return 0;
    }
    return t;
  }
  c.syntaxError(pn, "annotation must be an identifier");
}

function compileCompIter(c: Compiler, compFor: StructNode, innerExpr: ParseNode, forDepth: number): void {
  const emit = c.emit;
  const lTop = c.newLabel();
  const lEnd = c.newLabel();
  emit.labelAssign(lTop);
  emit.forIter(lEnd);
  c.assign(compFor.nodes[0], AssignKind.Store);
  let iter = compFor.nodes[2];
  for (;;) {
    if (iter === null) {
      c.compileNode(innerExpr);
      if (c.scopeCur.kind === ScopeKind.GenExpr) {
        emit.yieldOp(YieldKind.Value);
        c.reserveLabelsForNative(1);
        emit.popTop();
      } else {
        // the collection sits below the iterators of every enclosing for and the item
        const slots = c.compat.iterSlots;
        emit.storeComp(c.scopeCur.kind, slots * forDepth + slots + 1);
      }
      break;
    }
    const it = iter as StructNode;
    if (it.rule === "comp_if") {
      c.ifCond(it.nodes[0], false, lTop);
      iter = it.nodes[1];
      continue;
    }
    // a nested for
    c.compileNode(it.nodes[1]);
    emit.getIter(true);
    compileCompIter(c, it, innerExpr, forDepth + 1);
    break;
  }
  emit.jump(lTop);
  emit.labelAssign(lEnd);
  emit.forIterEnd();
}
