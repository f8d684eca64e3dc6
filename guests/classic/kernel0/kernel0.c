/* kernel0: a supervisor-mode kernel without paging, for the classic VMM's trap-and-emulate. Under the VMM
 * every privileged instruction here traps and is emulated; on qemu-system-riscv32 it runs under sbi/.
 * It prints through SBI and through the UART, reads and writes supervisor registers, takes a timer
 * interrupt set through SBI, runs a user program that makes system calls and an illegal instruction, turns
 * on Sv32 with tables of its own (an alias page, a remap, page faults, SUM, the UART mapped), and shuts down
 * through SBI. */
#include "../common/console.h"
#include "../common/sbi.h"

struct frame {
    unsigned x[32];
};

extern void trap_entry(void);
extern void user_start(void);
extern void user_paged_start(void);
static volatile unsigned ticks, user_illegal, page_faults, last_fault_cause, last_fault_address;

static void sbi_put_string(const char *s) {
    while (*s) sbi(0x01, 0, (unsigned char)*s++, 0);
}

static void sbi_line(const char *label, unsigned value) {
    char digits[11];
    int count = 0;
    sbi_put_string(label);
    sbi_put_string(": ");
    do {
        digits[count++] = (char)('0' + value % 10);
        value /= 10;
    } while (value);
    while (count) sbi(0x01, 0, (unsigned char)digits[--count], 0);
    sbi_put_string("\n");
}


#include "disk.h"

static unsigned char sector[512];

/* The disk: its size, a sector the test seeded, a sector written and read back, a flush. */
static void disk_stage(void) {
    if (!disk_open()) {
        sbi_put_string("kernel0: no disk\n");
        return;
    }
    sbi_line("kernel0: disk at", (unsigned)disk);
    sbi_line("kernel0: disk sectors", (unsigned)disk_sectors());
    sbi_line("kernel0: read sector 1, status", disk_request(0, 1, sector));
    sector[40] = 0;
    sbi_put_string("kernel0: sector 1 says: ");
    sbi_put_string((const char *)sector);
    sbi_put_string("\n");
    const char *message = "written by kernel0 through virtio";
    for (int i = 0; i < 512; i++) sector[i] = 0;
    for (int i = 0; message[i]; i++) sector[i] = (unsigned char)message[i];
    sbi_line("kernel0: wrote sector 2, status", disk_request(1, 2, sector));
    for (int i = 0; i < 512; i++) sector[i] = 0;
    sbi_line("kernel0: read sector 2, status", disk_request(0, 2, sector));
    int same = 1;
    for (int i = 0; message[i]; i++) same &= sector[i] == (unsigned char)message[i];
    sbi_line("kernel0: read back what it wrote", (unsigned)same);
    sbi_line("kernel0: flush, status", disk_request(4, 0, 0));
    sbi_line("kernel0: disk interrupts", disk_interrupts);
}

static void after_user(void);
/* Where the kernel goes on when a user program exits. */
static void (*after_exit)(void) = after_user;

void trap_handler(struct frame *frame) {
    unsigned cause, epc;
    __asm__ volatile("csrr %0, scause" : "=r"(cause));
    __asm__ volatile("csrr %0, sepc" : "=r"(epc));
    if (cause == 0x80000009u) {
        disk_interrupt();
        return;
    }
    if (cause == 0x80000005u) {
        ticks++;
        set_timer(~0ull);
        return;
    }
    if (cause == 12 || cause == 13 || cause == 15) { /* page faults of the paging stage: noted, skipped */
        page_faults++;
        __asm__ volatile("csrr %0, stval" : "=r"(last_fault_address));
        last_fault_cause = cause;
        __asm__ volatile("csrw sepc, %0" ::"r"(epc + 4));
        return;
    }
    if (cause == 2) { /* an illegal instruction in user mode: counted, skipped */
        user_illegal++;
        __asm__ volatile("csrw sepc, %0" ::"r"(epc + 4));
        return;
    }
    if (cause == 8) {
        __asm__ volatile("csrw sepc, %0" ::"r"(epc + 4));
        if (frame->x[17] == 1) { /* print */
            sbi_line("user says", frame->x[10]);
            return;
        }
        /* exit: back to the kernel, in supervisor mode, on the kernel stack */
        frame->x[2] = 0;
        __asm__ volatile("csrs sstatus, %0" ::"r"(1u << 8));
        __asm__ volatile("csrw sepc, %0" ::"r"(after_exit));
        return;
    }
    sbi_line("unexpected trap", cause);
    sbi(0x53525354, 0, 0, 0);
}

void user_main(void) {
    unsigned sum = 0;
    for (unsigned i = 1; i <= 100; i++) sum += i;
    register unsigned a0 __asm__("a0") = sum;
    register unsigned a7 __asm__("a7") = 1;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
    __asm__ volatile("csrr t0, sstatus" ::: "t0"); /* not for user mode */
    a7 = 2;
    __asm__ volatile("ecall" ::"r"(a7) : "memory");
    for (;;) {
    }
}

#include "../common/sv32.h"

static struct sv32_tables tables;

static void kernel_line(const char *label, unsigned value) {
    sbi_put_string("kernel0: ");
    sbi_line(label, value);
}

/* Sv32 under the kernel's own tables: an alias page, a remap, faults of its own, SUM, the UART. */
static void paging_stage(void) {
    sv32_build(&tables, PTE_R | PTE_W | PTE_X);
    __asm__ volatile("csrw satp, %0" ::"r"(0x80000000u | ((unsigned)tables.root >> 12)));
    __asm__ volatile("sfence.vma" ::: "memory");
    sbi_put_string("kernel0: paging on\n");

    sv32_checks(&tables, kernel_line, &last_fault_cause, &last_fault_address);
    __asm__ volatile("csrc sstatus, %0" ::"r"(1u << 18));
    put_string("kernel0: the UART, through the kernel's tables\n");
}

/* User mode under the kernel's tables, at the program's user alias: the kernel's own pages are not its. */
void user_paged_main(void) {
    sv32_read(0x80400000u);
    register unsigned a7 __asm__("a7") = 2;
    __asm__ volatile("ecall" ::"r"(a7) : "memory");
    for (;;) {
    }
}

static void after_paged_user(void) {
    sbi_line("kernel0: user mode read a kernel page, cause", last_fault_cause);
    sbi_line("kernel0: page faults", page_faults);
    sbi_put_string("kernel0: shutting down\n");
    sbi(0x53525354, 0, 0, 0);
    for (;;) {
    }
}

static void after_user(void) {
    sbi_line("kernel0: user mode ended; illegal instructions it tried", user_illegal);
    paging_stage();
    after_exit = after_paged_user;
    __asm__ volatile("csrc sstatus, %0" ::"r"(1u << 8));
    __asm__ volatile("csrw sepc, %0" ::"r"(USER_ADDRESS(user_paged_start)));
    __asm__ volatile("csrw sscratch, sp; sret");
    for (;;) {
    }
}

int main(void) {
    sbi_put_string("kernel0: hello from supervisor mode\n");
    sbi_line("kernel0: SBI specification version", (unsigned)sbi(0x10, 0, 0, 0));
    __asm__ volatile("csrw sscratch, %0" ::"r"(0x5a5a5a5au));
    unsigned scratch, status;
    __asm__ volatile("csrr %0, sscratch" : "=r"(scratch));
    __asm__ volatile("csrw sscratch, zero");
    sbi_line("kernel0: sscratch", scratch);
    __asm__ volatile("csrr %0, sstatus" : "=r"(status));
    sbi_line("kernel0: sstatus SIE, SPIE, SPP", status & 0x122u);
    put_string("kernel0: written to the UART directly\n");

    __asm__ volatile("csrw stvec, %0" ::"r"(trap_entry));
    set_timer(now() + 10000); /* 1 ms */
    __asm__ volatile("csrs sie, %0" ::"r"(1u << 5));
    __asm__ volatile("csrs sstatus, %0" ::"r"(1u << 1));
    while (!ticks) __asm__ volatile("wfi");
    __asm__ volatile("csrc sstatus, %0" ::"r"(1u << 1));
    sbi_line("kernel0: timer interrupts", ticks);
    disk_stage();

    /* To user mode, with the kernel's stack in sscratch for the trap entry. */
    __asm__ volatile("csrc sstatus, %0" ::"r"(1u << 8));
    __asm__ volatile("csrw sepc, %0" ::"r"(user_start));
    __asm__ volatile("csrw sscratch, sp; sret");
    for (;;) {
    }
}
