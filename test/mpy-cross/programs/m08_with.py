# with statements: enter/exit order, suppression, return and break inside with.
class CM:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress
    def __enter__(self):
        print("enter", self.name)
        return self.name.upper()
    def __exit__(self, typ, val, tb):
        print("exit", self.name, typ.__name__ if typ else None)
        return self.suppress

with CM("a") as x:
    print("body", x)

with CM("outer"), CM("inner") as y:
    print("two", y)

with CM("quiet", True):
    raise KeyError("suppressed")
print("after suppress")

def ret_inside():
    with CM("r"):
        return "returned"

print(ret_inside())

for i in range(3):
    with CM("loop%d" % i):
        if i == 1:
            break
print("loop done")

try:
    with CM("loud"):
        raise ValueError("boom")
except ValueError as e:
    print("propagated", e)

def nested_with():
    with CM("n1"):
        with CM("n2"):
            for j in range(2):
                with CM("n3"):
                    if j:
                        return j
print(nested_with())
