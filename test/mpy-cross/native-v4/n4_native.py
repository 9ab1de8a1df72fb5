# @micropython.native for .mpy 4 (MicroPython 1.11): calls, loops, handlers, generators, closures
import micropython

TABLE = {"a": 1, "b": 2}


@micropython.native
def total(items, scale=2, *rest, **opts):
    acc = 0
    for x in items:
        acc += x * scale
    for r in rest:
        acc -= r
    return acc, sorted(opts)


@micropython.native
def guarded(d, key):
    try:
        return d[key]
    except KeyError as e:
        return "missing " + str(e)
    finally:
        TABLE["seen"] = key


@micropython.native
def countdown(n):
    while n > 0:
        yield n
        n -= 1


@micropython.native
def adder(k):
    def add(v):
        return v + k
    return add


class Ctx:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return True


@micropython.native
def swallow():
    with Ctx():
        raise ValueError("x")
    for i in range(3):
        if i == 1:
            break
    return [i, -i, not i, i in (1, 2), i is not None]


print(total([1, 2, 3], 3, 1, z=1), guarded(TABLE, "a"), guarded(TABLE, "q"))
print(list(countdown(3)), adder(5)(1), swallow())
