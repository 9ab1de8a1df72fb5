# Before 1.19 a name assigned in a class body closed over the enclosing function's local of that name.
def outer():
    def method():
        return 1

    class A:
        def method(self):
            return 2

        value = 3

    value = 4
    return A, method, value


print(outer()[0]().method(), outer()[1](), outer()[2])
