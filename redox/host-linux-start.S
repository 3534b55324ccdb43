/* host-linux-start.S — lxrun's entry point on Linux, before its libc's _start.
 *
 * lxrun is static-pie: its start writes a relocated pointer into each of the ten
 * pages of .data.rel.ro, after a read of _DYNAMIC has mapped them read-only
 * (fault-around), so each write is a fault that copies the page and flushes its
 * translation (~15 us here, on a paravirtualised VM); .data's pages are written
 * soon after, a fault each (~10 us).  One MADV_POPULATE_WRITE over the file-backed
 * part of the writable segment (its first page to _edata, twenty pages) copies
 * them all in the kernel, ~4.5 us a page, before anything maps them; with them
 * the variables every start writes (RX_START_WRITTEN, redox/rx.h: ten pages of
 * .bss, a fault each, before they were put in the file's data).  A kernel
 * without it (before 5.14) says EINVAL: the faults happen as before.  Registers
 * are as the kernel left them for _start, rdx (glibc's _start takes it) too. */
#define STACK_POPULATED (7 * 4096)
    .text
    .globl lx_host_start
    .type lx_host_start, @function
lx_host_start:
    mov %rdx, %r12
    /* the writable segment's first page, from the program headers: its TLS image
     * comes first, and glibc's can end on the page before .init_array's with
     * relocated pointers in it (static-pie: the header is at vaddr 0) */
    lea __ehdr_start(%rip), %r8
    mov 32(%r8), %r9 /* e_phoff */
    add %r8, %r9
    movzwl 56(%r8), %ecx /* e_phnum */
    lea __init_array_start(%rip), %rdi /* if no header says */
1:  test %ecx, %ecx
    jz 3f
    cmpl $1, (%r9) /* PT_LOAD */
    jne 2f
    testl $2, 4(%r9) /* PF_W */
    jz 2f
    mov 16(%r9), %rdi /* p_vaddr */
    add %r8, %rdi
    jmp 3f
2:  add $56, %r9
    dec %ecx
    jmp 1b
3:  and $-4096, %rdi
    lea _edata(%rip), %rsi
    sub %rdi, %rsi
    mov $23, %edx /* MADV_POPULATE_WRITE */
    mov $28, %eax /* madvise */
    syscall
    /* And the stack's next pages down, which the start's deeper frames reach
     * (reading the configuration, formatting paths: four faults). */
    mov %rsp, %rdi
    and $-4096, %rdi
    sub $STACK_POPULATED, %rdi
    mov $STACK_POPULATED, %esi
    mov $23, %edx /* MADV_POPULATE_WRITE */
    mov $28, %eax /* madvise */
    syscall
    /* And the two pages before .bss: lxrun's small zero-initialised variables lie
     * together at lx_bss's end (cmake/lxrun_fork_hot.lds, at most two pages:
     * design.bss_small_together), and a start writes a few dozen of them. */
    lea __bss_start(%rip), %rdi
    and $-4096, %rdi
    sub $4096, %rdi
    mov $8192, %esi
    mov $23, %edx /* MADV_POPULATE_WRITE */
    mov $28, %eax /* madvise */
    syscall
    /* A page where the program break would grow, before the libc's start can
     * use it (glibc's static start takes its TLS block there): the allocators
     * then take their memory from mmap, next to lxrun's other mappings.  The
     * kernel puts a static-pie's break at ELF_ET_DYN_BASE, a corner of the
     * address space of its own: a forked child's first touch of a heap there
     * paid three page-table pages besides the page (on a paravirtualised VM the
     * hypervisor fills its tables for each: ~10 us a table, ~6 us a page read).
     * The guest's break is lxrun's own (sys_brk); glibc's and musl's allocators
     * both fall back to mmap when the break cannot grow. */
    mov $12, %eax /* brk(0) */
    xor %edi, %edi
    syscall
    lea 4095(%rax), %rdi
    and $-4096, %rdi
    mov $4096, %esi
    xor %edx, %edx /* PROT_NONE */
    mov $0x100022, %r10d /* MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE */
    mov $-1, %r8
    xor %r9d, %r9d
    mov $9, %eax /* mmap */
    syscall
    mov %r12, %rdx
    xor %r12d, %r12d
    jmp _start
    .size lx_host_start, . - lx_host_start
    .section .note.GNU-stack, "", @progbits
