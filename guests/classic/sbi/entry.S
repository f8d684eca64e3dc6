# Machine-mode trap entry: the registers the handler may change, on the firmware's own stack (mscratch).
    .text
    .align 4
    .globl sbi_trap_entry
sbi_trap_entry:
    csrrw sp, mscratch, sp
    bnez sp, 1f
    la sp, __stack_top
1:  addi sp, sp, -80
    sw ra, 0(sp)
    sw a0, 4(sp)
    sw a1, 8(sp)
    sw a2, 12(sp)
    sw a6, 16(sp)
    sw a7, 20(sp)
    sw t0, 24(sp)
    sw t1, 28(sp)
    sw a3, 32(sp)
    sw a4, 36(sp)
    sw a5, 40(sp)
    sw t2, 44(sp)
    sw t3, 48(sp)
    sw t4, 52(sp)
    sw t5, 56(sp)
    sw t6, 60(sp)
    mv a0, sp
    call sbi_handle
    lw ra, 0(sp)
    lw a0, 4(sp)
    lw a1, 8(sp)
    lw a2, 12(sp)
    lw a6, 16(sp)
    lw a7, 20(sp)
    lw t0, 24(sp)
    lw t1, 28(sp)
    lw a3, 32(sp)
    lw a4, 36(sp)
    lw a5, 40(sp)
    lw t2, 44(sp)
    lw t3, 48(sp)
    lw t4, 52(sp)
    lw t5, 56(sp)
    lw t6, 60(sp)
    addi sp, sp, 80
    csrrw sp, mscratch, sp
    mret
