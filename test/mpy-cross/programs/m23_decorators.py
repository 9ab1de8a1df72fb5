# Decorators: plain, with arguments, stacked, on methods and classes.
calls = []

def trace(fn):
    def wrapper(*a, **k):
        calls.append(fn.__name__)
        return fn(*a, **k)
    return wrapper

def times(n):
    def deco(fn):
        def run(*a):
            return [fn(*a) for _ in range(n)]
        return run
    return deco

@trace
def hello(name):
    return "hi " + name

@times(3)
@trace
def one():
    return 1

print(hello("x"), one(), calls)

def register(cls):
    cls.registered = True
    return cls

@register
class Plugin:
    @staticmethod
    @trace
    def ping():
        return "pong"

print(Plugin.registered, Plugin.ping(), calls[-1])

class Memo:
    def __init__(self, fn):
        self.fn = fn
        self.cache = {}
    def __call__(self, n):
        if n not in self.cache:
            self.cache[n] = self.fn(n)
        return self.cache[n]

@Memo
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)

print(fib(40), len(fib.cache))
