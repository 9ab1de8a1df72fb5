from micropython import const
X = const(y)
