#include "../common/trap_entry.S"

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
