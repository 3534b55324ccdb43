/* host-linux-start.S — lxrun's entry point on Linux, before its libc's _start.
 *
 * lxrun is static-pie: its start writes a relocated pointer into each of the ten
 * pages of .data.rel.ro, after a read of _DYNAMIC has mapped them read-only
 * (fault-around), so each write is a fault that copies the page and flushes its
 * translation (~15 us here, on a paravirtualised VM); .data's pages are written
 * soon after, a fault each (~10 us).  One MADV_POPULATE_WRITE over the file-backed
 * part of the writable segment (its first page to _edata, twenty pages) copies
 * them all in the kernel, ~4.5 us a page, before anything maps them.  A kernel
 * without it (before 5.14) says EINVAL: the faults happen as before.  Registers
 * are as the kernel left them for _start, rdx (glibc's _start takes it) too. */
    .text
    .globl lx_host_start
    .type lx_host_start, @function
lx_host_start:
    mov %rdx, %r12
    lea __init_array_start(%rip), %rdi /* the segment's first page (.tdata, then this) */
    and $-4096, %rdi
    lea _edata(%rip), %rsi
    sub %rdi, %rsi
    mov $23, %edx /* MADV_POPULATE_WRITE */
    mov $28, %eax /* madvise */
    syscall
    mov %r12, %rdx
    xor %r12d, %r12d
    jmp _start
    .size lx_host_start, . - lx_host_start
    .section .note.GNU-stack, "", @progbits
