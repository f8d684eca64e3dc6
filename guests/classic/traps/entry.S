# The trap handler: count, step past the ECALL, return.
    .text
    .align 4
    .globl trap_entry
trap_entry:
    csrw mscratch, t0
    la t0, handled
    lw t1, 0(t0)
    addi t1, t1, 1
    sw t1, 0(t0)
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    csrr t0, mscratch
    mret
