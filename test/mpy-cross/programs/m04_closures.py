# Closures: captured variables, nonlocal counters, closures created in loops.
def make_counter(start):
    count = start
    def inc(step=1):
        nonlocal count
        count += step
        return count
    def get():
        return count
    return inc, get

inc, get = make_counter(10)
inc()
inc(5)
print(get())

def make_adders():
    adders = []
    for i in range(3):
        def add(x, i=i):
            return x + i
        adders.append(add)
    return adders

print([f(10) for f in make_adders()])

def outer(a):
    def middle(b):
        def inner(c):
            return a + b + c
        return inner
    return middle

print(outer(1)(2)(3))

def cell_arg(x):
    def show():
        return x * 2
    x += 1
    return show()

print(cell_arg(4))

def late_binding():
    fs = [lambda: i for i in range(3)]
    return [f() for f in fs]

print(late_binding())
