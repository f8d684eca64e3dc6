/* A busy guest for the classic VMM's speed figure: integer work (a sieve, a multiply-accumulate hash and
 * memory traffic) for a fixed number of rounds, then a checksum, then power-off. The same ELF runs under
 * qemu-system-riscv32 for comparison. */
#include "../common/console.h"

#define SIZE 8192
static unsigned char sieve[SIZE];
static unsigned table[256];

int main(void) {
    unsigned checksum = 0;
    for (int round = 0; round < 2000; round++) {
        for (int i = 0; i < SIZE; i++) sieve[i] = 0;
        unsigned primes = 0;
        for (int i = 2; i < SIZE; i++) {
            if (sieve[i]) continue;
            primes++;
            for (int j = i * 2; j < SIZE; j += i) sieve[j] = 1;
        }
        unsigned hash = 2166136261u ^ (unsigned)round;
        for (int i = 0; i < 256; i++) {
            hash = (hash ^ (unsigned)i) * 16777619u;
            table[i] = hash;
        }
        for (int i = 0; i < 256; i++) hash += table[(hash >> 3) & 255] / ((unsigned)i + 1);
        checksum = checksum * 31 + primes + hash;
    }
    line("checksum", checksum);
    power_off();
}
