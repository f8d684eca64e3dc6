/* A supervisor kernel's calls to its SBI (the classic monitor's, or sbi/ on QEMU), and the time. */
#ifndef SBI_H
#define SBI_H

/* Extension in a7, function in a6, arguments in a0 and a1; returns a1 (the value). */
static inline unsigned long sbi(unsigned extension, unsigned function, unsigned arg0, unsigned arg1) {
    register unsigned a0 __asm__("a0") = arg0;
    register unsigned a1 __asm__("a1") = arg1;
    register unsigned a6 __asm__("a6") = function;
    register unsigned a7 __asm__("a7") = extension;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
    return a1;
}

/* The 64-bit time, read as two halves that agree. */
static inline unsigned long long now(void) {
    unsigned high, low, again;
    do {
        __asm__ volatile("rdtimeh %0" : "=r"(high));
        __asm__ volatile("rdtime %0" : "=r"(low));
        __asm__ volatile("rdtimeh %0" : "=r"(again));
    } while (high != again);
    return (unsigned long long)high << 32 | low;
}

/* The supervisor timer interrupt, pending from `at` on (the TIME extension). */
static inline void set_timer(unsigned long long at) { sbi(0x54494d45, 0, (unsigned)at, (unsigned)(at >> 32)); }

#endif
