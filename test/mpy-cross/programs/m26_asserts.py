# assert statements and __debug__: -O1 and above drop them.
def check(x):
    assert x > 0, "x must be positive"
    assert isinstance(x, int)
    return x * 2

print(check(3))
try:
    check(-1)
    print("assert skipped")
except AssertionError as e:
    print("assert fired", e)
if __debug__:
    print("debug on")
else:
    print("debug off")
try:
    assert False
except AssertionError:
    print("bare assert fired")
print("end")
