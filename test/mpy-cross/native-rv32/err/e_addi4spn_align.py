import micropython


@micropython.asm_rv32
def f(a0, a1):
    c_addi4spn(a0, 6)
