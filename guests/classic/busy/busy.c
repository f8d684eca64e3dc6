/* A busy guest for the classic VMM's speed figure: the shared workload in machine mode, a checksum, then
 * power-off. The same ELF runs under qemu-system-riscv32 for comparison. */
#include "../common/console.h"
#include "../common/workload.h"

int main(void) {
    line("checksum", busy_workload());
    power_off();
}
