# Classes calling super() in methods, a closure over self, and long gaps between lines
# (the line table of 1.8 picks its step form by the line count alone).
class Base:
    def __init__(self, x):
        self.x = x

    def show(self):
        return "Base(%d)" % self.x


class Child(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y

    def show(self):
        return super().show() + "+" + str(self.y)

    def later(self):
        def inner():
            return self.y
        return inner


c = Child(1, 2)










print(c.show(), c.later()())
