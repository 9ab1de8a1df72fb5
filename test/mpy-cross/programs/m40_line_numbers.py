# Statements spread over many lines and blank lines, for the line-number table.
x = (
    1 +
    2 +
    3
)



y = [
    x,


    x * 2,
]
def f(
    a,
    b=3,
):
    return (a
            + b)
# a comment


z = f(
    1,
)
s = """a
multi
line
string"""
print(x, y, z, len(s))
if x:


    pass
print("end")
