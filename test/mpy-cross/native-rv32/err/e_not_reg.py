import micropython


@micropython.asm_rv32
def f(a0, a1):
    add(a0, a1, 5)
