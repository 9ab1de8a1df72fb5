# A first program for any MicroPython board: copied to the board, then imported there.
import sys


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


print("Hello from", sys.implementation.name, ".".join(str(v) for v in sys.implementation.version[:3]))
print("fib(30) =", fib(30))
print("squares:", [i * i for i in range(8)])
