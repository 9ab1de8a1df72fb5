# Arbitrary-precision integers: literals beyond small-int range, arithmetic, shifts, powers.
big = 2 ** 100
print(big, big + 1, big - 2 ** 99, big // 3, big % 97)
print(-big, abs(-big), big * big)
print(1 << 70, (1 << 70) >> 65, 0xFFFFFFFFFFFFFFFFFFFF & 0xF0F0F0F0F0F0F0F0F0F0)
print(12345678901234567890 * 98765432109876543210)
n = 1
for i in range(1, 30):
    n *= i
print(n)
print(int("123456789012345678901234567890") + 1)
print(0x3FFFFFFF + 1, 0x7FFFFFFF, 0xFFFFFFFFFFFF, -0x8000000000)
print(pow(3, 50), pow(3, 50, 1000007))
print(str(2 ** 64)[:5], len(str(3 ** 200)))
print(big == 2 ** 100, big > 2 ** 99, hex(2 ** 65))
