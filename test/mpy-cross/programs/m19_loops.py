# for/while loops with else, break, continue, nested loops and ranges.
for i in range(3):
    pass
else:
    print("for else", i)

for i in range(10):
    if i == 4:
        break
else:
    print("not reached")
print("broke at", i)

n = 0
while n < 5:
    n += 1
    if n == 2:
        continue
else:
    print("while else", n)

found = None
for a in range(2, 20):
    for b in range(2, a):
        if a % b == 0:
            break
    else:
        found = a
print("last prime", found)
print(list(range(10, 0, -3)), list(range(-5)), len(range(0, 100, 7)))
total = 0
for x, y in [(1, 2), (3, 4)]:
    total += x * y
print(total)
i = 10
while i:
    i -= 3
    if i < 0:
        break
print(i)
for ch in "hey":
    for k in range(2):
        if k:
            continue
        print(ch, end="")
print()
