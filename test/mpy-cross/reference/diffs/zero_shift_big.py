# `0 << 64` overflows the machine word in the VM's small-int shift, so before 1.24 the folded 0 was a
# big-int object (a constant), not a small int.
a = 0 << 64
b = 0 << 100 << 0
c = 4611686018427387903 % -1 << 100
d = 0 << 63
print(a, b, c, d)
