x = f'{a!r}'
