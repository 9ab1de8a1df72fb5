# Native, viper and inline-assembler functions beside plain bytecode: for the .mpy reader only
# (tspy's compiler writes bytecode; these files come from upstream mpy-cross with -march).
import micropython

@micropython.native
def add_native(a, b=2):
    return a + b

@micropython.viper
def double_viper(x: int) -> int:
    return x * 2

def plain(n):
    return [add_native(i) for i in range(n)]

print(add_native(1), double_viper(3), plain(3))
