# The only trap is the user program's closing ECALL: a fresh kernel stack, then after_user.
    .text
    .align 4
    .globl kernel_trap_entry
kernel_trap_entry:
    la sp, __stack_top
    call after_user
1:  j 1b

# User mode starts here, at its alias: `la` is PC-relative, so its stack is the alias of user_stack.
    .globl user_start
user_start:
    la sp, user_stack_top
    call user_main
2:  j 2b

    .bss
    .align 4
user_stack:
    .space 4096
user_stack_top:
