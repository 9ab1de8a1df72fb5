// Which assembler generates the native code of an arch. Each code generator registers here; an arch
// whose generator is missing compiles its @native/@viper code to "cannot emit native code".
import type { NativeArch, AsmKind } from "./arch.js";
import type { NativeAssembler } from "./asm.js";
import type { BackendCompat } from "../compat.js";
import { AsmX64 } from "./asm-x64.js";
import { AsmThumb } from "./asm-thumb.js";
import { AsmArm } from "./asm-arm.js";
import { asmCompat, thumbAllowsArmv7m } from "./asm-compat.js";
import { AsmXtensa } from "./asm-xtensa.js";
import { AsmX86 } from "./asm-x86.js";
import { AsmRv32 } from "./asm-rv32.js";

/** archFlags: -march-flags bits (rv32imc: Zba lets indexed loads/stores use sh1add/sh2add). */
type Factory = (arch: NativeArch, compat: BackendCompat, archFlags: number) => NativeAssembler;

const FACTORIES: Partial<Record<AsmKind, Factory>> = {
  x64: () => new AsmX64(),
  x86: (_arch, compat) => new AsmX86(asmCompat(compat).x86Align),
  rv32: (_arch, _compat, archFlags) => new AsmRv32(archFlags),
  arm: (_arch, compat) => new AsmArm(asmCompat(compat).armWideSpAdjust),
  thumb: (arch, compat) => {
    const ac = asmCompat(compat);
    return new AsmThumb({
      armv7m: thumbAllowsArmv7m(arch, ac), armEntryStub: false, loadStore: ac.thumbLoadStore, pcrelSxth: ac.thumbPcrelSxth,
      v6mJump: ac.thumbV6mJump, bccW: ac.thumbBccW, compareIteInverted: ac.thumbCompareIteInverted,
    });
  },
  xtensa: (_arch, compat) => new AsmXtensa(false, asmCompat(compat).xtensaGen),
  xtensawin: (_arch, compat) => new AsmXtensa(true, asmCompat(compat).xtensaGen),
};

export function createAssembler(arch: NativeArch, compat: BackendCompat, archFlags = 0): NativeAssembler | null {
  const f = arch.asm ? FACTORIES[arch.asm] : undefined;
  if (!f) return null;
  const asm = f(arch, compat, archFlags);
  asm.funSlots = asmCompat(compat).emit.funSlots;
  return asm;
}
