# Frame sizes as 1.8 counted them (a break out of try/finally, handlers), and its super quirk:
# any empty call right after `super` inside a method passes __class__ and self.
class A(list):
    def f(self):
        for i in [1, 2]:
            try:
                if i == 2:
                    break
            finally:
                self.append(i)
        return super().__len__()

    def g(self):
        try:
            return super.copy()
        except Exception as e:
            return e


print(A().f())
