/* A guest for the cost of one trap round trip: a million ECALLs from machine mode, each taken by a handler
 * that steps past it and returns with MRET. */
#include "../common/console.h"

#define ROUNDS 1000000

extern void trap_entry(void);
volatile unsigned handled;

int main(void) {
    __asm__ volatile("csrw mtvec, %0" ::"r"(trap_entry));
    for (int i = 0; i < ROUNDS; i++) __asm__ volatile("ecall" ::: "memory");
    line("traps handled", handled);
    power_off();
}
