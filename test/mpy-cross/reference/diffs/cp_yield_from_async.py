async def f():
    x = 1
    yield from g()
