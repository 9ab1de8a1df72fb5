# math.nan is one object in upstream's math module: its uses share one constant slot.
import math
x = math.nan
y = math.nan
z = -math.nan
t = (math.nan, math.nan)
print(x != y, z != z, t[0] != t[1], math.inf, -math.inf, math.pi, math.tau, math.e)
