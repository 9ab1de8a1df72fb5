# micropython.const names and compile-time constant folding.
from micropython import const

WIDTH = const(16)
HEIGHT = const(WIDTH * 2)
_PRIVATE = const(0x100)
MASK = const((1 << 8) - 1)
NAME = const("label")

def area():
    return WIDTH * HEIGHT

print(WIDTH, HEIGHT, area(), _PRIVATE + 1, MASK & 0x1234)
print(NAME)
print(3 * 4 + 2, 2 ** 8, -(-5), ~0, 10 // 3, 10 % 3, 1 << 4, 0xF0 | 0x0F, 6 ^ 3)
print(1 + 2.5, "ab" * 2, (1, 2) + (3,))
x = 7
print(x * (3 + 4), (x + 0) * 1)
print(1000000 * 1000000, -(2 ** 31), 2 ** 62)
