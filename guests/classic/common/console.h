/* The virt board's UART and test device, for the classic VMM's bare-metal guests. */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "decimal.h"

#define UART ((volatile unsigned char *)0x10000000)
#define TEST_DEVICE ((volatile unsigned int *)0x100000)

static inline void put_char(char c) {
    while (!(UART[5] & 0x20)) {
    }
    UART[0] = (unsigned char)c;
}

static inline void put_string(const char *s) {
    while (*s) put_char(*s++);
}

static inline void put_unsigned(unsigned value) {
    char digits[11];
    unsigned count = decimal(value, digits);
    for (unsigned i = 0; i < count; i++) put_char(digits[i]);
}

static inline void put_hex(unsigned value) {
    put_string("0x");
    for (int shift = 28; shift >= 0; shift -= 4) put_char("0123456789abcdef"[(value >> shift) & 15]);
}

static inline void line(const char *label, unsigned value) {
    put_string(label);
    put_string(": ");
    put_unsigned(value);
    put_string(" (");
    put_hex(value);
    put_string(")\n");
}

static inline __attribute__((noreturn)) void power_off(void) {
    *TEST_DEVICE = 0x5555;
    for (;;) {
    }
}

#endif
