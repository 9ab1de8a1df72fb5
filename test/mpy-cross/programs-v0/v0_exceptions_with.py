# try/except/else/finally with a bound exception, nested with blocks, and a break out of a
# handler (1.8 enters each handler with the exception's type, value and traceback).
class Res:
    def __init__(self, name, log):
        self.name = name
        self.log = log

    def __enter__(self):
        self.log.append("in " + self.name)
        return self

    def __exit__(self, *exc):
        self.log.append("out " + self.name)
        return False


def run(log):
    with Res("a", log) as a, Res("b", log):
        with Res("c", log) as c:
            log.append(a.name + c.name)
    try:
        1 / 0
    except ZeroDivisionError as e:
        log.append(type(e).__name__)
    except (TypeError, ValueError):
        log.append("other")
    else:
        log.append("no error")
    finally:
        log.append("finally")
    for i in range(3):
        try:
            if i == 1:
                raise KeyError(i)
        except KeyError:
            break
        finally:
            log.append(i)
    return log


print(run([]))
