# @micropython.viper for .mpy 4 (MicroPython 1.11): machine ints, pointers, bools, comparisons
import micropython


@micropython.viper
def mix(a: int, b: int) -> int:
    x = a * b + (a << 2) - (b >> 1)
    x ^= a | b
    x &= 0xFFFF
    if x < b or a >= b:
        x += 1
    return x // 3 + x % 5


@micropython.viper
def fill(buf, n: int):
    p = ptr8(buf)
    for i in range(n):
        p[i] = i * 3
    p[1] = 7
    q = ptr16(buf)
    q[2] = q[0] + 1
    w = ptr32(buf)
    return w[0] == w[1], int(p[2]) != 0


@micropython.viper
def flag(v) -> bool:
    n = int(v)
    return n > 10


@micropython.viper
def five(a: int, b: int, c: int, d: int, e: int) -> int:
    return a + b + c + d + e


buf = bytearray(16)
print(mix(7, 3), fill(buf, 8), flag(20), flag(2), five(1, 2, 3, 4, 5), list(buf))
