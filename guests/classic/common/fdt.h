/* The device tree the board hands a kernel in a1 (QEMU virt's, or the classic engine's): its
 * /chosen/bootargs and the size of its memory node, read from the flattened blob. */
#ifndef FDT_H
#define FDT_H

static inline unsigned fdt_word(const void *at) {
    const unsigned char *b = (const unsigned char *)at;
    return (unsigned)b[0] << 24 | (unsigned)b[1] << 16 | (unsigned)b[2] << 8 | b[3];
}

static inline int fdt_same(const char *a, const char *b) {
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

static inline int fdt_prefix(const char *name, const char *prefix) {
    while (*prefix && *name == *prefix) name++, prefix++;
    return !*prefix && (*name == 0 || *name == '@');
}

/* Finds property `property` of a node named `node` (or `node@...`) at depth 1; its value, or 0. */
static const void *fdt_property(const void *fdt, const char *node, const char *property, unsigned *length) {
    if (!fdt || fdt_word(fdt) != 0xd00dfeedu) return 0;
    const unsigned char *base = (const unsigned char *)fdt;
    const unsigned char *p = base + fdt_word(base + 8);
    const char *strings = (const char *)base + fdt_word(base + 12);
    int depth = 0, inside = 0;
    for (;;) {
        unsigned token = fdt_word(p);
        p += 4;
        if (token == 1) { /* begin node */
            const char *name = (const char *)p;
            unsigned n = 0;
            while (name[n]) n++;
            p += (n + 4) & ~3u;
            depth++;
            inside = depth == 2 && fdt_prefix(name, node);
        } else if (token == 2) { /* end node */
            depth--;
            inside = 0;
        } else if (token == 3) { /* property */
            unsigned size = fdt_word(p), name = fdt_word(p + 4);
            const unsigned char *value = p + 8;
            p = value + ((size + 3) & ~3u);
            if (inside && fdt_same(strings + name, property)) {
                if (length) *length = size;
                return value;
            }
        } else if (token == 4) { /* nop */
        } else {
            return 0;
        }
    }
}

/* The value of `key=` in a command line, copied into `out` (at most size - 1 bytes); 0 when absent. */
static int bootarg(const char *line, const char *key, char *out, unsigned size) {
    for (const char *p = line; p && *p;) {
        while (*p == ' ') p++;
        const char *k = key;
        const char *q = p;
        while (*k && *q == *k) q++, k++;
        if (!*k && *q == '=') {
            unsigned n = 0;
            q++;
            while (*q && *q != ' ' && n + 1 < size) out[n++] = *q++;
            out[n] = 0;
            return 1;
        }
        while (*p && *p != ' ') p++;
    }
    return 0;
}

#endif
