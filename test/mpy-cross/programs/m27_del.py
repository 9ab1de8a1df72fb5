# del on names, items, slices, attributes and in nested scopes.
a = 1
del a
try:
    print(a)
except NameError:
    print("a gone")
lst = [1, 2, 3, 4]
del lst[0]
del lst[-1]
print(lst)
d = {"k": 1, "j": 2}
del d["k"]
print(d)
class O:
    pass
o = O()
o.x = 1
o.y = 2
del o.x
print(hasattr(o, "x"), o.y)
def local_del():
    v = 5
    w = v
    del v
    try:
        return v
    except NameError:
        return "unbound", w
print(local_del())
def cell_del():
    c = 1
    def get():
        return c
    r = get()
    del c
    try:
        get()
    except NameError:
        return r, "cell cleared"
print(cell_del())
x, y = 1, 2
del x, y
print("x" in globals(), "y" in globals())
