/* The classic VMM's first guest: bare metal in machine mode on the `virt` board's memory map. It prints
 * through the 16550 UART, exercises the M and A extensions and CSRs, and powers off through the test
 * device. Its console output is the same on iaas's hart and on qemu-system-riscv32. */

#include "../common/console.h"

static unsigned char sieve[10000];
static volatile int shared = 40;

static unsigned read_mhartid(void) {
    unsigned value;
    __asm__ volatile("csrr %0, mhartid" : "=r"(value));
    return value;
}

static unsigned swap_mscratch(unsigned value) {
    __asm__ volatile("csrrw %0, mscratch, %0" : "+r"(value));
    return value;
}

int main(void) {
    put_string("hello from riscv32\n");
    line("hart", read_mhartid());

    unsigned primes = 0;
    for (int i = 2; i < 10000; i++) {
        if (sieve[i]) continue;
        primes++;
        for (int j = i * 2; j < 10000; j += i) sieve[j] = 1;
    }
    line("primes below 10000", primes);

    volatile unsigned a = 123456789u, b = 987654321u;
    volatile int negative = -1234567;
    unsigned long long product = (unsigned long long)a * b;
    line("product high", (unsigned)(product >> 32));
    line("product low", (unsigned)product);
    line("signed high", (unsigned)(((long long)negative * (long long)(int)b) >> 32));
    line("quotient", b / 1234u);
    line("remainder", b % 1234u);
    line("signed quotient", (unsigned)(negative / 1000));
    line("signed remainder", (unsigned)(negative % 1000));
    volatile unsigned zero = 0;
    line("divided by zero", a / zero);
    line("remainder by zero", a % zero);

    int before = __atomic_fetch_add(&shared, 2, __ATOMIC_SEQ_CST);
    int expected = 42;
    int swapped = __atomic_compare_exchange_n(&shared, &expected, 7, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    line("fetch-add before", (unsigned)before);
    line("compare-exchange", (unsigned)swapped);
    line("shared", (unsigned)shared);
    line("max", (unsigned)__atomic_fetch_max(&shared, 99, __ATOMIC_SEQ_CST));

    swap_mscratch(0x1234abcd);
    line("mscratch", swap_mscratch(0));

    unsigned fib[2] = {0, 1};
    for (int i = 0; i < 40; i++) {
        unsigned next = fib[0] + fib[1];
        fib[0] = fib[1];
        fib[1] = next;
    }
    line("fibonacci 41", fib[1]);
    put_string("goodbye\n");
    power_off();
}
