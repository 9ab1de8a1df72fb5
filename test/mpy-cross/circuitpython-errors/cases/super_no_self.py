class A:
    def f():
        super().f()
