@micropython.foo.bar
def f():
    pass
