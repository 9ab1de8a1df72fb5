# Folded big-int arithmetic whose result is small: 1.18 kept it as an int object (LOAD_CONST_OBJ).
a = 2**65 - (2**65 - 1)
b = (1 << 70) >> 65
c = 0 & (1 << 80)
d = -(1 << 64) + (1 << 64)
e = 1 << 40
print(a, b, c, d, e)
