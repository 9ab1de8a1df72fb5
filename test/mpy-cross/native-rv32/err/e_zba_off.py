import micropython


@micropython.asm_rv32
def f(a0, a1):
    sh1add(a0, a1, a2)
