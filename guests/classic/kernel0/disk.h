/* kernel0's disk: a virtio block device on the legacy virtio-mmio transport (QEMU virt's default), found
 * by scanning the board's eight slots, driven by polling with one request in flight. */
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
    REG(0x50) = 0;
    while (*(volatile unsigned short *)&queue.used_index == seen_used) {
    }
    seen_used++;
    REG(0x64) = REG(0x60); /* acknowledge the interrupt status */
    return request_status;
}

#endif
