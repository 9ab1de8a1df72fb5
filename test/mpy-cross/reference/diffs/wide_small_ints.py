# With -msmall-int-bits=63, small ints above 2^53 must keep every bit.
a = 0o12345670123456701234567
b = 9007199254740993
c = -4611686018427387904
d = (1 << 61) + 12345
e = 4611686018427387903 - 1
print(a, b, c, d, e)
