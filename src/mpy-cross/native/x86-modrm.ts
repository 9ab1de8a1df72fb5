// The ModRM encoding the x86 and x64 assemblers share (x64 adds REX prefixes around it): register
// fields, the addressing modes, and the bytes of a [base + disp] operand.
export const MOD_DISP0 = 0x00, MOD_DISP8 = 0x40, MOD_DISP32 = 0x80, MOD_REG = 0xc0;
export const modrmReg = (r: number) => (r & 7) << 3;

/** Upstream's 8-bit test looks at the low 32 bits only. */
export function signedFit8(x: number): boolean {
  const lo = x & 0xffffff80;
  return lo === 0 || lo === (0xffffff80 | 0);
}

const BP = 5, SP = 4;

/**
 * ModRM (+ SIB) and displacement bytes for register `r` and memory at `base` + `disp`: the shortest
 * displacement form; bp as a base has no disp-0 form, and sp as a base needs a SIB byte. Only the low
 * three bits of `base` go in (x64's r12/r13 behave as rsp/rbp here; their REX.B is the caller's).
 */
export function modrmDisp(r: number, base: number, disp: number): number[] {
  const b = base & 7;
  const mod = disp === 0 && b !== BP ? MOD_DISP0 : signedFit8(disp) ? MOD_DISP8 : MOD_DISP32;
  const out = [modrmReg(r) | mod | b];
  if (b === SP) out.push(0x24);
  if (mod === MOD_DISP8) out.push(disp & 0xff);
  else if (mod === MOD_DISP32) out.push(disp & 0xff, (disp >>> 8) & 0xff, (disp >>> 16) & 0xff, (disp >>> 24) & 0xff);
  return out;
}
