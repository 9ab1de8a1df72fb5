# Exceptions: custom classes, raise from, re-raise, except tuples, else clauses, args.
class AppError(Exception):
    pass

class NotFound(AppError):
    def __init__(self, key):
        super().__init__("missing " + key)
        self.key = key

def lookup(d, k):
    try:
        return d[k]
    except KeyError as e:
        raise NotFound(k) from e

try:
    lookup({}, "x")
except AppError as e:
    print(type(e).__name__, e, e.key, e.args)

def classify(v):
    try:
        r = 10 // v
    except (ZeroDivisionError, TypeError) as e:
        return "bad " + type(e).__name__
    else:
        return "ok %d" % r
    finally:
        pass

print(classify(2), classify(0), classify("s"))

def reraise():
    try:
        try:
            raise ValueError(1, 2)
        except ValueError:
            print("handling")
            raise
    except ValueError as e:
        return e.args

print(reraise())

try:
    raise RuntimeError
except RuntimeError as e:
    print("bare class", repr(e.args))

def nested_handlers(n):
    try:
        if n == 0:
            raise IndexError("i")
        if n == 1:
            raise KeyError("k")
        return "none"
    except IndexError:
        return "index"
    except LookupError:
        return "lookup"

print([nested_handlers(i) for i in range(3)])
try:
    [][1]
except Exception as e:
    print(isinstance(e, IndexError))
e = None
try:
    raise StopIteration(5)
except StopIteration as err:
    print(err.value if hasattr(err, "value") else err.args[0])
