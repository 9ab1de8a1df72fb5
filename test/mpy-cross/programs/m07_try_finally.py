# try/finally unwinding: return, break and continue crossing finally blocks.
def ret_in_finally():
    try:
        return "try"
    finally:
        print("finally runs")

print(ret_in_finally())

def finally_overrides():
    try:
        return 1
    finally:
        return 2

print(finally_overrides())

def loop_unwind():
    log = []
    for i in range(5):
        try:
            if i == 1:
                continue
            if i == 3:
                break
            log.append(i)
        finally:
            log.append("f%d" % i)
    return log

print(loop_unwind())

def nested():
    log = []
    try:
        try:
            raise ValueError("inner")
        finally:
            log.append("inner finally")
    except ValueError as e:
        log.append("caught " + str(e))
    finally:
        log.append("outer finally")
    return log

print(nested())

def while_unwind(n):
    out = []
    while True:
        try:
            try:
                n -= 1
                if n < 0:
                    return out
                if n % 2:
                    continue
                out.append(n)
            finally:
                out.append("a")
        finally:
            out.append("b")

print(while_unwind(4))

def exc_in_finally():
    try:
        try:
            1 / 0
        finally:
            print("cleanup before propagating")
    except ZeroDivisionError:
        return "zero"

print(exc_in_finally())
