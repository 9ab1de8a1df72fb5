// The native architectures `mpy-cross -march=` knows, as data: the number stored in a .mpy header, the
// machine word, which code generator and inline assembler serve it, and the size of the nlr_buf_t that
// native functions with exception handlers reserve on the C stack (mpy-cross fixes it per arch).
// Which names each release accepts is in compat.ts (BackendCompat.marchNames).

/** The code generator (an assembler behind the NativeAssembler interface, see asm.ts) of an arch. */
export type AsmKind = "x64" | "x86" | "thumb" | "arm" | "xtensa" | "xtensawin" | "rv32";
/** The inline assembler an `@micropython.asm_*` function is parsed with. */
export type InlineAsmKind = "thumb" | "xtensa" | "rv32";

export interface NativeArch {
  /** The -march= name. */
  readonly name: string;
  /** MP_NATIVE_ARCH_* number, stored in the header's feature byte (bits 2-7). */
  readonly code: number;
  /** Bytes in a machine word (pointer, stack slot). */
  readonly wordSize: 4 | 8;
  /** Code generator for @native / @viper / -X emit=native; null: the release has none for this arch. */
  readonly asm: AsmKind | null;
  /** Inline assembler for any @micropython.asm_* decorator; null: "invalid arch". */
  readonly inlineAsm: InlineAsmKind | null;
  /** Registers saved in nlr_buf_t (mp_dynamic_compiler.nlr_buf_num_regs). */
  readonly nlrBufRegs: number;
}

const NLR_THUMB_FP = 16;

const ARCHES: readonly NativeArch[] = [
  { name: "x86", code: 1, wordSize: 4, asm: "x86", inlineAsm: null, nlrBufRegs: 6 },
  { name: "x64", code: 2, wordSize: 8, asm: "x64", inlineAsm: null, nlrBufRegs: 10 },
  { name: "armv6", code: 3, wordSize: 4, asm: "arm", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "armv6m", code: 4, wordSize: 4, asm: "thumb", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "armv7m", code: 5, wordSize: 4, asm: "thumb", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "armv7em", code: 6, wordSize: 4, asm: "thumb", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "armv7emsp", code: 7, wordSize: 4, asm: "thumb", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "armv7emdp", code: 8, wordSize: 4, asm: "thumb", inlineAsm: "thumb", nlrBufRegs: NLR_THUMB_FP },
  { name: "xtensa", code: 9, wordSize: 4, asm: "xtensa", inlineAsm: "xtensa", nlrBufRegs: 10 },
  { name: "xtensawin", code: 10, wordSize: 4, asm: "xtensawin", inlineAsm: null, nlrBufRegs: 17 },
  { name: "rv32imc", code: 11, wordSize: 4, asm: "rv32", inlineAsm: "rv32", nlrBufRegs: 14 },
  // 1.27 accepts the name but has neither code generator nor inline assembler for it
  { name: "rv64imc", code: 12, wordSize: 8, asm: null, inlineAsm: null, nlrBufRegs: 14 },
];

export function nativeArch(name: string): NativeArch | undefined {
  return ARCHES.find((a) => a.name === name);
}

export function nativeArchByCode(code: number): NativeArch | undefined {
  return ARCHES.find((a) => a.code === code);
}
