/* kernel0's disk: a virtio block device on the legacy virtio-mmio transport (QEMU virt's default), found
 * by scanning the board's eight slots, one request in flight, its completion an interrupt through the PLIC. */
#ifndef DISK_H
#define DISK_H

#define VIRTIO_SLOTS 0x10001000u
#define QUEUE_SIZE 8

struct virtq_descriptor {
    unsigned long long address;
    unsigned length;
    unsigned short flags, next;
};

struct block_request {
    unsigned type, reserved;
    unsigned long long sector;
};

/* The legacy layout: descriptors and the available ring on the first page, the used ring on the next. */
static struct {
    struct virtq_descriptor descriptors[QUEUE_SIZE];
    unsigned short available_flags, available_index, available[QUEUE_SIZE], used_event;
    unsigned char pad[4096 - 16 * QUEUE_SIZE - 6 - 2 * QUEUE_SIZE];
    unsigned short used_flags, used_index;
    struct {
        unsigned id, length;
    } used[QUEUE_SIZE];
} queue __attribute__((aligned(4096)));

static volatile unsigned *disk;
/* Set by the kernel's handler when the PLIC brings the disk's interrupt. */
static volatile unsigned disk_done, disk_interrupts;
#define PLIC 0x0c000000u
#define PLIC_CLAIM ((volatile unsigned *)(PLIC + 0x201004u))
static struct block_request request;
static volatile unsigned char request_status;
static unsigned short seen_used;

#define REG(offset) disk[(offset) / 4]

static int disk_open(void) {
    for (unsigned slot = 0; slot < 8 && !disk; slot++) {
        volatile unsigned *r = (volatile unsigned *)(VIRTIO_SLOTS + slot * 0x1000u);
        if (r[0] == 0x74726976u && r[1] == 1 && r[2] == 2) disk = r;
    }
    if (!disk) return 0;
    REG(0x70) = 0;
    REG(0x70) = 1 | 2;                      /* acknowledge, driver */
    REG(0x20) = 0;                          /* no optional features */
    REG(0x28) = 4096;                       /* guest page size */
    REG(0x30) = 0;                          /* queue 0 */
    if (REG(0x34) < QUEUE_SIZE) return 0;
    REG(0x38) = QUEUE_SIZE;
    REG(0x3c) = 4096;
    REG(0x40) = (unsigned)&queue >> 12;
    REG(0x70) = 1 | 2 | 4;                  /* driver ready */
    /* Its interrupt, source slot + 1, to hart 0's supervisor context (1) through the PLIC. */
    unsigned source = (((unsigned)disk - VIRTIO_SLOTS) >> 12) + 1;
    *(volatile unsigned *)(PLIC + 4 * source) = 1;
    *(volatile unsigned *)(PLIC + 0x2080u) = 1u << source;
    *(volatile unsigned *)(PLIC + 0x201000u) = 0;
    __asm__ volatile("csrs sie, %0" ::"r"(1u << 9));
    return 1;
}

static unsigned long long disk_sectors(void) {
    return (unsigned long long)REG(0x104) << 32 | REG(0x100);
}

/* One request (0 read, 1 write, 4 flush) of one sector at `data`; returns its status byte. */
static unsigned disk_request(unsigned type, unsigned long long sector, unsigned char *data) {
    request.type = type;
    request.reserved = 0;
    request.sector = sector;
    request_status = 0xff;
    queue.descriptors[0] = (struct virtq_descriptor){(unsigned)&request, sizeof request, 1, 1};
    if (data) {
        queue.descriptors[1] = (struct virtq_descriptor){(unsigned)data, 512, (unsigned short)(type == 0 ? 3 : 1), 2};
        queue.descriptors[2] = (struct virtq_descriptor){(unsigned)&request_status, 1, 2, 0};
    } else {
        queue.descriptors[0].next = 2;
        queue.descriptors[2] = (struct virtq_descriptor){(unsigned)&request_status, 1, 2, 0};
    }
    queue.available[queue.available_index % QUEUE_SIZE] = 0;
    __asm__ volatile("fence" ::: "memory");
    queue.available_index++;
    __asm__ volatile("fence" ::: "memory");
    disk_done = 0;
    REG(0x50) = 0;
    /* WFI wakes for a pending interrupt even with SIE clear; it is taken in the window SIE opens, so it
     * cannot come between the check and the WFI and be missed. */
    while (!disk_done) {
        __asm__ volatile("wfi");
        __asm__ volatile("csrs sstatus, %0; csrc sstatus, %0" ::"r"(1u << 1));
    }
    seen_used++;
    return *(volatile unsigned short *)&queue.used_index == seen_used ? request_status : 0xfe;
}

/* The external interrupt: claim it, acknowledge the disk's, complete it. */
static void disk_interrupt(void) {
    unsigned source = *PLIC_CLAIM;
    if (disk && source == (((unsigned)disk - VIRTIO_SLOTS) >> 12) + 1) {
        REG(0x64) = REG(0x60);
        disk_done = 1;
        disk_interrupts++;
    }
    *PLIC_CLAIM = source;
}

#endif
