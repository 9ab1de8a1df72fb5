// Data: the qstr pool compiled into MicroPython 1.18's mpy-cross, in number order (entry n is qstr n;
// entry 0 is the null qstr), read from genhdr/qstrdefs.generated.h of its build. .mpy v5 native code
// carries qstrs as that process's own numbers where the loader patches them (the immediates named by
// the qstr-link table, the prelude's name and source-file fields), so byte identity needs this pool.
// A qstr not in it gets the next free number in the order the parser created it (qstr-pool.ts).
// Numbers 1..165 are the static qstrs every firmware shares (static-qstrs.ts); the rest follow.
import { STATIC_QSTRS } from "../static-qstrs.js";

/** MicroPython 1.18's mpy-cross (340 qstrs). */
export const MPY_CROSS_1_18_QSTRS: readonly string[] = ["", ...STATIC_QSTRS.slice(1), ...[
  "__add__", "__aenter__", "__aexit__", "__aiter__", "__anext__", "__bases__", "__bool__", "__build_class__",
  "__contains__", "__dict__", "__eq__", "__ge__", "__gt__", "__iadd__", "__import__", "__isub__", "__le__", "__lt__",
  "__ne__", "__path__", "__repl_print__", "__reversed__", "__sub__", "__traceback__", "%#o", "%#x", "{:#b}",
  "maximum recursion depth exceeded", "<lambda>", "<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<string>",
  "<stdin>", "None", "StopAsyncIteration", "UnicodeError", "ViperTypeError", "add", "addi", "align", "and_",
  "asm_thumb", "asm_xtensa", "asr", "b", "ball", "bany", "bbc", "bbs", "beq", "beqz", "bge", "bgeu", "bin", "bl",
  "blt", "bnall", "bne", "bnez", "bnone", "bound_method", "bx", "calcsize", "callx0", "closure", "clz", "cmp",
  "complex", "cpsid", "cpsie", "data", "decode", "default", "delattr", "deleter", "dict_view", "difference",
  "difference_update", "discard", "doc", "encode", "enumerate", "errno", "filter", "float", "fromkeys", "function",
  "generator", "getter", "heap_lock", "heap_unlock", "hex", "imag", "intersection", "intersection_update",
  "isdisjoint", "issubset", "issuperset", "iterable", "iterator", "j", "jx", "l16si", "l16ui", "l32i", "l8ui",
  "label", "ldr", "ldrb", "ldrex", "ldrh", "lsl", "lsr", "max", "min", "module", "mov", "mov_n", "movi", "movt",
  "movw", "movwt", "mrs", "mull", "native", "nop", "oct", "opt_level", "or_", "pack", "pack_into", "pend_throw",
  "property", "ptr", "ptr16", "ptr32", "ptr8", "push", "rbit", "real", "ret_n", "reversed", "s16i", "s32i", "s8i",
  "sdiv", "setter", "slice", "strb", "strex", "strh", "sub", "symmetric_difference", "symmetric_difference_update",
  "udiv", "uint", "union", "unpack", "unpack_from", "ustruct", "vcmp", "vcvt_f32_s32", "vcvt_s32_f32", "viper",
  "vldr", "vmov", "vmrs", "vneg", "vsqrt", "vstr", "wfi", "xor",
]];
