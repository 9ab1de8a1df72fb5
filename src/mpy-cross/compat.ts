// What the back end does differently for each emulated MicroPython release. Each .mpy version is
// produced by the mpy-cross of one release (see MPY_VERSIONS in mpy-writer.ts); the differences
// below are the compiler/emitter/writer changes between those releases that change output bytes.
import { operators1_9_2, type OperatorNumbers } from "./opcodes-1-9.js";
import { COMP_ADD_OPS_1_8, opTable1_8, type CompAddOps } from "./opcodes-1-8.js";
import type { OpTable } from "./opcodes-legacy.js";
import { OPCODES_MICROPYTHON, OPCODES_PYCOPY, type OpcodeDialect } from "./opcodes.js";
import { TEXTS_AS_WRITTEN, TEXTS_CP6, TEXTS_TRANSLATED, type ErrorTexts } from "./error-texts.js";
import { oldQstrPools } from "./old-qstr-pools-loader.js";

export interface BackendCompat {
  /** Release whose mpy-cross this reproduces, e.g. "1.27.0" or "CircuitPython 8.2.10". */
  readonly release: string;
  /** 1.20+: code after return/raise/jump is not emitted (older: only a jump after return is skipped). */
  readonly suppressDeadCode: boolean;
  /** 1.22.2+: the finally block reserves one stack slot for a pending return value. */
  readonly finallyReturnSlot: boolean;
  /** 1.21+: async for keeps its iterator on the stack (older: in a local named after the expression). */
  readonly asyncForIteratorOnStack: boolean;
  /** Before 1.21: `if (...)` with a parenthesised tuple is decided at compile time. */
  readonly ifParenTupleIsConst: boolean;
  /** Before 1.20: a walrus inside a comprehension stores through the enclosing scope directly. */
  readonly walrusStoresInParent: boolean;
  /** 1.26+: 0.0 and -0.0 are separate constants; floats print with 1.27's repr (float-format.ts). */
  readonly modernFloats: boolean;
  /** Before 1.19: *args and **kwargs are passed as two objects (NULL when absent), not a bitmap. */
  readonly starArgsAsObjects: boolean;
  /** 1.20+: any constant (None, "", (), 0.0 ...) decides an `if`/`while` at compile time, not just True/False/ints. */
  readonly constBoolFromAnyConstant: boolean;
  /** How float constants are printed: 16+ digits scaled in long double (1.26+, "shortest" for history), 16 digits by pow(10, n) (1.20-1.25),
   * 16 digits after scaling by a table of powers of ten (1.19 and earlier), or that table used only to build
   * each digit's power of ten, so whole numbers print exactly (MicroPython between 1.19 and 1.20; CircuitPython 8). */
  readonly floatFormat: "shortest" | "pow10" | "table" | "table-exact";
  /** Before 1.19: a name assigned in a class body or module still closes over a same-named local of an
   * enclosing function (which becomes a cell), as unassigned names do. */
  readonly assignedNamesCloseOver: boolean;
  /** 1.25+: @micropython.asm_rv32 is a known (native) decorator; before, an invalid one. */
  readonly asmRv32Decorator: boolean;
  /** The bytecode layout: "v6" (1.19+, module-wide tables), "v5" (inline qstrs, per-function tables),
   * or the pre-1.12 ones, "v4" (1.11) and "v3" (1.10): per-function tables too, the old opcode numbers
   * and a plain prelude, with qstrs held as the writing mpy-cross's own numbers (see `qstrPool`). */
  readonly layout: "v3" | "v4" | "v5" | "v6";
  /** Pre-1.12: the qstr pool compiled into that release's mpy-cross, in number order. */
  readonly qstrPool?: readonly string[];
  /** 1.10 and earlier: try blocks end with POP_BLOCK (also before a finally or with cleanup) and handlers
   * with POP_EXCEPT, then a JUMP; 1.11 has one POP_EXCEPT_JUMP, or nothing before a finally. */
  readonly popBlockOpcodes: boolean;
  /** 1.12+: a lambda or comprehension starts its line table at its own line (before: only statements set lines). */
  readonly lambdaCompLines: boolean;
  /** What an `async with` tells an exception from a return/unwind by: BaseException (1.11+) or Exception. */
  readonly asyncWithCatches: "BaseException" | "Exception";
  /** How `async with` is built: a try/finally that also runs __aexit__ on return/break (1.10+), or the
   * try/except of MicroPython 1.9.4 that CircuitPython 3-6 kept. */
  readonly asyncWithForm: "try-finally" | "try-except";
  /** Before 1.12: `async for` awaits what `__aiter__()` returns. */
  readonly awaitAiter: boolean;
  /** The pre-1.12 prelude's flags byte carries the native emitter's REFGLOBALS/HASCONSTS bits (1.11's
   * mpy-cross has native emitters; 1.10's has none, so they stay clear). */
  readonly nativeScopeFlags: boolean;
  /** The -march= names this release's mpy-cross accepts (any other prints its usage and exits 1). */
  readonly marchNames: readonly string[];
  /** Whether -march=host (the machine mpy-cross runs on: x64 here) is accepted. */
  readonly marchHost: boolean;
  /**
   * -march-flags=: per arch, the flag names it takes and their bits (1.27: rv32imc's `zba`); null:
   * the release's mpy-cross has no such option.
   */
  readonly marchFlags: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
  /** The arch used when no -march is given: 1.18/1.19 default to the host (x64), later releases to none. */
  readonly defaultArch: string | null;
  /** 1.27: `-X emit=native|viper` without an arch is refused up front ("arch not specified"). */
  readonly emitNeedsArch: boolean;
  /** How `await x` is compiled: MicroPython's `yield from iter(x)`, or CircuitPython 7+'s
   * `yield from x.__await__()`, where an async def also carries its own signature flag (0x10) and
   * may not contain `yield from`. */
  readonly awaitProtocol: "yield-from" | "dunder-await";
  /** Compile error texts this release words differently, keyed by MicroPython 1.27's text. A key of
   * the form "'break' outside loop" / "'continue' outside loop" splits upstream's shared message. A
   * value naming a kind also changes the error's kind. */
  readonly messages: Readonly<Record<string, string | { readonly kind: "NotImplementedError"; readonly text: string }>>;
  /** 1.12+: `from m import *` inside a function is a SyntaxError (before, it compiled). */
  readonly importStarModuleOnly: boolean;
  /** CircuitPython 6: `await` too must be inside an `async def` (and async for/with need the async flag, not
   * just a generator), one message for the three. */
  readonly awaitNeedsAsyncDef?: boolean;
  /** The `@micropython.X` emitter decorators the release's mpy-cross was built with (besides bytecode);
   * absent: all of its arch's (native, viper, asm_*). Any other is an "invalid micropython decorator". */
  readonly emitDecorators?: readonly string[];
  /** `a, b = c, d` (and 3 items) is compiled without a tuple (MICROPY_COMP_DOUBLE_TUPLE_ASSIGN; Pycopy: off). */
  readonly doubleTupleAssign: boolean;
  /** How *args is put after the other parameters: swapped with the last plain one (MicroPython), or moved
   * behind it with the ones between shifting up (Pycopy, to match pycopy-lib's compiler). */
  readonly starParamPlacement: "swap" | "move";
  /** Pycopy: no jump to the end after the last elif body when there is no else (it would be the next label). */
  readonly noJumpAfterLastElif: boolean;
  /** Pycopy: `a if True else b` (a constant condition) compiles only the branch taken. */
  readonly constIfExpr: boolean;
  /** A lambda that yields returns None, not its expression's value (MicroPython; not Pycopy). */
  readonly generatorLambdaReturnsNone: boolean;
  /** Operator numbers of 1.9.2 and older (opcodes-1-9.ts); absent: the numbering of 1.9.3+. */
  readonly operators?: OperatorNumbers;
  /** Opcode numbers and forms that differ from MicroPython's (Pycopy's bytecode). */
  readonly opcodes: OpcodeDialect;
  /** How the traceback's texts print: as written, through CircuitPython's translation ("\r\n" line
   * ends), or as CircuitPython 6's broken text decompression yields them (error-texts.ts). */
  readonly errorTexts: ErrorTexts;
  /** Pre-1.12 opcode numbers when they are not those of 1.9-1.11 (opcodes-legacy.ts): 1.8's. */
  readonly legacyOps?: OpTable;
  /** 1.8: list/dict/set comprehensions add with an opcode each (absent: STORE_COMP). */
  readonly compAddOps?: CompAddOps;
  /** Stack slots a for loop's iterator takes: 4 (1.9+, an iterator buffer on the stack) or 1 (1.8, an object). */
  readonly iterSlots: 1 | 4;
  /** Stack items an exception handler is entered with: 1 (1.9+, the exception) or 3 (1.8: type, value, traceback). */
  readonly excItems: 1 | 3;
  /** Stack slots SETUP_WITH reserves: 2 (1.9+, with 2 more at the cleanup) or 4 for the whole block (1.8). */
  readonly withSlots: 2 | 4;
  /** How a line-table step is split: "1.9" (a step over more than 15 bytes advances no line until
   * the bytes are done) or "1.8" (the form is chosen by the line count alone). */
  readonly lineSteps: "1.9" | "1.8";
  /** How `super()` in a method is compiled: "method" (1.9+: self by its name, `super().f()` through
   * LOAD_SUPER_METHOD) or "call" (1.8: self always by LOAD_FAST, then an ordinary call). */
  readonly superCall: "method" | "call";
  /** `for ... in range()` as a counted loop: "1.9" (a step of 0 is left to range(), and an else pops
   * the loop values before it runs) or "1.8" (any constant step, the else runs above the values). */
  readonly rangeFor: "1.9" | "1.8";
  /** 1.9+: a stack adjustment without an opcode (handlers, finally) counts towards the frame's stack
   * size; 1.8 counted only what opcodes pushed (not UNWIND_JUMP), and wrote a function whose stack
   * did not balance without complaint. */
  readonly adjustRaisesMax: boolean;
  /** 1.16+: `async for`/`async with` outside an async function is a SyntaxError (before, it compiled). */
  readonly asyncOutsideAsyncIsError: boolean;
  /** 1.9+: a positional argument after *x or **x is a SyntaxError (1.8 compiled it). */
  readonly positionalAfterStarIsError: boolean;
  /** 1.8: a chain of two or more trailers (`a.b(c)`) starts a line-table entry at its first trailer. */
  readonly trailerListLine: boolean;
  /** When a loaded name is matched with a local of an enclosing function: "after-scope" (1.9+: once the
   * scope pass is done, so a later store or del in the scope makes it local) or "at-load" (1.8: at
   * its first load, after which it stays free). */
  readonly closeOver: "after-scope" | "at-load";
}

const ARCHES_118 = ["x86", "x64", "armv6", "armv7m", "armv7em", "armv7emsp", "armv7emdp", "xtensa", "xtensawin"];
const ARCHES_119 = ["x86", "x64", "armv6", "armv6m", "armv7m", "armv7em", "armv7emsp", "armv7emdp", "xtensa", "xtensawin"];
const ARCHES_127 = [...ARCHES_119, "rv32imc", "rv64imc"];

/** What each flavour is derived from: its MicroPython base row plus the differences its sources show. */
const MICROPYTHON_DEFAULTS = {
  awaitProtocol: "yield-from", messages: {}, importStarModuleOnly: true, errorTexts: TEXTS_AS_WRITTEN, popBlockOpcodes: false, nativeScopeFlags: true, lambdaCompLines: true, awaitAiter: false, asyncWithCatches: "BaseException", asyncWithForm: "try-finally", opcodes: OPCODES_MICROPYTHON,
  doubleTupleAssign: true, starParamPlacement: "swap", noJumpAfterLastElif: false, constIfExpr: false, generatorLambdaReturnsNone: true,
  iterSlots: 4, excItems: 1, withSlots: 2, lineSteps: "1.9", superCall: "method", rangeFor: "1.9", adjustRaisesMax: true,
  asyncOutsideAsyncIsError: true, positionalAfterStarIsError: true, trailerListLine: false, closeOver: "after-scope",
} as const;

/**
 * Each release's profile, made when first asked for (compatForRelease): most runs use one release, and
 * building all ~20 with their spreads at import cost ~0.5 ms of each start. Each is the row it derives
 * from plus its differences.
 */
const RELEASES: Record<string, () => BackendCompat> = {
  "1.27.0": () => ({
    release: "1.27.0", marchNames: ARCHES_127, marchHost: true, marchFlags: { rv32imc: { zba: 1 } }, defaultArch: null, emitNeedsArch: true, assignedNamesCloseOver: false, asmRv32Decorator: true, floatFormat: "shortest", suppressDeadCode: true, finallyReturnSlot: true, asyncForIteratorOnStack: true,
    ifParenTupleIsConst: false, walrusStoresInParent: false, modernFloats: true, starArgsAsObjects: false, layout: "v6", constBoolFromAnyConstant: true,
    ...MICROPYTHON_DEFAULTS,
  }),
  "1.22.2": () => ({
    release: "1.22.2", marchNames: ARCHES_119, marchHost: true, marchFlags: null, defaultArch: null, emitNeedsArch: false, asmRv32Decorator: false, assignedNamesCloseOver: false, floatFormat: "pow10", suppressDeadCode: true, finallyReturnSlot: true, asyncForIteratorOnStack: true,
    ifParenTupleIsConst: false, walrusStoresInParent: false, modernFloats: false, starArgsAsObjects: false, layout: "v6", constBoolFromAnyConstant: true,
    ...MICROPYTHON_DEFAULTS,
  }),
  "1.20.0": () => ({
    release: "1.20.0", marchNames: ARCHES_119, marchHost: true, marchFlags: null, defaultArch: null, emitNeedsArch: false, asmRv32Decorator: false, assignedNamesCloseOver: false, floatFormat: "pow10", suppressDeadCode: true, finallyReturnSlot: false, asyncForIteratorOnStack: false,
    ifParenTupleIsConst: true, walrusStoresInParent: false, modernFloats: false, starArgsAsObjects: false, layout: "v6", constBoolFromAnyConstant: true,
    ...MICROPYTHON_DEFAULTS,
  }),
  "1.19.1": () => ({
    release: "1.19.1", marchNames: ARCHES_119, marchHost: false, marchFlags: null, defaultArch: "x64", emitNeedsArch: false, asmRv32Decorator: false, assignedNamesCloseOver: false, floatFormat: "table", suppressDeadCode: false, finallyReturnSlot: false, asyncForIteratorOnStack: false,
    ifParenTupleIsConst: true, walrusStoresInParent: true, modernFloats: false, starArgsAsObjects: false, layout: "v6", constBoolFromAnyConstant: false,
    ...MICROPYTHON_DEFAULTS,
  }),
  "1.18.0": () => ({
    release: "1.18.0", marchNames: ARCHES_118, marchHost: false, marchFlags: null, defaultArch: "x64", emitNeedsArch: false, asmRv32Decorator: false, assignedNamesCloseOver: true, floatFormat: "table", suppressDeadCode: false, finallyReturnSlot: false, asyncForIteratorOnStack: false,
    ifParenTupleIsConst: true, walrusStoresInParent: true, modernFloats: false, starArgsAsObjects: true, layout: "v5", constBoolFromAnyConstant: false,
    ...MICROPYTHON_DEFAULTS,
  }),
};

// MicroPython 1.11 and 1.10 (py/emitbc.c, py/compile.c, py/persistentcode.c at those tags): the 1.18 row
// minus what 1.12-1.18 added; their .mpy format differences are the layout's.
// (1.11's mpy-cross takes these five -march names only; armv7em* came in 1.12)
const ARCHES_111 = ["x86", "x64", "armv6", "armv7m", "xtensa"];
const PRE_112_MESSAGES: Record<string, string> = {
  "'break' outside loop": "'break' outside loop",
  "'continue' outside loop": "'continue' outside loop",
};
// 1.9.x's words (CircuitPython 3-5 kept them, checked with their mpy-cross; the unindent text is the parser's, parse-dialect.ts)
const MESSAGES_1_9: Record<string, string> = { ...PRE_112_MESSAGES, "argument name reused": "name reused for argument" };
RELEASES["1.11.0"] = () => ({
  ...compatForRelease("1.18.0"), release: "1.11.0", layout: "v4", lambdaCompLines: false, awaitAiter: true, marchNames: ARCHES_111, qstrPool: oldQstrPools().MPY_CROSS_1_11_QSTRS, messages: PRE_112_MESSAGES,
  asyncOutsideAsyncIsError: false, importStarModuleOnly: false,
});
// 1.10's mpy-cross has no native emitter at all (nor 1.9.2's, 1.8.4's, CircuitPython 3-6's): no default arch
RELEASES["1.10.0"] = () => ({
  ...compatForRelease("1.11.0"), release: "1.10.0", layout: "v3", qstrPool: oldQstrPools().MPY_CROSS_1_10_QSTRS, popBlockOpcodes: true, asyncWithCatches: "Exception", nativeScopeFlags: false, marchNames: [],
  defaultArch: null,
});
// 1.9.2 (.mpy 2; CircuitPython 2.x writes the same bytes): 1.10's compiler with the old operator numbers
// and the try/except `async with` that 1.9.4 still had.
RELEASES["1.9.2"] = () => ({
  ...compatForRelease("1.10.0"), release: "1.9.2", operators: operators1_9_2(), qstrPool: oldQstrPools().MPY_CROSS_1_9_2_QSTRS, asyncWithForm: "try-except", messages: MESSAGES_1_9,
});
RELEASES["circuitpython-2.3.1"] = () => ({ ...compatForRelease("1.9.2"), release: "CircuitPython 2.3.1" });
// 1.8.4 (.mpy 0): 1.9.2's compiler before the iterator buffer on the stack, the one-item exception
// and the super() method call; its own opcode numbers and qstr pool.
RELEASES["1.8.4"] = () => ({
  ...compatForRelease("1.9.2"), release: "1.8.4", qstrPool: oldQstrPools().MPY_CROSS_1_8_4_QSTRS, legacyOps: opTable1_8(), compAddOps: COMP_ADD_OPS_1_8,
  iterSlots: 1, excItems: 3, withSlots: 4, lineSteps: "1.8", superCall: "call", rangeFor: "1.8", adjustRaisesMax: false,
  positionalAfterStarIsError: false, trailerListLine: true, closeOver: "at-load", messages: {
    ...PRE_112_MESSAGES,
    "default 'except' must be last": "default 'except:' must be last",
    "expecting key:value for dict": "expecting key:value for dictionary",
    "argument name reused": "name reused for argument",
    "super() can't find self": "super() call cannot find self",
    // 1.8's own texts where later releases say "can't assign to expression"
    "can't assign to literal": "can't assign to literal",
    "illegal expression for augmented assignment": "illegal expression for augmented assignment",
  },
});

// CircuitPython (adafruit/circuitpython at each tag, diffed against its MicroPython base): py/compile.c
// compiles `await` through __await__ and flags async functions (runtime0.h MP_SCOPE_FLAG_ASYNC);
// 7.x and 8.x also reworded a few compile errors. 8.x took MicroPython's whole-number-exact float
// printing (formatfloat.c as of the commit before 1.20's switch to pow()). 9.x is MicroPython 1.23 inside,
// whose bytecode output equals 1.22.2's. The "C" header byte is the writer's business (MPY_VERSIONS).
const CIRCUITPY_DEFAULTS = { awaitProtocol: "dunder-await", errorTexts: TEXTS_TRANSLATED } as const;
const CIRCUITPY_7_MESSAGES: Record<string, string> = {
  "'break' outside loop": "'break' outside loop",
  "'continue' outside loop": "'continue' outside loop",
  "invalid arch": "invalid architecture",
  "async for/with outside async function": "'await', 'async for' or 'async with' outside async function",
};
// 3.x - 6.x: MicroPython 1.9.4 inside, whose bytecode is 1.10's (.mpy 3), each build with its own qstr pool;
// 6.x also compiles `await` through __await__ and marks async functions in the prelude flags. Their
// mpy-cross has no inline assemblers (3.x and 4.x no native emitter either) and 1.9.4's error texts;
// 4.x on translate them (CRLF line ends), and 6.x's translation garbles them (error-texts.ts).
const CIRCUITPY_5_MESSAGES: BackendCompat["messages"] = {
  ...MESSAGES_1_9,
  "async for/with outside async function": "'async for' or 'async with' outside async function",
  "raw f-strings are not supported": { kind: "NotImplementedError", text: "raw f-strings are not implemented" },
};
const CIRCUITPY_6_MESSAGES: BackendCompat["messages"] = {
  ...CIRCUITPY_5_MESSAGES,
  "async for/with outside async function": "'await', 'async for' or 'async with' outside async function",
};
RELEASES["circuitpython-3.1.2"] = () => ({
  ...compatForRelease("1.10.0"), release: "CircuitPython 3.1.2", qstrPool: oldQstrPools().CIRCUITPY_3_1_2_QSTRS, asyncWithForm: "try-except",
  messages: MESSAGES_1_9,
});
RELEASES["circuitpython-4.1.2"] = () => ({ ...compatForRelease("circuitpython-3.1.2"), release: "CircuitPython 4.1.2", qstrPool: oldQstrPools().CIRCUITPY_4_1_2_QSTRS, errorTexts: TEXTS_TRANSLATED });
RELEASES["circuitpython-5.3.1"] = () => ({
  ...compatForRelease("circuitpython-4.1.2"), release: "CircuitPython 5.3.1", qstrPool: oldQstrPools().CIRCUITPY_5_3_1_QSTRS, messages: CIRCUITPY_5_MESSAGES,
  // 5.x refuses `async for`/`async with` outside an async function, in its own words
  emitDecorators: ["native", "viper"], asyncOutsideAsyncIsError: true,
});
RELEASES["circuitpython-6.3.0"] = () => ({
  ...compatForRelease("circuitpython-5.3.1"), release: "CircuitPython 6.3.0", qstrPool: oldQstrPools().CIRCUITPY_6_3_0_QSTRS, awaitProtocol: "dunder-await", awaitAiter: false,
  messages: CIRCUITPY_6_MESSAGES, errorTexts: TEXTS_CP6, awaitNeedsAsyncDef: true,
});
RELEASES["circuitpython-7.3.3"] = () => ({
  ...compatForRelease("1.18.0"), ...CIRCUITPY_DEFAULTS, release: "CircuitPython 7.3.3", messages: CIRCUITPY_7_MESSAGES,
});
RELEASES["circuitpython-8.2.10"] = () => ({ ...compatForRelease("circuitpython-7.3.3"), release: "CircuitPython 8.2.10", floatFormat: "table-exact" });
RELEASES["circuitpython-9.2.9"] = () => ({ ...compatForRelease("1.22.2"), ...CIRCUITPY_DEFAULTS, release: "CircuitPython 9.2.9" });
RELEASES["circuitpython-10.2.1"] = () => ({ ...compatForRelease("1.27.0"), ...CIRCUITPY_DEFAULTS, release: "CircuitPython 10.2.1" });

// Pycopy 3.6.1 (pfalcon/pycopy at v3.6.1; MicroPython 1.17 inside, plus Pycopy's own compiler and
// bytecode changes): raise takes its argument count as a byte, so the yield and import-star opcodes
// moved down; def/class/import names are stored with the *_CONST store opcodes.
RELEASES["pycopy-3.6.1"] = () => ({ ...compatForRelease("1.18.0"), release: "Pycopy 3.6.1", opcodes: OPCODES_PYCOPY, ifParenTupleIsConst: false,
  doubleTupleAssign: false, starParamPlacement: "move", noJumpAfterLastElif: true, constIfExpr: true, generatorLambdaReturnsNone: false,
});

const built = new Map<string, BackendCompat>();

/** A release's profile, the same object on every call. */
export function compatForRelease(release: string): BackendCompat {
  let c = built.get(release);
  if (c === undefined) {
    const make = Object.hasOwn(RELEASES, release) ? RELEASES[release] : undefined;
    if (!make) throw new Error(`internal: no back-end profile for MicroPython ${release}`);
    c = make();
    built.set(release, c);
  }
  return c;
}

export const LATEST_COMPAT = compatForRelease("1.27.0");
