# global and nonlocal declarations across nested scopes.
counter = 0
log = []

def bump():
    global counter
    counter += 1
    return counter

def set_new():
    global fresh
    fresh = "created"

bump()
bump()
set_new()
print(counter, fresh)

def outer():
    x = "outer"
    def mid():
        nonlocal x
        x = "mid"
        def inner():
            nonlocal x
            x += "+inner"
            global counter
            counter = 100
        inner()
    mid()
    return x

print(outer(), counter)

def shadow():
    counter = "local"
    return counter

print(shadow(), counter)

def reads_global():
    return counter + len(log)

log.append(1)
print(reads_global())

class K:
    attr = counter
    def get(self):
        return counter
print(K.attr, K().get())
