x = f'{a:{w}}'
