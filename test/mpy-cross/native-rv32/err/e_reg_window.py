import micropython


@micropython.asm_rv32
def f(a0, a1):
    c_and(a0, t0)
