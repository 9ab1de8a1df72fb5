# Iterator protocol: classes with __iter__/__next__, iter() and next() with defaults.
class Countdown:
    def __init__(self, n):
        self.n = n
    def __iter__(self):
        return self
    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1

print(list(Countdown(4)))
it = iter([1, 2])
print(next(it), next(it), next(it, "end"))
class Seq:
    def __getitem__(self, i):
        if i > 3:
            raise IndexError
        return i * 10
print(list(Seq()))
print(list(zip("ab", range(5))), list(enumerate("xy", 1)))
print(list(reversed([1, 2, 3])), sorted("cba"), sum(Countdown(3)))
gen = (c for c in "hi")
print(next(gen), list(gen), list(gen))
print(any(x > 2 for x in [1, 3]), all([]), all(x for x in [1, 0]))
d = {"one": 1}
for k in d:
    print(k, d[k])
