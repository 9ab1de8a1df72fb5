# Generators interacting with try/except/finally and with, throw() and close().
class CM:
    def __enter__(self):
        print("gen enter")
    def __exit__(self, *a):
        print("gen exit")

def worker():
    with CM():
        try:
            while True:
                try:
                    x = yield
                    print("got", x)
                except ValueError as e:
                    print("recovered", e)
        finally:
            print("worker finally")

w = worker()
next(w)
w.send(1)
w.throw(ValueError("bad"))
w.send(2)
w.close()

def gen_return():
    try:
        yield 1
        return
    finally:
        print("fin")
print(list(gen_return()))

def inner():
    yield 1
    yield 2
    return "inner-done"
def outer():
    r = yield from inner()
    print("inner said", r)
    yield from []
    yield from range(2)
print(list(outer()))
