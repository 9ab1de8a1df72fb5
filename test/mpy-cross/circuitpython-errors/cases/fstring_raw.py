x = rf'{a}'
