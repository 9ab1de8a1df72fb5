import micropython


@micropython.asm_rv32
def f(a0, a1):
    c_lw(a0, -68(a1))
