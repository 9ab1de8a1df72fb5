// The compiler proper: walks the parse tree of every scope once per pass and drives an Emitter.
// Pass 1 (Scope) discovers scopes and identifiers; then each scope is compiled for stack size,
// code size and emit, as upstream's py/compile.c does. The per-rule compile functions live in the
// compiler-*.ts files, grouped by area; this file holds the shared state and the helpers they use.
import type { ParseNode, ParseTree, StructNode } from "./parse-tree.js";
import { CompileError, PendingTypedError, type CompileErrorKind } from "./compile-error.js";
import type { NativeArch } from "./native/arch.js";
import type { NativeEmitter } from "./native/emit-native.js";
import { nativeBackend } from "./native-backend.js";
import { QstrPool } from "./qstr-pool.js";
import { Pass, SetupBlockKind, type Emitter, GlobalOpKind, IdOpKind, AttrKind, SubscrKind, BuildKind } from "./emitter.js";
import type { ConstObj } from "./constants.js";
import { EmitCommon } from "./emit-common.js";
import { BytecodeEmitter } from "./emit-bytecode.js";
import { legacyBackends } from "./legacy-backends-loader.js";
import { EmitOpt, IdKind, Scope, ScopeKind } from "./scope.js";
import type { CompiledModule, RawCode } from "./raw-code.js";
import { idName, isConstFalse, isConstTrue, isStruct, isSmallInt, isToken } from "./parse-node.js";
import { Tok } from "./tokens.js";
import { LATEST_COMPAT, type BackendCompat } from "./compat.js";
import { ruleTable } from "./compiler-rules.js";
import { compileScopeBody } from "./compiler-scopes.js";

export const INVALID_LABEL = 0xffff;

/** A syntax error found by the compiler; the line is filled in from the nearest enclosing statement. */
export class PendingSyntaxError extends Error {
  line: number;
  constructor(message: string, line: number) {
    super(message);
    this.line = line;
  }
}

/** A compiler-detected SyntaxError: upstream's traceback names the scope it was found in. */
export class ScopedCompileError extends CompileError {
  readonly scopeName: string;
  constructor(message: string, filename: string, line: number, block: string, kind: CompileErrorKind = "SyntaxError") {
    super(kind, message, filename, line);
    this.scopeName = block;
  }

  override get block(): string {
    return this.scopeName;
  }
}

export type RuleFn = (c: Compiler, pns: StructNode) => void;

export interface CompileOptions {
  sourceFile: string;
  optimize: number;
  smallIntBits: number;
  /** Release-specific behaviour; defaults to the newest (1.27). */
  compat?: BackendCompat;
  /** Target of @native/@viper/@asm_* code (-march); none: such decorators are "invalid arch". */
  arch?: NativeArch;
  /** -march-flags: extensions the target has beyond its base arch (rv32imc: RV32_EXT_* bits). */
  archFlags?: number;
  /** Emitter of the module scope (-X emit=), inherited by its functions. */
  defaultEmit?: EmitOpt;
  /** -mcache-lookup-bc (.mpy 5 and older). */
  cacheLookupBc?: boolean;
}


export class Compiler {
  pass: Pass = Pass.Scope;
  scopeCur!: Scope;
  nextLabel = 0;
  /** The most labels a scope of the module took in the scope pass (upstream sizes label tables by it). */
  maxNumLabels = 0;
  haveStar = false;
  numDictParams = 0;
  numDefaultParams = 0;
  breakLabel = INVALID_LABEL;
  continueLabel = INVALID_LABEL;
  curExceptLevel = 0;
  breakContinueExceptLevel = 0;
  readonly scopes: Scope[] = [];
  /** Scope of each funcdef/classdef/lambdef/comprehension node, found in the scope pass. */
  readonly scopeOf = new Map<StructNode, Scope>();
  /** The emitter of the scope being compiled: bytecode, or native for @native/@viper scopes. */
  emit: Emitter;
  readonly common: EmitCommon;
  readonly compat: BackendCompat;
  private readonly bytecodeEmitter: Emitter;
  private nativeEmitter: Emitter | null = null;
  /** A ViperTypeError (or similar) recorded during this pass; compiling stops when the pass ends. */
  pendingError: PendingTypedError | null = null;
  /** Set by the inline-assembler driver once it compiled a scope. */
  usedInlineAsm = false;
  /** The strings the parse interned, in order (numbered after the mpy-cross pool in 1.18 native code). */
  private createdQstrs: readonly string[] = [];
  /** Compile function of each rule (compiler-rules.ts). */
  private readonly rules = ruleTable();

  constructor(readonly opts: CompileOptions) {
    this.compat = opts.compat ?? LATEST_COMPAT;
    this.common = new EmitCommon(opts.sourceFile, this.compat.modernFloats);
    if (this.compat.layout !== "v6") {
      const { BytecodeEmitterV4, BytecodeEmitterV5 } = legacyBackends();
      const v5 = this.compat.layout === "v5"
        ? new BytecodeEmitterV5(this.common, opts.optimize, this.compat)
        : new BytecodeEmitterV4(this.common, opts.optimize, this.compat);
      v5.sourceFile = opts.sourceFile;
      v5.cacheLookups = opts.cacheLookupBc === true;
      this.emit = v5;
    } else {
      this.emit = new BytecodeEmitter(this.common, opts.optimize, this.compat);
    }
    this.bytecodeEmitter = this.emit;
  }

  /** Labels the native emitter uses internally, taken after the ones of the construct just emitted. */
  reserveLabelsForNative(n: number): void {
    if (this.scopeCur.emitOptions !== EmitOpt.Bytecode) this.nextLabel += n;
  }

  /** Records a viper type error (upstream keeps the last one of the pass). */
  viperError(message: string): void {
    this.pendingError = new PendingTypedError("ViperTypeError", message);
  }

  private emitterFor(scope: Scope): Emitter {
    if (scope.emitOptions !== EmitOpt.NativePython && scope.emitOptions !== EmitOpt.Viper) return this.bytecodeEmitter;
    if (!this.nativeEmitter) {
      const arch = this.opts.arch;
      const { createAssembler, NativeEmitter } = nativeBackend();
      const asm = arch ? createAssembler(arch, this.compat, this.opts.archFlags) : null;
      if (!arch || !asm) throw new PendingTypedError("NotImplementedError", "cannot emit native code for this architecture");
      this.nativeEmitter = new NativeEmitter({
        common: this.common, compat: this.compat, arch, asm,
        labelSlot: () => this.nextLabel,
        error: (kind, message) => { this.pendingError = new PendingTypedError(kind, message); },
        processQstrNumber: this.processQstrNumbers(),
      });
    }
    return this.nativeEmitter;
  }

  /** 1.18: the qstr numbers of the mpy-cross process, its own pool then the parse's new strings in order. */
  private processQstrNumbers(): ((name: string) => number) | undefined {
    const pool = nativeBackend().asmCompat(this.compat).processQstrs;
    if (!pool) return undefined;
    const numbers = new QstrPool(pool, this.createdQstrs);
    return (name) => numbers.number(name);
  }

  // ---- errors ----

  /** A message upstream 1.27 shares between cases that this release words apart: `own` when the
   * release's message table has it (compat.ts), else the shared text. */
  syntaxErrorSplit(pn: ParseNode, own: string, shared: string): never {
    this.syntaxError(pn, own in this.compat.messages ? own : shared);
  }

  syntaxError(pn: ParseNode, message: string): never {
    const line = pn !== null && (pn.kind === "struct" || pn.kind === "const") ? pn.line : 0;
    throw new PendingSyntaxError(message, line);
  }

  // ---- labels and exception levels ----

  newLabel(): number {
    return this.nextLabel++;
  }

  increaseExceptLevel(label: number, kind: SetupBlockKind): void {
    this.emit.setupBlock(label, kind);
    this.curExceptLevel += 1;
    if (this.curExceptLevel > this.scopeCur.excStackSize) this.scopeCur.excStackSize = this.curExceptLevel;
  }

  decreaseExceptLevel(): void {
    this.curExceptLevel -= 1;
    this.emit.endFinally();
    this.reserveLabelsForNative(1);
  }

  // ---- scopes ----

  newScope(kind: ScopeKind, pn: ParseNode, emitOptions: number): Scope {
    const scope = new Scope(kind, pn, this.scopes.length ? this.scopeCur : null, emitOptions);
    const rc: RawCode = { funData: new Uint8Array(0), children: [], scopeFlags: 0 };
    scope.rawCode = rc;
    this.scopes.push(scope);
    return scope;
  }

  scopeFor(pns: StructNode, kind: ScopeKind, emitOptions: number): Scope {
    if (this.pass === Pass.Scope) {
      const s = this.newScope(kind, pns, emitOptions);
      this.scopeOf.set(pns, s);
      return s;
    }
    const s = this.scopeOf.get(pns);
    if (!s) throw new Error("internal: scope missing for node");
    return s;
  }

  // ---- identifiers ----

  private idOp(ops: Emitter["loadId"], name: string, isConst = false): void {
    const id = this.scopeCur.find(name);
    if (!id) throw new Error(`internal: identifier ${name} not in scope`);
    if (id.kind === IdKind.GlobalImplicit || id.kind === IdKind.GlobalImplicitAssigned) {
      ops.global(name, GlobalOpKind.Name, isConst);
    } else if (id.kind === IdKind.GlobalExplicit) {
      ops.global(name, GlobalOpKind.Global, isConst);
    } else if (id.kind === IdKind.Local) {
      ops.local(name, id.localNum, IdOpKind.Fast);
    } else {
      ops.local(name, id.localNum, IdOpKind.Deref);
    }
  }

  loadId(name: string): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForLoad(name, this.compat.closeOver === "at-load");
    else this.idOp(this.emit.loadId, name);
  }

  /** `isConst`: the name is bound by def, class or import (Pycopy stores those with their own opcode). */
  storeId(name: string, isConst = false): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForModification(name, this.compat.assignedNamesCloseOver);
    else this.idOp(this.emit.storeId, name, isConst);
  }

  deleteId(name: string): void {
    if (this.pass === Pass.Scope) this.scopeCur.idForModification(name, this.compat.assignedNamesCloseOver);
    else this.idOp(this.emit.deleteId, name);
  }

  loadFast(name: string, localNum: number): void {
    this.emit.loadId.local(name, localNum, IdOpKind.Fast);
  }

  loadGlobal(name: string): void {
    this.emit.loadId.global(name, GlobalOpKind.Global);
  }

  // ---- walking ----

  compileNode(pn: ParseNode): void {
    if (pn === null) return;
    // tested by how often each kind is compiled (rule nodes, then names): this runs for every node of every pass
    const kind = pn.kind;
    if (kind === "struct") {
      this.emit.setSourceLine(pn.line);
      const f = this.rules.get(pn.rule);
      if (f === undefined) throw new Error(`internal: no compile function for rule ${pn.rule}`);
      f(this, pn);
    } else if (kind === "id") {
      this.loadId(pn.name);
    } else if (kind === "smallint") {
      this.emit.loadConstSmallInt(pn.value);
    } else if (kind === "string") {
      this.emit.loadConstStr(pn.value);
    } else if (kind === "const") {
      if (pn.mixedKinds) this.syntaxError(pn, "cannot mix bytes and nonbytes literals");
      // 1.18 kept some constants as leaves, which carry no line: ints within the 64-bit host's
      // small-int range, and short bytes literals (interned like short strings)
      if (pn.joined || !(this.compat.layout !== "v6" && isV5Leaf(pn.value))) {
        this.emit.setSourceLine(pn.line);
      }
      if (this.compat.layout !== "v6") this.loadConstV5(pn.value);
      else this.emit.loadConstObj(pn.value);
    } else if (pn.tok !== Tok.NEWLINE) {
      this.emit.loadConstTok(pn.tok);
    }
  }

  /**
   * .mpy v5 has no tuple/None/bool constant objects and 1.18 folded no tuples: build them as 1.18's
   * code did, item by item.
   */
  private loadConstV5(value: ConstObj): void {
    switch (value.type) {
      case "tuple":
        for (const item of value.items) this.loadConstV5(item);
        this.emit.build(value.items.length, BuildKind.Tuple);
        return;
      case "none":
        this.emit.loadConstTok(Tok.KW_NONE);
        return;
      case "bool":
        this.emit.loadConstTok(value.value ? Tok.KW_TRUE : Tok.KW_FALSE);
        return;
      case "ellipsis":
        this.emit.loadConstTok(Tok.ELLIPSIS);
        return;
      case "str":
        if (value.qstr) this.emit.loadConstStr(value.value);
        else this.emit.loadConstObj(value);
        return;
      case "int":
        if (value.mpz !== true && fitsSmallInt(value.value, this.opts.smallIntBits)) this.emit.loadConstSmallInt(value.value);
        else this.emit.loadConstObj(value);
        return;
      default:
        this.emit.loadConstObj(value);
    }
  }

  compileGenericAllNodes(pns: StructNode): void {
    const nodes = pns.nodes;
    // an indexed loop: for-of runs the iterator protocol, which cold (interpreted) code pays for per item
    for (let i = 0; i < nodes.length; i++) {
      const child = nodes[i];
      const line = child !== null && (child.kind === "struct" || child.kind === "const") ? child.line : 0;
      try {
        this.compileNode(child);
      } catch (e) {
        if (e instanceof PendingSyntaxError && e.line === 0) e.line = line;
        throw e;
      }
      if (this.pendingError) {
        // an emitter error ends the node list here, taking the line of the node it came from
        if (this.pendingError.line === undefined && line !== 0) this.pendingError.line = line;
        return;
      }
    }
  }

  applyToSingleOrList(pn: ParseNode, rule: string, f: (pn: ParseNode) => void): void {
    if (isStruct(pn, rule)) {
      const nodes = pn.nodes;
      for (let i = 0; i < nodes.length; i++) f(nodes[i]);
    } else if (pn !== null) {
      f(pn);
    }
  }

  // ---- conditions ----

  /** A condition known false at compile time (before 1.20 only `False` and the small int 0 counted). */
  isConstFalse(pn: ParseNode): boolean {
    if (this.compat.constBoolFromAnyConstant) return isConstFalse(pn);
    return isToken(pn, Tok.KW_FALSE) || (isSmallInt(pn) && Number(pn.value) === 0) || this.v5IntLeaf(pn) === 0n;
  }

  isConstTrue(pn: ParseNode): boolean {
    if (this.compat.constBoolFromAnyConstant) return isConstTrue(pn);
    const leaf = this.v5IntLeaf(pn);
    return isToken(pn, Tok.KW_TRUE) || (isSmallInt(pn) && Number(pn.value) !== 0) || (leaf !== null && leaf !== 0n);
  }

  /** An int that 1.18 held as a (host) small-int leaf although it is a constant node here. */
  private v5IntLeaf(pn: ParseNode): bigint | null {
    if (this.compat.layout === "v6" || pn === null || pn.kind !== "const" || pn.value.type !== "int") return null;
    return isV5Leaf(pn.value) ? pn.value.value : null;
  }

  ifCond(pn: ParseNode, jumpIf: boolean, label: number): void {
    if (this.isConstFalse(pn)) {
      if (!jumpIf) this.emit.jump(label);
      return;
    }
    if (this.isConstTrue(pn)) {
      if (jumpIf) this.emit.jump(label);
      return;
    }
    if (this.compat.ifParenTupleIsConst && this.compat.layout !== "v6" && pn !== null && pn.kind === "const" && pn.value.type === "tuple") {
      // 1.18 folded no tuples: what the front end folded was a parenthesised tuple display there
      if ((pn.value.items.length === 0) !== jumpIf) this.emit.jump(label);
      return;
    }
    if (isStruct(pn)) {
      const n = pn.nodes.length;
      const isOr = pn.rule === "or_test";
      if (isOr || pn.rule === "and_test") {
        // `or` jumping on false and `and` jumping on true need a skip label; the other two chain directly.
        if (isOr !== jumpIf) {
          const label2 = this.newLabel();
          for (let i = 0; i < n - 1; i++) this.ifCond(pn.nodes[i], !jumpIf, label2);
          this.ifCond(pn.nodes[n - 1], jumpIf, label);
          this.emit.labelAssign(label2);
        } else {
          for (let i = 0; i < n; i++) this.ifCond(pn.nodes[i], jumpIf, label);
        }
        return;
      }
      if (pn.rule === "not_test_2") {
        this.ifCond(pn.nodes[0], !jumpIf, label);
        return;
      }
      if (pn.rule === "atom_paren" && this.compat.ifParenTupleIsConst) {
        // before 1.21 any parenthesised tuple was taken as a constant condition (even with side effects)
        if ((pn.nodes[0] === null) !== jumpIf) this.emit.jump(label);
        return;
      }
    }
    this.compileNode(pn);
    this.emit.popJumpIf(jumpIf, label);
  }

  // ---- assignment targets ----

  assign(pn: ParseNode, kind: AssignKind): void {
    if (pn === null) throw new Error("internal: null assignment target");
    if (pn.kind === "id") {
      if (kind === AssignKind.AugLoad) this.loadId(pn.name);
      else this.storeId(pn.name);
      return;
    }
    if (pn.kind !== "struct") {
      this.syntaxErrorSplit(pn, pn.kind === "const" ? "" : "can't assign to literal", "can't assign to expression");
    }
    switch (pn.rule) {
      case "atom_expr_normal":
        this.assignAtomExpr(pn, kind);
        return;
      case "testlist_star_expr":
      case "exprlist":
        if (kind !== AssignKind.Store) break;
        this.assignTuple(pn.nodes);
        return;
      case "atom_paren": {
        if (pn.nodes[0] === null) break;
        if (kind !== AssignKind.Store) break;
        const inner = pn.nodes[0] as StructNode;
        if (hasCompFor(inner)) break;
        this.assignTuple(inner.nodes);
        return;
      }
      case "atom_bracket": {
        if (kind !== AssignKind.Store) break;
        const inner = pn.nodes[0];
        if (inner === null) {
          this.assignTuple([]);
        } else if (isStruct(inner, "testlist_comp")) {
          if (hasCompFor(inner)) break;
          this.assignTuple(inner.nodes);
        } else {
          this.assignTuple([inner]);
        }
        return;
      }
    }
    // a tuple, list or parenthesised target of an augmented assignment
    const augmentedSequence = kind !== AssignKind.Store && ["testlist_star_expr", "exprlist", "atom_paren", "atom_bracket"].includes(pn.rule) &&
      !(pn.rule === "atom_paren" && pn.nodes[0] === null);
    this.syntaxErrorSplit(pn, augmentedSequence ? "illegal expression for augmented assignment" : "", "can't assign to expression");
  }

  private assignTuple(nodes: ParseNode[]): void {
    let starIndex = -1;
    for (let i = 0; i < nodes.length; i++) {
      if (isStruct(nodes[i], "star_expr")) {
        if (starIndex === -1) {
          this.emit.unpackEx(i, nodes.length - i - 1);
          starIndex = i;
        } else {
          this.syntaxError(nodes[i], "multiple *x in assignment");
        }
      }
    }
    if (starIndex === -1) this.emit.unpackSequence(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      if (i === starIndex) this.assign((nodes[i] as StructNode).nodes[0], AssignKind.Store);
      else this.assign(nodes[i], AssignKind.Store);
    }
  }

  private assignAtomExpr(pns: StructNode, kind: AssignKind): void {
    if (kind !== AssignKind.AugStore) this.compileNode(pns.nodes[0]);
    let last = pns.nodes[1];
    if (isStruct(last)) {
      if (last.rule === "atom_expr_trailers") {
        const n = last.nodes.length;
        if (kind !== AssignKind.AugStore) for (let i = 0; i < n - 1; i++) this.compileNode(last.nodes[i]);
        last = last.nodes[n - 1];
      }
      if (isStruct(last, "trailer_bracket")) {
        if (kind === AssignKind.AugStore) {
          this.emit.rotThree();
          this.emit.subscr(SubscrKind.Store);
        } else {
          this.compileNode(last.nodes[0]);
          if (kind === AssignKind.AugLoad) {
            this.emit.dupTopTwo();
            this.emit.subscr(SubscrKind.Load);
          } else {
            this.emit.subscr(SubscrKind.Store);
          }
        }
        return;
      }
      if (isStruct(last, "trailer_period")) {
        const attr = idName(last.nodes[0]);
        if (kind === AssignKind.AugLoad) {
          this.emit.dupTop();
          this.emit.attr(attr, AttrKind.Load);
        } else {
          if (kind === AssignKind.AugStore) this.emit.rotTwo();
          this.emit.attr(attr, AttrKind.Store);
        }
        return;
      }
    }
    this.syntaxError(pns, "can't assign to expression");
  }

  // ---- driver ----

  compileScope(scope: Scope, pass: Pass): boolean {
    this.pass = pass;
    this.scopeCur = scope;
    this.nextLabel = 0;
    this.common.startPass(pass);
    this.emit.startPass(pass, scope);
    this.reserveLabelsForNative(6);
    if (pass === Pass.Scope) {
      scope.stackSize = 0;
      scope.excStackSize = 0;
    }
    compileScopeBody(this, scope);
    const done = this.emit.endPass();
    if (this.pendingError) throw this.pendingError;
    return done;
  }

  run(tree: ParseTree): CompiledModule {
    this.createdQstrs = tree.createdQstrs ?? [];
    const module = this.newScope(ScopeKind.Module, tree.root, this.opts.defaultEmit ?? EmitOpt.None);
    this.scopeCur = module;
    try {
      // Scopes are appended as they are found, so this loop also visits the ones found on the way.
      for (let i = 0; i < this.scopes.length; i++) {
        const s = this.scopes[i];
        // an inline-asm body is checked as instructions, never scanned for Python names
        if (s.emitOptions === EmitOpt.Asm) {
          nativeBackend().compileInlineAsmScope(this, s, Pass.Scope);
        } else {
          this.compileScope(s, Pass.Scope);
          if (this.compat.closeOver === "after-scope") for (const id of s.ids) if (id.kind === IdKind.GlobalImplicit) s.checkToCloseOver(id);
        }
        this.maxNumLabels = Math.max(this.maxNumLabels, this.nextLabel);
      }
      for (const s of this.scopes) s.finish(this.compat.starParamPlacement);
      for (const s of this.scopes) {
        if (s.emitOptions === EmitOpt.Asm) {
          nativeBackend().compileInlineAsmScope(this, s);
          continue;
        }
        this.emit = this.emitterFor(s);
        this.compileScope(s, Pass.StackSize);
        this.compileScope(s, Pass.CodeSize);
        while (!this.compileScope(s, Pass.Emit)) {
          // the emitter asks again until jump sizes settle
        }
      }
    } catch (e) {
      if (e instanceof PendingTypedError || (this.pendingError && !(e instanceof PendingSyntaxError))) {
        // an emitter error found mid-pass may leave the emitter in a state upstream would not reach:
        // the recorded error is the one upstream reports
        const err = e instanceof PendingTypedError ? e : this.pendingError!;
        if (err.raised) throw new CompileError(err.kind, err.message, this.opts.sourceFile, 0);
        const pn = this.scopeCur.pn;
        const line = err.line ?? (pn !== null && (pn.kind === "struct" || pn.kind === "const") ? pn.line : 0);
        throw new ScopedCompileError(err.message, this.opts.sourceFile, line, this.scopeCur.simpleName, err.kind);
      }
      if (e instanceof PendingSyntaxError) {
        const pn = this.scopeCur.pn;
        const line = e.line || (pn !== null && (pn.kind === "struct" || pn.kind === "const") ? pn.line : 0);
        throw new ScopedCompileError(e.message, this.opts.sourceFile, line, this.scopeCur.simpleName);
      }
      throw e;
    }
    return {
      rc: module.rawCode!,
      qstrs: this.common.qstrs,
      consts: this.common.consts,
      smallIntBits: this.opts.smallIntBits,
      // upstream marks the module native once a native emitter or inline assembler was created
      nativeArch: this.nativeEmitter || this.usedInlineAsm ? this.opts.arch : undefined,
    };
  }
}

/** Bytes literals up to this length were interned by 1.18's parser (MICROPY_ALLOC_PARSE_INTERN_STRING_LEN). */
const V5_INTERN_LEN = 10;

function isV5Leaf(value: ConstObj): boolean {
  if (value.type === "int") return value.mpz !== true && fitsSmallInt(value.value, 63);
  return value.type === "bytes" && value.value.length <= V5_INTERN_LEN;
}

function fitsSmallInt(v: bigint, bits: number): boolean {
  const limit = 1n << BigInt(bits - 1);
  return v >= -limit && v < limit;
}

export const enum AssignKind {
  Store,
  AugLoad,
  AugStore,
}

/** testlist_comp with a comp_for: a generator/list comprehension rather than a tuple/list. */
export function hasCompFor(pns: StructNode): boolean {
  return pns.nodes.length === 2 && isStruct(pns.nodes[1], "comp_for");
}

