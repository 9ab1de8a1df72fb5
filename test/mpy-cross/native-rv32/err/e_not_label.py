import micropython


@micropython.asm_rv32
def f(a0, a1):
    beq(a0, a1, 5)
