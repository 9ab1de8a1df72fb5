# -march-flags=zba: the Zba instructions inline, and viper's indexed loads/stores scaled with them.
import micropython


@micropython.asm_rv32
def shadd(a0, a1, a2) -> int:
    sh1add(a0, a1, a2)
    sh2add(t0, a0, x31)
    sh3add(zero, ra, sp)


@micropython.viper
def get(p: ptr32, h: ptr16, b: ptr8, i: int) -> int:
    p[i] = h[i] + b[i]
    h[i] = 7
    return p[i]
