import micropython


@micropython.asm_rv32
def f(a0, a1):
    sh(a0, -2049(a1))
