// Scopes (module, class, function, lambda, comprehensions) and the identifiers each one binds.
//
// The compiler's first pass fills these in; `finishScope` then numbers locals, cells and free
// variables in the order MicroPython's VM expects (free vars first, then params, locals, cells).
import type { ParseNode, StructNode } from "./parse-tree.js";
import type { RawCode } from "./raw-code.js";

import { CompileError } from "./compile-error.js";
import { NativeType, nativeTypeFromName } from "./native/types.js";

export const enum ScopeKind {
  Module,
  Class,
  Lambda,
  ListComp,
  DictComp,
  SetComp,
  GenExpr,
  Function,
}

export const enum IdKind {
  Undecided,
  GlobalImplicit,
  GlobalImplicitAssigned,
  GlobalExplicit,
  /** Bound in this function and only used here. */
  Local,
  /** Bound here and used by an inner function. */
  Cell,
  /** Belongs to an enclosing function. */
  Free,
}

/** How a scope is compiled (MP_EMIT_OPT_*): None is the module default without -X emit. */
export const enum EmitOpt { None = 0, Bytecode = 1, NativePython = 2, Viper = 3, Asm = 4 }

export const ID_FLAG_IS_PARAM = 0x01;
export const ID_FLAG_IS_STAR_PARAM = 0x02;
export const ID_FLAG_IS_DBL_STAR_PARAM = 0x04;

// Signature flags stored in the bytecode prelude (runtime0.h MP_SCOPE_FLAG_*).
export const SCOPE_FLAG_GENERATOR = 0x01;
export const SCOPE_FLAG_VARKEYWORDS = 0x02;
export const SCOPE_FLAG_VARARGS = 0x04;
export const SCOPE_FLAG_DEFKWARGS = 0x08;
export const SCOPE_FLAG_REFGLOBALS = 0x10;
export const SCOPE_FLAG_HASCONSTS = 0x20;
export const SCOPE_FLAG_ALL_SIG = 0x0f;
/**
 * The scope flags in pre-1.12 numbering, where VARARGS was bit 0 and GENERATOR bit 2 (1.12 swapped
 * them); upstream's 16 bits only (the viper return type included), not tspy's own.
 */
export function legacyScopeFlags(flags: number): number {
  const f = flags & 0xffff;
  return (f & ~(SCOPE_FLAG_GENERATOR | SCOPE_FLAG_VARARGS)) | (f & SCOPE_FLAG_GENERATOR ? SCOPE_FLAG_VARARGS : 0) | (f & SCOPE_FLAG_VARARGS ? SCOPE_FLAG_GENERATOR : 0);
}
/** Viper return type (a native type number) sits in the scope flags from this bit on. */
export const SCOPE_FLAG_VIPERRET_POS = 6;
/** Viper parameter type (a native type number) sits in an id's flags from this bit on. */
export const ID_FLAG_VIPER_TYPE_POS = 4;
/** An async def (tspy's own bit, above upstream's 16): CircuitPython stores it in the signature as 0x10. */
export const SCOPE_FLAG_ASYNC = 0x10000;
/** CircuitPython's MP_SCOPE_FLAG_ASYNC, the fifth signature bit of its prelude. */
export const CIRCUITPY_SIG_FLAG_ASYNC = 0x10;

/**
 * Upstream mpy-cross compiles in a fixed heap (2 MB on a 64-bit host) and a scope's id table is one
 * block in it: with short names the heap runs out between 21000 identifiers in one scope (compiled)
 * and 23000 (MemoryError), measured with upstream 1.27. tspy stops at the same point, at once,
 * instead of modelling the heap (or spending a minute on 70000 locals to produce a file upstream
 * would not).
 */
export const MAX_SCOPE_IDS = 22000;

export interface IdInfo {
  kind: IdKind;
  flags: number;
  /** Local slot for Local; closure slot for Cell/Free. */
  localNum: number;
  readonly name: string;
}

const SIMPLE_NAMES: Partial<Record<ScopeKind, string>> = {
  [ScopeKind.Module]: "<module>",
  [ScopeKind.Lambda]: "<lambda>",
  [ScopeKind.ListComp]: "<listcomp>",
  [ScopeKind.DictComp]: "<dictcomp>",
  [ScopeKind.SetComp]: "<setcomp>",
  [ScopeKind.GenExpr]: "<genexpr>",
};

export function isFuncLike(kind: ScopeKind): boolean {
  return kind >= ScopeKind.Lambda;
}

export function isCompLike(kind: ScopeKind): boolean {
  return kind >= ScopeKind.ListComp && kind <= ScopeKind.GenExpr;
}

export class Scope {
  readonly kind: ScopeKind;
  readonly parent: Scope | null;
  readonly pn: ParseNode;
  readonly simpleName: string;
  rawCode: RawCode | null = null;
  scopeFlags = 0;
  emitOptions: number;
  numPosArgs = 0;
  numKwonlyArgs = 0;
  numDefPosArgs = 0;
  numLocals = 0;
  stackSize = 0;
  excStackSize = 0;
  readonly ids: IdInfo[] = [];
  /** The same identifiers by name: a scope with tens of thousands of names is looked up in O(1). */
  private readonly byName = new Map<string, IdInfo>();

  constructor(kind: ScopeKind, pn: ParseNode, parent: Scope | null, emitOptions: number) {
    this.kind = kind;
    this.pn = pn;
    this.parent = parent;
    this.emitOptions = emitOptions;
    if (kind === ScopeKind.Function || kind === ScopeKind.Class) {
      const name = (pn as StructNode).nodes[0];
      if (name === null || name.kind !== "id") throw new Error("function/class node without a name");
      this.simpleName = name.name;
    } else {
      this.simpleName = SIMPLE_NAMES[kind]!;
    }
  }

  find(name: string): IdInfo | undefined {
    return this.byName.get(name);
  }

  findOrAdd(name: string, kind: IdKind): IdInfo {
    const found = this.find(name);
    if (found) return found;
    if (this.ids.length >= MAX_SCOPE_IDS) {
      // Upstream grows a scope's id table 6 entries at a time, 16 bytes each on a 64-bit host.
      throw new CompileError("MemoryError", `memory allocation failed, allocating ${(this.ids.length + 6) * 16} bytes`, "", 0);
    }
    const id: IdInfo = { kind, flags: 0, localNum: 0, name };
    this.ids.push(id);
    this.byName.set(name, id);
    return id;
  }

  findGlobal(name: string): IdInfo | undefined {
    let s: Scope = this;
    while (s.parent) s = s.parent;
    return s.find(name);
  }

  /** Called for a name still implicitly global after the scope pass: it may belong to an enclosing function. */
  checkToCloseOver(id: IdInfo): void {
    if (!this.parent) return;
    for (let s: Scope = this.parent; s.parent; s = s.parent) {
      const id2 = s.find(id.name);
      if (id2) {
        if (id2.kind === IdKind.Local || id2.kind === IdKind.Cell || id2.kind === IdKind.Free) {
          id.kind = IdKind.Free;
          this.closeOverInParents(id.name);
        }
        return;
      }
    }
  }

  private closeOverInParents(name: string): void {
    for (let s = this.parent!; ; s = s.parent!) {
      const id = s.findOrAdd(name, IdKind.Undecided);
      if (id.kind === IdKind.Undecided) {
        id.kind = IdKind.Free;
      } else {
        if (id.kind === IdKind.Local) id.kind = IdKind.Cell;
        return;
      }
    }
  }

  /**
   * A store or delete of `name` in this scope: a function rebinds it locally. `assignedCloseOver`
   * (before 1.19) leaves a class/module name unmarked, so it may still close over an outer local.
   */
  idForModification(name: string, assignedCloseOver = false): IdInfo {
    const id = this.findOrAdd(name, IdKind.GlobalImplicit);
    if (id.kind === IdKind.GlobalImplicit && (isFuncLike(this.kind) || !assignedCloseOver)) {
      id.kind = isFuncLike(this.kind) ? IdKind.Local : IdKind.GlobalImplicitAssigned;
    }
    return id;
  }

  /** A load of `name`; `closeOverNow` (1.8): a new name is resolved against the enclosing functions at once. */
  idForLoad(name: string, closeOverNow = false): void {
    // one lookup for the common case, a name already known
    if (this.byName.has(name)) return;
    const id = this.findOrAdd(name, IdKind.GlobalImplicit);
    if (closeOverNow) this.checkToCloseOver(id);
  }

  /**
   * Number the locals once the scope pass is done: *args moves after the other params, implicit
   * globals of functions become explicit, cells follow the fast locals, and free variables (in the
   * parent's order) come first of all and count as positional args for the VM.
   */
  finish(starParamPlacement: "swap" | "move" = "swap"): void {
    if (this.scopeFlags & SCOPE_FLAG_VARARGS) {
      let lastPlainParam = -1;
      for (let i = this.ids.length - 1; i >= 0; i--) {
        const id = this.ids[i];
        if (id.flags & ID_FLAG_IS_STAR_PARAM) {
          if (lastPlainParam >= 0 && starParamPlacement === "swap") {
            const t = this.ids[lastPlainParam];
            this.ids[lastPlainParam] = id;
            this.ids[i] = t;
          } else if (lastPlainParam >= 0) {
            this.ids.splice(i, 1);
            this.ids.splice(lastPlainParam, 0, id);
          }
          break;
        } else if (lastPlainParam < 0 && id.flags === ID_FLAG_IS_PARAM) {
          lastPlainParam = i;
        }
      }
    }

    this.numLocals = 0;
    for (const id of this.ids) {
      if (this.kind === ScopeKind.Class && id.name === "__class__") continue;
      if (isFuncLike(this.kind) && id.kind === IdKind.GlobalImplicit) id.kind = IdKind.GlobalExplicit;
      // a global reference makes native code swap in the module's globals (a viper cast is no reference)
      if (id.kind === IdKind.GlobalExplicit && !(this.emitOptions === EmitOpt.Viper && nativeTypeFromName(id.name) >= NativeType.Int)) {
        this.scopeFlags |= SCOPE_FLAG_REFGLOBALS;
      }
      if (id.kind === IdKind.Local || id.flags & ID_FLAG_IS_PARAM) id.localNum = this.numLocals++;
    }
    for (const id of this.ids) {
      if (id.kind === IdKind.Cell && !(id.flags & ID_FLAG_IS_PARAM)) id.localNum = this.numLocals++;
    }

    if (this.parent) {
      let numFree = 0;
      for (const pid of this.parent.ids) {
        if (pid.kind !== IdKind.Cell && pid.kind !== IdKind.Free) continue;
        for (const id of this.ids) {
          if (id.kind === IdKind.Free && id.name === pid.name) id.localNum = numFree++;
        }
      }
      if (numFree > 0) {
        for (const id of this.ids) {
          if (id.kind !== IdKind.Free || id.flags & ID_FLAG_IS_PARAM) id.localNum += numFree;
        }
        this.numPosArgs += numFree;
        this.numLocals += numFree;
      }
    }
  }
}
