# f-strings: expressions, format specs, conversions, nesting, escaped braces.
name = "world"
n = 42
x = 3.14159
items = [1, 2, 3]
print(f"hello {name}!")
print(f"{n:5d}|{n:<5}|{n:^7}|{n:x}|{n:08b}")
print(f"{x:.2f} {x:10.3f} {x:e}")
print(f"{name!r} {name!s} {items!r}")
print(f"{{braces}} {n}{{}}")
print(f"{n + 1} {n * 2} {items[1]} {len(items)}")
width = 6
print(f"{n:{width}}|{x:{width}.{2}f}|")
print(f"{'yes' if n > 40 else 'no'} {[i * 2 for i in items]}")
d = {"k": "v"}
print(f"{d['k']} {str(n)}")
print(f"multi" f"{n}" "plain" f"{name}")
