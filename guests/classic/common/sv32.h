/* Sv32 tables and checks the paging guests share: machine-mode `paging` on the bare hart and the
 * supervisor kernel `kernel0` under the monitor run the same scenario: an alias page, writes through it
 * (Accessed and Dirty set), a remap after SFENCE.VMA, page faults of the guest's own, and SUM. */
#ifndef SV32_H
#define SV32_H

#define PTE_V 0x01u
#define PTE_R 0x02u
#define PTE_W 0x04u
#define PTE_X 0x08u
#define PTE_U 0x10u
#define PTE_A 0x40u
#define PTE_D 0x80u
#define ALIAS 0xc0000000u
#define USER_ALIAS 0x40000000u
#define USER_ADDRESS(p) (USER_ALIAS + ((unsigned)(p) - 0x80000000u))

struct sv32_tables {
    unsigned root[1024];
    unsigned second[1024];
    unsigned first_page[1024];
    unsigned other_page[1024];
    unsigned user_page[1024];
} __attribute__((aligned(4096)));

static inline unsigned sv32_superpage(unsigned physical, unsigned flags) {
    return (physical >> 12) << 10 | flags | PTE_V;
}

__attribute__((noinline)) static unsigned sv32_read(unsigned address) { return *(volatile unsigned *)address; }

/* The test device, the UART and the program's 16 MiB one to one (supervisor only), the program again at
 * USER_ALIAS with `user_flags`, and ALIAS's first page onto first_page. */
static inline void sv32_build(struct sv32_tables *t, unsigned user_flags) {
    t->root[0x000] = sv32_superpage(0x00000000u, PTE_R | PTE_W);
    t->root[0x040] = sv32_superpage(0x10000000u, PTE_R | PTE_W);
    for (unsigned i = 0; i < 4; i++) {
        t->root[0x200 + i] = sv32_superpage(0x80000000u + (i << 22), PTE_R | PTE_W | PTE_X);
        t->root[0x100 + i] = sv32_superpage(0x80000000u + (i << 22), user_flags | PTE_U);
    }
    t->root[ALIAS >> 22] = ((unsigned)t->second >> 12) << 10 | PTE_V;
    t->second[0] = ((unsigned)t->first_page >> 12) << 10 | PTE_R | PTE_W | PTE_V;
}

/* With translation on through `t` and a trap handler that records the last fault and skips the access:
 * each result through `line`. Leaves SUM set. */
static inline void sv32_checks(struct sv32_tables *t, void (*line)(const char *, unsigned),
                               volatile unsigned *cause, volatile unsigned *address) {
    t->first_page[5] = 0x11111111u;
    t->other_page[5] = 0x22222222u;
    line("through the alias", sv32_read(ALIAS + 20));
    *(volatile unsigned *)(ALIAS + 24) = 0x33333333u;
    line("written through the alias", t->first_page[6]);
    line("alias PTE accessed+dirty", t->second[0] & (PTE_A | PTE_D));
    t->second[0] = ((unsigned)t->other_page >> 12) << 10 | PTE_R | PTE_W | PTE_V;
    __asm__ volatile("sfence.vma" ::: "memory");
    line("after the remap", sv32_read(ALIAS + 20));

    sv32_read(0xd0000000u);
    line("unmapped: cause", *cause);
    line("unmapped: address", *address);
    *(volatile unsigned *)(ALIAS + 0x1000) = 1; /* the second level has only page 0 */
    line("store fault: cause", *cause);
    t->user_page[0] = 0xabcd;
    sv32_read(USER_ADDRESS(t->user_page));
    line("user page without SUM: cause", *cause);
    __asm__ volatile("csrs sstatus, %0" ::"r"(1u << 18));
    line("user page with SUM", sv32_read(USER_ADDRESS(t->user_page)));
}

#endif
