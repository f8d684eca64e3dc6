/* busy's workload, shared by busy (machine mode) and userbusy (user mode under a paging kernel): a sieve, a
 * multiply-accumulate hash and memory traffic, 2000 rounds, folded into a checksum. */
#ifndef WORKLOAD_H
#define WORKLOAD_H

#define WORKLOAD_SIZE 8192
static unsigned char workload_sieve[WORKLOAD_SIZE];
static unsigned workload_table[256];

static unsigned busy_workload(void) {
    unsigned checksum = 0;
    for (int round = 0; round < 2000; round++) {
        for (int i = 0; i < WORKLOAD_SIZE; i++) workload_sieve[i] = 0;
        unsigned primes = 0;
        for (int i = 2; i < WORKLOAD_SIZE; i++) {
            if (workload_sieve[i]) continue;
            primes++;
            for (int j = i * 2; j < WORKLOAD_SIZE; j += i) workload_sieve[j] = 1;
        }
        unsigned hash = 2166136261u ^ (unsigned)round;
        for (int i = 0; i < 256; i++) {
            hash = (hash ^ (unsigned)i) * 16777619u;
            workload_table[i] = hash;
        }
        for (int i = 0; i < 256; i++) hash += workload_table[(hash >> 3) & 255] / ((unsigned)i + 1);
        checksum = checksum * 31 + primes + hash;
    }
    return checksum;
}

#endif
