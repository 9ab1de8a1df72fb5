# A shift count beyond 64 bits: before 1.26 folding raised OverflowError out of mpy-cross.
x = 1
y = 1 << 100 ** 62
