# A supervisor kernel's trap entry, shared by kernel0 and the os: every register into a frame on the kernel
# stack (sscratch holds the kernel stack's top while user code runs, zero while the kernel runs), then
# trap_handler(frame); the frame, which the handler may have replaced (a scheduler's switch), is restored
# on the way out.
    .text
    .align 4
    .globl trap_entry
trap_entry:
    csrrw sp, sscratch, sp
    bnez sp, 1f
    csrrw sp, sscratch, sp
1:  addi sp, sp, -128
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    sw x\n, (\n*4)(sp)
    .endr
    csrr t0, sscratch
    sw t0, 8(sp)
    csrw sscratch, zero
    mv a0, sp
    call trap_handler
    .globl trap_return
trap_return:
    lw t0, 8(sp)
    csrw sscratch, t0
    .irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
    lw x\n, (\n*4)(sp)
    .endr
    addi sp, sp, 128
    csrrw sp, sscratch, sp
    bnez sp, 2f
    csrrw sp, sscratch, sp
2:  sret

# trap_enter(frame): the first return to user mode, through the same path (a frame built on the kernel
# stack; sepc, sstatus and satp already set).
    .globl trap_enter
trap_enter:
    mv sp, a0
    j trap_return
