/* The classic os's system calls: a7 the number, a0-a2 the arguments, a0 the result. */
#ifndef SYSCALLS_H
#define SYSCALLS_H

enum { SYS_WRITE = 1, SYS_READ, SYS_EXIT, SYS_SBRK, SYS_OPEN, SYS_SEEK, SYS_GETPID, SYS_UPTIME, SYS_STATS };

struct os_stats {
    unsigned page_faults, swapped_out, swapped_in, resident;
};

static inline unsigned syscall3(unsigned number, unsigned a, unsigned b, unsigned c) {
    register unsigned a0 __asm__("a0") = a;
    register unsigned a1 __asm__("a1") = b;
    register unsigned a2 __asm__("a2") = c;
    register unsigned a7 __asm__("a7") = number;
    __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
    return a0;
}

static inline int sys_write(int fd, const void *buffer, unsigned count) {
    return (int)syscall3(SYS_WRITE, (unsigned)fd, (unsigned)buffer, count);
}
static inline int sys_read(int fd, void *buffer, unsigned count) {
    return (int)syscall3(SYS_READ, (unsigned)fd, (unsigned)buffer, count);
}
static inline void sys_exit(int code) { syscall3(SYS_EXIT, (unsigned)code, 0, 0); }
static inline void *sys_sbrk(unsigned increment) { return (void *)syscall3(SYS_SBRK, increment, 0, 0); }
static inline int sys_open(const char *name) { return (int)syscall3(SYS_OPEN, (unsigned)name, 0, 0); }
static inline int sys_seek(int fd, unsigned offset) { return (int)syscall3(SYS_SEEK, (unsigned)fd, offset, 0); }
static inline unsigned sys_getpid(void) { return syscall3(SYS_GETPID, 0, 0, 0); }
static inline unsigned sys_uptime(void) { return syscall3(SYS_UPTIME, 0, 0, 0); }
static inline void sys_stats(struct os_stats *stats) { syscall3(SYS_STATS, (unsigned)stats, 0, 0); }

#endif
