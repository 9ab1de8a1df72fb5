# Augmented assignment on locals, globals, attributes and subscripts, all operators.
g = 10
def on_local():
    x = 100
    x += 5; x -= 3; x *= 2; x //= 3; x %= 50; x **= 2; x <<= 2; x >>= 1; x &= 0xFF; x |= 0x100; x ^= 0x11
    y = 7.0
    y /= 2
    return x, y
print(on_local())
g += 1
g *= 3
print(g)
class Box:
    v = 1
b = Box()
b.v += 10
b.v *= 2
print(b.v, Box.v)
lst = [1, 2, 3]
lst[0] += 100
lst[-1] **= 3
lst += [4]
print(lst)
d = {"k": "a"}
d["k"] += "b"
d["k"] *= 2
print(d)
s = "x"
s += "y" * 2
print(s)
i = 0
for _ in range(5):
    i += _
print(i)
