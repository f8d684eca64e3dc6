/* The classic os's user programs. They run in user mode, each in a process of its own with a private
 * copy of this file's code and data (relocated: medany code reaches its data PC-relative), and reach the
 * kernel only through ECALL. Nothing here may call into the kernel's code: no library, no builtins. */
#include "../common/decimal.h"
#include "syscalls.h"

static unsigned length(const char *s) {
    unsigned n = 0;
    while (s[n]) n++;
    return n;
}

static void print(const char *s) { sys_write(1, s, length(s)); }

static void print_number(unsigned value) {
    char digits[11];
    sys_write(1, digits, decimal(value, digits));
}

static void hello(void) {
    print("hello: hello from pid ");
    print_number(sys_getpid());
    print(" in user mode\n");
}

/* More memory than the guest keeps resident: its own demand paging sends pages to its swap area and
 * brings them back, each a page fault of the guest's own (injected by the VMM, not masked). */
static void memhog(void) {
    const unsigned pages = 1024; /* 4 MiB */
    unsigned *heap = (unsigned *)sys_sbrk(pages * 4096);
    if ((int)heap == -1) {
        print("memhog: sbrk refused\n");
        return;
    }
    for (unsigned page = 0; page < pages; page++) heap[page * 1024 + (page & 1023)] = page * 2654435761u;
    unsigned bad = 0;
    for (unsigned page = 0; page < pages; page++) bad += heap[page * 1024 + (page & 1023)] != page * 2654435761u;
    struct os_stats stats;
    sys_stats(&stats);
    print("memhog: touched ");
    print_number(pages * 4);
    print(" KiB, ");
    print_number(bad);
    print(" wrong; guest page faults ");
    print_number(stats.page_faults);
    print(", swapped out ");
    print_number(stats.swapped_out);
    print(", in ");
    print_number(stats.swapped_in);
    print("\n");
}

/* Sectors of the disk's file area written, then read back and checked. */
static void diskwriter(void) {
    int fd = sys_open("disk");
    if (fd < 0) {
        print("diskwriter: no disk\n");
        return;
    }
    static unsigned char block[512];
    const unsigned count = 64;
    for (unsigned n = 0; n < count; n++) {
        for (unsigned i = 0; i < 512; i++) block[i] = (unsigned char)(n * 31 + i);
        sys_write(fd, block, 512);
    }
    sys_seek(fd, 0);
    unsigned bad = 0;
    for (unsigned n = 0; n < count; n++) {
        sys_read(fd, block, 512);
        for (unsigned i = 0; i < 512; i++) bad += block[i] != (unsigned char)(n * 31 + i);
    }
    print("diskwriter: wrote ");
    print_number(count);
    print(" sectors and read them back, ");
    print_number(bad);
    print(" bytes wrong\n");
}

/* A loop the timer preempts: its ticks show the scheduler ran others meanwhile. */
static void busy(void) {
    unsigned start = sys_uptime(), x = 1;
    for (unsigned i = 0; i < 20000000u; i++) x = x * 1664525u + 1013904223u;
    print("busy: 20000000 iterations in ");
    print_number(sys_uptime() - start);
    print(" ticks (");
    print_number(x & 1);
    print(")\n");
}

/* Where every process starts, with its program's number. */
void user_main(unsigned program) {
    switch (program) {
    case 0: hello(); break;
    case 1: memhog(); break;
    case 2: diskwriter(); break;
    case 3: busy(); break;
    }
    sys_exit(0);
}

/* The stub a process enters at: its stack is set by the kernel. */
__attribute__((naked, section(".text.user_entry"))) void user_entry(void) {
    __asm__ volatile("call user_main\n1: j 1b");
}
