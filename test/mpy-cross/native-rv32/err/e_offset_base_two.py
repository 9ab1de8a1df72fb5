import micropython


@micropython.asm_rv32
def f(a0, a1):
    sw(a0, 4(a1, a2))
