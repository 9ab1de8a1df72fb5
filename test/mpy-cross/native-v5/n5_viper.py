# @micropython.viper code for the .mpy v5 (MicroPython 1.18) byte-identity test: many arguments,
# pointer loads and stores with constant and register indexes, uint arithmetic, calls out.
import micropython


@micropython.viper
def fill(buf: ptr8, n: int, a: int, b: int, c: int) -> int:
    for i in range(n):
        buf[i] = a + b * i + c
    buf[0] = 7
    buf[3] = 9
    return buf[1] + buf[n - 1]


@micropython.viper
def halves(buf: ptr16, n: int):
    buf[0] = 1
    buf[5] = 0x1234
    i = 0
    while i < n:
        buf[i] = buf[i] + 1
        i += 1


@micropython.viper
def words(buf: ptr32, k: int) -> uint:
    buf[2] = k
    buf[k] = 0x12345
    x = uint(buf[2]) + uint(buf[k])
    return x >> 1


@micropython.viper
def mix(x: int, y: int) -> object:
    z = (x << 4) ^ y
    if z > 100 and x != y:
        return "big"
    return [z, len("viper"), b"!"]


b8 = bytearray(8)
print(fill(b8, 8, 1, 2, 3), list(b8))
b16 = bytearray(16)
halves(b16, 8)
print(list(b16))
b32 = bytearray(32)
print(words(b32, 3), list(b32))
print(mix(7, 1), mix(1, 1))
