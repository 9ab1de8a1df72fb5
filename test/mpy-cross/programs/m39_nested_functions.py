# Deeply nested functions, defaults evaluated at definition time, keyword defaults.
def level1(a):
    def level2(b, c=a * 2):
        def level3(*, d=c + 1):
            def level4(e=None):
                return (a, b, c, d, e)
            return level4
        return level3
    return level2

print(level1(1)(2)()("e"))
print(level1(5)(6, 7)(d=0)())

def counter_factory():
    counts = {}
    def make(name):
        def hit():
            counts[name] = counts.get(name, 0) + 1
            return counts[name]
        return hit
    return make, counts

make, counts = counter_factory()
ha, hb = make("a"), make("b")
ha(); ha(); hb()
print(sorted(counts.items()))

def recursive_closure(n):
    def go(k):
        return 0 if k == 0 else k + go(k - 1)
    return go(n)
print(recursive_closure(10))
