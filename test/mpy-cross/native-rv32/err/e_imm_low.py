import micropython


@micropython.asm_rv32
def f(a0, a1):
    addi(a0, a0, -2049)
