# String and bytes literals: escapes, raw, triple-quoted, implicit concatenation, unicode.
s1 = 'single'
s2 = "double"
s3 = """triple
quoted"""
s4 = r"raw\n\t"
s5 = "tab\there\nnew\\line"
s6 = "concat" "enated" ' parts'
s7 = "\x41\101\u00e9\U0001F600"
s8 = "caf\u00e9 na\u00efve"
b1 = b"bytes\x00\xff"
b2 = rb"raw\x00"
b3 = b'' + b"x" * 3
print(s1, s2, s3, s4, s5, s6)
print(len(s7), s7[0], s7[1], ord(s7[2]))
print(s8, len(s8), s8.upper())
print(b1, b2, b3, len(b1))
print("a" * 3 + "b", "abc"[1:], "abc"[:-1])
print("quote's", 'dq"', "both'\"")
empty = ""
print(repr(empty), repr(""), len(""))
