x = f'{a}' 'b'
