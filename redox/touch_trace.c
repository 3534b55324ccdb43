/* touch_trace.c — a test instrument, linked only into build/lxrun-touchtrace
 * (cmake/lxrun_musl.cmake), never into lxrun: in a forked child, lxrun's
 * writable segment starts inaccessible, and each page's first read or write is
 * reported on fd 2 as "lxrun-touch R|W PAGE IP" (offsets in lxrun's image), then
 * opened for it (after a read only for reading, so a later write is reported
 * too).  tests/trap's fork_exec_child_reads_few_pages counts them: on a
 * paravirtualised VM a forked child's first read of each page its fork shared
 * costs ~6 us, its first write ~16 us.  From then on the child's SIGSEGV is the
 * instrument's, and a system call writing into a page not yet opened fails
 * (EFAULT): for programs that run cleanly, such as /bin/true. */
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <ucontext.h>

#include "rx.h"

extern char __ehdr_start[];

/* TLS-free: the fault may come on the guest's FS (an entry stub) */
__attribute__((no_stack_protector)) static long sys3(long n, long a, long b, long c)
{
    long r;
    __asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return r;
}

__attribute__((no_stack_protector)) static void put_hex(char *b, int *n, uintptr_t v)
{
    for (int sh = 28; sh >= 0; sh -= 4) b[(*n)++] = "0123456789abcdef"[(v >> sh) & 15];
}

__attribute__((no_stack_protector)) static void touched(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    const ucontext_t *uc = ucv;
    int write = (uc->uc_mcontext.gregs[REG_ERR] & 2) != 0;
    uintptr_t page = (uintptr_t)si->si_addr & ~(uintptr_t)4095, base = (uintptr_t)__ehdr_start;
    char b[48] = "lxrun-touch ";
    int n = 12;
    b[n++] = write ? 'W' : 'R', b[n++] = ' ';
    put_hex(b, &n, page - base), b[n++] = ' ';
    put_hex(b, &n, (uintptr_t)uc->uc_mcontext.gregs[REG_RIP] - base), b[n++] = '\n';
    sys3(SYS_write, 2, (long)b, n);
    sys3(SYS_mprotect, (long)page, 4096, write ? PROT_READ | PROT_WRITE : PROT_READ);
}

static uintptr_t lo, hi; /* the writable segment, found before the first fork */

static int writable_segment(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size, (void)ctx;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_W)) {
            lo = (info->dlpi_addr + p->p_vaddr) & ~(uintptr_t)4095;
            hi = (info->dlpi_addr + p->p_vaddr + p->p_memsz + 4095) & ~(uintptr_t)4095;
        }
    }
    return 1; /* the first object is lxrun's own file */
}

void rx_touch_trace_prepare(void) { dl_iterate_phdr(writable_segment, NULL); }

void rx_touch_trace_child(void)
{
    if (!hi) return;
    struct sigaction sa = { 0 };
    sa.sa_sigaction = touched;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigaction(SIGSEGV, &sa, 0);
    sys3(SYS_mprotect, (long)lo, (long)(hi - lo), PROT_NONE);
}
