# *args, **kwargs, keyword-only parameters, defaults, and unpacking at call sites.
def f(a, b=2, *args, c, d=4, **kw):
    return (a, b, args, c, d, sorted(kw.items()))

print(f(1, c=3))
print(f(1, 5, 6, 7, c=8, e=9, d=0))
args = (10, 20, 30)
kw = {"c": 1, "z": 26}
print(f(*args, **kw))
print(f(1, *[2, 3], c=0, **{"y": 1}))

def only_kw(*, key, value=None):
    return key, value

print(only_kw(key="k"), only_kw(value=1, key=2))

def collect(*a, **k):
    return len(a), len(k)

print(collect(), collect(1, 2, x=3))
print(list(range(3)) + list("ab"), args + (4,), dict(kw, c=2)["c"])
first, *rest = [1, 2, 3, 4]
print(first, rest)
print(max(*[3, 9, 2]), min(4, *[1, 8]))

class C:
    def m(self, *a, **k):
        return a, k
print(C().m(1, *[2], k=1, **{"j": 2}))
