import micropython


@micropython.asm_rv32
def f(a0, a1):
    label(x)
    la(a0, nowhere)
