# Closures as 1.8 resolved them: a name is matched with an enclosing function's local at its first
# load, so a later store or del in the inner function keeps it a cell.
def outer():
    x = 1
    y = 10

    def inner():
        a = x + 1
        del x
        return a

    def later():
        print(y)
        y = 20
        return y

    return inner, later


f, g = outer()
print(f.__name__, g.__name__)
