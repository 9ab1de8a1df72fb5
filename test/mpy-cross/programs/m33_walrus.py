# Assignment expressions.
data = [3, 8, 1, 9, 4]
if (n := len(data)) > 3:
    print("long list", n)
vals = iter(data)
total = 0
while (v := next(vals, None)) is not None:
    total += v
print(total)
print([y for x in data if (y := x * 2) > 8])
def f():
    if (m := max(data)) > 5:
        return m
print(f(), (z := 5) + z)
