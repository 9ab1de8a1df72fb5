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


@micropython.native
def wide(a):
    # a frame over 256 bytes: 1.18's ARM entry moves sp by a truncated 8-bit immediate
    v0 = a + 0
    v1 = a + 1
    v2 = a + 2
    v3 = a + 3
    v4 = a + 4
    v5 = a + 5
    v6 = a + 6
    v7 = a + 7
    v8 = a + 8
    v9 = a + 9
    v10 = a + 10
    v11 = a + 11
    v12 = a + 12
    v13 = a + 13
    v14 = a + 14
    v15 = a + 15
    v16 = a + 16
    v17 = a + 17
    v18 = a + 18
    v19 = a + 19
    v20 = a + 20
    v21 = a + 21
    v22 = a + 22
    v23 = a + 23
    v24 = a + 24
    v25 = a + 25
    v26 = a + 26
    v27 = a + 27
    v28 = a + 28
    v29 = a + 29
    v30 = a + 30
    v31 = a + 31
    v32 = a + 32
    v33 = a + 33
    v34 = a + 34
    v35 = a + 35
    v36 = a + 36
    v37 = a + 37
    v38 = a + 38
    v39 = a + 39
    v40 = a + 40
    v41 = a + 41
    v42 = a + 42
    v43 = a + 43
    v44 = a + 44
    v45 = a + 45
    v46 = a + 46
    v47 = a + 47
    v48 = a + 48
    v49 = a + 49
    v50 = a + 50
    v51 = a + 51
    v52 = a + 52
    v53 = a + 53
    v54 = a + 54
    v55 = a + 55
    v56 = a + 56
    v57 = a + 57
    v58 = a + 58
    v59 = a + 59
    v60 = a + 60
    v61 = a + 61
    v62 = a + 62
    v63 = a + 63
    v64 = a + 64
    v65 = a + 65
    v66 = a + 66
    v67 = a + 67
    v68 = a + 68
    v69 = a + 69
    return v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7 + v8 + v9 + v69


print(greet("you"), greet("me", sep="; ", punct="?"))
print(scale([1, 2]))
c = make_counter(10, 3)
print(c(), c(2))
print(list(evens(7)))
print(guarded([1, None, 2, -1, 5], 1), guarded([1], 9), guarded([], "k"))
print(use_box(Box(), (3, 9, 4), {}))
print(wide(1))
