# tspy's own inline Thumb program: ALU, immediates, loads/stores, branches, labels, data, push/pop
import micropython


@micropython.asm_thumb
def mix(r0, r1):
    mov(r2, 0)
    label(top)
    add(r2, r2, r0)
    sub(r1, 1)
    cmp(r1, 0)
    bgt(top)
    lsl(r2, r2, 2)
    eor(r2, r1)
    mov(r0, r2)


@micropython.asm_thumb
def mem(r0):
    push({r4, r5, lr})
    ldr(r4, [r0, 4])
    ldrb(r5, [r0, 1])
    strh(r5, [r0, 6])
    add(r0, r4, r5)
    pop({r4, r5, pc})


@micropython.asm_thumb
def table() -> uint:
    bl(after)
    align(4)
    data(4, 0x1234, -1)
    data(2, 7, 8)
    label(after)
    mov(r0, lr)
    mov(r1, r8)


print(mix(3, 4), mem, table)
