# Float arithmetic and formatting.
print(0.1 + 0.2, 1 / 3, 2 ** 0.5, 10 / 4, -1.5 // 1, 7.5 % 2)
print(round(2.675, 2), round(3.5), round(-0.5), int(3.99), int(-3.99), float("1e-5"))
print(1e300 * 10 > 1e300, 3.0 == 3, 1.0 / 8, 12345.678e-2)
print("%.3e %g %.1f" % (123456.0, 0.0001, 2.25), str(1.0), repr(100.0))
print(abs(-2.5), max(1.5, 2), min(-0.0, 0.0), divmod(7.0, 2))
import math
print(math.floor(-1.5), math.ceil(-1.5), math.isnan(float("nan")), math.isinf(float("inf")))
c = complex(1, 2) * 1j
print(c, abs(3 + 4j))
