# Slicing: reads, steps, negative indices, slice assignment and deletion.
s = list(range(10))
print(s[2:5], s[:3], s[7:], s[-3:])
t = "abcdefgh"
print(t[1:4], t[-2:])
try:
    # Stepped slices compile everywhere but some ports leave them out at run time.
    print(s[::2], s[::-1], s[1:-1:3], t[::3], t[5:1:-1])
except NotImplementedError:
    print("no stepped slices")
s[1:3] = ["a", "b", "c"]
print(s)
del s[4:6]
print(s)
s[:] = []
print(s)
b = b"bytes!"
print(b[1:3], b[-1], b[:-1])
i, j = 1, 4
print(t[i:j], t[i:], t[:j], t[i + 1:j * 2])
arr = bytearray(b"12345")
arr[1:3] = b"xy"
print(arr)
