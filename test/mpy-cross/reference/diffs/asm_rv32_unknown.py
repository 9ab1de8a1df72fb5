# @micropython.asm_rv32 only became a known decorator in 1.25: older mpy-cross call it invalid.
@micropython.asm_rv32
def f():
    pass
