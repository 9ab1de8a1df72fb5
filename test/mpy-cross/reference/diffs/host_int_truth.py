# 1.18 held ints up to 62 bits as parse-tree leaves, so they decide `and`/`or`/`not`/`if` at compile
# time even where the target's small ints (31 bits) cannot hold them.
a = 1073741824 or 2.0
b = 4611686018427387903 and "x"
c = not 2**40
d = (1 << 70) >> 65 or 3
if 1073741824:
    print("big true")
while 0x100000000:
    break
print(a, b, c, d)
