import micropython


@micropython.asm_rv32
def f(a0, a1):
    jal(ra, end)
    label(l0)
    label(l1)
    label(l2)
    label(l3)
    label(l4)
    label(l5)
    label(l6)
    la(a0, end)
    label(end)
