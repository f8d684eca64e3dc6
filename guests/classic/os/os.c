/* os: the classic engine's guest kernel, the one its built-in riscv32 AMI boots. It starts in supervisor
 * mode (deprivileged under the classic monitor; under sbi/ on qemu-system-riscv32), reads its hostname and
 * address from the device tree's boot arguments, finds its root disk, prints a banner and the readiness
 * line every iaas guest prints, and then idles: it waits for its timer with WFI, so that an idle instance
 * costs its host nothing but the timer's ticks (one a minute). */
#include "../common/console.h"
#include "../common/fdt.h"

static void sbi_call(unsigned extension, unsigned arg0, unsigned arg1) {
    register unsigned a0 __asm__("a0") = arg0;
    register unsigned a1 __asm__("a1") = arg1;
    register unsigned a6 __asm__("a6") = 0;
    register unsigned a7 __asm__("a7") = extension;
    __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a6), "r"(a7) : "memory");
}

static unsigned long long now(void) {
    unsigned high, low, again;
    do {
        __asm__ volatile("rdtimeh %0" : "=r"(high));
        __asm__ volatile("rdtime %0" : "=r"(low));
        __asm__ volatile("rdtimeh %0" : "=r"(again));
    } while (high != again);
    return (unsigned long long)high << 32 | low;
}

static void set_timer(unsigned long long at) { sbi_call(0x54494d45, (unsigned)at, (unsigned)(at >> 32)); }

/* A virtio block device in one of the board's eight virtio-mmio slots. */
static int has_disk(void) {
    for (unsigned slot = 0; slot < 8; slot++) {
        volatile unsigned *r = (volatile unsigned *)(0x10001000u + slot * 0x1000u);
        if (r[0] == 0x74726976u && r[2] == 2) return 1;
    }
    return 0;
}

static char hostname[64] = "localhost", address[32] = "none";

int main(unsigned hart, const void *fdt) {
    (void)hart;
    unsigned length = 0;
    const char *line = (const char *)fdt_property(fdt, "chosen", "bootargs", &length);
    if (line) {
        bootarg(line, "hostname", hostname, sizeof hostname);
        bootarg(line, "address", address, sizeof address);
    }
    const unsigned char *reg = (const unsigned char *)fdt_property(fdt, "memory", "reg", &length);
    unsigned memory = reg && length == 16 ? fdt_word(reg + 12) : 0;
    int disk = has_disk();
    put_string("iaas classic os 1 (riscv32, ");
    put_unsigned(memory >> 20);
    put_string(" MiB)\n");
    put_string("iaas-guest: ready hostname=");
    put_string(hostname);
    put_string(" address=");
    put_string(address);
    put_string(disk ? " root=mounted\n" : " root=none\n");
    /* Idle: the timer, a minute out, is the only interrupt enabled; interrupts stay off (WFI wakes on a
     * pending enabled one all the same), so no handler is needed. */
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
