# Adjacent string and bytes literals (1.8 joins them in the compiler into a new object, interning
# each short piece), long and short literals, and a joined literal used as a statement.
short = "ab" "cd"
long_joined = ("a fairly long piece " 'and another one')
raw = b"\x00\x01" b"xyz"
"kept" "as a statement"
single = "abcdefghijklmnopqrstuvwxyz"
print(short, long_joined, raw, single, short == "abcd", "ab" in short)
