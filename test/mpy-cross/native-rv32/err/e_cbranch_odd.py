import micropython


@micropython.asm_rv32
def f(a0, a1):
    label(top)
    c_nop()
    data(1, 0)
    c_bnez(a0, top)
