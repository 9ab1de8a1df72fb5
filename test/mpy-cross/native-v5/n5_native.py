# @micropython.native code for the .mpy v5 (MicroPython 1.18) byte-identity test: qstr links, string
# and object constants, closures with defaults, generators, handlers that unwind, star calls.
import micropython

LIMIT = 12345678901234567890


@micropython.native
def greet(name, *, sep=", ", punct="!"):
    return "hello" + sep + name + punct


@micropython.native
def scale(xs, factor=2.5):
    out = []
    for x in xs:
        out.append(x * factor)
    return out, b"\x00\x01", LIMIT


@micropython.native
def make_counter(start, step=1):
    count = start

    def bump(times=1):
        nonlocal count
        count += step * times
        return count

    return bump


@micropython.native
def evens(n):
    for i in range(n):
        if i % 2 == 0:
            yield i
    return "done"


@micropython.native
def guarded(items, key):
    total = 0
    for item in items:
        try:
            if item is None:
                continue
            if item < 0:
                break
            total += item
        finally:
            total += 1
    try:
        return items[key]
    except (IndexError, TypeError) as e:
        return type(e).__name__
    finally:
        print("guarded", key)


class Box:
    def __init__(self):
        self.entered = 0

    def __enter__(self):
        self.entered += 1
        return self

    def __exit__(self, *exc):
        return False


@micropython.native
def use_box(b, args, kwargs):
    with b as inner:
        r = max(*args, **kwargs)
        inner.note = r
    return b.entered, inner.note, [x for x in args if x != r]


print(greet("you"), greet("me", sep="; ", punct="?"))
print(scale([1, 2]))
c = make_counter(10, 3)
print(c(), c(2))
print(list(evens(7)))
print(guarded([1, None, 2, -1, 5], 1), guarded([1], 9), guarded([], "k"))
print(use_box(Box(), (3, 9, 4), {}))
