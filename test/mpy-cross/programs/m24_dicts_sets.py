# Dict and set operations.
d = {"a": 1, "b": 2}
d["c"] = 3
d.update(d=4)
print(sorted(d.items()), d.get("z"), d.get("z", 0), "a" in d, len(d))
print(d.pop("a"), d.setdefault("e", 5), sorted(d))
del d["b"]
print(sorted(d.keys()), sorted(d.values()))
s = {1, 2, 3}
t = {3, 4}
print(sorted(s | t), sorted(s & t), sorted(s - t), sorted(s ^ t))
s.add(9)
s.discard(1)
print(sorted(s), 9 in s, {1, 2} <= {1, 2, 3})
e = set()
e.update([1, 1, 2])
print(sorted(e), len({}), dict(a=1)["a"], dict([("k", "v")]))
counts = {}
for w in "the cat the hat the end".split():
    counts[w] = counts.get(w, 0) + 1
print(sorted(counts.items()))
nested = {"x": {"y": [1, {"z": "deep"}]}}
print(nested["x"]["y"][1]["z"])
print({(1, 2): "tuple key"}[(1, 2)])
