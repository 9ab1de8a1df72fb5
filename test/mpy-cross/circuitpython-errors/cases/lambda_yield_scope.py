class A:
    break
