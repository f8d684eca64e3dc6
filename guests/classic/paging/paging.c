/* Sv32 paging, checked against qemu-system-riscv32: machine mode builds page tables and drops to
 * supervisor mode, which turns translation on, reads through an alias page, remaps it (the new page after
 * SFENCE.VMA, never the stale one), takes page faults (delegated to supervisor mode), checks SUM and the
 * Accessed and Dirty bits, and runs a user-mode function that ends in ECALL. */
#include "../common/console.h"

#include "../common/sv32.h"

static struct sv32_tables tables;
static volatile unsigned faults, last_cause, last_value, user_sum;

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
    CSR_WRITE(satp, 0x80000000u | ((unsigned)tables.root >> 12));
    __asm__ volatile("sfence.vma" ::: "memory");
    put_string("paging on\n");

    sv32_checks(&tables, line, &last_cause, &last_value);
    line("faults so far", faults);

    /* To user mode at the user alias of user_function. */
    CSR_CLEAR(sstatus, 1u << 8);
    CSR_WRITE(sepc, USER_ALIAS + ((unsigned)user_function - 0x80000000u));
    __asm__ volatile("sret");
}

int main(void) {
    sv32_build(&tables, PTE_R | PTE_W | PTE_X);

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
