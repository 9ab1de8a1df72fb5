# Comparison chains, boolean operators, conditional expressions, truthiness.
def grade(n):
    if n >= 90:
        return "A"
    elif 80 <= n < 90:
        return "B"
    elif n in (70, 71, 72) or 73 <= n <= 79:
        return "C"
    return "F"

print([grade(n) for n in (95, 85, 71, 75, 10)])
a, b, c = 1, 2, 3
print(a < b < c, a < b > c, a == 1 != b, a is not None, b not in [1, 3])
print(0 or "", [] or "default", 1 and 2, 0 and 1, not 0, not "x")
print("yes" if a else "no", "neg" if a < 0 else "zero" if a == 0 else "pos")
x = None
print(x is None and "none", x or "fallback", bool([]), bool([0]))
def side(v, log):
    log.append(v)
    return v
log = []
r = side(0, log) and side(1, log) or side(2, log)
print(r, log)
print(1 < 2 == 2 < 3, (1 < 2) == True, 3 > 2 > 1 > 0)
if not (a > b or c < b):
    print("neither")
while a < 3 and b:
    a += 1
print(a)
