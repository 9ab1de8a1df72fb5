// The native emitter: compiles a @micropython.native or @micropython.viper scope (or a whole module
// under -X emit=native) to machine code through a NativeAssembler, behind the same Emitter interface
// the bytecode emitter implements. It follows upstream's py/emitnative.c step for step, because the
// output must be byte-identical: the same lazy register allocation of the value stack (values stay in
// registers or as immediates until something needs them settled in the frame), the same frame layout
// and the same calls into mp_fun_table.
//
// Frame (in machine words from the stack pointer), as upstream lays it out:
//   [nlr_buf_t, return value, unwind slot / throw value]   only with an exception handler
//   code state (native) or fun object + old globals (viper)
//   value stack, then the locals in reverse order
// A generator keeps its code state in the heap (pointed to by local2; local3 in 1.18) and only the nlr
// part on the stack. How the code reaches constants and qstrs differs before 1.19 (EmitNativeCompat.linkage).
import {
  AttrKind, BREAK_FROM_FOR, BuildKind, GlobalOpKind, IdOpKind, ImportKind, Pass, SetupBlockKind, SubscrKind,
  YieldKind, type Emitter, type IdOps,
} from "../emitter.js";
import type { EmitCommon } from "../emit-common.js";
import {
  EmitOpt, IdKind, ID_FLAG_IS_PARAM, ID_FLAG_VIPER_TYPE_POS, Scope, ScopeKind, SCOPE_FLAG_GENERATOR,
  SCOPE_FLAG_HASCONSTS, SCOPE_FLAG_REFGLOBALS, SCOPE_FLAG_VARARGS, SCOPE_FLAG_VARKEYWORDS, SCOPE_FLAG_VIPERRET_POS,
  legacyScopeFlags,
} from "../scope.js";
import { FUN_TABLE, type ConstObj } from "../constants.js";
import { Tok } from "../tokens.js";
import type { BackendCompat } from "../compat.js";
import { BinaryOp, UnaryOp } from "../opcodes.js";
import { legacyBinaryOp } from "../opcodes-legacy.js";
import { encodeUint, preludeSignature, preludeSizes } from "../emit-bytecode.js";
import { PendingTypedError } from "../compile-error.js";
import type { NativeArch } from "./arch.js";
import { CompareOp, type NativeAssembler } from "./asm.js";
import { F } from "./fun-table.js";
import { asmCompat, type EmitNativeCompat } from "./asm-compat.js";
import { VType, nativeTypeFromName, NativeType, vtypeName } from "./types.js";
import { FunctionConstTable, QSTR_LINK_OBJ, QSTR_LINK_U16 } from "./const-table-v5.js";

const ITER_BUF_NSLOTS = 4;
const RETURN_NORMAL = 0, RETURN_YIELD = 1, RETURN_EXCEPTION = 2;
/** MP_OBJ_SENTINEL / MP_OBJ_NULL as passed to mp_obj_subscr. */
const OBJ_SENTINEL = 4, OBJ_NULL = 0;

// Sizes and offsets, in words, of the runtime structs native code reaches into (host-computed upstream).
const SIZEOF_CODE_STATE = 5;
const CODE_STATE_STATE = 5, CODE_STATE_FUN_BC = 0, CODE_STATE_IP = 1, CODE_STATE_SP = 2, CODE_STATE_N_STATE = 3;
const FUN_BC_CONTEXT = 1, FUN_BC_CHILD_TABLE = 2;
/** 1.18's mp_obj_fun_bc_t: base, globals, bytecode, const_table; mp_obj_str_t: base, hash, len, data. */
const FUN_BC_GLOBALS_118 = 1, FUN_BC_BYTECODE_118 = 2, FUN_BC_CONST_TABLE_118 = 3, STR_OBJ_DATA = 3;
const MODULE_CONTEXT_GLOBALS = 1, MODULE_CONTEXT_QSTR_TABLE = 2, MODULE_CONTEXT_OBJ_TABLE = 3;
const NLR_BUF_IDX_RET_VAL = 1;
/** 1.18's MP_OBJ_NEW_QSTR on the host (object representation A). */
/** A qstr as an object: (n << 3) | 2 from 1.12 on (the object representation's qstr tag), (n << 2) | 2 before. */
const qstrObj = (n: number, shift: number) => (n << shift) | 2;

const UNWIND_LABEL_UNUSED = 0x7fff;
const UNWIND_LABEL_DO_FINAL_UNWIND = 0x7ffe;

enum Kind { Value, Reg, Imm }

interface StackInfo {
  vtype: VType;
  kind: Kind;
  reg: number;
  imm: number;
}

interface ExcEntry {
  label: number;
  isFinally: boolean;
  unwindLabel: number;
  isActive: boolean;
}

export interface NativeEmitterOptions {
  common: EmitCommon;
  compat: BackendCompat;
  arch: NativeArch;
  asm: NativeAssembler;
  /** The compiler's next free label: the labels reserved for the construct being emitted start there. */
  labelSlot: () => number;
  /** Records an error (a later one replaces it); compiling goes on to the end of the pass, as upstream. */
  error: (kind: "ViperTypeError" | "NotImplementedError", message: string) => void;
  /** "const-table" linkage (1.18): the number the writing mpy-cross process gives a qstr. */
  processQstrNumber?: (name: string) => number;
}

function binaryOpName(op: number): string {
  return BINARY_OP_NAMES[op] ?? "";
}

// mp_binary_op_method_name, for the messages that print an operator
const BINARY_OP_NAMES: Record<number, string> = {
  [BinaryOp.LESS]: "__lt__", [BinaryOp.MORE]: "__gt__", [BinaryOp.EQUAL]: "__eq__", [BinaryOp.LESS_EQUAL]: "__le__",
  [BinaryOp.MORE_EQUAL]: "__ge__", [BinaryOp.NOT_EQUAL]: "__ne__", [BinaryOp.IN]: "__contains__",
  [BinaryOp.INPLACE_OR]: "__ior__", [BinaryOp.INPLACE_XOR]: "__ixor__", [BinaryOp.INPLACE_AND]: "__iand__",
  [BinaryOp.INPLACE_LSHIFT]: "__ilshift__", [BinaryOp.INPLACE_RSHIFT]: "__irshift__", [BinaryOp.INPLACE_ADD]: "__iadd__",
  [BinaryOp.INPLACE_SUBTRACT]: "__isub__", [BinaryOp.INPLACE_MULTIPLY]: "__imul__", [BinaryOp.INPLACE_MAT_MULTIPLY]: "__imatmul__",
  [BinaryOp.INPLACE_FLOOR_DIVIDE]: "__ifloordiv__", [BinaryOp.INPLACE_TRUE_DIVIDE]: "__itruediv__", [BinaryOp.INPLACE_MODULO]: "__imod__",
  [BinaryOp.INPLACE_POWER]: "__ipow__", [BinaryOp.OR]: "__or__", [BinaryOp.XOR]: "__xor__", [BinaryOp.AND]: "__and__",
  [BinaryOp.LSHIFT]: "__lshift__", [BinaryOp.RSHIFT]: "__rshift__", [BinaryOp.ADD]: "__add__", [BinaryOp.SUBTRACT]: "__sub__",
  [BinaryOp.MULTIPLY]: "__mul__", [BinaryOp.MAT_MULTIPLY]: "__matmul__", [BinaryOp.FLOOR_DIVIDE]: "__floordiv__",
  [BinaryOp.TRUE_DIVIDE]: "__truediv__", [BinaryOp.MODULO]: "__mod__", [BinaryOp.POWER]: "__pow__",
};

export class NativeEmitter implements Emitter {
  private readonly as: NativeAssembler;
  private readonly common: EmitCommon;
  private readonly r: NativeAssembler["regs"];
  private readonly regLocalTable: number[];
  /** At most this many locals live in registers (in 1.19+ local3 holds the qstr table). */
  private readonly maxRegsForLocals: number;
  /** Where a generator's heap state is pointed to (REG_GENERATOR_STATE). */
  private readonly genStateReg: number;
  /** "const-table" linkage: the function's own table; null with a module context. */
  private readonly constTable: FunctionConstTable | null;
  /** Whether code_state.ip is set with a 16-bit fixed move (1.18; decided in the code-size pass). */
  private preludeOffsetU16 = true;
  private readonly nlrBufWords: number;
  /** What the emulated release's emitter does differently (asm-compat.ts). */
  private readonly nc: EmitNativeCompat;
  private pass: Pass = Pass.Scope;
  private scope!: Scope;
  private doViperTypes = false;
  private localVtype: VType[] = [];
  private stackInfo: StackInfo[] = [];
  private savedStackVtype: VType = VType.PyObj;
  private excStack: ExcEntry[] = [];
  private exitLabel = 0;
  private preludeOffset = 0;
  private preludePtrIndex = 0;
  private startOffset = 0;
  private nState = 0;
  private codeStateStart = 0;
  private stackStart = 0;
  private stackSize = 0;
  private nInfo = 0;
  /** A return was the last thing emitted (upstream resets it wherever code for the next op starts). */
  private lastWasReturn = false;
  private nCell = 0;

  readonly loadId: IdOps;
  readonly storeId: IdOps;
  readonly deleteId: IdOps;

  constructor(private readonly o: NativeEmitterOptions) {
    this.as = o.asm;
    this.common = o.common;
    this.r = o.asm.regs;
    this.nc = asmCompat(o.compat).emit;
    const perFunction = this.nc.linkage === "const-table";
    this.regLocalTable = perFunction ? [this.r.local1, this.r.local2, this.r.local3] : [this.r.local1, this.r.local2];
    this.maxRegsForLocals = this.regLocalTable.length;
    this.genStateReg = perFunction ? this.r.local3 : this.r.local2;
    this.constTable = perFunction ? new FunctionConstTable() : null;
    // nlr_buf_t: prev, ret_val, the saved registers, and one conservative extra word
    this.nlrBufWords = this.nc.hostNlrBufWords ?? 2 + o.arch.nlrBufRegs + 1;
    this.loadId = {
      local: (name, num, kind) => (kind === IdOpKind.Fast ? this.loadFast(name, num) : this.loadDeref(name, num)),
      global: (name, kind) => this.loadGlobal(name, kind),
    };
    this.storeId = {
      local: (name, num, kind) => (kind === IdOpKind.Fast ? this.storeFast(name, num) : this.storeDeref(name, num)),
      global: (name, kind) => this.storeGlobal(name, kind),
    };
    this.deleteId = {
      local: (name, num, kind) => {
        if (kind === IdOpKind.Fast) {
          // upstream stores None rather than tracking unbound locals
          this.loadConstTok(Tok.KW_NONE);
          this.storeFast(name, num);
        }
      },
      global: (name, kind) => this.callWithQstrArg(kind === GlobalOpKind.Name ? F.DELETE_NAME : F.DELETE_GLOBAL, name, this.r.arg1),
    };
  }

  // ---- layout helpers ----

  private get isGenerator(): boolean {
    return (this.scope.scopeFlags & SCOPE_FLAG_GENERATOR) !== 0;
  }

  private get needGlobalExcHandler(): boolean {
    return this.scope.excStackSize > 0 || (this.scope.scopeFlags & (SCOPE_FLAG_GENERATOR | SCOPE_FLAG_REFGLOBALS)) !== 0;
  }

  private get needFunObj(): boolean {
    return this.scope.excStackSize > 0 || (this.scope.scopeFlags & (SCOPE_FLAG_REFGLOBALS | SCOPE_FLAG_HASCONSTS)) !== 0;
  }

  private get canUseRegsForLocals(): boolean {
    return this.scope.excStackSize === 0 && !this.isGenerator;
  }

  private get localIdxExcVal(): number { return NLR_BUF_IDX_RET_VAL; }
  private get localIdxExcHandlerPc(): number { return this.as.nlrBufIdxLocal1; }
  /** 1.18 keeps the unwind PC and the return value in nlr_buf's saved local2/local3 words. */
  private get localIdxExcHandlerUnwind(): number { return this.constTable ? this.nlrBufIdxLocal(2) : this.nlrBufWords + 1; }
  private get localIdxThrowVal(): number { return this.nc.throwValueSlot ? this.nlrBufWords + 2 : NLR_BUF_IDX_RET_VAL; }
  private get localIdxRetVal(): number { return this.constTable ? this.nlrBufIdxLocal(3) : this.nlrBufWords; }
  private nlrBufIdxLocal(n: 2 | 3): number {
    return this.as.nlrBufIdxLocal23?.[n - 2] ?? this.as.nlrBufIdxLocal1 + n - 1;
  }
  private get localIdxFunObj(): number { return this.codeStateStart + CODE_STATE_FUN_BC; }
  private get localIdxOldGlobals(): number { return this.codeStateStart + CODE_STATE_IP; }
  private get localIdxGenPc(): number { return this.codeStateStart + CODE_STATE_IP; }
  private localIdxLocalVar(localNum: number): number {
    return this.stackStart + this.nState - 1 - localNum;
  }

  private viperError(message: string): void {
    this.o.error("ViperTypeError", message);
  }

  private labelSlot(): number {
    return this.o.labelSlot();
  }

  // ---- moves to and from the state (frame, or the generator's heap state) ----

  private movRegConst(reg: number, constVal: number): void {
    this.as.loadRegRegOffset(reg, this.r.funTable, constVal);
  }

  private movStateReg(localNum: number, reg: number): void {
    if (this.isGenerator) this.as.storeRegRegOffset(reg, this.genStateReg, localNum);
    else this.as.movLocalReg(localNum, reg);
  }

  private movRegState(reg: number, localNum: number): void {
    if (this.isGenerator) this.as.loadRegRegOffset(reg, this.genStateReg, localNum);
    else this.as.movRegLocal(reg, localNum);
  }

  private movRegStateAddr(reg: number, localNum: number): void {
    if (this.isGenerator) {
      this.as.movRegImm(reg, localNum * this.as.wordSize);
      this.as.addRegReg(reg, this.genStateReg);
    } else {
      this.as.movRegLocalAddr(reg, localNum);
    }
  }

  private movRegQstr(reg: number, name: string): void {
    if (this.constTable) {
      this.movRegQstrLinked(reg, name, QSTR_LINK_U16);
      return;
    }
    // qstrs go through the module's qstr table, whose pointer local3 holds
    this.as.load16RegRegOffset(reg, this.r.local3, this.common.useQstr(name));
  }

  /** 1.18: a qstr (or qstr object) as a fixed-size immediate, listed for the loader to patch. */
  private movRegQstrLinked(reg: number, name: string, kind: typeof QSTR_LINK_U16 | typeof QSTR_LINK_OBJ): void {
    const n = this.processQstrNumber(name);
    const offset = this.fixedMove(reg, kind === QSTR_LINK_U16 ? n : qstrObj(n, this.nc.qstrObjShift), kind === QSTR_LINK_U16 ? "u16" : "word");
    this.constTable!.addLink({ offset, kind, qstr: name }, this.pass === Pass.Emit);
  }

  private fixedMove(reg: number, imm: number, size: "u16" | "word"): number {
    if (!this.as.movRegImmFixed) throw new Error("internal: this code generator has no fixed-size moves for .mpy v5");
    return this.as.movRegImmFixed(reg, imm, size);
  }

  private processQstrNumber(name: string): number {
    if (!this.o.processQstrNumber) throw new Error("internal: no mpy-cross qstr numbers for .mpy v5 native code");
    return this.o.processQstrNumber(name);
  }

  private movStateImmVia(localNum: number, imm: number, regTemp: number): void {
    this.as.movRegImm(regTemp, imm);
    this.movStateReg(localNum, regTemp);
  }

  /** Marks "no exception" in the exception slot: MP_OBJ_NULL, or (1.11) None. */
  private movLocalNoExc(localNum: number, regTemp: number): void {
    if (this.nc.noExceptionIsNone) {
      this.movRegConst(regTemp, F.CONST_NONE_OBJ);
      this.as.movLocalReg(localNum, regTemp);
    } else {
      this.movLocalNull(localNum, regTemp);
    }
  }

  private movLocalNull(localNum: number, regTemp: number): void {
    if (this.as.storeNullFromZeroReg) {
      this.as.movLocalReg(localNum, this.r.zero);
    } else {
      this.as.movRegImm(regTemp, 0);
      this.as.movLocalReg(localNum, regTemp);
    }
  }

  // ---- passes ----

  startPass(pass: Pass, scope: Scope): void {
    this.pass = pass;
    this.doViperTypes = scope.emitOptions === EmitOpt.Viper;
    this.stackSize = 0;
    this.scope = scope;
    const as = this.as;
    const r = this.r;

    let numArgs = scope.numPosArgs + scope.numKwonlyArgs;
    if (scope.scopeFlags & SCOPE_FLAG_VARARGS) numArgs += 1;
    if (scope.scopeFlags & SCOPE_FLAG_VARKEYWORDS) numArgs += 1;
    const nLocals = Math.max(scope.numLocals, this.localVtype.length);
    for (let i = 0; i < numArgs; i++) this.localVtype[i] = VType.PyObj;
    if (this.doViperTypes) {
      for (const id of scope.ids) {
        if (id.flags & ID_FLAG_IS_PARAM) this.localVtype[id.localNum] = (id.flags >> ID_FLAG_VIPER_TYPE_POS) as VType;
      }
    }
    const unbound = this.doViperTypes || !this.nc.nativeLocalsAreObjects ? VType.Unbound : VType.PyObj;
    for (let i = numArgs; i < nLocals; i++) this.localVtype[i] = unbound;
    for (const si of this.stackInfo) {
      si.kind = Kind.Value;
      si.vtype = VType.Unbound;
    }

    as.startPass(pass === Pass.Emit);

    this.codeStateStart = 0;
    if (this.needGlobalExcHandler) {
      this.codeStateStart = this.nlrBufWords;
      // 1.19+: the return value, and the unwind PC (or a generator's thrown value), follow nlr_buf
      if (!this.constTable) {
        this.codeStateStart += 1;
        if (this.isGenerator && this.nc.throwValueSlot) this.codeStateStart += 2;
        else if (scope.excStackSize > 0) this.codeStateStart += 1;
      }
    }

    this.constTable?.startPass(this.doViperTypes ? 0 : scope.numPosArgs + scope.numKwonlyArgs, this.preludeAsBytes);
    const funTableOff = this.constTable ? this.constTable.funTableIndex : this.common.useConst(FUN_TABLE);
    const slot = this.labelSlot();
    const maxRegs = this.maxRegsForLocals;

    if (this.doViperTypes) {
      this.nState = scope.numLocals + scope.stackSize;
      let numLocalsInRegs = 0;
      if (this.canUseRegsForLocals) {
        numLocalsInRegs = Math.min(scope.numLocals, maxRegs);
        // the last local register carries the args pointer while the args are unpacked
        if (scope.numPosArgs >= maxRegs + 1) numLocalsInRegs -= 1;
      }
      if (this.needGlobalExcHandler) this.stackStart = this.codeStateStart + 2;
      else if (scope.scopeFlags & SCOPE_FLAG_HASCONSTS) this.stackStart = this.codeStateStart + 1;
      else this.stackStart = this.codeStateStart;

      as.entry(this.stackStart + this.nState - numLocalsInRegs);
      if (as.parentArgsOnStack) as.movArgToReg!(0, r.parentArg1);
      this.loadFunTable(r.parentArg1, r.funTable, funTableOff);
      if (this.needFunObj) as.movLocalReg(this.localIdxFunObj, r.parentArg1);

      const regLocalLast = this.regLocalTable[maxRegs - 1];
      if (as.parentArgsOnStack) {
        as.movArgToReg!(1, r.arg1);
        as.movArgToReg!(2, r.arg2);
        as.movArgToReg!(3, regLocalLast);
      } else {
        as.movRegReg(r.arg1, r.parentArg2);
        as.movRegReg(r.arg2, r.parentArg3);
        as.movRegReg(regLocalLast, r.parentArg4);
      }

      // check the argument count, calling mp_arg_check_num_sig (which raises) when it does not match
      as.jumpIfRegNonzero(r.arg2, slot + 4, true);
      as.movRegImm(r.arg3, scope.numPosArgs);
      as.jumpIfRegEq(r.arg1, r.arg3, slot + 5);
      as.labelAssign(slot + 4);
      as.movRegImm(r.arg3, funMakeSig(scope.numPosArgs, scope.numPosArgs, false));
      as.callInd(F.ARG_CHECK_NUM_SIG);
      as.labelAssign(slot + 5);

      for (let i = 0; i < scope.numPosArgs; i++) {
        let reg = r.arg1;
        as.loadRegRegOffset(r.arg1, regLocalLast, i);
        if (this.localVtype[i] !== VType.PyObj) {
          this.callWithImmArg(F.CONVERT_OBJ_TO_NATIVE, this.localVtype[i], r.arg2);
          reg = r.ret;
        }
        if (i < maxRegs && this.canUseRegsForLocals && (i !== maxRegs - 1 || scope.numPosArgs === maxRegs)) {
          as.movRegReg(this.regLocalTable[i], reg);
        } else {
          this.movStateReg(this.localIdxLocalVar(i), reg);
        }
      }
      if (scope.numPosArgs >= maxRegs + 1 && this.canUseRegsForLocals) {
        as.movRegLocal(regLocalLast, this.localIdxLocalVar(maxRegs - 1));
      }
      this.globalExcEntry(slot);
    } else {
      this.nState = scope.numLocals + scope.stackSize;
      // the first word indexes the child table entry that points at the prelude (1.18: the prelude's
      // offset, or the index of its bytes object)
      if (this.nc.preludeIndexWordAlways || this.isGenerator) as.data(as.wordSize, this.preludeWord);
      if (this.isGenerator) {
        as.data(as.wordSize, this.startOffset);
        as.entry(this.codeStateStart);
        this.codeStateStart = 0;
        this.stackStart = SIZEOF_CODE_STATE;
        if (as.parentArgsOnStack) as.movArgToReg!(0, this.genStateReg);
        else as.movRegReg(this.genStateReg, r.parentArg1);
        if (as.parentArgsOnStack) as.movArgToReg!(1, r.parentArg2);
        as.movLocalReg(this.localIdxThrowVal, r.parentArg2);
        as.loadRegRegOffset(r.temp0, this.genStateReg, this.localIdxFunObj);
        this.loadFunTable(r.temp0, r.temp0, funTableOff);
      } else {
        this.stackStart = this.codeStateStart + SIZEOF_CODE_STATE;
        as.entry(this.stackStart + this.nState);
        if (as.parentArgsOnStack) {
          as.movArgToReg!(0, r.parentArg1);
          as.movArgToReg!(1, r.parentArg2);
          as.movArgToReg!(2, r.parentArg3);
          as.movArgToReg!(3, r.parentArg4);
        }
        this.loadFunTable(r.parentArg1, r.funTable, funTableOff);
        as.movLocalReg(this.localIdxFunObj, r.parentArg1);
        if (this.preludeAsBytes) {
          // code_state.ip: the prelude bytes object's data minus the start of the code
          as.loadRegRegOffset(r.local3, r.local3, this.constTable!.preludeIndex);
          as.loadRegRegOffset(r.local3, r.local3, STR_OBJ_DATA);
          as.loadRegRegOffset(r.parentArg1, r.parentArg1, FUN_BC_BYTECODE_118);
          as.subRegReg(r.local3, r.parentArg1);
          this.movStateReg(this.codeStateStart + CODE_STATE_IP, r.local3);
        } else if (this.nc.prelude === "v4") {
          // 1.11: code_state.ip is the prelude's offset as the previous pass found it
          this.movStateImmVia(this.codeStateStart + CODE_STATE_IP, this.preludeOffset, r.arg1);
        } else if (this.constTable) {
          // code_state.ip: the prelude's offset, in a move whose size the code-size pass fixes
          if (pass === Pass.CodeSize) this.preludeOffsetU16 = this.preludeOffset < 32768;
          this.fixedMove(r.parentArg1, this.preludeOffset, this.preludeOffsetU16 ? "u16" : "word");
          this.movStateReg(this.codeStateStart + CODE_STATE_IP, r.parentArg1);
        } else if (!this.nc.preludeIndexWordAlways) {
          // code_state.ip: the prelude, found through the function's child table
          as.loadRegRegOffset(r.parentArg1, r.parentArg1, FUN_BC_CHILD_TABLE);
          if (this.preludePtrIndex !== 0) as.loadRegRegOffset(r.parentArg1, r.parentArg1, this.preludePtrIndex);
          this.movStateReg(this.codeStateStart + CODE_STATE_IP, r.parentArg1);
        }
        if (this.nc.prelude === "v5") this.movStateImmVia(this.codeStateStart + CODE_STATE_N_STATE, this.nState, r.arg1);
        as.movRegLocalAddr(r.arg1, this.codeStateStart);
        if (r.arg2 !== r.parentArg2) as.movRegReg(r.arg2, r.parentArg2);
        if (r.arg3 !== r.parentArg3) as.movRegReg(r.arg3, r.parentArg3);
        if (r.arg4 !== r.parentArg4) as.movRegReg(r.arg4, r.parentArg4);
        as.callIndSetupCodeState(F.SETUP_CODE_STATE);
      }
      this.globalExcEntry(slot);
      if (this.canUseRegsForLocals) {
        for (let i = 0; i < maxRegs && i < scope.numLocals; i++) {
          as.movRegLocal(this.regLocalTable[i], this.localIdxLocalVar(i));
        }
      }
      for (const id of scope.ids) if (id.kind === IdKind.Cell) this.localVtype[id.localNum] = VType.PyObj;
    }
  }

  /**
   * REG_FUN_TABLE from the function object in `funObj`: through the module context (loading local3
   * with the qstr table on the way, `via` the register used between), or (1.18) the function's own
   * constant table, whose pointer stays in local3 (or, in a generator, temp0).
   */
  private loadFunTable(funObj: number, via: number, funTableOff: number): void {
    const as = this.as;
    const r = this.r;
    if (this.constTable) {
      const table = this.isGenerator ? r.temp0 : r.local3;
      as.loadRegRegOffset(table, funObj, FUN_BC_CONST_TABLE_118);
      as.loadRegRegOffset(r.funTable, table, funTableOff);
      return;
    }
    as.loadRegRegOffset(via, funObj, FUN_BC_CONTEXT);
    as.loadRegRegOffset(r.local3, via, MODULE_CONTEXT_QSTR_TABLE);
    as.loadRegRegOffset(via, via, MODULE_CONTEXT_OBJ_TABLE);
    as.loadRegRegOffset(r.funTable, via, funTableOff);
  }

  private writeCodeInfoQstr(name: string): void {
    const bytes: number[] = [];
    encodeUint(bytes, this.common.useQstr(name));
    for (const b of bytes) this.as.data(1, b);
  }

  endPass(): boolean {
    if (this.pass === Pass.Scope) return true;
    this.globalExcExit();
    const as = this.as;
    const scope = this.scope;
    if (!this.doViperTypes) {
      this.preludeOffset = as.codePos();
      this.preludePtrIndex = this.common.curChild;
      if (this.nc.prelude === "v4") this.writePreludeV4();
      else this.writePreludeV5();
    }
    as.endPass();
    if (this.stackSize !== 0) throw new Error(`internal: native stack not balanced in ${scope.simpleName}`);
    if (this.excStack.length !== 0) throw new Error("internal: native exception stack not balanced");
    const table = this.constTable;
    if (this.pass === Pass.Emit && this.preludeAsBytes) table!.setPrelude(Uint8Array.from(as.code().subarray(this.preludeOffset)));
    table?.endPass();
    if (this.pass === Pass.Emit) {
      const rc = scope.rawCode!;
      rc.funData = Uint8Array.from(as.code());
      rc.children = table ? table.children : this.common.children.slice(0, this.common.curChild);
      rc.scopeFlags = scope.scopeFlags;
      rc.native = { kind: this.doViperTypes ? "viper" : "native", preludeOffset: this.preludeOffset };
      if (table) {
        rc.native.qstrLinks = table.links;
        rc.v5 = {
          simpleName: scope.simpleName, sourceFile: this.sourceFile, argNames: this.doViperTypes ? [] : this.argNames(),
          objects: table.objects, qstrAt: new Map(), preludeQstrOffset: this.preludeOffset, codeStart: 0,
        };
      }
    }
    return true;
  }

  /** 1.12+'s prelude: the compressed signature and sizes, the code info, the cells. */
  private writePreludeV5(): void {
    const as = this.as;
    const scope = this.scope;
    for (const b of preludeSignature(this.nState, 0, scope)) as.data(1, b);
    if (this.constTable) {
      // 1.18: the name and source file as mpy-cross's own 16-bit qstr numbers (the loader replaces them)
      for (const b of preludeSizes(4, this.nCell)) as.data(1, b);
      as.data(2, this.processQstrNumber(scope.simpleName));
      as.data(2, this.processQstrNumber(this.sourceFile));
    } else {
      for (const b of preludeSizes(this.nInfo, this.nCell)) as.data(1, b);
      const infoStart = as.codePos();
      this.writeCodeInfoQstr(scope.simpleName);
      for (const name of this.argNames()) this.writeCodeInfoQstr(name);
      this.nInfo = as.codePos() - infoStart;
    }
    const cellStart = as.codePos();
    for (const id of scope.ids) if (id.kind === IdKind.Cell) as.data(1, id.localNum);
    this.nCell = as.codePos() - cellStart;
  }

  /**
   * 1.11's prelude: n_state always in two bytes, no exception stack, the scope's flags and argument
   * counts, a code info of 5 bytes (its size, then the name and source file as the process's qstr
   * numbers), then the cells, ended by 255.
   */
  private writePreludeV4(): void {
    const as = this.as;
    const scope = this.scope;
    as.data(1, 0x80 | ((this.nState >> 7) & 0x7f));
    as.data(1, this.nState & 0x7f);
    as.data(1, 0);
    as.data(1, legacyScopeFlags(scope.scopeFlags) & 0xff);
    as.data(1, scope.numPosArgs);
    as.data(1, scope.numKwonlyArgs);
    as.data(1, scope.numDefPosArgs);
    as.data(1, 5);
    as.data(2, this.processQstrNumber(scope.simpleName));
    as.data(2, this.processQstrNumber(this.sourceFile));
    for (const id of scope.ids) if (id.kind === IdKind.Cell) as.data(1, id.localNum);
    as.data(1, 255);
  }

  /** 1.18 xtensawin: a @native function's prelude is a bytes object too. */
  private get preludeAsBytes(): boolean {
    return this.constTable !== null && !this.doViperTypes && this.as.preludeAsBytesObj === true;
  }

  /** A generator's first word: where its prelude is. */
  private get preludeWord(): number {
    if (!this.constTable) return this.preludePtrIndex;
    return this.preludeAsBytes ? this.constTable.preludeIndex : this.preludeOffset;
  }

  /** The module's source file (the first qstr of the module). */
  private get sourceFile(): string {
    return this.common.qstrs[0];
  }

  /** The names of the positional and keyword-only parameters, in order ("*" for a gap). */
  private argNames(): string[] {
    const names: string[] = [];
    for (let i = 0; i < this.scope.numPosArgs + this.scope.numKwonlyArgs; i++) {
      let name = "*";
      for (const id of this.scope.ids) {
        if (id.flags & ID_FLAG_IS_PARAM && id.localNum === i) {
          name = id.name;
          break;
        }
      }
      names.push(name);
    }
    return names;
  }

  lastEmitWasReturnValue(): boolean {
    return this.lastWasReturn;
  }

  // ---- the value stack ----

  private ensureStack(n: number): void {
    while (this.stackInfo.length < n) this.stackInfo.push({ vtype: VType.Unbound, kind: Kind.Value, reg: 0, imm: 0 });
  }

  private adjustStack(delta: number): void {
    this.stackSize += delta;
    this.ensureStack(this.stackSize);
    if (this.pass > Pass.Scope && this.stackSize > this.scope.stackSize) this.scope.stackSize = this.stackSize;
  }

  adjustStackSize(delta: number): void {
    this.ensureStack(this.stackSize + Math.max(delta, 0));
    for (let i = 0; i < delta; i++) {
      const si = this.stackInfo[this.stackSize + i];
      si.kind = Kind.Value;
      // only a multi-comparison's jump adjusts by one, and it saved the type to restore
      si.vtype = delta === 1 ? this.savedStackVtype : VType.PyObj;
    }
    this.adjustStack(delta);
  }

  setSourceLine(_line: number): void {
    // native code keeps no line table
  }

  private peekStack(depth: number): StackInfo {
    return this.stackInfo[this.stackSize - 1 - depth];
  }

  private peekVtype(depth: number): VType {
    // without viper types everything is an object, whatever the slot holds meanwhile
    return this.doViperTypes ? this.peekStack(depth).vtype : VType.PyObj;
  }

  /** Settles any stack entry held in `reg` (except the one `skipPos` from the top) into the frame. */
  private needRegSingle(reg: number, skipPos: number): void {
    const skip = this.stackSize - skipPos;
    for (let i = 0; i < this.stackSize; i++) {
      if (i === skip) continue;
      const si = this.stackInfo[i];
      if (si.kind === Kind.Reg && si.reg === reg) {
        si.kind = Kind.Value;
        this.movStateReg(this.stackStart + i, si.reg);
      }
    }
  }

  private needRegAll(): void {
    for (let i = 0; i < this.stackSize; i++) {
      const si = this.stackInfo[i];
      if (si.kind === Kind.Reg) {
        si.kind = Kind.Value;
        this.movStateReg(this.stackStart + i, si.reg);
      }
    }
  }

  private loadRegStackImm(reg: number, si: StackInfo, convertToPyObj: boolean): VType {
    if (!convertToPyObj && this.doViperTypes) {
      this.as.movRegImm(reg, si.imm);
      return si.vtype;
    }
    if (si.vtype === VType.PyObj) this.as.movRegImm(reg, si.imm);
    else if (si.vtype === VType.Bool) this.movRegConst(reg, F.CONST_FALSE_OBJ + si.imm);
    else if (si.vtype === VType.Int || si.vtype === VType.Uint) this.as.movRegImm(reg, smallIntObj(si.imm));
    else if (si.vtype === VType.PtrNone) this.movRegConst(reg, F.CONST_NONE_OBJ);
    else throw new PendingTypedError("NotImplementedError", "conversion to object", true);
    return VType.PyObj;
  }

  private needStackSettled(): void {
    this.needRegAll();
    for (let i = 0; i < this.stackSize; i++) {
      const si = this.stackInfo[i];
      if (si.kind === Kind.Imm) {
        si.kind = Kind.Value;
        // temp1, so that temp0 (= ret) survives (1.11: temp0)
        const reg = this.nc.settleViaTemp1 ? this.r.temp1 : this.r.temp0;
        si.vtype = this.loadRegStackImm(reg, si, false);
        this.movStateReg(this.stackStart + i, reg);
      }
    }
  }

  /** Loads the entry `pos` from the top (1 = top) into `reg`; returns its type. */
  private accessStack(pos: number, reg: number): VType {
    this.needRegSingle(reg, pos);
    const si = this.stackInfo[this.stackSize - pos];
    let vtype = si.vtype;
    switch (si.kind) {
      case Kind.Value:
        this.movRegState(reg, this.stackStart + this.stackSize - pos);
        break;
      case Kind.Reg:
        if (si.reg !== reg) this.as.movRegReg(reg, si.reg);
        break;
      case Kind.Imm:
        vtype = this.loadRegStackImm(reg, si, false);
        break;
    }
    return vtype;
  }

  /** X = pop(); discard(); push(X) */
  private foldStackTop(reg: number): void {
    const i = this.stackSize - 2;
    const top = this.stackInfo[i + 1];
    const si = this.stackInfo[i];
    si.vtype = top.vtype;
    si.kind = top.kind;
    si.reg = top.reg;
    si.imm = top.imm;
    if (si.kind === Kind.Value) {
      this.movRegState(reg, this.stackStart + this.stackSize - 1);
      si.kind = Kind.Reg;
      si.reg = reg;
    }
    this.adjustStack(-1);
  }

  /** Pops the top into a register: the one it already sits in unless that is notR1/notR2, else `reg`. */
  private prePopRegFlexible(reg: number, notR1: number, notR2: number): [VType, number] {
    this.lastWasReturn = false;
    const si = this.peekStack(0);
    let vtype: VType;
    let out = reg;
    if (si.kind === Kind.Reg && si.reg !== notR1 && si.reg !== notR2) {
      vtype = si.vtype;
      out = si.reg;
      this.needRegSingle(out, 1);
    } else {
      vtype = this.accessStack(1, reg);
    }
    this.adjustStack(-1);
    return [vtype, out];
  }

  private prePopDiscard(): void {
    this.lastWasReturn = false;
    this.adjustStack(-1);
  }

  private prePopReg(reg: number): VType {
    this.lastWasReturn = false;
    const vtype = this.accessStack(1, reg);
    this.adjustStack(-1);
    return vtype;
  }

  private postTopSetVtype(vtype: VType): void {
    this.stackInfo[this.stackSize - 1].vtype = vtype;
  }

  private postPushReg(vtype: VType, reg: number): void {
    this.lastWasReturn = false;
    this.ensureStack(this.stackSize + 1);
    const si = this.stackInfo[this.stackSize];
    si.vtype = vtype;
    si.kind = Kind.Reg;
    si.reg = reg;
    this.adjustStack(1);
  }

  private postPushImm(vtype: VType, imm: number): void {
    this.lastWasReturn = false;
    this.ensureStack(this.stackSize + 1);
    const si = this.stackInfo[this.stackSize];
    si.vtype = vtype;
    si.kind = Kind.Imm;
    si.imm = imm;
    this.adjustStack(1);
  }

  private call(fun: number): void {
    this.needRegAll();
    this.as.callInd(fun);
  }

  private callWithImmArg(fun: number, val: number, reg: number): void {
    this.needRegAll();
    this.as.movRegImm(reg, val);
    this.as.callInd(fun);
  }

  private callWith2ImmArgs(fun: number, val1: number, reg1: number, val2: number, reg2: number): void {
    this.needRegAll();
    this.as.movRegImm(reg1, val1);
    this.as.movRegImm(reg2, val2);
    this.as.callInd(fun);
  }

  private callWithQstrArg(fun: number, name: string, reg: number): void {
    this.needRegAll();
    this.movRegQstr(reg, name);
    this.as.callInd(fun);
  }

  /**
   * Makes the top n entries objects settled in the frame, pops them and points `reg` at the first.
   * Converting a native value calls mp_convert_native_to_obj (clobbering arg1, arg2, ret).
   */
  private stackPointerForPop(reg: number, nPop: number): void {
    this.needRegAll();
    for (let i = 0; i < nPop; i++) {
      const si = this.stackInfo[this.stackSize - 1 - i];
      if (si.kind === Kind.Imm) {
        si.kind = Kind.Value;
        si.vtype = this.loadRegStackImm(reg, si, true);
        this.movStateReg(this.stackStart + this.stackSize - 1 - i, reg);
      }
    }
    for (let i = 0; i < nPop; i++) {
      const si = this.stackInfo[this.stackSize - 1 - i];
      if (si.vtype !== VType.PyObj) {
        const localNum = this.stackStart + this.stackSize - 1 - i;
        this.movRegState(this.r.arg1, localNum);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, si.vtype, this.r.arg2);
        this.movStateReg(localNum, this.r.ret);
        si.vtype = VType.PyObj;
      }
    }
    this.adjustStack(-nPop);
    this.movRegStateAddr(reg, this.stackStart + this.stackSize);
  }

  private stackPointerForPush(reg: number, nPush: number): void {
    this.needRegAll();
    this.ensureStack(this.stackSize + nPush);
    for (let i = 0; i < nPush; i++) {
      this.stackInfo[this.stackSize + i].kind = Kind.Value;
      this.stackInfo[this.stackSize + i].vtype = VType.PyObj;
    }
    this.movRegStateAddr(reg, this.stackStart + this.stackSize);
    this.adjustStack(nPush);
  }

  // ---- exception handler stack ----

  private pushExcStack(label: number, isFinally: boolean): void {
    this.excStack.push({ label, isFinally, unwindLabel: UNWIND_LABEL_UNUSED, isActive: true });
    this.as.movRegPcrel(this.r.ret, label);
    this.as.movLocalReg(this.localIdxExcHandlerPc, this.r.ret);
  }

  private leaveExcStack(startOfHandler: boolean): void {
    const stack = this.excStack;
    stack[stack.length - 1].isActive = false;
    let i = stack.length - 2;
    while (i >= 0 && !stack[i].isActive) i--;
    if (i < 0) {
      // the global handler already cleared the PC
      if (startOfHandler) return;
      this.as.xorRegReg(this.r.ret, this.r.ret);
    } else {
      this.as.movRegPcrel(this.r.ret, stack[i].label);
    }
    this.as.movLocalReg(this.localIdxExcHandlerPc, this.r.ret);
  }

  private popExcStack(): ExcEntry {
    return this.excStack.pop()!;
  }

  // ---- constants and children through the function object ----

  private loadRegWithObject(reg: number, obj: ConstObj): void {
    this.scope.scopeFlags |= SCOPE_FLAG_HASCONSTS;
    if (this.constTable) {
      this.loadRegFromConstTable(reg, this.constTable.addObject(obj));
      return;
    }
    const off = this.common.useConst(obj);
    this.movRegState(this.r.temp0, this.localIdxFunObj);
    this.as.loadRegRegOffset(this.r.temp0, this.r.temp0, FUN_BC_CONTEXT);
    this.as.loadRegRegOffset(this.r.temp0, this.r.temp0, MODULE_CONTEXT_OBJ_TABLE);
    this.as.loadRegRegOffset(reg, this.r.temp0, off);
  }

  /** 1.18: entry `off` of the function's own constant table. */
  private loadRegFromConstTable(reg: number, off: number): void {
    this.movRegState(this.r.temp0, this.localIdxFunObj);
    this.as.loadRegRegOffset(this.r.temp0, this.r.temp0, FUN_BC_CONST_TABLE_118);
    this.as.loadRegRegOffset(reg, this.r.temp0, off);
  }

  private loadRegWithChild(reg: number, scope: Scope): void {
    if (this.constTable) {
      this.loadRegFromConstTable(reg, this.constTable.addChild(scope.rawCode!, this.pass === Pass.Emit));
      return;
    }
    const off = this.common.allocChild(scope.rawCode!);
    this.movRegState(this.r.temp0, this.localIdxFunObj);
    this.as.loadRegRegOffset(this.r.temp0, this.r.temp0, FUN_BC_CHILD_TABLE);
    this.as.loadRegRegOffset(reg, this.r.temp0, off);
  }

  labelAssign(label: number): void {
    this.lastWasReturn = false;
    let isFinally = false;
    if (this.excStack.length > 0) {
      const e = this.excStack[this.excStack.length - 1];
      isFinally = e.isFinally && e.label === label;
    }
    if (isFinally) {
      // start of a finally handler: the top of stack goes to the exception slot
      if (this.nc.finallyPopsAtEnd) this.accessStack(1, this.r.temp0);
      else this.prePopReg(this.r.temp0);
      this.as.movLocalReg(this.localIdxExcVal, this.r.temp0);
    }
    this.needStackSettled();
    this.as.labelAssign(label);
    if (isFinally) this.leaveExcStack(false);
  }

  private globalExcEntry(slot: number): void {
    const as = this.as;
    const r = this.r;
    this.exitLabel = slot;
    if (!this.needGlobalExcHandler) return;
    const nlrLabel = slot + 1;
    const startLabel = slot + 2;
    const globalExceptLabel = slot + 3;
    if (!this.isGenerator) {
      // swap in the function's globals
      this.movRegState(r.arg1, this.localIdxFunObj);
      if (this.constTable) {
        as.loadRegRegOffset(r.arg1, r.arg1, FUN_BC_GLOBALS_118);
      } else {
        as.loadRegRegOffset(r.arg1, r.arg1, FUN_BC_CONTEXT);
        as.loadRegRegOffset(r.arg1, r.arg1, MODULE_CONTEXT_GLOBALS);
      }
      this.call(F.NATIVE_SWAP_GLOBALS);
      this.movStateReg(this.localIdxOldGlobals, r.ret);
    }
    if (this.scope.excStackSize === 0) {
      // no nlr context needed when the globals did not change
      if (!this.isGenerator) as.jumpIfRegZero(r.ret, startLabel, false);
      as.movRegLocalAddr(r.arg1, 0);
      this.call(F.NLR_PUSH);
      if (as.nlrSetjmp) {
        as.movRegLocalAddr(r.arg1, 2);
        this.call(F.SETJMP);
      }
      as.jumpIfRegZero(r.ret, startLabel, true);
    } else {
      as.clrReg(r.zero);
      as.movLocalReg(this.localIdxExcHandlerUnwind, r.zero);
      // nlr.ret_val reaches mp_native_raise whether or not there was an exception
      if (this.nc.throwValueSlot) as.movLocalReg(this.localIdxExcVal, r.zero);
      as.movRegPcrel(r.local1, startLabel);
      this.labelAssign(nlrLabel);
      // 1.18: the unwind PC lives in nlr_buf's local2 word, which nlr_push overwrites: keep it in local2
      if (this.constTable) as.movRegLocal(r.local2, this.localIdxExcHandlerUnwind);
      as.movRegLocalAddr(r.arg1, 0);
      this.call(F.NLR_PUSH);
      if (as.nlrSetjmp) {
        as.movRegLocalAddr(r.arg1, 2);
        this.call(F.SETJMP);
      }
      if (this.constTable) as.movLocalReg(this.localIdxExcHandlerUnwind, r.local2);
      as.jumpIfRegNonzero(r.ret, globalExceptLabel, true);
      as.clrReg(r.zero);
      as.movLocalReg(this.localIdxExcHandlerPc, r.zero);
      as.jumpReg(r.local1);
      this.labelAssign(globalExceptLabel);
      if (this.constTable && as.nlrSetjmp) {
        // longjmp may have clobbered REG_FUN_TABLE (1.18 indexes past the argument names even in viper)
        this.movRegState(r.local1, this.localIdxFunObj);
        as.loadRegRegOffset(r.local1, r.local1, FUN_BC_CONST_TABLE_118);
        as.loadRegRegOffset(r.funTable, r.local1, this.scope.numPosArgs + this.scope.numKwonlyArgs);
      }
      as.movRegLocal(r.local1, this.localIdxExcHandlerPc);
      as.jumpIfRegNonzero(r.local1, nlrLabel, false);
    }
    if (!this.isGenerator) {
      this.movRegState(r.arg1, this.localIdxOldGlobals);
      this.call(F.NATIVE_SWAP_GLOBALS);
    }
    if (this.isGenerator) {
      as.movRegLocal(r.temp0, this.localIdxExcVal);
      as.storeRegRegOffset(r.temp0, this.genStateReg, CODE_STATE_STATE);
      as.movRegImm(r.parentRet, RETURN_EXCEPTION);
      as.exit();
    } else {
      as.movRegLocal(r.arg1, this.localIdxExcVal);
      this.call(F.NATIVE_RAISE);
    }
    this.labelAssign(startLabel);
    if (this.isGenerator) {
      this.movRegState(r.temp0, this.localIdxGenPc);
      as.jumpReg(r.temp0);
      this.startOffset = as.codePos();
      // first entry of the generator: raise any value thrown in
      as.movRegLocal(r.arg1, this.localIdxThrowVal);
      if (this.nc.throwValueSlot) this.movLocalNull(this.localIdxThrowVal, r.arg2);
      this.call(F.NATIVE_RAISE);
    }
  }

  private globalExcExit(): void {
    const as = this.as;
    const r = this.r;
    this.labelAssign(this.exitLabel);
    if (this.needGlobalExcHandler) {
      if (!this.isGenerator) {
        this.movRegState(r.arg1, this.localIdxOldGlobals);
        if (this.scope.excStackSize === 0) as.jumpIfRegZero(r.arg1, this.exitLabel + 1, false);
        this.call(F.NATIVE_SWAP_GLOBALS);
      }
      this.call(F.NLR_POP);
      if (!this.isGenerator && this.scope.excStackSize === 0) this.labelAssign(this.exitLabel + 1);
      as.movRegLocal(r.parentRet, this.localIdxRetVal);
    }
    as.exit();
  }

  // ---- imports and constants ----

  importOp(name: string, kind: ImportKind): void {
    const r = this.r;
    if (kind === ImportKind.Name) {
      // fromlist and level are objects even in viper code
      const viper = this.doViperTypes;
      this.doViperTypes = false;
      this.prePopReg(r.arg2);
      this.prePopReg(r.arg3);
      this.doViperTypes = viper;
      this.callWithQstrArg(F.IMPORT_NAME, name, r.arg1);
      this.postPushReg(VType.PyObj, r.ret);
    } else if (kind === ImportKind.From) {
      this.accessStack(1, r.arg1);
      this.callWithQstrArg(F.IMPORT_FROM, name, r.arg2);
      this.postPushReg(VType.PyObj, r.ret);
    } else {
      this.prePopReg(r.arg1);
      this.call(F.IMPORT_ALL);
    }
  }

  loadConstTok(tok: Tok): void {
    if (tok === Tok.ELLIPSIS) {
      this.loadConstObj({ type: "ellipsis" });
    } else if (tok === Tok.KW_NONE) {
      this.postPushImm(VType.PtrNone, 0);
    } else {
      this.postPushImm(VType.Bool, tok === Tok.KW_FALSE ? 0 : 1);
    }
  }

  loadConstSmallInt(value: number | bigint): void {
    this.postPushImm(VType.Int, Number(value));
  }

  loadConstStr(s: string): void {
    this.needRegSingle(this.r.temp0, 0);
    // 1.18: a qstr object immediate; 1.19+: a str in the module's object table
    if (this.constTable) this.movRegQstrLinked(this.r.temp0, s, QSTR_LINK_OBJ);
    else this.loadRegWithObject(this.r.temp0, { type: "str", value: s, qstr: true } as ConstObj);
    this.postPushReg(VType.PyObj, this.r.temp0);
  }

  loadConstObj(obj: ConstObj): void {
    this.needRegSingle(this.r.temp0, 0);
    this.loadRegWithObject(this.r.temp0, obj);
    this.postPushReg(VType.PyObj, this.r.temp0);
  }

  loadNull(): void {
    this.postPushImm(VType.PyObj, 0);
  }

  // ---- names ----

  private loadFast(name: string, localNum: number): void {
    const vtype = this.localVtype[localNum];
    if (vtype === VType.Unbound) this.viperError(`local '${name}' used before type known`);
    if (localNum < this.maxRegsForLocals && this.canUseRegsForLocals) {
      this.postPushReg(vtype, this.regLocalTable[localNum]);
    } else {
      this.needRegSingle(this.r.temp0, 0);
      this.movRegState(this.r.temp0, this.localIdxLocalVar(localNum));
      this.postPushReg(vtype, this.r.temp0);
    }
  }

  private loadDeref(name: string, localNum: number): void {
    this.needRegSingle(this.r.ret, 0);
    this.loadFast(name, localNum);
    const [, base] = this.prePopRegFlexible(this.r.ret, -1, -1);
    this.as.loadRegRegOffset(this.r.ret, base, 1);
    // closed-over variables are always objects
    this.postPushReg(VType.PyObj, this.r.ret);
  }

  private loadGlobal(name: string, kind: GlobalOpKind): void {
    if (kind === GlobalOpKind.Global && this.doViperTypes) {
      const t = nativeTypeFromName(name);
      if (t >= NativeType.Bool) {
        this.postPushImm(VType.BuiltinCast, t);
        return;
      }
    }
    this.callWithQstrArg(kind === GlobalOpKind.Name ? F.LOAD_NAME : F.LOAD_GLOBAL, name, this.r.arg1);
    this.postPushReg(VType.PyObj, this.r.ret);
  }

  private storeFast(name: string, localNum: number): void {
    let vtype: VType;
    if (localNum < this.maxRegsForLocals && this.canUseRegsForLocals) {
      vtype = this.prePopReg(this.regLocalTable[localNum]);
    } else {
      vtype = this.prePopReg(this.r.temp0);
      this.movStateReg(this.localIdxLocalVar(localNum), this.r.temp0);
    }
    if (this.localVtype[localNum] === VType.Unbound) {
      // the first store gives the local its type
      this.localVtype[localNum] = vtype;
    } else if (this.localVtype[localNum] !== vtype) {
      this.viperError(`local '${name}' has type '${vtypeName(this.localVtype[localNum])}' but source is '${vtypeName(vtype)}'`);
    }
  }

  private storeDeref(name: string, localNum: number): void {
    this.needRegSingle(this.r.temp0, 0);
    this.needRegSingle(this.r.temp1, 0);
    this.loadFast(name, localNum);
    const [, base] = this.prePopRegFlexible(this.r.temp0, -1, -1);
    const [, src] = this.prePopRegFlexible(this.r.temp1, base, base);
    this.as.storeRegRegOffset(src, base, 1);
  }

  private storeGlobal(name: string, kind: GlobalOpKind): void {
    const r = this.r;
    if (kind === GlobalOpKind.Name) {
      this.prePopReg(r.arg2);
    } else {
      const vtype = this.peekVtype(0);
      if (vtype === VType.PyObj) {
        this.prePopReg(r.arg2);
      } else {
        this.prePopReg(r.arg1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vtype, r.arg2);
        this.as.movRegReg(r.arg2, r.ret);
      }
    }
    this.callWithQstrArg(kind === GlobalOpKind.Name ? F.STORE_NAME : F.STORE_GLOBAL, name, r.arg1);
  }

  // ---- attributes, methods, subscripts ----

  loadMethod(name: string, isSuper: boolean): void {
    const r = this.r;
    if (isSuper) {
      this.stackPointerForPop(r.arg2, 3);
      this.stackPointerForPush(r.arg2, 2);
      this.callWithQstrArg(F.LOAD_SUPER_METHOD, name, r.arg1);
    } else {
      this.prePopReg(r.arg1);
      this.stackPointerForPush(r.arg3, 2);
      this.callWithQstrArg(F.LOAD_METHOD, name, r.arg2);
    }
  }

  loadBuildClass(): void {
    this.call(F.LOAD_BUILD_CLASS);
    this.postPushReg(VType.PyObj, this.r.ret);
  }

  attr(name: string, kind: AttrKind): void {
    const r = this.r;
    if (kind === AttrKind.Load) {
      this.prePopReg(r.arg1);
      this.callWithQstrArg(F.LOAD_ATTR, name, r.arg2);
      this.postPushReg(VType.PyObj, r.ret);
    } else if (kind === AttrKind.Store) {
      const vtypeVal = this.peekVtype(1);
      if (vtypeVal === VType.PyObj || !this.nc.storeAttrConverts) {
        this.prePopReg(r.arg1);
        this.prePopReg(r.arg3);
      } else {
        const vt = this.accessStack(2, r.arg1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vt, r.arg2);
        this.as.movRegReg(r.arg3, r.ret);
        this.prePopReg(r.arg1);
        this.adjustStack(-1);
      }
      this.callWithQstrArg(F.STORE_ATTR, name, r.arg2);
    } else {
      this.prePopReg(r.arg1);
      this.as.xorRegReg(r.arg3, r.arg3);
      this.callWithQstrArg(F.STORE_ATTR, name, r.arg2);
    }
  }

  subscr(kind: SubscrKind): void {
    if (kind === SubscrKind.Load) this.loadSubscr();
    else if (kind === SubscrKind.Store) this.storeSubscr();
    else {
      this.prePopReg(this.r.arg2);
      this.prePopReg(this.r.arg1);
      this.callWithImmArg(F.OBJ_SUBSCR, OBJ_NULL, this.r.arg3);
    }
  }

  private loadSubscr(): void {
    const as = this.as;
    const r = this.r;
    let vtypeBase = this.peekVtype(1);
    if (vtypeBase === VType.PyObj) {
      const vtypeIndex = this.peekVtype(0);
      if (vtypeIndex === VType.PyObj) {
        this.prePopReg(r.arg2);
      } else {
        const vt = this.prePopReg(r.arg1);
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, vt, r.arg2);
        as.movRegReg(r.arg2, r.ret);
      }
      this.prePopReg(r.arg1);
      this.callWithImmArg(F.OBJ_SUBSCR, OBJ_SENTINEL, r.arg3);
      this.postPushReg(VType.PyObj, r.ret);
      return;
    }
    const top = this.peekStack(0);
    if (top.vtype === VType.Int && top.kind === Kind.Imm) {
      const index = top.imm;
      this.prePopDiscard();
      const regIndex = r.arg2;
      let base: number;
      [vtypeBase, base] = this.prePopRegFlexible(r.arg1, regIndex, regIndex);
      if (this.nc.subscrLoadFreesRet) this.needRegSingle(r.ret, 0);
      const scaled = (shift: number, withOffset: ((d: number, b: number, o: number) => void) | undefined, plain: (d: number, b: number) => void) => {
        if (withOffset && this.nc.accessWithOffsets) {
          withOffset.call(as, r.ret, base, index);
          return;
        }
        if (index !== 0) {
          if (this.legacyI5(index)) {
            as.accessI5!(true, shift as 0 | 1 | 2, r.ret, base, index);
            return;
          }
          if (this.nc.subscrFreesIndexReg) this.needRegSingle(regIndex, 0);
          as.movRegImm(regIndex, index * (1 << shift));
          as.addRegReg(regIndex, base);
          base = regIndex;
        }
        plain.call(as, r.ret, base);
      };
      switch (vtypeBase) {
        case VType.Ptr8: scaled(0, as.load8RegRegOffset, as.load8RegReg); break;
        case VType.Ptr16: scaled(1, as.load16RegRegOffset, as.load16RegReg); break;
        case VType.Ptr32: scaled(2, as.load32RegRegOffset, as.load32RegReg); break;
        default: this.viperError(`can't load from '${vtypeName(vtypeBase)}'`);
      }
    } else {
      const [vtypeIndex, regIndex] = this.prePopRegFlexible(r.arg2, r.arg1, r.arg1);
      vtypeBase = this.prePopReg(r.arg1);
      if (this.nc.subscrLoadFreesRet) this.needRegSingle(r.ret, 0);
      if (vtypeIndex !== VType.Int && vtypeIndex !== VType.Uint) this.viperError(`can't load with '${vtypeName(vtypeIndex)}' index`);
      const indexed = (times: number, rrr: ((d: number, b: number, i: number) => void) | undefined, plain: (d: number, b: number) => void) => {
        if (rrr && this.nc.accessWithOffsets) {
          rrr.call(as, r.ret, r.arg1, regIndex);
          return;
        }
        for (let i = 0; i < times; i++) as.addRegReg(r.arg1, regIndex);
        plain.call(as, r.ret, r.arg1);
      };
      switch (vtypeBase) {
        case VType.Ptr8: indexed(1, as.load8RegRegReg, as.load8RegReg); break;
        case VType.Ptr16: indexed(2, as.load16RegRegReg, as.load16RegReg); break;
        case VType.Ptr32: indexed(4, as.load32RegRegReg, as.load32RegReg); break;
        default: this.viperError(`can't load from '${vtypeName(vtypeBase)}'`);
      }
    }
    this.postPushReg(VType.Int, r.ret);
  }

  /** The value of a viper store sits in a fixed register (x86; x64 too from 1.12 on). */
  private get storesFromFixedReg(): boolean {
    return this.as.byteStoreFromFixedReg && (this.nc.x64StoresFromFixedReg || this.o.arch.asm === "x86");
  }

  /** Before 1.27 the emitter used Thumb's 5-bit offset loads/stores for small positive indexes itself. */
  private legacyI5(index: number): boolean {
    return !this.nc.accessWithOffsets && this.as.accessI5 !== undefined && index > 0 && index < 32;
  }

  /** ARM before 1.27: the emitter's own register-indexed stores (NativeAssembler.storesIndexedByReg). */
  private get legacyIndexedStores(): boolean {
    return !this.nc.accessWithOffsets && this.as.storesIndexedByReg === true;
  }

  private storeSubscr(): void {
    const as = this.as;
    const r = this.r;
    let vtypeBase = this.peekVtype(1);
    if (vtypeBase === VType.PyObj) {
      const vtypeIndex = this.peekVtype(0);
      const vtypeValue = this.peekVtype(2);
      if (vtypeIndex !== VType.PyObj || vtypeValue !== VType.PyObj) {
        // settle and convert the three values as objects in place
        this.stackPointerForPop(r.arg1, 3);
        this.adjustStack(3);
      }
      this.prePopReg(r.arg2);
      this.prePopReg(r.arg1);
      this.prePopReg(r.arg3);
      this.call(F.OBJ_SUBSCR);
      return;
    }
    const top = this.peekStack(0);
    if (top.vtype === VType.Int && top.kind === Kind.Imm) {
      const index = top.imm;
      this.prePopDiscard();
      const regIndex = r.arg2;
      let base: number;
      let value: number;
      let vtypeValue: VType;
      [vtypeBase, base] = this.prePopRegFlexible(r.arg1, regIndex, r.arg3);
      if (this.storesFromFixedReg) {
        value = r.arg3;
        vtypeValue = this.prePopReg(value);
      } else {
        [vtypeValue, value] = this.prePopRegFlexible(r.arg3, base, regIndex);
      }
      if (vtypeValue !== VType.Bool && vtypeValue !== VType.Int && vtypeValue !== VType.Uint) {
        this.viperError(`can't store '${vtypeName(vtypeValue)}'`);
      }
      const scaled = (
        shift: number, withOffset: ((s: number, b: number, o: number) => void) | undefined, plain: (s: number, b: number) => void,
        byReg: ((s: number, b: number, i: number) => void) | undefined,
      ) => {
        if (withOffset && this.nc.accessWithOffsets) {
          withOffset.call(as, value, base, index);
          return;
        }
        if (index !== 0) {
          if (this.legacyI5(index)) {
            as.accessI5!(false, shift as 0 | 1 | 2, value, base, index);
            return;
          }
          if (byReg && shift !== 1 && this.legacyIndexedStores) {
            as.movRegImm(regIndex, index);
            byReg.call(as, value, base, regIndex);
            return;
          }
          as.movRegImm(regIndex, index * (1 << shift));
          as.addRegReg(regIndex, base);
          base = regIndex;
        }
        plain.call(as, value, base);
      };
      switch (vtypeBase) {
        case VType.Ptr8: scaled(0, as.store8RegRegOffset, as.store8RegReg, as.store8RegRegReg); break;
        case VType.Ptr16: scaled(1, as.store16RegRegOffset, as.store16RegReg, as.store16RegRegReg); break;
        case VType.Ptr32: scaled(2, as.store32RegRegOffset, as.store32RegReg, as.store32RegRegReg); break;
        default: this.viperError(`can't store to '${vtypeName(vtypeBase)}'`);
      }
    } else {
      let value: number = r.arg3;
      const [vtypeIndex, regIndex] = this.prePopRegFlexible(r.arg2, r.arg1, value);
      vtypeBase = this.prePopReg(r.arg1);
      if (vtypeIndex !== VType.Int && vtypeIndex !== VType.Uint) this.viperError(`can't store with '${vtypeName(vtypeIndex)}' index`);
      let vtypeValue: VType;
      if (this.storesFromFixedReg) vtypeValue = this.prePopReg(value);
      else [vtypeValue, value] = this.prePopRegFlexible(value, r.arg1, regIndex);
      if (vtypeValue !== VType.Bool && vtypeValue !== VType.Int && vtypeValue !== VType.Uint) {
        this.viperError(`can't store '${vtypeName(vtypeValue)}'`);
      }
      const indexed = (times: number, rrr: ((s: number, b: number, i: number) => void) | undefined, plain: (s: number, b: number) => void) => {
        if (rrr && (this.nc.accessWithOffsets || this.legacyIndexedStores)) {
          rrr.call(as, value, r.arg1, regIndex);
          return;
        }
        for (let i = 0; i < times; i++) as.addRegReg(r.arg1, regIndex);
        plain.call(as, value, r.arg1);
      };
      switch (vtypeBase) {
        case VType.Ptr8: indexed(1, as.store8RegRegReg, as.store8RegReg); break;
        case VType.Ptr16: indexed(2, as.store16RegRegReg, as.store16RegReg); break;
        case VType.Ptr32: indexed(4, as.store32RegRegReg, as.store32RegReg); break;
        default: this.viperError(`can't store to '${vtypeName(vtypeBase)}'`);
      }
    }
  }

  // ---- stack shuffles ----

  dupTop(): void {
    const [vtype, reg] = this.prePopRegFlexible(this.r.temp0, -1, -1);
    this.postPushReg(vtype, reg);
    this.postPushReg(vtype, reg);
  }

  dupTopTwo(): void {
    const v0 = this.prePopReg(this.r.temp0);
    const v1 = this.prePopReg(this.r.temp1);
    this.postPushReg(v1, this.r.temp1);
    this.postPushReg(v0, this.r.temp0);
    this.postPushReg(v1, this.r.temp1);
    this.postPushReg(v0, this.r.temp0);
  }

  popTop(): void {
    this.prePopDiscard();
  }

  rotTwo(): void {
    const v0 = this.prePopReg(this.r.temp0);
    const v1 = this.prePopReg(this.r.temp1);
    this.postPushReg(v0, this.r.temp0);
    this.postPushReg(v1, this.r.temp1);
  }

  rotThree(): void {
    const v0 = this.prePopReg(this.r.temp0);
    const v1 = this.prePopReg(this.r.temp1);
    const v2 = this.prePopReg(this.r.temp2);
    this.postPushReg(v0, this.r.temp0);
    this.postPushReg(v2, this.r.temp2);
    this.postPushReg(v1, this.r.temp1);
  }

  // ---- jumps ----

  jump(label: number): void {
    this.lastWasReturn = false;
    this.needStackSettled();
    this.as.jump(label);
    if (this.o.compat.suppressDeadCode) this.as.suppressCode();
  }

  private jumpHelper(cond: boolean, label: number, pop: boolean): void {
    const r = this.r;
    let vtype = this.peekVtype(0);
    if (vtype === VType.PyObj) {
      vtype = this.prePopReg(r.arg1);
      if (!pop) this.adjustStack(1);
      this.call(F.OBJ_IS_TRUE);
    } else {
      vtype = this.prePopReg(r.ret);
      if (!pop) this.adjustStack(1);
      if (!(vtype === VType.Bool || vtype === VType.Int || vtype === VType.Uint)) {
        this.viperError(`can't implicitly convert '${vtypeName(vtype)}' to 'bool'`);
      }
    }
    // a jump-or-pop leaves the value for the adjustStackSize that follows the label
    if (!pop) this.savedStackVtype = vtype;
    this.needStackSettled();
    if (cond) this.as.jumpIfRegNonzero(r.ret, label, vtype === VType.PyObj);
    else this.as.jumpIfRegZero(r.ret, label, vtype === VType.PyObj);
    if (!pop) this.adjustStack(-1);
  }

  popJumpIf(cond: boolean, label: number): void {
    this.jumpHelper(cond, label, true);
  }

  jumpIfOrPop(cond: boolean, label: number): void {
    this.jumpHelper(cond, label, false);
  }

  unwindJump(label: number, exceptDepth: number): void {
    const as = this.as;
    const r = this.r;
    if (exceptDepth > 0) {
      let firstFinally: ExcEntry | null = null;
      let prevFinally: ExcEntry | null = null;
      let i = this.excStack.length - 1;
      for (; exceptDepth > 0; exceptDepth--, i--) {
        const e = this.excStack[i];
        if (e.isFinally && e.isActive) {
          if (firstFinally === null) firstFinally = e;
          // the previous finally must unwind on to this one
          if (prevFinally !== null) prevFinally.unwindLabel = e.label;
          prevFinally = e;
        }
      }
      if (prevFinally === null) {
        // no finally: restore the handler of the jump's destination ourselves
        if (i < 0) as.xorRegReg(r.ret, r.ret);
        else as.movRegPcrel(r.ret, this.excStack[i].label);
        as.movLocalReg(this.localIdxExcHandlerPc, r.ret);
      } else {
        // the outermost finally decides the jump
        prevFinally.unwindLabel = UNWIND_LABEL_DO_FINAL_UNWIND;
        as.movRegPcrel(r.ret, label & ~BREAK_FROM_FOR);
        as.movLocalReg(this.localIdxExcHandlerUnwind, r.ret);
        // cancel any active exception (a move of 0 here even where a zero register exists)
        if (this.nc.noExceptionIsNone) {
          this.movLocalNoExc(this.localIdxExcVal, r.ret);
        } else {
          as.movRegImm(r.ret, 0);
          as.movLocalReg(this.localIdxExcVal, r.ret);
        }
        label = firstFinally!.label;
      }
    }
    this.jump(label & ~BREAK_FROM_FOR);
  }

  setupBlock(label: number, kind: SetupBlockKind): void {
    if (kind === SetupBlockKind.With) {
      this.setupWith(label);
    } else {
      this.needStackSettled();
      this.pushExcStack(label, kind === SetupBlockKind.Finally);
    }
  }

  private setupWith(label: number): void {
    const r = this.r;
    // stack: (..., ctx_mgr)
    this.accessStack(1, r.arg1);
    this.stackPointerForPush(r.arg3, 2);
    this.callWithQstrArg(F.LOAD_METHOD, "__exit__", r.arg2);
    // stack: (..., ctx_mgr, __exit__, self)
    this.prePopReg(r.arg3);
    this.prePopReg(r.arg2);
    const vtype = this.prePopReg(r.arg1);
    this.postPushReg(vtype, r.arg2);
    this.postPushReg(vtype, r.arg3);
    // stack: (..., __exit__, self); arg1 = ctx_mgr
    this.stackPointerForPush(r.arg3, 2);
    this.callWithQstrArg(F.LOAD_METHOD, "__enter__", r.arg2);
    this.stackPointerForPop(r.arg3, 2);
    this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 0, r.arg1, 0, r.arg2);
    this.postPushReg(VType.PyObj, r.ret);
    // stack: (..., __exit__, self, as_value)
    this.needStackSettled();
    this.pushExcStack(label, true);
    this.dupTop();
  }

  withCleanup(label: number): void {
    const as = this.as;
    const r = this.r;
    const slot = this.labelSlot();
    // stack: (..., __exit__, self, as_value)
    this.leaveExcStack(false);
    this.adjustStack(-1);
    // entered here from an unwind jump too
    this.labelAssign(slot + 2);
    this.postPushImm(VType.PtrNone, 0);
    this.postPushImm(VType.PtrNone, 0);
    this.postPushImm(VType.PtrNone, 0);
    this.stackPointerForPop(r.arg3, 5);
    this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 3, r.arg1, 0, r.arg2);
    this.jump(slot);
    // the exception entry: not a finally label, so no stack settling
    as.labelAssign(label);
    this.leaveExcStack(true);
    this.adjustStackSize(2);
    as.movRegLocal(r.arg1, this.localIdxExcVal);
    if (this.nc.noExceptionIsNone) {
      this.movRegConst(r.arg2, F.CONST_NONE_OBJ);
      as.jumpIfRegEq(r.arg1, r.arg2, slot + 2);
    } else {
      as.jumpIfRegZero(r.arg1, slot + 2, false);
    }
    as.loadRegRegOffset(r.arg2, r.arg1, 0);
    this.postPushReg(VType.PyObj, r.arg2);
    this.postPushReg(VType.PyObj, r.arg1);
    this.postPushImm(VType.PtrNone, 0);
    this.stackPointerForPop(r.arg3, 5);
    this.callWith2ImmArgs(F.CALL_METHOD_N_KW, 3, r.arg1, 0, r.arg2);
    // a true result swallows the exception
    if (r.arg1 !== r.ret) as.movRegReg(r.arg1, r.ret);
    this.call(F.OBJ_IS_TRUE);
    as.jumpIfRegZero(r.ret, slot + 1, true);
    this.labelAssign(slot);
    this.movLocalNoExc(this.localIdxExcVal, r.temp0);
    this.labelAssign(slot + 1);
    // the exception is in nlr_buf.ret_val
    if (this.nc.finallyPopsAtEnd) this.adjustStack(1);
  }

  asyncWithSetupFinally(labelAexitNoExc: number, labelFinallyBlock: number, labelRetUnwindJump: number): void {
    const r = this.r;
    // stack: (..., ctx_mgr); insert a dummy so the stack matches the code at labelAexitNoExc
    this.adjustStackSize(1);
    this.rotTwo();
    this.loadConstTok(Tok.KW_NONE);
    this.rotTwo();
    this.jump(labelAexitNoExc);
    this.adjustStackSize(-1);
    this.labelAssign(labelFinallyBlock);
    this.prePopDiscard();
    this.as.movRegLocal(r.arg1, this.localIdxExcVal);
    this.postPushReg(VType.PyObj, r.arg1);
    this.as.jumpIfRegZero(r.arg1, labelRetUnwindJump, false);
  }

  endFinally(): void {
    const as = this.as;
    const r = this.r;
    // emit_native_pre: a return just before (in the finally block) is no longer the last thing emitted
    this.lastWasReturn = false;
    // mp_native_raise ignores a NULL exception
    if (this.nc.finallyPopsAtEnd) this.prePopDiscard();
    as.movRegLocal(r.arg1, this.localIdxExcVal);
    this.call(F.NATIVE_RAISE);
    const e = this.popExcStack();
    if (e.unwindLabel !== UNWIND_LABEL_UNUSED) {
      const slot = this.labelSlot();
      as.movRegLocal(r.ret, this.localIdxExcHandlerUnwind);
      as.jumpIfRegZero(r.ret, slot, false);
      if (e.unwindLabel === UNWIND_LABEL_DO_FINAL_UNWIND) as.jumpReg(r.ret);
      else this.jump(e.unwindLabel);
      this.labelAssign(slot);
    }
  }

  // ---- iteration ----

  getIter(useStack: boolean): void {
    const r = this.r;
    this.prePopReg(r.arg1);
    if (useStack) {
      this.stackPointerForPush(r.arg2, ITER_BUF_NSLOTS);
      this.call(F.NATIVE_GETITER);
    } else {
      // mp_getiter allocates the iter buffer on the heap
      this.as.movRegImm(r.arg2, 0);
      this.call(F.NATIVE_GETITER);
      this.postPushReg(VType.PyObj, r.ret);
    }
  }

  forIter(label: number): void {
    const r = this.r;
    this.stackPointerForPop(r.arg1, ITER_BUF_NSLOTS);
    this.adjustStack(ITER_BUF_NSLOTS);
    this.call(F.NATIVE_ITERNEXT);
    this.as.jumpIfRegZero(r.ret, label, false);
    this.postPushReg(VType.PyObj, r.ret);
  }

  forIterEnd(): void {
    this.adjustStack(-ITER_BUF_NSLOTS);
  }

  popExceptJump(label: number, withinExcHandler: boolean): void {
    if (withinExcHandler) this.movLocalNoExc(this.localIdxExcVal, this.r.temp0);
    else this.leaveExcStack(false);
    this.jump(label);
  }

  // ---- operators ----

  unaryOp(op: number): void {
    const as = this.as;
    const r = this.r;
    if (!this.nc.viperIntUnaryOps) {
      // before 1.27 only objects have unary ops (the message's %q named the op by an empty qstr)
      if (this.prePopReg(r.arg2) === VType.PyObj) {
        this.callWithImmArg(F.UNARY_OP, op, r.arg1);
        this.postPushReg(VType.PyObj, r.ret);
      } else {
        this.adjustStack(1);
        this.viperError("unary op  not implemented");
      }
      return;
    }
    let vtype = this.peekVtype(0);
    if (vtype === VType.Int || vtype === VType.Uint) {
      if (op === UnaryOp.POSITIVE) {
        // nothing to do
      } else if (op === UnaryOp.NEGATIVE) {
        let reg: number;
        [vtype, reg] = this.prePopRegFlexible(r.ret, r.ret, r.ret);
        as.negReg(reg);
        this.postPushReg(vtype, reg);
      } else if (op === UnaryOp.INVERT) {
        let reg: number;
        if (as.notReg) {
          [vtype, reg] = this.prePopRegFlexible(r.ret, r.ret, r.ret);
          as.notReg(reg);
        } else {
          [vtype, reg] = this.prePopRegFlexible(r.ret, r.arg1, r.ret);
          as.movRegImm(r.arg1, -1);
          as.xorRegReg(reg, r.arg1);
        }
        this.postPushReg(vtype, reg);
      } else {
        this.viperError("'not' not implemented");
      }
    } else if (vtype === VType.PyObj) {
      this.prePopReg(r.arg2);
      this.callWithImmArg(F.UNARY_OP, op, r.arg1);
      this.postPushReg(VType.PyObj, r.ret);
    } else {
      this.viperError(`can't do unary op of '${vtypeName(vtype)}'`);
    }
  }

  binaryOp(op: number): void {
    const as = this.as;
    const r = this.r;
    let vtypeLhs = this.peekVtype(1);
    let vtypeRhs = this.peekVtype(0);
    const isInt = (v: VType) => v === VType.Int || (v === VType.Uint && this.nc.viperUintOps);
    if (isInt(vtypeLhs) && isInt(vtypeRhs)) {
      // on machine ints in-place and plain operators are the same
      if (op >= BinaryOp.INPLACE_OR && op <= BinaryOp.INPLACE_POWER) op += BinaryOp.OR - BinaryOp.INPLACE_OR;
      if ((op === BinaryOp.LSHIFT || op === BinaryOp.RSHIFT) && as.shiftCountReg !== undefined) {
        vtypeRhs = this.prePopReg(as.shiftCountReg);
        vtypeLhs = this.prePopReg(r.ret);
        as.shiftRegByCount!(op === BinaryOp.LSHIFT ? "lsl" : vtypeLhs === VType.Uint ? "lsr" : "asr", r.ret);
        this.postPushReg(vtypeLhs, r.ret);
        return;
      }
      if (op === BinaryOp.FLOOR_DIVIDE || op === BinaryOp.MODULO) {
        vtypeRhs = this.prePopReg(r.arg2);
        vtypeLhs = this.prePopReg(r.arg1);
        if (vtypeLhs !== VType.Int) this.viperError("div/mod not implemented for uint");
        this.call(op === BinaryOp.FLOOR_DIVIDE ? F.SMALL_INT_FLOOR_DIVIDE : F.SMALL_INT_MODULO);
        this.postPushReg(VType.Int, r.ret);
        return;
      }
      let regRhs: number;
      [vtypeRhs, regRhs] = this.prePopRegFlexible(r.arg3, r.ret, r.arg2);
      vtypeLhs = this.prePopReg(r.arg2);
      if (op === BinaryOp.LSHIFT || op === BinaryOp.RSHIFT) {
        as.shiftRegReg!(op === BinaryOp.LSHIFT ? "lsl" : vtypeLhs === VType.Uint ? "lsr" : "asr", r.arg2, regRhs);
        this.postPushReg(vtypeLhs, r.arg2);
        return;
      }
      const simple: Partial<Record<number, (d: number, s: number) => void>> = {
        [BinaryOp.OR]: as.orRegReg, [BinaryOp.XOR]: as.xorRegReg, [BinaryOp.AND]: as.andRegReg,
        [BinaryOp.ADD]: as.addRegReg, [BinaryOp.SUBTRACT]: as.subRegReg, [BinaryOp.MULTIPLY]: as.mulRegReg,
      };
      const f = simple[op];
      if (f) {
        f.call(as, r.arg2, regRhs);
        this.postPushReg(vtypeLhs, r.arg2);
      } else if (op >= BinaryOp.LESS && op <= BinaryOp.NOT_EQUAL) {
        if (vtypeLhs !== vtypeRhs) this.viperError("comparison of int and uint");
        this.needRegSingle(r.ret, 0);
        as.compareRegs((op - BinaryOp.LESS) as CompareOp, vtypeLhs === VType.Uint, r.ret, r.arg2, regRhs);
        this.postPushReg(VType.Bool, r.ret);
      } else {
        this.adjustStack(1);
        this.viperError(`binary op ${binaryOpName(op)} not implemented`);
      }
    } else if (vtypeLhs === VType.PyObj && vtypeRhs === VType.PyObj) {
      this.prePopReg(r.arg3);
      this.prePopReg(r.arg2);
      let invert = false;
      if (op === BinaryOp.NOT_IN) {
        invert = true;
        op = BinaryOp.IN;
      } else if (op === BinaryOp.IS_NOT) {
        invert = true;
        op = BinaryOp.IS;
      }
      this.callWithImmArg(F.BINARY_OP, this.nc.matMultiplyOps ? op : legacyBinaryOp(op), r.arg1);
      if (invert) {
        as.movRegReg(r.arg2, r.ret);
        this.callWithImmArg(F.UNARY_OP, UnaryOp.NOT, r.arg1);
      }
      this.postPushReg(VType.PyObj, r.ret);
    } else {
      this.adjustStack(-1);
      this.viperError(`can't do binary op between '${vtypeName(vtypeLhs)}' and '${vtypeName(vtypeRhs)}'`);
    }
  }

  // ---- building ----

  build(nArgs: number, kind: BuildKind): void {
    const r = this.r;
    if (kind === BuildKind.Slice) {
      if (nArgs === 2) {
        this.prePopReg(r.arg2);
        this.prePopReg(r.arg1);
        this.movRegConst(r.arg3, F.CONST_NONE_OBJ);
      } else {
        this.prePopReg(r.arg3);
        this.prePopReg(r.arg2);
        this.prePopReg(r.arg1);
      }
      this.call(F.NEW_SLICE);
      this.postPushReg(VType.PyObj, r.ret);
      return;
    }
    if (kind === BuildKind.Tuple || kind === BuildKind.List || kind === BuildKind.Set) this.stackPointerForPop(r.arg2, nArgs);
    const fun = { [BuildKind.Tuple]: F.BUILD_TUPLE, [BuildKind.List]: F.BUILD_LIST, [BuildKind.Map]: F.BUILD_MAP, [BuildKind.Set]: F.BUILD_SET }[kind];
    this.callWithImmArg(fun, nArgs, r.arg1);
    this.postPushReg(VType.PyObj, r.ret);
  }

  storeMap(): void {
    const r = this.r;
    this.prePopReg(r.arg2);
    this.prePopReg(r.arg3);
    this.prePopReg(r.arg1);
    this.call(F.STORE_MAP);
    this.postPushReg(VType.PyObj, r.ret);
  }

  storeComp(scopeKind: number, collectionStackIndex: number): void {
    const r = this.r;
    let fun: number;
    if (scopeKind === ScopeKind.ListComp) {
      this.prePopReg(r.arg2);
      fun = F.LIST_APPEND;
    } else if (scopeKind === ScopeKind.SetComp) {
      this.prePopReg(r.arg2);
      fun = F.STORE_SET;
    } else {
      this.prePopReg(r.arg2);
      this.prePopReg(r.arg3);
      fun = F.STORE_MAP;
    }
    this.accessStack(collectionStackIndex, r.arg1);
    this.call(fun);
  }

  unpackSequence(nArgs: number): void {
    const r = this.r;
    this.prePopReg(r.arg1);
    this.stackPointerForPush(r.arg3, nArgs);
    this.callWithImmArg(F.UNPACK_SEQUENCE, nArgs, r.arg2);
  }

  unpackEx(nLeft: number, nRight: number): void {
    const r = this.r;
    this.prePopReg(r.arg1);
    this.stackPointerForPush(r.arg3, nLeft + nRight + 1);
    this.callWithImmArg(F.UNPACK_EX, nLeft | (nRight << 8), r.arg2);
  }

  // ---- functions ----

  makeFunction(scope: Scope, nPosDefaults: number, nKwDefaults: number): void {
    const as = this.as;
    const r = this.r;
    if (this.constTable) {
      // 1.18: mp_make_function_from_raw_code(rc, default tuple, default dict)
      if (nPosDefaults === 0 && nKwDefaults === 0) {
        this.needRegAll();
        as.movRegImm(r.arg2, 0);
        as.movRegImm(r.arg3, 0);
      } else {
        this.prePopReg(r.arg3);
        this.prePopReg(r.arg2);
        this.needRegAll();
      }
      this.loadRegWithChild(r.arg1, scope);
      as.callInd(F.MAKE_FUNCTION_FROM_PROTO_FUN);
      this.postPushReg(VType.PyObj, r.ret);
      return;
    }
    this.movRegState(r.arg2, this.localIdxFunObj);
    as.loadRegRegOffset(r.arg2, r.arg2, FUN_BC_CONTEXT);
    if (nPosDefaults === 0 && nKwDefaults === 0) {
      this.needRegAll();
      as.movRegImm(r.arg3, 0);
    } else {
      this.stackPointerForPop(r.arg3, 2);
      this.needRegAll();
    }
    this.loadRegWithChild(r.arg1, scope);
    as.callInd(F.MAKE_FUNCTION_FROM_PROTO_FUN);
    this.postPushReg(VType.PyObj, r.ret);
  }

  makeClosure(scope: Scope, nClosedOver: number, nPosDefaults: number, nKwDefaults: number): void {
    const as = this.as;
    const r = this.r;
    if (this.constTable) {
      // 1.18: mp_make_closure_from_raw_code(rc, n | 0x100 with defaults, closed-over values after them)
      const hasDefaults118 = nPosDefaults !== 0 || nKwDefaults !== 0;
      this.stackPointerForPop(r.arg3, nClosedOver + (hasDefaults118 ? 2 : 0));
      as.movRegImm(r.arg2, (hasDefaults118 ? 0x100 : 0) | nClosedOver);
      this.loadRegWithChild(r.arg1, scope);
      as.callInd(F.NEW_CLOSURE);
      this.postPushReg(VType.PyObj, r.ret);
      return;
    }
    this.movRegState(r.arg2, this.localIdxFunObj);
    as.loadRegRegOffset(r.arg2, r.arg2, FUN_BC_CONTEXT);
    const hasDefaults = nPosDefaults !== 0 || nKwDefaults !== 0;
    if (!hasDefaults) {
      this.needRegAll();
      as.movRegImm(r.arg3, 0);
    } else {
      this.stackPointerForPop(r.arg3, 2 + nClosedOver);
      this.adjustStack(2 + nClosedOver);
      this.needRegAll();
    }
    this.loadRegWithChild(r.arg1, scope);
    as.callInd(F.MAKE_FUNCTION_FROM_PROTO_FUN);
    if (r.arg1 !== r.ret) as.movRegReg(r.arg1, r.ret);
    as.movRegImm(r.arg2, nClosedOver);
    this.stackPointerForPop(r.arg3, nClosedOver);
    if (hasDefaults) this.adjustStack(-2);
    as.callInd(F.NEW_CLOSURE);
    this.postPushReg(VType.PyObj, r.ret);
  }

  callFunction(nPositional: number, nKeyword: number, starFlags: number): void {
    const r = this.r;
    const vtypeFun = this.peekVtype(nPositional + 2 * nKeyword);
    if (vtypeFun === VType.BuiltinCast) {
      const vtypeCast = this.peekStack(1).imm as VType;
      switch (this.peekVtype(0)) {
        case VType.PyObj:
          this.prePopReg(r.arg1);
          this.prePopDiscard();
          this.callWithImmArg(F.CONVERT_OBJ_TO_NATIVE, vtypeCast, r.arg2);
          this.postPushReg(vtypeCast, r.ret);
          break;
        case VType.Bool: case VType.Int: case VType.Uint: case VType.Ptr: case VType.Ptr8:
        case VType.Ptr16: case VType.Ptr32: case VType.PtrNone:
          this.foldStackTop(r.arg1);
          this.postTopSetVtype(vtypeCast);
          break;
        default:
          // a cast of a cast: int(int)
          throw new PendingTypedError("NotImplementedError", "casting", true);
      }
      return;
    }
    if (starFlags) {
      this.stackPointerForPop(r.arg3, nPositional + 2 * nKeyword + this.starArgsWords);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW_VAR, 0, r.arg1, nPositional | (nKeyword << 8), r.arg2);
    } else {
      if (nPositional !== 0 || nKeyword !== 0) this.stackPointerForPop(r.arg3, nPositional + 2 * nKeyword);
      this.prePopReg(r.arg1);
      this.callWithImmArg(F.NATIVE_CALL_FUNCTION_N_KW, nPositional | (nKeyword << 8), r.arg2);
    }
    this.postPushReg(VType.PyObj, r.ret);
  }

  callMethod(nPositional: number, nKeyword: number, starFlags: number): void {
    const r = this.r;
    if (starFlags) {
      this.stackPointerForPop(r.arg3, nPositional + 2 * nKeyword + 1 + this.starArgsWords);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW_VAR, 1, r.arg1, nPositional | (nKeyword << 8), r.arg2);
    } else {
      this.stackPointerForPop(r.arg3, 2 + nPositional + 2 * nKeyword);
      this.callWith2ImmArgs(F.CALL_METHOD_N_KW, nPositional, r.arg1, nKeyword, r.arg2);
    }
    this.postPushReg(VType.PyObj, r.ret);
  }

  /** Stack words a call with * or ** pops besides the arguments and self: the function and the star
   * arguments (1.18: the *args and the **kwargs objects, each NULL when absent). */
  private get starArgsWords(): number {
    return this.o.compat.starArgsAsObjects ? 3 : 2;
  }

  returnValue(): void {
    this.emitReturnValue();
    // before 1.20 the compiler leaves out a jump straight after a return
    this.lastWasReturn = true;
  }

  private emitReturnValue(): void {
    const as = this.as;
    const r = this.r;
    if (this.isGenerator) {
      // the caller finds the return value through code_state.sp
      this.stackPointerForPop(r.temp0, 1);
      this.movStateReg(CODE_STATE_SP, r.temp0);
      as.movRegImm(r.temp0, RETURN_NORMAL);
      as.movLocalReg(this.localIdxRetVal, r.temp0);
      this.unwindJump(this.exitLabel, this.excStack.length);
      return;
    }
    if (this.doViperTypes) {
      const returnVtype = (this.scope.scopeFlags >> SCOPE_FLAG_VIPERRET_POS) as VType;
      if (this.peekVtype(0) === VType.PtrNone) {
        this.prePopDiscard();
        if (returnVtype === VType.PyObj) this.movRegConst(r.parentRet, F.CONST_NONE_OBJ);
        else as.movRegImm(r.arg1, 0);
      } else {
        const vtype = this.prePopReg(returnVtype === VType.PyObj ? r.parentRet : r.arg1);
        if (vtype !== returnVtype) {
          this.viperError(`return expected '${vtypeName(returnVtype)}' but got '${vtypeName(vtype)}'`);
        }
      }
      if (returnVtype !== VType.PyObj) {
        this.callWithImmArg(F.CONVERT_NATIVE_TO_OBJ, returnVtype, r.arg2);
        if (r.ret !== r.parentRet) as.movRegReg(r.parentRet, r.ret);
      }
    } else {
      this.prePopReg(r.parentRet);
    }
    if (this.needGlobalExcHandler) as.movLocalReg(this.localIdxRetVal, r.parentRet);
    this.unwindJump(this.exitLabel, this.excStack.length);
  }

  raiseVarargs(nArgs: number): void {
    if (nArgs !== 1) throw new Error("internal: native raise takes exactly one argument (upstream asserts too)");
    const vtype = this.prePopReg(this.r.arg1);
    if (vtype !== VType.PyObj) this.viperError("must raise an object");
    this.call(F.NATIVE_RAISE);
    if (this.o.compat.suppressDeadCode) this.as.suppressCode();
  }

  yieldOp(kind: YieldKind): void {
    const as = this.as;
    const r = this.r;
    if (this.doViperTypes) throw new PendingTypedError("NotImplementedError", "native yield", true);
    const slot = this.labelSlot();
    this.scope.scopeFlags |= SCOPE_FLAG_GENERATOR;
    this.needStackSettled();
    if (kind === YieldKind.From) {
      // for item in generator: yield item
      this.jump(slot + 2);
      this.labelAssign(slot + 1);
    }
    this.stackPointerForPop(r.temp0, 1);
    this.movStateReg(CODE_STATE_SP, r.temp0);
    as.movRegImm(r.temp0, RETURN_YIELD);
    as.movLocalReg(this.localIdxRetVal, r.temp0);
    as.movRegPcrel(r.temp0, slot);
    this.movStateReg(this.localIdxGenPc, r.temp0);
    as.jump(this.exitLabel);
    // re-entry point
    as.labelAssign(slot);
    for (let i = this.excStack.length - 1; i >= 0; i--) {
      const e = this.excStack[i];
      if (e.isActive) {
        as.movRegPcrel(r.ret, e.label);
        as.movLocalReg(this.localIdxExcHandlerPc, r.ret);
        break;
      }
    }
    this.adjustStackSize(1);
    if (kind === YieldKind.Value) {
      as.movRegLocal(r.arg1, this.localIdxThrowVal);
      if (this.nc.throwValueSlot) this.movLocalNull(this.localIdxThrowVal, r.arg2);
      this.call(F.NATIVE_RAISE);
    } else {
      this.labelAssign(slot + 2);
      if (this.nc.throwValueSlot) {
        as.movRegLocal(r.arg3, this.localIdxThrowVal);
        as.movRegImm(r.arg2, 0);
        as.movLocalReg(this.localIdxThrowVal, r.arg2);
      }
      this.prePopReg(r.arg2);
      this.accessStack(1, r.arg1);
      if (!this.nc.throwValueSlot) as.movRegLocal(r.arg3, this.localIdxThrowVal);
      this.postPushReg(VType.PyObj, r.arg3);
      this.stackPointerForPop(r.arg3, 1);
      this.call(F.NATIVE_YIELD_FROM);
      as.jumpIfRegNonzero(r.ret, slot + 1, true);
      this.adjustStackSize(1);
      this.foldStackTop(r.arg1);
    }
  }

  startExceptHandler(): void {
    this.leaveExcStack(true);
    this.as.movRegLocal(this.r.temp0, this.localIdxExcVal);
    this.postPushReg(VType.PyObj, this.r.temp0);
  }

  endExceptHandler(): void {
    // 1.27: nothing, the handler's exception slot is cleared where it is left; before, the exception is popped
    if (!this.nc.finallyPopsAtEnd) this.adjustStack(-1);
  }
}

/** MP_OBJ_FUN_MAKE_SIG: the packed arity mp_arg_check_num_sig checks. */
function funMakeSig(nArgsMin: number, nArgsMax: number, takesKw: boolean): number {
  return (nArgsMin << 17) | (nArgsMax << 1) | (takesKw ? 1 : 0);
}

/** The object word of a small int (MP_OBJ_NEW_SMALL_INT). */
function smallIntObj(v: number): number {
  return v * 2 + 1;
}
