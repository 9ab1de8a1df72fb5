# async/await driven by hand (no event loop): await chains, async with, async for.
class Ready:
    def __init__(self, value):
        self.value = value
    def __await__(self):
        yield "tick"
        return self.value
    __iter__ = __await__

class Resource:
    async def __aenter__(self):
        print("enter")
        return self
    async def __aexit__(self, *exc):
        print("exit", exc[0] is None)
        return False

class Countdown:
    def __init__(self, n):
        self.n = n
    def __aiter__(self):
        return self
    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n

async def add(a, b):
    x = await Ready(a)
    y = await Ready(b)
    return x + y

async def main():
    total = await add(2, 3)
    async with Resource() as r:
        print("inside", r is not None)
    got = []
    async for v in Countdown(3):
        got.append(v)
    return total, got

def run(coro):
    ticks = 0
    try:
        while True:
            coro.send(None)
            ticks += 1
    except StopIteration as e:
        return e.value, ticks

print(run(main()))
