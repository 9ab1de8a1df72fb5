# Integer, float and complex literals in every spelling the lexer accepts.
a = 0
b = 1_000_000
c = 0x7F
d = 0o755
e = 0b1010_1010
f = -17
g = 1.5
h = 2.5e-3
i = 1e10
j = 3j
k = 2 + 0.5j
print(a, b, c, d, e, f)
print(g, h, i)
print(j, k, k.real, k.imag)
print(0xFFFFFFFF, 0x3FFFFFFF, 0x40000000, -0x40000000, -0x40000001)
print(123456789012345678901234567890)
print(1 / 4, 7 // 2, -7 // 2, 7 % 3, -7 % 3, 2 ** 10, 2 ** -1)
print(.5, 5., 1_0.0_1)
