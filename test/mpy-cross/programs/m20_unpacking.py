# Sequence unpacking: swaps, nested targets, starred targets, unpacking in for loops.
a, b = 1, 2
a, b = b, a
print(a, b)
x, y, z = "xyz"
print(x, y, z)
(p, q), r = (1, 2), 3
print(p, q, r)
first, *middle, last = range(6)
print(first, middle, last)
*init, tail = [1]
print(init, tail)
head, *_ = "hello"
print(head)
for i, (k, v) in enumerate([("a", 1), ("b", 2)]):
    print(i, k, v)
a, b, c = [10, 20, 30]
[d, e] = (4, 5)
print(a + b + c, d * e)
t = 1, 2, 3
u, *w = t
print(u, w)
def pair():
    return "left", "right"
l, rr = pair()
print(l, rr)
m = n = o = 7
print(m, n, o)
lst = [0, 0]
lst[0], lst[1] = "i", "j"
print(lst)
