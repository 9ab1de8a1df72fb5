import micropython


@micropython.asm_rv32
def f(a0, a1):
    srai(a0, a0, -1)
