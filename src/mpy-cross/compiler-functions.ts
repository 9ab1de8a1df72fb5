// def, lambda, class and decorators: default arguments, closures over the enclosing scope's cells,
// and the built-in @micropython.* decorators.
import type { ParseNode, StructNode } from "./parse-tree.js";
import { BuildKind, AttrKind } from "./emitter.js";
import type { Compiler, RuleFn } from "./compiler.js";
import { EmitOpt, IdKind, Scope, ScopeKind, SCOPE_FLAG_DEFKWARGS, SCOPE_FLAG_ASYNC, SCOPE_FLAG_GENERATOR, SCOPE_FLAG_HASCONSTS, SCOPE_FLAG_REFGLOBALS } from "./scope.js";
import { extractList, idName, isId, isStruct } from "./parse-node.js";
import { trailerParenHelper } from "./compiler-expressions.js";
import { compileAsyncFor, compileAsyncWith } from "./compiler-exceptions.js";
import { OutputNotWrittenError } from "./compile-error.js";


export function closeOverVariables(c: Compiler, scope: Scope, nPosDefaults: number, nKwDefaults: number): void {
  if (nKwDefaults > 0) scope.scopeFlags |= SCOPE_FLAG_DEFKWARGS;
  scope.numDefPosArgs = nPosDefaults;
  c.scopeCur.scopeFlags |= SCOPE_FLAG_REFGLOBALS | SCOPE_FLAG_HASCONSTS;

  // closed-over variables are passed in the order the enclosing scope defines them
  let nFree = 0;
  if (c.scopeCur.kind !== ScopeKind.Module) {
    for (const id of c.scopeCur.ids) {
      if (id.kind !== IdKind.Cell && id.kind !== IdKind.Free) continue;
      for (const id2 of scope.ids) {
        if (id2.kind === IdKind.Free && id.name === id2.name) {
          c.loadFast(id.name, id.localNum);
          nFree += 1;
        }
      }
    }
  }
  if (nFree === 0) c.emit.makeFunction(scope, nPosDefaults, nKwDefaults);
  else c.emit.makeClosure(scope, nFree, nPosDefaults, nKwDefaults);
}

function compileParamDefault(c: Compiler, pn: ParseNode): void {
  let kind: string | null = null;
  if (!isId(pn)) kind = (pn as StructNode).rule;
  if (kind === "typedargslist_star" || kind === "varargslist_star") {
    c.haveStar = true;
    return;
  }
  if (kind === "typedargslist_dbl_star" || kind === "varargslist_dbl_star") return;
  let pnId: ParseNode;
  let pnEqual: ParseNode;
  if (kind === null) {
    pnId = pn;
    pnEqual = null;
  } else if (kind === "typedargslist_name") {
    pnId = (pn as StructNode).nodes[0];
    pnEqual = (pn as StructNode).nodes[2];
  } else {
    pnId = (pn as StructNode).nodes[0];
    pnEqual = (pn as StructNode).nodes[1];
  }
  if (pnEqual === null) {
    if (!c.haveStar && c.numDefaultParams !== 0) c.syntaxError(pn, "non-default argument follows default argument");
    return;
  }
  if (c.haveStar) {
    c.numDictParams += 1;
    if (c.numDictParams === 1) {
      // positional defaults go in a tuple first, then the keyword defaults build a dict
      if (c.numDefaultParams > 0) c.emit.build(c.numDefaultParams, BuildKind.Tuple);
      else c.emit.loadNull();
      c.emit.build(0, BuildKind.Map);
    }
    c.compileNode(pnEqual);
    c.emit.loadConstStr(idName(pnId));
    c.emit.storeMap();
  } else {
    c.numDefaultParams += 1;
    c.compileNode(pnEqual);
  }
}

function compileFuncdefLambdef(c: Compiler, scope: Scope, params: ParseNode, listRule: string): void {
  const savedHaveStar = c.haveStar, savedDictParams = c.numDictParams, savedDefaultParams = c.numDefaultParams;
  c.haveStar = false;
  c.numDictParams = 0;
  c.numDefaultParams = 0;
  if (isStruct(params, listRule)) {
    const nodes = params.nodes;
    for (let i = 0; i < nodes.length; i++) compileParamDefault(c, nodes[i]);
  } else if (params !== null) {
    compileParamDefault(c, params);
  }
  if (c.numDefaultParams > 0 && c.numDictParams === 0) {
    c.emit.build(c.numDefaultParams, BuildKind.Tuple);
    c.emit.loadNull();
  }
  closeOverVariables(c, scope, c.numDefaultParams, c.numDictParams);
  c.haveStar = savedHaveStar;
  c.numDictParams = savedDictParams;
  c.numDefaultParams = savedDefaultParams;
}

function funcdefHelper(c: Compiler, pns: StructNode, emitOptions: number): Scope {
  const scope = c.scopeFor(pns, ScopeKind.Function, emitOptions);
  compileFuncdefLambdef(c, scope, pns.nodes[1], "typedargslist");
  return scope;
}

function classdefHelper(c: Compiler, pns: StructNode, emitOptions: number): Scope {
  const scope = c.scopeFor(pns, ScopeKind.Class, emitOptions);
  c.emit.loadBuildClass();
  closeOverVariables(c, scope, 0, 0);
  c.emit.loadConstStr(scope.simpleName);
  let parents = pns.nodes[1];
  if (isStruct(parents, "classdef_2")) parents = null;
  trailerParenHelper(c, parents, false, 2);
  return scope;
}

function builtinDecorator(c: Compiler, nameNodes: ParseNode[], opts: { emitOptions: number }): boolean {
  if (idName(nameNodes[0]) !== "micropython") return false;
  if (nameNodes.length !== 2) c.syntaxError(nameNodes[0], "invalid micropython decorator");
  const attr = idName(nameNodes[1]);
  const arch = c.opts.arch;
  // an mpy-cross built without native emitters (1.10 and older) knows only @micropython.bytecode; a
  // CircuitPython build names the emitter decorators it has
  const built = c.compat.emitDecorators;
  const nativeBuilt = built ? built.length > 0 : c.compat.marchNames.length > 0;
  if (attr !== "bytecode" && built && !built.includes(attr)) c.syntaxError(nameNodes[1], "invalid micropython decorator");
  if (attr === "bytecode") {
    opts.emitOptions = EmitOpt.Bytecode;
  } else if (!nativeBuilt) {
    c.syntaxError(nameNodes[1], "invalid micropython decorator");
  } else if (attr === "native" || attr === "viper") {
    opts.emitOptions = attr === "native" ? EmitOpt.NativePython : EmitOpt.Viper;
    // CircuitPython 5-6's mpy-cross compiles these for its host (x64) into .mpy 3 native code
    if (!arch && built) throw new OutputNotWrittenError(`tspy does not write the native code of ${c.compat.release}'s mpy-cross`);
    // no -march, or an arch the release has no code generator for
    if (!arch || !arch.asm) c.syntaxError(nameNodes[1], "invalid arch");
  } else if (attr === "asm_thumb" || attr === "asm_xtensa" || (attr === "asm_rv32" && c.compat.asmRv32Decorator)) {
    // any asm_* decorator selects the target arch's own inline assembler
    opts.emitOptions = EmitOpt.Asm;
    if (!arch || !arch.inlineAsm) c.syntaxError(nameNodes[1], "invalid arch");
  } else {
    c.syntaxError(nameNodes[1], "invalid micropython decorator");
  }
  return true;
}

function decorated(c: Compiler, pns: StructNode): void {
  const decorators = extractList(pns.nodes[0], "decorators");
  const opts = { emitOptions: c.scopeCur.emitOptions };
  let numBuiltin = 0;
  for (const d of decorators) {
    const dec = d as StructNode;
    const nameNodes = extractList(dec.nodes[0], "dotted_name");
    if (builtinDecorator(c, nameNodes, opts)) {
      numBuiltin += 1;
      continue;
    }
    c.compileNode(nameNodes[0]);
    for (let j = 1; j < nameNodes.length; j++) c.emit.attr(idName(nameNodes[j]), AttrKind.Load);
    if (dec.nodes[1] !== null) c.compileNode(dec.nodes[1]);
  }
  const body = pns.nodes[1] as StructNode;
  let scope: Scope;
  if (body.rule === "funcdef") {
    scope = funcdefHelper(c, body, opts.emitOptions);
  } else if (body.rule === "async_funcdef") {
    scope = funcdefHelper(c, body.nodes[0] as StructNode, opts.emitOptions);
    scope.scopeFlags |= SCOPE_FLAG_GENERATOR | SCOPE_FLAG_ASYNC;
  } else {
    scope = classdefHelper(c, body, opts.emitOptions);
  }
  for (let i = 0; i < decorators.length - numBuiltin; i++) c.emit.callFunction(1, 0, 0);
  c.storeId(scope.simpleName, true);
}

function funcdef(c: Compiler, pns: StructNode): Scope {
  const scope = funcdefHelper(c, pns, c.scopeCur.emitOptions);
  c.storeId(scope.simpleName, true);
  return scope;
}

function lambdef(c: Compiler, pns: StructNode): void {
  const scope = c.scopeFor(pns, ScopeKind.Lambda, c.scopeCur.emitOptions);
  compileFuncdefLambdef(c, scope, pns.nodes[0], "varargslist");
}

function classdef(c: Compiler, pns: StructNode): void {
  const scope = classdefHelper(c, pns, c.scopeCur.emitOptions);
  c.storeId(scope.simpleName, true);
}

function asyncStmt(c: Compiler, pns: StructNode): void {
  const inner = pns.nodes[0] as StructNode;
  if (inner.rule === "funcdef") {
    const scope = funcdef(c, inner);
    scope.scopeFlags |= SCOPE_FLAG_GENERATOR | SCOPE_FLAG_ASYNC;
    return;
  }
  const needed = c.compat.awaitNeedsAsyncDef ? SCOPE_FLAG_ASYNC : SCOPE_FLAG_GENERATOR;
  if (c.compat.asyncOutsideAsyncIsError && !(c.scopeCur.scopeFlags & needed)) c.syntaxError(inner, "async for/with outside async function");
  if (inner.rule === "for_stmt") compileAsyncFor(c, inner);
  else compileAsyncWith(c, inner);
}


export const FUNCTION_RULES: Record<string, RuleFn> = {
  funcdef: (c, pns) => void funcdef(c, pns),
  lambdef,
  lambdef_nocond: lambdef,
  classdef,
  decorated,
  async_stmt: asyncStmt,
};
