# Lambdas, sorting with keys, map/filter, functions as values.
people = [("ann", 31), ("bob", 25), ("cid", 31), ("dee", 19)]
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(list(map(lambda x: x * 3, [1, 2, 3])))
print(list(filter(lambda x: x % 2 == 0, range(9))))
compose = lambda f, g: lambda x: f(g(x))
inc = lambda x: x + 1
dbl = lambda x: x * 2
print(compose(inc, dbl)(5), compose(dbl, inc)(5))
default = lambda a, b=10, *c, **d: (a, b, c, d)
print(default(1), default(1, 2, 3, k=4))
ops = {"+": lambda a, b: a + b, "-": lambda a, b: a - b}
print(ops["+"](2, 3), ops["-"](2, 3))
print(max(["aa", "b", "cccc"], key=len), min([3, -7, 5], key=abs))
print((lambda: "immediate")())
funcs = [lambda n=n: n * n for n in range(4)]
print([f() for f in funcs])
