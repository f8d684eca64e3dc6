/* Sv32 paging, checked against qemu-system-riscv32: machine mode builds page tables and drops to
 * supervisor mode, which turns translation on, reads through an alias page, remaps it (the new page after
 * SFENCE.VMA, never the stale one), takes page faults (delegated to supervisor mode), checks SUM and the
 * Accessed and Dirty bits, and runs a user-mode function that ends in ECALL. */
#include "../common/console.h"

#define PTE_V 0x01u
#define PTE_R 0x02u
#define PTE_W 0x04u
#define PTE_X 0x08u
#define PTE_U 0x10u
#define PTE_A 0x40u
#define PTE_D 0x80u
#define ALIAS 0xc0000000u
#define USER_ALIAS 0x40000000u

static unsigned root[1024] __attribute__((aligned(4096)));
static unsigned second[1024] __attribute__((aligned(4096)));
static unsigned first_page[1024] __attribute__((aligned(4096)));
static unsigned other_page[1024] __attribute__((aligned(4096)));
static unsigned user_page[1024] __attribute__((aligned(4096)));
static volatile unsigned faults, last_cause, last_value, user_sum;

static unsigned superpage(unsigned physical, unsigned flags) { return (physical >> 12) << 10 | flags | PTE_V; }

#define CSR_READ(name) ({ unsigned v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define CSR_WRITE(name, v) __asm__ volatile("csrw " #name ", %0" ::"r"(v))
#define CSR_SET(name, v) __asm__ volatile("csrs " #name ", %0" ::"r"(v))
#define CSR_CLEAR(name, v) __asm__ volatile("csrc " #name ", %0" ::"r"(v))

__attribute__((interrupt("supervisor"))) void supervisor_trap(void) {
    unsigned cause = CSR_READ(scause);
    faults++;
    last_cause = cause;
    last_value = CSR_READ(stval);
    if (cause == 8) {
        line("ecall from user mode after summing", user_sum);
        line("faults in all", faults);
        put_string("done\n");
        power_off();
    }
    CSR_WRITE(sepc, CSR_READ(sepc) + 4);
}

__attribute__((noinline)) static unsigned read_word(unsigned address) { return *(volatile unsigned *)address; }

/* Runs in user mode at its alias: sums a little, tries a supervisor register (illegal: counted and
 * skipped), and traps back with ECALL. */
__attribute__((noinline, aligned(4))) void user_function(void) {
    unsigned sum = 0;
    for (unsigned i = 1; i <= 100; i++) sum += i;
    user_sum = sum;
    __asm__ volatile("csrw sscratch, zero" ::: "memory");
    __asm__ volatile("ecall" ::: "memory");
    for (;;) {
    }
}

static void supervisor_main(void) {
    CSR_WRITE(stvec, (unsigned)supervisor_trap);
    CSR_WRITE(satp, 0x80000000u | ((unsigned)root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    put_string("paging on\n");

    first_page[5] = 0x11111111u;
    other_page[5] = 0x22222222u;
    line("through the alias", read_word(ALIAS + 20));
    *(volatile unsigned *)(ALIAS + 24) = 0x33333333u;
    line("written through the alias", first_page[6]);
    line("alias PTE accessed+dirty", second[0] & (PTE_A | PTE_D));

    second[0] = ((unsigned)other_page >> 12) << 10 | PTE_R | PTE_W | PTE_V;
    __asm__ volatile("sfence.vma" ::: "memory");
    line("after the remap", read_word(ALIAS + 20));

    read_word(0xd0000000u);
    line("unmapped: cause", last_cause);
    line("unmapped: address", last_value);
    *(volatile unsigned *)(ALIAS + 0x1000) = 1;  // the second level has only page 0
    line("store fault: cause", last_cause);

    user_page[0] = 0xabcd;
    read_word((unsigned)user_page + 0x40000000u - 0x80000000u + 0);
    line("user page without SUM: cause", last_cause);
    CSR_SET(sstatus, 1u << 18);
    line("user page with SUM", read_word(USER_ALIAS + ((unsigned)user_page - 0x80000000u)));
    line("faults so far", faults);

    /* To user mode at the user alias of user_function. */
    CSR_CLEAR(sstatus, 1u << 8);
    CSR_WRITE(sepc, USER_ALIAS + ((unsigned)user_function - 0x80000000u));
    __asm__ volatile("sret");
}

int main(void) {
    root[0x000] = superpage(0x00000000u, PTE_R | PTE_W);  /* the test device */
    root[0x040] = superpage(0x10000000u, PTE_R | PTE_W);  /* the UART */
    for (unsigned i = 0; i < 4; i++) {  /* the program, 16 MiB: supervisor's, and the user's alias */
        root[0x200 + i] = superpage(0x80000000u + (i << 22), PTE_R | PTE_W | PTE_X);
        root[0x100 + i] = superpage(0x80000000u + (i << 22), PTE_R | PTE_W | PTE_X | PTE_U);
    }
    root[ALIAS >> 22] = ((unsigned)second >> 12) << 10 | PTE_V;
    second[0] = ((unsigned)first_page >> 12) << 10 | PTE_R | PTE_W | PTE_V;

    /* Physical memory protection: everything to every mode (QEMU denies S and U with no entry). */
    CSR_WRITE(pmpaddr0, 0xffffffffu);
    CSR_WRITE(pmpcfg0, 0x1fu);
    /* Page faults, illegal instructions and user ECALLs go to supervisor mode. */
    CSR_WRITE(medeleg, (1u << 12) | (1u << 13) | (1u << 15) | (1u << 8) | (1u << 2));
    unsigned status = CSR_READ(mstatus);
    status = (status & ~(3u << 11)) | (1u << 11);  /* MPP = supervisor */
    CSR_WRITE(mstatus, status);
    CSR_WRITE(mepc, (unsigned)supervisor_main);
    __asm__ volatile("mret");
    for (;;) {
    }
}
