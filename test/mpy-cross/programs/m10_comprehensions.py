# List, dict and set comprehensions, nested loops and conditions.
nums = list(range(10))
print([n * n for n in nums if n % 2])
print([(a, b) for a in range(3) for b in range(a)])
print({n: n * n for n in range(5)}[4])
print(sorted({c for c in "mississippi"}))
print([[i * j for j in range(3)] for i in range(3)])
words = ["apple", "bob", "kayak", "level", "zoo"]
print([w for w in words if w == "".join(reversed(list(w)))])
print(sum([x for x in range(100) if x % 7 == 0]))
matrix = [[1, 2, 3], [4, 5, 6]]
print([row[i] for i in range(3) for row in matrix])
print([list(t) for t in zip(*matrix)])
def scoped(k):
    return [k + i for i in range(3)]
print(scoped(10))
squares = {x: [y for y in range(x)] for x in range(4)}
print(sorted(squares.items()))
