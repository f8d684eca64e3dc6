# The kernel's trap entry: a frame of every register on the kernel stack (sscratch holds it while user
# code runs; zero while the kernel runs), then kernel_trap(frame); the frame is restored on the way out.
    .text
    .align 4
    .globl kernel_trap_entry
kernel_trap_entry:
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
    call kernel_trap
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

# User mode starts here: its own stack, then user_main.
    .globl user_start
user_start:
    la sp, user_stack_top
    call user_main
3:  j 3b

# User mode under the kernel's tables, entered at this stub's user alias: `la` is PC-relative, so the stack
# is the user alias of user_stack too.
    .globl user_paged_start
user_paged_start:
    la sp, user_stack_top
    call user_paged_main
4:  j 4b

# The user programs' stack.
    .bss
    .align 4
user_stack:
    .space 4096
user_stack_top:
