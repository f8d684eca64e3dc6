/* A minimal SBI firmware for qemu-system-riscv32 (Debian's QEMU has no 32-bit OpenSBI): the reference the
 * classic VMM's own SBI is held to. In machine mode it opens PMP, delegates every trap but a supervisor
 * ECALL, lets supervisor mode read the counters, and enters the kernel at 0x80400000 in supervisor mode.
 * It serves the legacy console, timer and shutdown calls and the TIME and SRST extensions, and turns its
 * timer interrupt into the supervisor's. */
#include "../common/console.h"

#define KERNEL 0x80400000u
#define CLINT_MTIMECMP ((volatile unsigned *)0x2004000)
#define MIP_STIP (1u << 5)
#define MIE_MTIE (1u << 7)

extern void sbi_trap_entry(void);

struct frame {
    unsigned ra, a0, a1, a2, a6, a7, t0, t1;
};

static void set_timer(unsigned low, unsigned high) {
    CLINT_MTIMECMP[1] = 0xffffffffu;
    CLINT_MTIMECMP[0] = low;
    CLINT_MTIMECMP[1] = high;
    __asm__ volatile("csrc mip, %0" ::"r"(MIP_STIP));
    __asm__ volatile("csrs mie, %0" ::"r"(MIE_MTIE));
}

/* Called by the entry stub with the saved registers; returns after setting a0/a1 for an ECALL. */
void sbi_handle(struct frame *frame) {
    unsigned cause;
    __asm__ volatile("csrr %0, mcause" : "=r"(cause));
    if (cause == 0x80000007u) { /* machine timer: hand it to supervisor mode */
        __asm__ volatile("csrc mie, %0" ::"r"(MIE_MTIE));
        __asm__ volatile("csrs mip, %0" ::"r"(MIP_STIP));
        return;
    }
    if (cause != 9) { /* nothing else should reach machine mode */
        put_string("sbi: unexpected trap\n");
        *TEST_DEVICE = 0x13333;
        for (;;) {
        }
    }
    unsigned epc;
    __asm__ volatile("csrr %0, mepc" : "=r"(epc));
    __asm__ volatile("csrw mepc, %0" ::"r"(epc + 4));
    unsigned error = 0, value = 0;
    switch (frame->a7) {
    case 0x00: set_timer(frame->a0, frame->a1); break;           /* legacy set_timer */
    case 0x01: put_char((char)frame->a0); break;                 /* legacy console_putchar */
    case 0x08: power_off();                                      /* legacy shutdown */
    case 0x54494d45: set_timer(frame->a0, frame->a1); break;     /* TIME */
    case 0x53525354: power_off();                                /* SRST */
    case 0x10:                                                   /* BASE */
        if (frame->a6 == 0) value = 2;                           /* spec version 0.2 */
        else if (frame->a6 == 3) value = frame->a0 == 0x54494d45 || frame->a0 == 0x53525354 || frame->a0 == 0x10;
        break;
    default: error = (unsigned)-2;                               /* not supported */
    }
    if (frame->a7 > 0x0f) {
        frame->a0 = error;
        frame->a1 = value;
    }
}

int main(unsigned hart, unsigned fdt) {
    (void)hart;
    __asm__ volatile("csrw pmpaddr0, %0" ::"r"(0xffffffffu));
    __asm__ volatile("csrw pmpcfg0, %0" ::"r"(0x1fu));
    __asm__ volatile("csrw mtvec, %0" ::"r"(sbi_trap_entry));
    __asm__ volatile("csrw medeleg, %0" ::"r"(0xb1ffu & ~(1u << 9)));
    __asm__ volatile("csrw mideleg, %0" ::"r"((1u << 1) | (1u << 5) | (1u << 9)));
    __asm__ volatile("csrw mcounteren, %0" ::"r"(7u));
    __asm__ volatile("csrs mstatus, %0" ::"r"(1u << 3)); /* MIE: the timer reaches us in S mode */
    unsigned status;
    __asm__ volatile("csrr %0, mstatus" : "=r"(status));
    status = (status & ~(3u << 11)) | (1u << 11); /* MPP = supervisor */
    __asm__ volatile("csrw mstatus, %0" ::"r"(status));
    __asm__ volatile("csrw mepc, %0" ::"r"(KERNEL));
    /* The kernel gets hart 0 and the board's device tree, as OpenSBI hands them on. */
    __asm__ volatile("mv a1, %0; li a0, 0; mret" ::"r"(fdt));
    for (;;) {
    }
}
