from micropython import const
X = const('a')
