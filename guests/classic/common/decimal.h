/* A number in decimal, for kernels and user programs alike (no library, no builtins). */
#ifndef DECIMAL_H
#define DECIMAL_H

/* Writes `value`'s digits, most significant first, into `out` (11 bytes suffice); returns how many. */
static inline unsigned decimal(unsigned value, char *out) {
    char reversed[10];
    unsigned count = 0;
    do {
        reversed[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    for (unsigned i = 0; i < count; i++) out[i] = reversed[count - 1 - i];
    return count;
}

#endif
