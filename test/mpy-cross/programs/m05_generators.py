# Generators: yield, send, return values, yield from, generator expressions, close.
def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1
    return "done"

print(list(count_up(4)))

def echo():
    received = []
    while True:
        x = yield len(received)
        if x is None:
            break
        received.append(x)
    return received

g = echo()
print(next(g))
print(g.send("a"))
print(g.send("b"))
try:
    g.send(None)
except StopIteration as e:
    print("returned", e.value)

def delegate():
    result = yield from count_up(3)
    yield result

print(list(delegate()))
print(sum(x * x for x in range(10)))
print(list(x for x in "abc" if x != "b"))

def closing():
    try:
        yield 1
        yield 2
    finally:
        print("cleanup")

c = closing()
print(next(c))
c.close()

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

out = []
for v in fib():
    if v > 50:
        break
    out.append(v)
print(out)
