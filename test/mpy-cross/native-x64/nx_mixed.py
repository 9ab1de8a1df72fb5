# tspy's own native/viper test program: loops, containers, exceptions, viper ints and pointers
import micropython


@micropython.native
def total(xs):
    s = 0
    for x in xs:
        if x % 2:
            s += x
    return s


@micropython.native
def safe_div(a, b):
    try:
        return a // b
    except ZeroDivisionError:
        return None
    finally:
        pass


@micropython.viper
def mix(a: int, b: int) -> int:
    r = (a << 3) ^ (b >> 1)
    if a < b:
        r += 1
    return r & 0xFFFF


@micropython.viper
def fill(buf, n: int):
    p = ptr8(buf)
    for i in range(n):
        p[i] = i * 3


b = bytearray(4)
fill(b, 4)
print(total([1, 2, 3, 4, 5]), safe_div(7, 2), safe_div(1, 0), mix(5, 9), list(b))
