# Classes: inheritance, super(), class and static methods, properties, class attributes.
class Shape:
    count = 0
    def __init__(self, name):
        self.name = name
        Shape.count += 1
    def area(self):
        return 0
    def describe(self):
        return "%s with area %s" % (self.name, self.area())
    @classmethod
    def made(cls):
        return cls.count
    @staticmethod
    def unit():
        return "cm"

class Rect(Shape):
    def __init__(self, w, h):
        super().__init__("rect")
        self.w = w
        self.h = h
    def area(self):
        return self.w * self.h

class Square(Rect):
    def __init__(self, s):
        super().__init__(s, s)
        self.name = "square"
    @property
    def side(self):
        return self.w
    @side.setter
    def side(self, v):
        self.w = self.h = v

shapes = [Shape("blob"), Rect(2, 3), Square(4)]
for s in shapes:
    print(s.describe())
sq = shapes[2]
sq.side = 5
print(sq.side, sq.area(), Shape.made(), Square.unit())
print(isinstance(sq, Shape), issubclass(Square, Rect), type(sq).__name__)

class Vec:
    def __init__(self, x, y):
        self.x, self.y = x, y
    def __add__(self, o):
        return Vec(self.x + o.x, self.y + o.y)
    def __eq__(self, o):
        return self.x == o.x and self.y == o.y
    def __repr__(self):
        return "Vec(%d, %d)" % (self.x, self.y)
    def __len__(self):
        return 2
    def __getitem__(self, i):
        return (self.x, self.y)[i]

v = Vec(1, 2) + Vec(3, 4)
print(v, v == Vec(4, 6), len(v), v[0], list(v))
