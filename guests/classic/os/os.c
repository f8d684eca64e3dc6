/* os: the classic engine's guest kernel, the one its built-in riscv32 AMIs boot. It starts in supervisor
 * mode (deprivileged under the classic monitor; under sbi/ on qemu-system-riscv32), reads its hostname,
 * address and programs from the device tree's boot arguments, finds its disk, prints a banner and the
 * readiness line every iaas guest prints, then runs the programs named by `run=` (hello, memhog,
 * diskwriter, busy) as user processes: each with its own Sv32 tables, system calls, a timer-driven
 * round-robin scheduler, and demand paging of its own to a swap area on the disk (`frames=` bounds the
 * pages it keeps resident). With nothing to run it idles on WFI, its timer a minute out; when its programs
 * are done it idles too, or powers off with `poweroff=1`. */
#include "../common/console.h"
#include "../common/fdt.h"
#include "../common/sbi.h"
#include "../common/sv32.h"
#include "../kernel0/disk.h"
#include "syscalls.h"

struct frame {
    unsigned x[32];
};

extern void trap_entry(void);
extern void trap_enter(struct frame *frame);
extern char __kernel_end[], __user_start[], __user_end[], __stack_top[];
extern void user_entry(void);

/* What the compiler calls for struct copies and zeroing, in the kernel (user code has its own loops). */
void *memcpy(void *to, const void *from, __SIZE_TYPE__ count) {
    char *a = to;
    const char *b = from;
    while (count--) *a++ = *b++;
    return to;
}

void *memset(void *to, int value, __SIZE_TYPE__ count) {
    char *a = to;
    while (count--) *a++ = (char)value;
    return to;
}

/* ---- Time ---- */

#define TICK 100000ull /* 10 ms of the 10 MHz timer */
static unsigned ticks;

/* ---- Physical pages ---- */

static unsigned next_free, memory_end, free_list;

static void zero_page(unsigned page) {
    for (unsigned *word = (unsigned *)page; word < (unsigned *)(page + 4096); word++) *word = 0;
}

static unsigned page_alloc(void) {
    unsigned page = 0;
    if (free_list) {
        page = free_list;
        free_list = *(unsigned *)page;
    } else if (next_free + 4096 <= memory_end) {
        page = next_free;
        next_free += 4096;
    }
    if (page) zero_page(page);
    return page;
}

static void page_free(unsigned page) {
    *(unsigned *)page = free_list;
    free_list = page;
}

/* ---- Processes ---- */

#define PROCESSES 8
#define USER_BASE 0x00010000u
/* Below the devices' megapages (the PLIC at 0x0c000000), which every process's tables keep for the kernel. */
#define STACK_TOP 0x0c000000u
#define STACK_PAGES 4
#define PTE_SWAPPED 0x100u /* a software bit: V clear, the swap slot above */

struct process {
    int used, pid, program;
    struct frame frame;
    unsigned pc;
    unsigned *root;
    unsigned heap_start, brk;
    unsigned file_offset;
};

static struct process processes[PROCESSES];
static struct process *current;
static unsigned kernel_root[1024] __attribute__((aligned(4096)));
static int next_pid = 1;
static unsigned kernel_stack_top;

static void use_tables(unsigned *root) {
    __asm__ volatile("csrw satp, %0; sfence.vma" ::"r"((1u << 31) | ((unsigned)root >> 12)) : "memory");
}

/* The PTE of `va` in `root`, its second-level table made if `make`; 0 if there is none. */
static unsigned *pte_of(unsigned *root, unsigned va, int make) {
    unsigned *entry = &root[va >> 22];
    if (!(*entry & PTE_V)) {
        if (!make) return 0;
        unsigned table = page_alloc();
        if (!table) return 0;
        *entry = (table >> 12) << 10 | PTE_V;
    }
    return &((unsigned *)((*entry >> 10) << 12))[(va >> 12) & 1023];
}

/* ---- The guest's own demand paging ---- */

#define SWAP_SLOTS 4096 /* 16 MiB of the disk's first 32 MiB */
#define RESIDENT_MAX 4096
static unsigned swap_used[SWAP_SLOTS / 32];
static unsigned frames_limit = RESIDENT_MAX;
/* The user pages resident, oldest first: the next victim. */
static struct {
    struct process *process;
    unsigned va;
} resident[RESIDENT_MAX];
static unsigned resident_head, resident_count;
static struct os_stats stats;
static int have_disk;

static unsigned disk_page(unsigned type, unsigned slot, unsigned page) {
    unsigned status = 0;
    for (unsigned i = 0; i < 8; i++) status |= disk_request(type, (unsigned long long)slot * 8 + i, (unsigned char *)(page + i * 512));
    return status;
}

/* Writes the oldest resident user page to a free swap slot; returns its frame, now free to reuse. */
static unsigned evict(void) {
    while (resident_count) {
        unsigned index = resident_head;
        resident_head = (resident_head + 1) % RESIDENT_MAX;
        resident_count--;
        struct process *owner = resident[index].process;
        if (!owner->used) continue;
        unsigned *pte = pte_of(owner->root, resident[index].va, 0);
        if (!pte || !(*pte & PTE_V)) continue;
        unsigned slot = 0;
        while (slot < SWAP_SLOTS && swap_used[slot / 32] >> (slot % 32) & 1) slot++;
        if (slot == SWAP_SLOTS || !have_disk) return 0;
        swap_used[slot / 32] |= 1u << (slot % 32);
        unsigned frame = (*pte >> 10) << 12;
        disk_page(1, slot, frame);
        *pte = slot << 10 | PTE_SWAPPED;
        __asm__ volatile("sfence.vma" ::: "memory");
        stats.swapped_out++;
        return frame;
    }
    return 0;
}

/* A frame for a user page: a free one while under the limit, else one taken from the oldest page. */
static unsigned user_frame(struct process *p, unsigned va) {
    unsigned frame = stats.resident < frames_limit ? page_alloc() : 0;
    if (frame) {
        stats.resident++;
    } else {
        frame = evict();
        if (!frame) return 0;
        zero_page(frame);
    }
    unsigned index = (resident_head + resident_count) % RESIDENT_MAX;
    resident[index].process = p;
    resident[index].va = va & ~4095u;
    resident_count++;
    return frame;
}

/* A page fault of a user process: a heap or stack page made on first touch, or brought back from swap.
 * Returns 0 for an access outside the process's memory. */
static int page_fault(struct process *p, unsigned va) {
    int heap = va >= p->heap_start && va < p->brk;
    int stack = va >= STACK_TOP - 64 * 4096 && va < STACK_TOP;
    unsigned *pte = pte_of(p->root, va, 1);
    if (!pte || (!heap && !stack && !(*pte & PTE_SWAPPED))) return 0;
    stats.page_faults++;
    unsigned frame = user_frame(p, va);
    if (!frame) return 0;
    if (*pte & PTE_SWAPPED) {
        unsigned slot = *pte >> 10;
        disk_page(0, slot, frame);
        swap_used[slot / 32] &= ~(1u << (slot % 32));
        stats.swapped_in++;
    }
    *pte = (frame >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
    __asm__ volatile("sfence.vma" ::: "memory");
    return 1;
}

/* ---- Process creation, exit, scheduling ---- */

static const char *program_names[] = {"hello", "memhog", "diskwriter", "busy"};

static int spawn(int program) {
    struct process *p = 0;
    for (int i = 0; i < PROCESSES && !p; i++)
        if (!processes[i].used) p = &processes[i];
    if (!p) return -1;
    unsigned *root = (unsigned *)page_alloc();
    if (!root) return -1;
    /* The kernel's half (RAM) and its devices, supervisor only; the rest is the process's. */
    for (int i = 0; i < 1024; i++) root[i] = i >= 512 || i == (0x0c000000 >> 22) || i == (0x10000000 >> 22) ? kernel_root[i] : 0;
    *p = (struct process){.used = 1, .pid = next_pid++, .program = program, .root = root};
    /* A private copy of the programs' pages, code and data alike. */
    unsigned size = (unsigned)(__user_end - __user_start);
    for (unsigned offset = 0; offset < size; offset += 4096) {
        unsigned page = page_alloc();
        unsigned *pte = pte_of(root, USER_BASE + offset, 1);
        if (!page || !pte) return -1;
        for (unsigned i = 0; i < 1024; i++) ((unsigned *)page)[i] = ((unsigned *)(__user_start + offset))[i];
        *pte = (page >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
    }
    p->heap_start = p->brk = USER_BASE + ((size + 4095) & ~4095u) + 0x100000u;
    p->pc = USER_BASE + (unsigned)((char *)user_entry - __user_start);
    p->frame.x[2] = STACK_TOP;
    p->frame.x[10] = (unsigned)program;
    return p->pid;
}

static void release(struct process *p) {
    /* Its user pages, swap slots and tables go back; the kernel half of its root is shared. */
    for (int i = 0; i < (int)(STACK_TOP >> 22); i++) {
        if (!(p->root[i] & PTE_V)) continue;
        unsigned *table = (unsigned *)((p->root[i] >> 10) << 12);
        for (int j = 0; j < 1024; j++) {
            if (table[j] & PTE_V) {
                page_free((table[j] >> 10) << 12);
                if (stats.resident) stats.resident--;
            } else if (table[j] & PTE_SWAPPED) {
                unsigned slot = table[j] >> 10;
                swap_used[slot / 32] &= ~(1u << (slot % 32));
            }
        }
        page_free((unsigned)table);
    }
    page_free((unsigned)p->root);
    p->used = 0;
}

/* The next process after `current` in round-robin order, or 0. */
static struct process *next_process(void) {
    int start = current ? (int)(current - processes) : -1;
    for (int step = 1; step <= PROCESSES; step++) {
        struct process *p = &processes[(start + step + PROCESSES) % PROCESSES];
        if (p->used) return p;
    }
    return 0;
}

static void idle_quietly(void);

static int power_off_when_done;

/* Every process has ended: the kernel idles where it is (in a trap handler, interrupts off), or powers
 * the machine off if its boot arguments say `poweroff`. */
static void idle_forever(void) {
    put_string("os: all programs exited\n");
    if (power_off_when_done) sbi(0x08, 0, 0, 0); /* the legacy shutdown */
    use_tables(kernel_root);
    __asm__ volatile("csrc sie, %0" ::"r"(1u << 9));
    idle_quietly();
}

/* Nothing to run: the timer, a minute out, is the only interrupt enabled; interrupts stay off (WFI wakes
 * on a pending enabled one all the same), so no trap handler is needed. */
static void idle_quietly(void) {
    __asm__ volatile("csrs sie, %0" ::"r"(1u << 5));
    for (;;) {
        set_timer(now() + 60ull * 10000000ull);
        unsigned pending;
        do {
            __asm__ volatile("wfi");
            __asm__ volatile("csrr %0, sip" : "=r"(pending));
        } while (!(pending & (1u << 5)));
    }
}

/* Where the trap returns to. A trap taken inside this one (the disk's interrupt window) overwrites sepc
 * and sstatus, so trap_handler writes both back on its way out. */
static unsigned resume_pc;

/* Makes `p` the one that runs when the trap returns: its registers into the frame, its tables. */
static void switch_to(struct process *p, struct frame *frame) {
    current = p;
    *frame = p->frame;
    resume_pc = p->pc;
    use_tables(p->root);
}

/* ---- System calls ---- */

static unsigned syscall(struct process *p, struct frame *f) {
    unsigned a0 = f->x[10], a1 = f->x[11], a2 = f->x[12];
    switch (f->x[17]) {
    case SYS_WRITE:
        if (a0 == 1) {
            for (unsigned i = 0; i < a2; i++) put_char(((const char *)a1)[i]);
            return a2;
        }
        if (a0 == 3 && have_disk && a2 == 512) {
            unsigned char sector[512];
            for (unsigned i = 0; i < 512; i++) sector[i] = ((const unsigned char *)a1)[i];
            unsigned status = disk_request(1, 65536 + p->file_offset / 512, sector);
            p->file_offset += 512;
            return status ? (unsigned)-1 : 512;
        }
        return (unsigned)-1;
    case SYS_READ:
        if (a0 == 3 && have_disk && a2 == 512) {
            unsigned char sector[512];
            unsigned status = disk_request(0, 65536 + p->file_offset / 512, sector);
            for (unsigned i = 0; i < 512; i++) ((unsigned char *)a1)[i] = sector[i];
            p->file_offset += 512;
            return status ? (unsigned)-1 : 512;
        }
        return a0 == 0 ? 0 : (unsigned)-1;
    case SYS_OPEN: {
        const char *name = (const char *)a0;
        if (name[0] == 'd' && name[1] == 'i' && name[2] == 's' && name[3] == 'k' && !name[4] && have_disk) {
            p->file_offset = 0;
            return 3;
        }
        return (unsigned)-1;
    }
    case SYS_SEEK:
        if (a0 != 3) return (unsigned)-1;
        p->file_offset = a1 & ~511u;
        return 0;
    case SYS_SBRK: {
        unsigned old = p->brk;
        if (a0 > STACK_TOP - 64 * 4096 - p->brk) return (unsigned)-1;
        p->brk += (a0 + 4095) & ~4095u; /* pages come at their first touch */
        return old;
    }
    case SYS_GETPID: return (unsigned)p->pid;
    case SYS_UPTIME: return ticks;
    case SYS_STATS:
        *(struct os_stats *)a0 = stats;
        return 0;
    default: return (unsigned)-1;
    }
}

static void exit_current(struct frame *frame, const char *how) {
    put_string("os: pid ");
    put_unsigned((unsigned)current->pid);
    put_string(" (");
    put_string(program_names[current->program]);
    put_string(") ");
    put_string(how);
    put_string("\n");
    release(current);
    struct process *next = next_process();
    if (!next) idle_forever();
    switch_to(next, frame);
}

/* ---- Traps ---- */

static void handle_trap(struct frame *frame, unsigned status);

void trap_handler(struct frame *frame) {
    unsigned status, epc;
    __asm__ volatile("csrr %0, sstatus" : "=r"(status));
    __asm__ volatile("csrr %0, sepc" : "=r"(epc));
    /* A trap inside this one (the disk's interrupt window) must leave this one's resume point alone. */
    unsigned outer = resume_pc;
    resume_pc = epc;
    handle_trap(frame, status);
    unsigned pc = resume_pc;
    resume_pc = outer;
    __asm__ volatile("csrw sepc, %0" ::"r"(pc));
    __asm__ volatile("csrw sstatus, %0" ::"r"(status));
}

static void handle_trap(struct frame *frame, unsigned status) {
    unsigned cause, epc, value;
    __asm__ volatile("csrr %0, scause" : "=r"(cause));
    __asm__ volatile("csrr %0, sepc" : "=r"(epc));
    __asm__ volatile("csrr %0, stval" : "=r"(value));
    int from_user = !(status & (1u << 8));
    if (cause == 0x80000009u) {
        disk_interrupt();
        return;
    }
    if (cause == 0x80000005u) {
        ticks++;
        set_timer(now() + TICK);
        if (!from_user) return;
        /* Preempted: the next process runs. */
        current->frame = *frame;
        current->pc = epc;
        struct process *next = next_process();
        if (next && next != current) switch_to(next, frame);
        return;
    }
    /* The kernel touching a user page that is not resident (a system call's buffer): paged in, as for
     * the process itself (SUM lets the kernel reach user pages). */
    if (!from_user && (cause == 13 || cause == 15) && current && value < STACK_TOP && page_fault(current, value))
        return;
    if (!from_user) {
        put_string("os: unexpected kernel trap ");
        put_hex(cause);
        put_string(" at ");
        put_hex(epc);
        put_string("\n");
        idle_forever();
    }
    if (cause == 8) {
        if (frame->x[17] == SYS_EXIT) {
            exit_current(frame, "exited");
            return;
        }
        frame->x[10] = syscall(current, frame);
        resume_pc = epc + 4;
        return;
    }
    if ((cause == 12 || cause == 13 || cause == 15) && page_fault(current, value)) return;
    put_string("os: fault ");
    put_unsigned(cause);
    put_string(" at ");
    put_hex(value);
    put_string(", pc ");
    put_hex(epc);
    put_string("\n");
    exit_current(frame, "killed");
}

/* ---- Boot ---- */

static char hostname[64] = "localhost", address[32] = "none", run[128], frames[12];

static unsigned parse_unsigned(const char *s) {
    unsigned value = 0;
    while (*s >= '0' && *s <= '9') value = value * 10 + (unsigned)(*s++ - '0');
    return value;
}

static int same_word(const char *a, unsigned n, const char *b) {
    unsigned i = 0;
    while (i < n && b[i] && a[i] == b[i]) i++;
    return i == n && !b[i];
}

int main(unsigned hart, const void *fdt) {
    (void)hart;
    unsigned length = 0;
    const char *line = (const char *)fdt_property(fdt, "chosen", "bootargs", &length);
    if (line) {
        bootarg(line, "hostname", hostname, sizeof hostname);
        bootarg(line, "address", address, sizeof address);
        bootarg(line, "run", run, sizeof run);
        if (bootarg(line, "frames", frames, sizeof frames)) frames_limit = parse_unsigned(frames);
        char flag[2];
        power_off_when_done = bootarg(line, "poweroff", flag, sizeof flag);
    }
    if (frames_limit < 8 || frames_limit > RESIDENT_MAX) frames_limit = RESIDENT_MAX;
    const unsigned char *reg = (const unsigned char *)fdt_property(fdt, "memory", "reg", &length);
    unsigned memory = reg && length == 16 ? fdt_word(reg + 12) : 16u << 20;
    int found = disk_open();
    /* Swap and the file area need the first 32 MiB and some beyond: a smaller disk is only mounted. */
    have_disk = found && disk_sectors() >= 65536 + 1024;
    put_string("iaas classic os 1 (riscv32, ");
    put_unsigned(memory >> 20);
    put_string(" MiB)\n");
    put_string("iaas-guest: ready hostname=");
    put_string(hostname);
    put_string(" address=");
    put_string(address);
    put_string(found ? " root=mounted\n" : " root=none\n");
    if (!run[0]) idle_quietly();

    /* Memory: RAM from the kernel's end to the device tree (the top of RAM when there is none). */
    next_free = ((unsigned)__kernel_end + 4095) & ~4095u;
    memory_end = fdt ? (unsigned)fdt & ~4095u : 0x80000000u + memory;
    /* The kernel's tables: RAM one to one, the PLIC and the UART and virtio slots, supervisor only. */
    for (unsigned i = 0; i < (memory + (4u << 20) - 1) >> 22; i++)
        kernel_root[0x200 + i] = sv32_superpage(0x80000000u + (i << 22), PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
    kernel_root[0x0c000000u >> 22] = sv32_superpage(0x0c000000u, PTE_R | PTE_W | PTE_A | PTE_D);
    kernel_root[0x10000000u >> 22] = sv32_superpage(0x10000000u, PTE_R | PTE_W | PTE_A | PTE_D);
    __asm__ volatile("csrw stvec, %0" ::"r"(trap_entry));
    __asm__ volatile("csrs sstatus, %0" ::"r"(1u << 18)); /* SUM: the kernel reads user buffers */
    use_tables(kernel_root);

    for (const char *p = run; *p;) {
        unsigned n = 0;
        while (p[n] && p[n] != ',') n++;
        int program = -1;
        for (int i = 0; i < 4; i++)
            if (same_word(p, n, program_names[i])) program = i;
        if (program < 0 || spawn(program) < 0) {
            put_string("os: cannot run ");
            for (unsigned i = 0; i < n; i++) put_char(p[i]);
            put_string("\n");
        }
        p += n + (p[n] == ',');
    }
    current = next_process();
    if (!current) idle_forever();
    put_string("os: running ");
    put_string(run);
    put_string("\n");
    /* The first process, entered through the trap return path on the kernel stack. */
    kernel_stack_top = (unsigned)__stack_top;
    struct frame *frame = (struct frame *)(kernel_stack_top - sizeof(struct frame));
    __asm__ volatile("csrs sie, %0" ::"r"((1u << 5) | (1u << 9)));
    set_timer(now() + TICK);
    unsigned status;
    __asm__ volatile("csrr %0, sstatus" : "=r"(status));
    status = (status & ~(1u << 8)) | (1u << 5); /* SPP user, SPIE */
    __asm__ volatile("csrw sstatus, %0" ::"r"(status));
    __asm__ volatile("csrw sscratch, zero");
    switch_to(current, frame);
    __asm__ volatile("csrw sepc, %0" ::"r"(resume_pc));
    trap_enter(frame);
    return 0;
}
