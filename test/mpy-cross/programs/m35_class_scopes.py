# Class bodies: comprehensions and closures inside classes, __class__ cell, nested classes.
class Outer:
    base = 10
    doubled = [x * 2 for x in range(3)]
    class Inner:
        tag = "inner"
        def who(self):
            return self.tag
    def method(self):
        return __class__.__name__, self.base
    def make(self):
        k = self.base
        def closure():
            return k + 1
        return closure()

o = Outer()
print(Outer.doubled, Outer.Inner().who(), o.method(), o.make())

class Base:
    def greet(self):
        return "base"
class Child(Base):
    def greet(self):
        return "child+" + super().greet()
    def lam(self):
        return (lambda: super(Child, self).greet())()
print(Child().greet(), Child().lam())

def factory(n):
    class Made:
        size = n
        def get(self):
            return self.size * n
    return Made
print(factory(3)().get(), factory(4).size)
