// What the assemblers and inline assemblers of each emulated release do differently, as data (one row
// per release, keyed like compat.ts). Only differences that change output bytes or error texts are here.
import type { BackendCompat } from "../compat.js";
import type { NativeArch } from "./arch.js";

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
  /** data() takes only small-int parse nodes (1.18/1.19); later any integer constant. */
  readonly inlineDataSmallIntOnly: boolean;
  /** Which instructions the inline Xtensa assembler knows. */
  readonly xtensaInline: XtensaInlineSet;
}

const ROWS: Record<string, AsmCompat> = {
  "1.27.0": { inlineDataSmallIntOnly: false, thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "generic", thumbPcrelSxth: true, xtensaInline: "v127" },
  "1.22.2": { inlineDataSmallIntOnly: false, thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base" },
  "1.20.0": { inlineDataSmallIntOnly: false, thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base" },
  "1.19.1": { inlineDataSmallIntOnly: true, thumbFeaturesPerArch: true, thumbPushPopLrPcNarrow: true, thumbLoadStore: "legacy", thumbPcrelSxth: true, xtensaInline: "base" },
  "1.18.0": { inlineDataSmallIntOnly: true, thumbFeaturesPerArch: false, thumbPushPopLrPcNarrow: false, thumbLoadStore: "legacy", thumbPcrelSxth: false, xtensaInline: "base" },
};

export function asmCompat(compat: BackendCompat): AsmCompat {
  const row = ROWS[compat.release];
  if (!row) throw new Error(`internal: no assembler profile for MicroPython ${compat.release}`);
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
