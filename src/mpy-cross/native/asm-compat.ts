// What the assemblers and inline assemblers of each emulated release do differently, as data (one row
// per release, keyed like compat.ts). Only differences that change output bytes or error texts are here.
import type { BackendCompat } from "../compat.js";
import { OutputNotWrittenError } from "../compile-error.js";
import type { NativeArch } from "./arch.js";
import type { XtensaGen } from "./asm-xtensa.js";
import type { X86Align } from "./asm-x86.js";
import { MPY_CROSS_1_18_QSTRS } from "./qstr-pool-1-18.js";
import { FUN_SLOTS_1_11, type FunSlots } from "./fun-table.js";
import { oldQstrPools } from "../old-qstr-pools-loader.js";

export type XtensaInlineSet = "base" | "v127";

export interface AsmCompat {
  /**
   * 1.18 built mpy-cross with ARMv7-M Thumb and the VFP inline instructions compiled in for every arch;
   * 1.19+ decide per arch (ARMv7-M from armv7m up, VFP only on armv7emsp/armv7emdp).
   */
  readonly thumbFeaturesPerArch: boolean;
  /** Inline push/pop with lr/pc use the 16-bit encodings (1.19+); before, the 32-bit ones. */
  readonly thumbPushPopLrPcNarrow: boolean;
  /** Native loads/stores with an offset: one generic helper (1.27) or the older ldr/ldrh i12 forms. */
  readonly thumbLoadStore: "generic" | "legacy";
  /** ARMv7-M movRegPcrel sign-extends its 16-bit offset (1.19+). */
  readonly thumbPcrelSxth: boolean;
  /**
   * ARMv6-M jumps the emitter cannot size in advance: 1.27 pads to a fixed size with room for a long
   * form; before, one `b.n` (and "native method too big" beyond 12 bits).
   */
  readonly thumbV6mJump: "fixed" | "short";
  /** Encoding of the 32-bit b<cc>.w: 1.27's, or the older one (a different split of offsets beyond 4 KiB). */
  readonly thumbBccW: "v127" | "legacy";
  /**
   * Which integers data() takes: small-int parse nodes of the target (1.19), of the 64-bit host that
   * 1.18's parser sized them by (63 bits), or any integer constant (1.20+).
   */
  readonly inlineDataInts: "target-small" | "host-small" | "any";
  /** How the x86 code generator aligns the stack (asm-x86.ts). */
  readonly x86Align: X86Align;
  /** 1.11's viper comparisons on Thumb (ThumbTarget.compareIteInverted). */
  readonly thumbCompareIteInverted?: boolean;
  /** Which instructions the inline Xtensa assembler knows. */
  readonly xtensaInline: XtensaInlineSet;
  /**
   * ARM entry/exit: a frame of 256 bytes or more moves sp by a register (1.27); before, by the 8-bit
   * immediate alone, which upstream truncates (and tspy with it).
   */
  readonly armWideSpAdjust: boolean;
  /** Which release's Xtensa code generator (asm-xtensa.ts) to reproduce. */
  readonly xtensaGen: XtensaGen;
  /** What the native emitter (py/emitnative.c) of the release does differently. */
  readonly emit: EmitNativeCompat;
  /**
   * The qstr pool of the release's mpy-cross process, when its native code holds qstrs as that
   * process's numbers (1.18: qstr-link immediates and the prelude's name fields).
   */
  readonly processQstrs?: readonly string[];
}

/** Differences of py/emitnative.c between releases that change the machine code. */
export interface EmitNativeCompat {
  /**
   * How native code reaches constants (one upstream change, 1.19's static .mpy rework):
   * - "module-context" (1.19+): through fun_bc->context (qstr table in local3, object table, child
   *   table); the unwind PC and return value get words of their own after nlr_buf; two locals in
   *   registers and the generator state in local2; make_function passes the context.
   * - "const-table" (1.18): through fun_bc->const_table, the function's own table (const-table-v5.ts);
   *   qstrs are fixed-size immediates patched at load time (qstr links); code_state.ip is the prelude's
   *   offset; nlr_buf's saved local2/local3 hold the unwind PC and return value; three locals in
   *   registers and the generator state in local3; make_function/make_closure take the raw code.
   */
  readonly linkage: "module-context" | "const-table";
  /**
   * 1.27: a generator keeps a value thrown into it in a slot of its own (two more frame words), cleared
   * once read, and a handler's entry clears nlr_buf.ret_val. Before: the thrown value sits in ret_val.
   */
  readonly throwValueSlot: boolean;
  /**
   * 1.27: every native function starts with the word indexing its prelude in the child table. Before,
   * only generators have it; other functions set code_state.ip from the child table in their entry.
   */
  readonly preludeIndexWordAlways: boolean;
  /**
   * 1.27: the label of a finally block only reads the top of stack, which end_finally pops (and
   * with_cleanup ends one deeper). Before: the label pops it and end_except_handler pops the exception.
   */
  readonly finallyPopsAtEnd: boolean;
  /** 1.27: viper `-x`, `+x`, `~x` on ints; before, "unary op %q not implemented" with an empty name. */
  readonly viperIntUnaryOps: boolean;
  /**
   * 1.27: viper subscripts use the assemblers' offset and register-indexed loads/stores. Before: the
   * base plus scaled index, except Thumb's 5-bit immediate forms for 0 < index < 32 (thumbI5Access).
   */
  readonly accessWithOffsets: boolean;
  /** 1.20+: @native locals start as objects; before, unbound as in viper ("used before type known"). */
  readonly nativeLocalsAreObjects: boolean;
  /** 1.20+: storing a native value to an attribute converts it to an object first; before, it is stored raw. */
  readonly storeAttrConverts: boolean;
  /** 1.20+: a viper load with a constant index frees the index register before using it. */
  readonly subscrFreesIndexReg: boolean;
  /**
   * The prelude of a @native function: 1.12+'s compressed signature and sizes ("v5"), or 1.11's
   * ("v4": n_state in two bytes, the scope's counts one byte each, a 5-byte code info holding the
   * name and source file, the cell list ended by 255). With "v4", code_state.ip is set by a plain
   * move of the previous pass's prelude offset and code_state has no n_state to set.
   */
  readonly prelude: "v5" | "v4";
  /**
   * Words of nlr_buf_t when the release sized it by the mpy-cross host (1.11: x64 Linux, 10 words,
   * whatever the target); absent: 2 + the target's saved registers + 1 (1.12+'s dynamic size).
   */
  readonly hostNlrBufWords?: number;
  /** Where each mp_fun_table entry sits when the release ordered the table differently (1.11). */
  readonly funSlots?: FunSlots;
  /** 1.11: "no exception" in a handler's slot is None (from the fun table); 1.12+: MP_OBJ_NULL. */
  readonly noExceptionIsNone: boolean;
  /** 1.12+: a viper load frees the return register before it; before, it does not. */
  readonly subscrLoadFreesRet: boolean;
  /** 1.12+: on x64 as on x86 a viper store takes its value in a fixed register (the byte store's). */
  readonly x64StoresFromFixedReg: boolean;
  /** How far a qstr's number is shifted in its object (3 from 1.12 on, 2 before). */
  readonly qstrObjShift: 2 | 3;
  /** 1.12+: settling the stack stores its immediates through temp1 (keeping ret); before, temp0. */
  readonly settleViaTemp1: boolean;
  /** 1.12+: mp_binary_op_t has the @ operators; before, the operators after them are numbered lower. */
  readonly matMultiplyOps: boolean;
  /** 1.12+: viper uint arithmetic, shifts and unsigned comparisons; before, only int with int. */
  readonly viperUintOps: boolean;
}

const EMIT_127: EmitNativeCompat = {
  linkage: "module-context", throwValueSlot: true, preludeIndexWordAlways: true, finallyPopsAtEnd: true, viperIntUnaryOps: true, accessWithOffsets: true,
  nativeLocalsAreObjects: true, storeAttrConverts: true, subscrFreesIndexReg: true, prelude: "v5", viperUintOps: true, matMultiplyOps: true, settleViaTemp1: true, qstrObjShift: 3, subscrLoadFreesRet: true, x64StoresFromFixedReg: true,
  noExceptionIsNone: false,
};
const EMIT_122: EmitNativeCompat = {
  linkage: "module-context", throwValueSlot: false, preludeIndexWordAlways: false, finallyPopsAtEnd: false, viperIntUnaryOps: false, accessWithOffsets: false,
  nativeLocalsAreObjects: true, storeAttrConverts: true, subscrFreesIndexReg: true, prelude: "v5", viperUintOps: true, matMultiplyOps: true, settleViaTemp1: true, qstrObjShift: 3, subscrLoadFreesRet: true, x64StoresFromFixedReg: true,
  noExceptionIsNone: false,
};
const EMIT_119: EmitNativeCompat = { ...EMIT_122, nativeLocalsAreObjects: false, storeAttrConverts: false, subscrFreesIndexReg: false };
const EMIT_118: EmitNativeCompat = { ...EMIT_119, linkage: "const-table" };
const EMIT_111: EmitNativeCompat = { ...EMIT_118, prelude: "v4", hostNlrBufWords: 10, funSlots: FUN_SLOTS_1_11, viperUintOps: false, matMultiplyOps: false, settleViaTemp1: false, qstrObjShift: 2, subscrLoadFreesRet: false, x64StoresFromFixedReg: false,
  noExceptionIsNone: true, };

const ROWS: Record<string, AsmCompat> = {
  "1.27.0": { armWideSpAdjust: true, xtensaGen: "v127", thumbV6mJump: "fixed", thumbBccW: "v127", inlineDataInts: "any", thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "generic", thumbPcrelSxth: true, xtensaInline: "v127", emit: EMIT_127, x86Align: "v118" },
  "1.22.2": { armWideSpAdjust: false, xtensaGen: "v119", thumbV6mJump: "short", thumbBccW: "legacy", inlineDataInts: "any", thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base", emit: EMIT_122, x86Align: "v118" },
  "1.20.0": { armWideSpAdjust: false, xtensaGen: "v119", thumbV6mJump: "short", thumbBccW: "legacy", inlineDataInts: "any", thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base", emit: EMIT_122, x86Align: "v118" },
  "1.19.1": { armWideSpAdjust: false, xtensaGen: "v119", thumbV6mJump: "short", thumbBccW: "legacy", inlineDataInts: "target-small", thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base", emit: EMIT_119, x86Align: "v118" },
  "1.18.0": { armWideSpAdjust: false, xtensaGen: "v118", thumbV6mJump: "short", thumbBccW: "legacy", inlineDataInts: "host-small", thumbFeaturesPerArch: false, thumbPushPopLrPcNarrow: false, thumbLoadStore: "legacy", thumbPcrelSxth: false, xtensaInline: "base", emit: EMIT_118, processQstrs: MPY_CROSS_1_18_QSTRS, x86Align: "v118" },
};
// 1.11: 1.18's code generators under 1.11's emitter (its mpy-cross has no xtensawin)
ROWS["1.11.0"] = {
  ...ROWS["1.18.0"], emit: EMIT_111, thumbCompareIteInverted: true, x86Align: "v111",
  // asked for by a 1.11 compile only: the pool is loaded then (old-qstr-pools-loader.ts)
  get processQstrs() {
    return oldQstrPools().MPY_CROSS_1_11_QSTRS;
  },
};

// CircuitPython 7.x/8.x carry MicroPython 1.18's native emitter, 9.x 1.22's and 10.x 1.27's.
ROWS["CircuitPython 7.3.3"] = ROWS["1.18.0"];
ROWS["CircuitPython 8.2.10"] = ROWS["1.18.0"];
ROWS["CircuitPython 9.2.9"] = ROWS["1.22.2"];
ROWS["CircuitPython 10.2.1"] = ROWS["1.27.0"];

export function asmCompat(compat: BackendCompat): AsmCompat {
  const row = ROWS[compat.release];
  // e.g. CircuitPython 5-6, whose mpy-cross compiles @native for x64 into .mpy 3 native code
  if (!row) throw new OutputNotWrittenError(`tspy does not write the native code of ${compat.release}'s mpy-cross`);
  return row;
}

/** MP_NATIVE_ARCH_* numbers the Thumb feature tests compare against. */
const ARMV7M = 5, ARMV7EMSP = 7, ARMV7EMDP = 8;

/** ARMv7-M instructions allowed for this arch (asm_thumb_allow_armv7m). */
export function thumbAllowsArmv7m(arch: NativeArch, ac: AsmCompat): boolean {
  return !ac.thumbFeaturesPerArch || (arch.code >= ARMV7M && arch.code <= ARMV7EMDP);
}

/** VFP instructions allowed in inline Thumb code (emit_inline_thumb_allow_float). */
export function thumbAllowsFloat(arch: NativeArch, ac: AsmCompat): boolean {
  return !ac.thumbFeaturesPerArch || (arch.code >= ARMV7EMSP && arch.code <= ARMV7EMDP);
}
