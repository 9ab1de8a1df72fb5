# For loops over iterators and ranges, break/else, and comprehensions nested two deep
# (MicroPython 1.8 keeps each iterator as one object on the stack).
def evens(n):
    return [i for i in range(n) if i % 2 == 0]


def pairs(xs, ys):
    return {(x, y): x * y for x in xs for y in ys if x != y}


def first_big(xs, limit):
    for x in xs:
        if x > limit:
            break
    else:
        return None
    return x


def countdown(n):
    total = 0
    for i in range(n, 0, -1):
        total += i
    else:
        total = -total
    return total


squares = {v * v for v in evens(10)}
gen = (a + b for a in range(3) for b in range(2))
print(evens(7), sorted(pairs([1, 2], [2, 3]).items()), first_big([1, 5, 9], 4), countdown(4))
print(sorted(squares), list(gen), 3 not in squares, squares is not None)
