# Line numbers of calls whose trailers start on a later line (1.8 records a line for the trailer
# list), and short bytes literals that are not UTF-8 (each its own qstr).
text = """first
second
third""".upper().split(
    "\n"
)
marks = [b"\xe0\0", b"\xc0\0", b"\xe0\0"]
print(text, marks, "a-b".replace("-", "+").encode())
