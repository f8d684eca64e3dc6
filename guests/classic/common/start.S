# Entry: a stack, the bss cleared (RAM may hold anything), then main. Only words that are not zero are
# written: RAM the host has never backed reads as zero, and stays unbacked (thousands of guests each keep
# their untouched bss off the host's memory).
    .section .text.start
    .globl _start
_start:
    la sp, __stack_top
    la t0, __bss_start
    la t1, __bss_end
1:  bgeu t0, t1, 2f
    lw t2, 0(t0)
    beqz t2, 4f
    sw zero, 0(t0)
4:  addi t0, t0, 4
    j 1b
2:  call main
3:  j 3b
