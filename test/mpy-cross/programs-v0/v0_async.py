# async for and async with as 1.8 compiled them: the iterator and the context manager kept in a
# local, the handler passing the exception's three items on to __aexit__.
class Ticker:
    def __init__(self, n):
        self.n = n

    async def __aiter__(self):
        return self

    async def __anext__(self):
        if self.n == 0:
            raise StopAsyncIteration
        self.n -= 1
        return self.n


class Guard:
    async def __aenter__(self):
        return "in"

    async def __aexit__(self, kind, value, tb):
        return kind is KeyError


async def main(log):
    async for t in Ticker(3):
        log.append(t)
    else:
        log.append("done")
    async with Guard() as g:
        log.append(g)
        raise KeyError("swallowed")
    return log
