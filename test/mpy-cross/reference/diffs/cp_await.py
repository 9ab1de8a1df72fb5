# CircuitPython compiles `await` through __await__ and marks async functions in their signature.
async def fetch(x, *rest, **kw):
    await sleep(0)
    y = await x.value()
    async with lock as held:
        async for item in stream(y):
            await held.put(item)
    return (await other()) + y


async def nothing():
    pass


def plain_gen():
    yield 1
    yield from range(3)


class Reader:
    async def read(self, n=1):
        got = []
        for i in range(n):
            got.append(await self.chunk(i))
        return got

    def __await__(self):
        yield from self.read().__await__()


lam = lambda: (yield)
