# Import statements of several shapes.
import sys
import math as m
from math import sqrt, pi as PI
from micropython import const
import micropython

print(type(sys.implementation.name), m.floor(2.7), sqrt(16.0), round(PI, 3))
print(micropython.const(3), const(4))
def local_import():
    import math
    from math import ceil
    return math.fabs(-2.0), ceil(1.2)
print(local_import())
try:
    import no_such_module_here
except ImportError:
    print("missing module handled")
