/* userbusy: busy's workload as a user program under a supervisor kernel with Sv32 on, for the speed of
 * user-mode guest code under the classic monitor (its fetches, loads and stores through shadow tables).
 * The kernel maps itself, the devices and a user alias of itself (common/sv32.h), enters user mode at the
 * alias, and takes the program's closing ECALL. */
#include "../common/console.h"
#include "../common/sv32.h"
#include "../common/workload.h"

static struct sv32_tables tables;
static volatile unsigned result;

extern void kernel_trap_entry(void);

void user_main(void) {
    result = busy_workload();
    __asm__ volatile("ecall" ::: "memory");
    for (;;) {
    }
}

/* The user program's ECALL lands here (on the kernel's stack, set by the entry stub). */
void after_user(void) {
    line("checksum", result);
    register unsigned a7 __asm__("a7") = 0x53525354;
    __asm__ volatile("ecall" ::"r"(a7));
    for (;;) {
    }
}

extern void user_start(void);

int main(void) {
    sv32_build(&tables, PTE_R | PTE_W | PTE_X);
    __asm__ volatile("csrw stvec, %0" ::"r"(kernel_trap_entry));
    __asm__ volatile("csrw satp, %0" ::"r"(0x80000000u | ((unsigned)tables.root >> 12)));
    __asm__ volatile("sfence.vma" ::: "memory");
    __asm__ volatile("csrc sstatus, %0" ::"r"(1u << 8));
    __asm__ volatile("csrw sepc, %0" ::"r"(USER_ADDRESS(user_start)));
    __asm__ volatile("sret");
    for (;;) {
    }
}
