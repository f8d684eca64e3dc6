/* exits: a supervisor-mode guest for the classic monitor's exit costs: 200,000 reads of sscratch (each a
 * trap and an emulation under the monitor; native on QEMU) and 200,000 SBI calls (a trap to the monitor, or
 * to machine-mode firmware on QEMU), then shutdown through SBI. */
#include "../common/console.h"

#define ROUNDS 200000

static unsigned sbi_base_version(void) {
    register unsigned a0 __asm__("a0") = 0;
    register unsigned a1 __asm__("a1") = 0;
    register unsigned a6 __asm__("a6") = 0;
    register unsigned a7 __asm__("a7") = 0x10;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
    return a1;
}

int main(void) {
    unsigned sum = 0;
    __asm__ volatile("csrw sscratch, %0" ::"r"(3u));
    for (int i = 0; i < ROUNDS; i++) {
        unsigned value;
        __asm__ volatile("csrr %0, sscratch" : "=r"(value));
        sum += value;
    }
    line("sscratch reads summed", sum);
    sum = 0;
    for (int i = 0; i < ROUNDS; i++) sum += sbi_base_version();
    line("SBI calls summed", sum);
    register unsigned a7 __asm__("a7") = 0x53525354;
    __asm__ volatile("ecall" ::"r"(a7));
    for (;;) {
    }
}
