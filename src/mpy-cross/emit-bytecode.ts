// The bytecode emitter: turns the compiler's calls into MicroPython bytecode (.mpy v6 format),
// tracking stack depth, label offsets and the prelude (signature, sizes, names, line table, cells).
//
// It runs once per pass over each scope. Sizes of jumps depend on label offsets known from the
// previous pass, so the emit pass repeats until the code stops shrinking, as upstream does.
import {
  AttrKind, BREAK_FROM_FOR, BuildKind, GlobalOpKind, IdOpKind, ImportKind, Pass, SetupBlockKind, SubscrKind,
  YieldKind, type Emitter, type IdOps,
} from "./emitter.js";
import { EmitCommon } from "./emit-common.js";
import { IdKind, ID_FLAG_IS_PARAM, Scope, ScopeKind, SCOPE_FLAG_ALL_SIG, SCOPE_FLAG_ASYNC, CIRCUITPY_SIG_FLAG_ASYNC, SCOPE_FLAG_GENERATOR } from "./scope.js";
import { Op, BinaryOp, UnaryOp, SMALL_INT_MULTI_EXCESS, SMALL_INT_MULTI_NUM, type OpName } from "./opcodes.js";
import type { OpTable } from "./opcodes-legacy.js";
import type { ConstObj } from "./constants.js";
import { Tok } from "./tokens.js";
import type { BackendCompat } from "./compat.js";
import { ByteBuffer } from "./byte-buffer.js";

const ITER_BUF_NSLOTS = 4;

/** Where the prelude encoders append: an array (the native emitter) or the bytecode emitter's buffer. */
interface ByteSink { push(b: number): unknown }

/** Appends MicroPython's variable-length unsigned encoding (7 bits a byte, most significant first). */
export function encodeUint(out: number[], value: number): void {
  let unit = 1;
  while (value / unit >= 128) unit *= 128;
  for (; unit > 1; unit /= 128) out.push(0x80 | Math.floor(value / unit) % 128);
  out.push(value % 128);
}

/** The prelude's packed signature (MP_BC_PRELUDE_SIG_ENCODE): state size, exception depth and arg counts. */
export function preludeSignature<T extends ByteSink = number[]>(nState: number, nExc: number, scope: Scope, extraFlags = 0, out: T = [] as unknown as T): T {
  // extraFlags: signature bits beyond MicroPython's four (CircuitPython's async marker)
  let F = (scope.scopeFlags & SCOPE_FLAG_ALL_SIG) | extraFlags;
  let A = scope.numPosArgs;
  let K = scope.numKwonlyArgs;
  let D = scope.numDefPosArgs;
  let S = nState - 1;
  let E = nExc;
  let z = ((S & 0xf) << 3) | ((E & 1) << 2) | (A & 3);
  S >>>= 4;
  E >>>= 1;
  A >>>= 2;
  while (S | E | F | A | K | D) {
    out.push(0x80 | z);
    z = ((F & 1) << 6) | ((S & 3) << 4) | ((K & 1) << 3) | ((A & 1) << 2) | ((E & 1) << 1) | (D & 1);
    S >>>= 2;
    E >>>= 1;
    F >>>= 1;
    A >>>= 1;
    K >>>= 1;
    D >>>= 1;
  }
  out.push(z);
  return out;
}

/** The prelude's sizes of the source-info and cell sections (MP_BC_PRELUDE_SIZE_ENCODE). */
export function preludeSizes<T extends ByteSink = number[]>(nInfo: number, nCell: number, out: T = [] as unknown as T): T {
  let i = nInfo, c = nCell;
  do {
    let z = ((i & 0x3f) << 1) | (c & 1);
    c >>>= 1;
    i = Math.floor(i / 64);
    if (c | i) z |= 0x80;
    out.push(z);
  } while (c | i);
  return out;
}

export class BytecodeEmitter implements Emitter {
  protected pass: Pass = Pass.Scope;
  protected suppress = false;
  protected stackSize = 0;
  protected scope!: Scope;
  protected lastSourceLineOffset = 0;
  protected lastSourceLine = 1;
  protected labelOffsets: number[] = [];
  /** The prelude and line table, then the opcodes: buffers reused by every pass and scope of the module. */
  protected readonly codeInfo = new ByteBuffer();
  protected readonly bytecode = new ByteBuffer(1024);
  protected codeInfoSize = 0;
  protected bytecodeSize = 0;
  protected overflow = false;
  protected nInfo = 0;
  protected nCell = 0;
  protected lastWasReturn = false;
  /** The opcode numbers written (1.12+; the pre-1.12 emitter swaps in its own table). */
  protected readonly op: OpTable = Op;

  readonly loadId: IdOps;
  readonly storeId: IdOps;
  readonly deleteId: IdOps;

  constructor(
    protected readonly common: EmitCommon,
    protected readonly optimize: number,
    protected readonly compat: BackendCompat,
  ) {
    this.loadId = {
      local: (_n, num, kind) => {
        if (kind === IdOpKind.Fast && num <= 15) this.byte(1, this.op.LOAD_FAST_MULTI + num);
        else this.byteUint(1, this.op.LOAD_FAST_N + kind, num);
      },
      global: (name, kind) => this.byteQstr(1, this.op.LOAD_NAME + kind, name),
    };
    this.storeId = {
      local: (_n, num, kind) => {
        if (kind === IdOpKind.Fast && num <= 15) this.byte(-1, this.op.STORE_FAST_MULTI + num);
        else this.byteUint(-1, this.op.STORE_FAST_N + kind, num);
      },
      global: (name, kind, isConst) => {
        const constOp = this.compat.opcodes.storeNameConst;
        this.byteQstr(-1, (isConst && constOp !== null ? constOp : this.op.STORE_NAME) + kind, name);
      },
    };
    this.deleteId = {
      local: (_n, num, kind) => this.byteUint(0, this.op.DELETE_FAST + kind, num),
      global: (name, kind) => this.byteQstr(0, this.op.DELETE_NAME + kind, name),
    };
  }

  // ---- low-level writers ----

  protected ci(b: number): void {
    this.codeInfo.push(b & 0xff);
  }

  protected ciQstr(s: string): void {
    this.codeInfo.uint(this.common.useQstr(s));
  }

  protected ciBytesLines(bytesToSkip: number, linesToSkip: number): void {
    while (bytesToSkip > 0 || linesToSkip > 0) {
      let b: number, l: number;
      // 1.9+ takes the short form while more than 15 bytes remain, and steps no line until they are done
      const bytesFirst = this.compat.lineSteps === "1.9";
      if (linesToSkip <= 6 || (bytesFirst && bytesToSkip > 0xf)) {
        b = Math.min(bytesToSkip, 0x1f);
        l = bytesFirst && b < bytesToSkip ? 0 : Math.min(linesToSkip, 0x3);
        this.ci(b | (l << 5));
      } else {
        b = Math.min(bytesToSkip, 0xf);
        l = Math.min(linesToSkip, 0x7ff);
        this.ci(0x80 | b | ((l >> 4) & 0x70));
        this.ci(l & 0xff);
      }
      bytesToSkip -= b;
      linesToSkip -= l;
    }
  }

  protected get bcOffset(): number {
    return this.bytecode.length;
  }

  protected raw(b: number): void {
    if (!this.suppress) this.bytecode.push(b);
  }

  protected byte(stackAdj: number, b: number): void {
    this.pre(stackAdj);
    this.raw(b);
  }

  protected byteInt(stackAdj: number, b: number, num: number | bigint): void {
    this.byte(stackAdj, b);
    // Signed 7-bit groups, most significant first; bit 6 of the first group carries the sign.
    if (typeof num === "number" && num >= -0x40000000 && num < 0x40000000) {
      // the usual case, in 32-bit arithmetic: as few groups as hold the value in two's complement
      let k = 1;
      while (num < -(2 ** (7 * k - 1)) || num >= 2 ** (7 * k - 1)) k++;
      for (let j = k - 1; j > 0; j--) this.raw(0x80 | ((num >> (7 * j)) & 0x7f));
      this.raw(num & 0x7f);
      return;
    }
    const groups: number[] = [];
    let n = BigInt(num);
    do {
      groups.push(Number(n & 0x7fn));
      n >>= 7n;
    } while (n !== 0n && n !== -1n);
    if (n === -1n && (groups[groups.length - 1] & 0x40) === 0) groups.push(0x7f);
    else if (n === 0n && (groups[groups.length - 1] & 0x40) !== 0) groups.push(0);
    for (let i = groups.length - 1; i > 0; i--) this.raw(groups[i] | 0x80);
    this.raw(groups[0]);
  }

  protected byteUint(stackAdj: number, b: number, val: number): void {
    this.byte(stackAdj, b);
    if (this.suppress) return;
    this.bytecode.uint(val);
  }

  protected byteQstr(stackAdj: number, b: number, s: string): void {
    const idx = this.common.useQstr(s);
    this.byteUint(stackAdj, b, idx);
  }

  protected byteObj(stackAdj: number, b: number, obj: ConstObj): void {
    this.byteUint(stackAdj, b, this.common.useConst(obj));
  }

  protected byteChild(stackAdj: number, b: number, scope: Scope): void {
    this.byteUint(stackAdj, b, this.common.allocChild(scope.rawCode!));
  }

  /** A jump opcode; `stackAdj` null: written without the stack bookkeeping (1.8's UNWIND_JUMP). */
  protected byteLabel(stackAdj: number | null, b: number, label: number): void {
    if (stackAdj !== null) this.pre(stackAdj);
    if (this.suppress) return;
    const isSigned = b <= this.op.POP_JUMP_IF_FALSE;
    let encodingSize = 1;
    let offset = 0;
    if (this.pass >= Pass.CodeSize) {
      offset = this.labelOffsets[label] - this.bcOffset - 2;
      if ((isSigned && offset >= -64 && offset <= 63) || (!isSigned && offset >= 0 && offset <= 127)) encodingSize = 0;
      offset -= encodingSize;
    }
    this.bytecode.push(b);
    if (encodingSize === 0) {
      if (isSigned) offset += 0x40;
      this.bytecode.push(offset & 0xff);
    } else {
      if (isSigned) offset += 0x4000;
      if (this.pass === Pass.Emit && !(offset >= 0 && offset <= 0x7fff)) this.overflow = true;
      this.bytecode.push(0x80 | (offset & 0x7f));
      this.bytecode.push((offset >> 7) & 0xff);
    }
  }

  // ---- passes ----

  startPass(pass: Pass, scope: Scope): void {
    this.overflow = false;
    this.beginPrelude(pass, scope);

    this.nInfo = this.codeInfo.length;
    this.ciQstr(scope.simpleName);
    for (let i = 0; i < scope.numPosArgs + scope.numKwonlyArgs; i++) {
      let name = "*";
      for (const id of scope.ids) {
        if (id.flags & ID_FLAG_IS_PARAM && id.localNum === i) {
          name = id.name;
          break;
        }
      }
      this.ciQstr(name);
    }
  }

  /**
   * Per-pass state both bytecode versions reset, then the prelude's fixed head: the packed signature and
   * the source-info and cell sizes, which are only known (and so only written) from the code-size pass on.
   */
  protected beginPrelude(pass: Pass, scope: Scope): void {
    this.pass = pass;
    this.stackSize = 0;
    // the scope pass only finds names (and uses qstrs and constants in upstream's order): the opcodes
    // it would write are never kept, so it writes none
    this.suppress = pass === Pass.Scope;
    this.lastWasReturn = false;
    this.scope = scope;
    this.lastSourceLineOffset = 0;
    this.lastSourceLine = 1;
    this.codeInfo.clear();
    this.bytecode.clear();
    let nState = scope.numLocals + scope.stackSize;
    if (nState === 0) nState = 1;
    this.writePreludeHead(pass, nState, scope.excStackSize, scope);
  }

  /** The packed signature, then (from the code-size pass on) the source-info and cell sizes. */
  protected writePreludeHead(pass: Pass, nState: number, nExc: number, scope: Scope): void {
    this.writeSignature(nState, nExc, scope);
    if (pass >= Pass.CodeSize) preludeSizes(this.nInfo, this.nCell, this.codeInfo);
  }

  protected writeSignature(nState: number, nExc: number, scope: Scope): void {
    const async = this.compat.awaitProtocol === "dunder-await" && (scope.scopeFlags & SCOPE_FLAG_ASYNC) !== 0;
    preludeSignature(nState, nExc, scope, async ? CIRCUITPY_SIG_FLAG_ASYNC : 0, this.codeInfo);
  }


  /** Closes the source-info section (its size is now known) and lists the locals that become cells. */
  protected writeCellList(): void {
    this.nInfo = this.codeInfo.length - this.nInfo;
    this.nCell = 0;
    for (const id of this.scope.ids) {
      if (id.kind === IdKind.Cell) {
        this.ci(id.localNum);
        this.nCell++;
      }
    }
  }

  endPass(): boolean {
    if (this.pass === Pass.Scope) return true;
    // (1.8's mpy-cross wrote the code even so, e.g. for `super.f()`; see compat.ts adjustRaisesMax)
    if (this.stackSize !== 0 && this.compat.adjustRaisesMax) throw new Error(`internal: stack not balanced in ${this.scope.simpleName}`);
    this.writeCellList();
    if (this.pass === Pass.CodeSize) {
      this.codeInfoSize = this.codeInfo.length;
      this.bytecodeSize = this.bytecode.length;
    } else if (this.pass === Pass.Emit) {
      if (this.codeInfo.length !== this.codeInfoSize || this.bytecode.length !== this.bytecodeSize) {
        this.codeInfoSize = this.codeInfo.length;
        this.bytecodeSize = this.bytecode.length;
        return false;
      }
      if (this.overflow) throw new Error("bytecode overflow");
      const rc = this.scope.rawCode!;
      rc.funData = this.funData();
      rc.children = this.common.children.slice(0, this.common.curChild);
      rc.scopeFlags = this.scope.scopeFlags;
    }
    return true;
  }

  /** The finished function's bytes: the prelude and line table, then the opcodes. */
  protected funData(): Uint8Array {
    const data = new Uint8Array(this.codeInfo.length + this.bytecode.length);
    data.set(this.codeInfo.view());
    data.set(this.bytecode.view(), this.codeInfo.length);
    return data;
  }

  lastEmitWasReturnValue(): boolean {
    return this.lastWasReturn;
  }

  /** Marks the start of dead code (after an unconditional jump, return or raise), from 1.20 on. */
  protected deadCodeFollows(): void {
    if (this.compat.suppressDeadCode) this.suppress = true;
  }

  /** The stack change of an opcode being written (upstream's emit_bc_pre): it can raise the maximum. */
  protected pre(delta: number): void {
    if (this.pass === Pass.Scope) return;
    this.lastWasReturn = false;
    this.stackSize += delta;
    if (this.stackSize > this.scope.stackSize) this.scope.stackSize = this.stackSize;
  }

  /** A stack change the compiler asks for with no opcode: before 1.9 it left the maximum alone. */
  adjustStackSize(delta: number): void {
    if (this.compat.adjustRaisesMax) this.pre(delta);
    else if (this.pass !== Pass.Scope) this.stackSize += delta;
  }

  setSourceLine(line: number): void {
    if (this.optimize >= 3 || this.pass === Pass.Scope) return;
    if (line > this.lastSourceLine) {
      this.ciBytesLines(this.bcOffset - this.lastSourceLineOffset, line - this.lastSourceLine);
      this.lastSourceLineOffset = this.bcOffset;
      this.lastSourceLine = line;
    }
  }

  labelAssign(label: number): void {
    if (this.pass === Pass.Scope) return;
    this.suppress = false;
    this.lastWasReturn = false;
    this.labelOffsets[label] = this.bcOffset;
  }

  // ---- opcodes ----

  /** An opcode's number: the firmware's own where it renumbered it (Pycopy), else this bytecode's. */
  protected opcode(name: OpName): number { return this.compat.opcodes.renumbered[name] ?? this.op[name]; }
  /** SETUP_WITH / SETUP_EXCEPT / SETUP_FINALLY for a block kind. */
  protected setupOpcode(kind: SetupBlockKind): number { return this.op.SETUP_WITH + kind; }
  /** BUILD_TUPLE / LIST / MAP / SET / SLICE for a build kind. */
  protected buildOpcode(kind: BuildKind): number { return this.op.BUILD_TUPLE + kind; }
  /** The number a binary operator has in this bytecode. */
  protected binaryOpNumber(op: number): number { return op; }

  importOp(name: string, kind: ImportKind): void {
    const adj = kind === ImportKind.From ? 1 : -1;
    if (kind === ImportKind.Star) this.byte(adj, this.opcode("IMPORT_STAR"));
    else this.byteQstr(adj, this.op.IMPORT_NAME + kind, name);
  }

  loadConstTok(tok: Tok): void {
    if (tok === Tok.ELLIPSIS) this.byteObj(1, this.op.LOAD_CONST_OBJ, { type: "ellipsis" });
    else this.byte(1, this.op.LOAD_CONST_FALSE + (tok - Tok.KW_FALSE));
  }

  loadConstSmallInt(value: number | bigint): void {
    if (-SMALL_INT_MULTI_EXCESS <= value && value < SMALL_INT_MULTI_NUM - SMALL_INT_MULTI_EXCESS) {
      this.byte(1, this.op.LOAD_CONST_SMALL_INT_MULTI + SMALL_INT_MULTI_EXCESS + Number(value));
    } else {
      this.byteInt(1, this.op.LOAD_CONST_SMALL_INT, value);
    }
  }

  loadConstStr(s: string): void {
    this.byteQstr(1, this.op.LOAD_CONST_STRING, s);
  }

  loadConstObj(obj: ConstObj): void {
    this.byteObj(1, this.op.LOAD_CONST_OBJ, obj);
  }

  loadNull(): void {
    this.byte(1, this.op.LOAD_NULL);
  }

  loadMethod(name: string, isSuper: boolean): void {
    this.byteQstr(isSuper ? -1 : 1, isSuper ? this.op.LOAD_SUPER_METHOD : this.op.LOAD_METHOD, name);
  }

  loadBuildClass(): void {
    this.byte(1, this.op.LOAD_BUILD_CLASS);
  }

  subscr(kind: SubscrKind): void {
    if (kind === SubscrKind.Load) {
      this.byte(-1, this.op.LOAD_SUBSCR);
    } else {
      if (kind === SubscrKind.Delete) {
        this.loadNull();
        this.rotThree();
      }
      this.byte(-3, this.op.STORE_SUBSCR);
    }
  }

  attr(name: string, kind: AttrKind): void {
    if (kind === AttrKind.Load) {
      this.byteQstr(0, this.op.LOAD_ATTR, name);
    } else {
      if (kind === AttrKind.Delete) {
        this.loadNull();
        this.rotTwo();
      }
      this.byteQstr(-2, this.op.STORE_ATTR, name);
    }
  }

  dupTop(): void { this.byte(1, this.op.DUP_TOP); }
  dupTopTwo(): void { this.byte(2, this.op.DUP_TOP_TWO); }
  popTop(): void { this.byte(-1, this.op.POP_TOP); }
  rotTwo(): void { this.byte(0, this.op.ROT_TWO); }
  rotThree(): void { this.byte(0, this.op.ROT_THREE); }

  jump(label: number): void {
    this.byteLabel(0, this.op.JUMP, label);
    this.deadCodeFollows();
  }

  popJumpIf(cond: boolean, label: number): void {
    this.byteLabel(-1, cond ? this.op.POP_JUMP_IF_TRUE : this.op.POP_JUMP_IF_FALSE, label);
  }

  jumpIfOrPop(cond: boolean, label: number): void {
    this.byteLabel(-1, cond ? this.op.JUMP_IF_TRUE_OR_POP : this.op.JUMP_IF_FALSE_OR_POP, label);
  }

  unwindJump(label: number, exceptDepth: number): void {
    const target = label & ~BREAK_FROM_FOR;
    if (exceptDepth === 0) {
      if (label & BREAK_FROM_FOR) {
        for (let i = 0; i < this.compat.iterSlots; i++) this.raw(this.op.POP_TOP);
      }
      this.byteLabel(0, this.op.JUMP, target);
    } else {
      // (1.8 wrote it without the stack bookkeeping, so it did not count towards the frame size)
      this.byteLabel(this.compat.adjustRaisesMax ? 0 : null, this.op.UNWIND_JUMP, target);
      this.raw((label & BREAK_FROM_FOR ? 0x80 : 0) | exceptDepth);
    }
    this.deadCodeFollows();
  }

  setupBlock(label: number, kind: SetupBlockKind): void {
    this.byteLabel(kind === SetupBlockKind.With ? this.compat.withSlots : 0, this.setupOpcode(kind), label);
  }

  withCleanup(label: number): void {
    this.loadConstTok(Tok.KW_NONE);
    this.labelAssign(label);
    if (this.compat.withSlots === 4) {
      // 1.8: the four slots reserved at SETUP_WITH are enough for calling __exit__
      this.byte(-4, this.op.WITH_CLEANUP);
    } else {
      this.byte(2, this.op.WITH_CLEANUP);
      this.pre(-4);
    }
  }

  asyncWithSetupFinally(labelAexitNoExc: number, labelFinallyBlock: number, labelRetUnwindJump: number): void {
    this.loadConstTok(Tok.KW_NONE);
    this.rotTwo();
    this.jump(labelAexitNoExc);
    this.labelAssign(labelFinallyBlock);
    this.dupTop();
    this.loadId.global(this.compat.asyncWithCatches, GlobalOpKind.Global);
    this.binaryOp(BinaryOp.EXCEPTION_MATCH);
    this.popJumpIf(false, labelRetUnwindJump);
  }

  endFinally(): void { this.byte(-1, this.op.END_FINALLY); }

  getIter(useStack: boolean): void {
    // before 1.9 every iterator is a heap object taking one slot
    if (this.compat.iterSlots === 1) useStack = false;
    this.byte(useStack ? ITER_BUF_NSLOTS - 1 : 0, useStack ? this.op.GET_ITER_STACK : this.op.GET_ITER);
  }

  forIter(label: number): void { this.byteLabel(1, this.op.FOR_ITER, label); }
  forIterEnd(): void { this.pre(-this.compat.iterSlots); }

  popExceptJump(label: number, _withinExcHandler: boolean): void {
    this.byteLabel(0, this.op.POP_EXCEPT_JUMP, label);
    this.deadCodeFollows();
  }

  unaryOp(op: number): void { this.byte(0, this.op.UNARY_OP_MULTI + this.unaryOpNumber(op)); }

  /** The number a unary operator has in this bytecode (1.9.2 and older number them differently). */
  protected unaryOpNumber(op: number): number { return this.compat.operators?.unary[op as UnaryOp] ?? op; }

  binaryOp(op: number): void {
    let invert = false;
    if (op === BinaryOp.NOT_IN) {
      invert = true;
      op = BinaryOp.IN;
    } else if (op === BinaryOp.IS_NOT) {
      invert = true;
      op = BinaryOp.IS;
    }
    this.byte(-1, this.op.BINARY_OP_MULTI + this.binaryOpNumber(op));
    if (invert) this.byte(0, this.op.UNARY_OP_MULTI + this.unaryOpNumber(UnaryOp.NOT));
  }

  build(nArgs: number, kind: BuildKind): void {
    this.byteUint(kind === BuildKind.Map ? 1 : 1 - nArgs, this.buildOpcode(kind), nArgs);
  }

  storeMap(): void { this.byte(-2, this.op.STORE_MAP); }

  storeComp(scopeKind: number, collectionStackIndex: number): void {
    const own = this.compat.compAddOps;
    if (own) {
      // 1.8: LIST_APPEND / SET_ADD pop the item, MAP_ADD the value and the key
      if (scopeKind === ScopeKind.ListComp) this.byteUint(-1, own.list, collectionStackIndex);
      else if (scopeKind === ScopeKind.DictComp) this.byteUint(-2, own.dict, collectionStackIndex);
      else this.byteUint(-1, own.set, collectionStackIndex);
      return;
    }
    let n: number, t: number;
    if (scopeKind === ScopeKind.ListComp) {
      n = 0; t = 0;
    } else if (scopeKind === ScopeKind.DictComp) {
      n = 1; t = 1;
    } else {
      n = 0; t = 2;
    }
    this.byteUint(-1 - n, this.op.STORE_COMP, ((collectionStackIndex + n) << 2) | t);
  }

  unpackSequence(nArgs: number): void { this.byteUint(-1 + nArgs, this.op.UNPACK_SEQUENCE, nArgs); }

  unpackEx(nLeft: number, nRight: number): void {
    this.byteUint(-1 + nLeft + nRight + 1, this.op.UNPACK_EX, nLeft | (nRight << 8));
  }

  makeFunction(scope: Scope, nPosDefaults: number, nKwDefaults: number): void {
    if (nPosDefaults === 0 && nKwDefaults === 0) this.byteChild(1, this.op.MAKE_FUNCTION, scope);
    else this.byteChild(-1, this.op.MAKE_FUNCTION_DEFARGS, scope);
  }

  makeClosure(scope: Scope, nClosedOver: number, nPosDefaults: number, nKwDefaults: number): void {
    if (nPosDefaults === 0 && nKwDefaults === 0) {
      this.byteChild(-nClosedOver + 1, this.op.MAKE_CLOSURE, scope);
    } else {
      this.byteChild(-2 - nClosedOver + 1, this.op.MAKE_CLOSURE_DEFARGS, scope);
    }
    this.raw(nClosedOver);
  }

  protected callHelper(stackAdj: number, base: number, nPos: number, nKw: number, starFlags: number): void {
    if (starFlags) {
      stackAdj -= nPos + 2 * nKw + 1;
      this.byteUint(stackAdj, base + 1, (nKw << 8) | nPos);
    } else {
      stackAdj -= nPos + 2 * nKw;
      this.byteUint(stackAdj, base, (nKw << 8) | nPos);
    }
  }

  callFunction(nPositional: number, nKeyword: number, starFlags: number): void {
    this.callHelper(0, this.op.CALL_FUNCTION, nPositional, nKeyword, starFlags);
  }

  callMethod(nPositional: number, nKeyword: number, starFlags: number): void {
    this.callHelper(-1, this.op.CALL_METHOD, nPositional, nKeyword, starFlags);
  }

  returnValue(): void {
    this.byte(-1, this.op.RETURN_VALUE);
    this.lastWasReturn = true;
    this.deadCodeFollows();
  }

  raiseVarargs(nArgs: number): void {
    const withCount = this.compat.opcodes.raiseWithCountByte;
    if (withCount === null) {
      this.byte(-nArgs, this.op.RAISE_LAST + nArgs);
    } else {
      this.byte(-nArgs, withCount);
      this.raw(nArgs);
    }
    this.deadCodeFollows();
  }

  yieldOp(kind: YieldKind): void {
    this.byte(-kind, this.opcode("YIELD_VALUE") + kind);
    this.scope.scopeFlags |= SCOPE_FLAG_GENERATOR;
  }

  // the exception's items, plus 3 for a possible UNWIND_JUMP's state
  startExceptHandler(): void { this.adjustStackSize(3 + this.compat.excItems); }
  endExceptHandler(): void { this.adjustStackSize(-2 - this.compat.excItems); }
}

