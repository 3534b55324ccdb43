/* host-linux-fork-pins.c — lxrun's pages that both sides of a fork write, copied
 * at the fork instead of on their first write.
 *
 * A fork shares each anonymous page copy-on-write: the parent's entries become
 * read-only, and whichever side writes a page first takes a fault and a copy.
 * lxrun writes a few dozen of its own pages on both sides of every fork (its
 * trap's frames on the alternate stack, the process record, the fork-hot page,
 * an exec's state...): on a paravirtualised VM each such fault costs 12-20 us,
 * ~16 of them a shell's fork+exec.  Linux copies a *pinned* page into the child
 * during the fork instead (copy_present_page: a page that may be under DMA must
 * stay the parent's), and leaves the parent's entry writable; ~1.3 us a page.
 * So the pages are pinned: registered as an io_uring's fixed buffers, which
 * holds them for as long as the ring is open (the ring is never used for I/O).
 * Once per process, at its first fork; a forked child closes the ring it
 * inherits (its parent's pages: kept, they would stay pinned for as long as the
 * child lives), and so does an exec in place (a program started directly has no
 * such handle); each makes its own at its next first fork.
 *
 * Pinned: lxrun's writable segment past its relocated read-only tables, the
 * pages of its .bss present at that first fork, the top of the forking
 * thread's alternate stack, and what lxrun names (rx_fork_copies: scratch it
 * otherwise leaves out of forks, the first call-site table; the first fork
 * after a range is named registers them all again).  Without io_uring (a
 * kernel before 5.1, a seccomp filter, kernel.io_uring_disabled, an
 * unprivileged user's RLIMIT_MEMLOCK spent) nothing is pinned and forks share
 * the pages as before; a range named stays left out then.  Redox plan:
 * nothing of the kind (its fork copies the address space from user space). */
#include "host-linux.h"

#include <link.h>
#include <linux/io_uring.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define PAGE 4096UL
#define PAGE_DOWN(x) ((uintptr_t)(x) & ~(PAGE - 1))
#define PAGE_UP(x) (((uintptr_t)(x) + PAGE - 1) & ~(PAGE - 1))
#define RANGES_MAX 64
/* the frames a trap writes, from the top: a fork served in the SIGSYS handler
 * returns through them in both processes (measured: 4 pages deep) */
#define ALTSTACK_TOP (8 * PAGE)
/* .bss looked at for present pages (its first part: .lbss's cold buffers follow) */
#define BSS_LOOK_MAX (512 * PAGE)

extern char _GLOBAL_OFFSET_TABLE_[]; /* .got.plt, the last of the relocated tables */

struct ranges { struct iovec v[RANGES_MAX]; int n; };

static void add(struct ranges *r, uintptr_t lo, uintptr_t hi)
{
    if (hi <= lo || r->n == RANGES_MAX) return;
    if (r->n && (uintptr_t)r->v[r->n - 1].iov_base + r->v[r->n - 1].iov_len == lo) {
        r->v[r->n - 1].iov_len += hi - lo; /* joins the last */
        return;
    }
    r->v[r->n++] = (struct iovec){ (void *)lo, hi - lo };
}

/* [lo, hi)'s present pages (mincore: an anonymous mapping's are its own) */
static void add_present(struct ranges *r, uintptr_t lo, uintptr_t hi)
{
    unsigned char in[BSS_LOOK_MAX / PAGE];
    if (hi - lo > BSS_LOOK_MAX) hi = lo + BSS_LOOK_MAX;
    if (raw3(SYS_mincore, (long)lo, (long)(hi - lo), (long)in) < 0) return;
    for (uintptr_t p = lo; p < hi; p += PAGE)
        if (in[(p - lo) / PAGE] & 1) add(r, p, p + PAGE);
}

/* lxrun's writable segment: its file part from the page after .got.plt (the
 * relocated tables before it are only read once start-up is over) and the
 * present pages of its .bss (the segment's tail, anonymous). */
static int own_segment(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    struct ranges *r = ctx;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *p = &info->dlpi_phdr[i];
        if (p->p_type != PT_LOAD || !(p->p_flags & PF_W)) continue;
        uintptr_t lo = info->dlpi_addr + p->p_vaddr, file_end = PAGE_UP(lo + p->p_filesz);
        uintptr_t end = PAGE_UP(lo + p->p_memsz), data = PAGE_UP(_GLOBAL_OFFSET_TABLE_ + 1);
        if (data < lo || data > file_end) data = PAGE_DOWN(lo);
        add(r, data, file_end);
        add_present(r, file_end, end);
    }
    return 1; /* the first object is lxrun's own file */
}

/* rx_fork_copies's ranges */
#define EXTRA_MAX 4
static struct { uintptr_t lo, hi; } extra[EXTRA_MAX] RX_START_WRITTEN;
static int extra_n;

/* on the fork-hot page: a forked child writes these, and that page anyway */
static int ring RX_FORK_HOT = -1;
static int ring_tried RX_FORK_HOT;
static int extra_held RX_FORK_HOT; /* how many of extra the ring holds */

__attribute__((no_stack_protector)) void rx_fork_copies(void *addr, size_t len)
{
    if (extra_n < EXTRA_MAX && len) extra[extra_n].lo = PAGE_DOWN(addr), extra[extra_n++].hi = PAGE_UP((uintptr_t)addr + len);
}

void host_fork_pins_drop(void)
{
    if (ring >= 0) raw3(SYS_close, ring, 0, 0);
    ring = -1, ring_tried = 0, extra_held = 0;
}

/* a ring of one entry, above the guest's fds (host_own_fd) */
static long ring_new(void)
{
    struct io_uring_params params;
    memset(&params, 0, sizeof params);
    return host_own_fd(raw3(SYS_io_uring_setup, 1, (long)&params, 0));
}

void host_fork_pins(void)
{
    if (ring_tried && (ring < 0 || extra_held == extra_n)) return;
    ring_tried = 1;
    struct ranges r = { .n = 0 };
    dl_iterate_phdr(own_segment, &r);
    stack_t ss;
    if (raw3(SYS_sigaltstack, 0, (long)&ss, 0) == 0 && !(ss.ss_flags & SS_DISABLE) && ss.ss_size >= ALTSTACK_TOP)
        add(&r, (uintptr_t)ss.ss_sp + ss.ss_size - ALTSTACK_TOP, (uintptr_t)ss.ss_sp + ss.ss_size);
    int n = extra_n;
    for (int i = 0; i < n; i++) add(&r, extra[i].lo, extra[i].hi);
    if (ring >= 0) { /* ranges added since: registered again, all of them */
        raw4(SYS_io_uring_register, ring, IORING_UNREGISTER_BUFFERS, 0, 0);
    } else {
        long fd = ring_new();
        if (fd < 0) return;
        ring = (int)fd;
    }
    if (raw4(SYS_io_uring_register, ring, IORING_REGISTER_BUFFERS, (long)r.v, r.n) < 0) {
        raw3(SYS_close, ring, 0, 0);
        ring = -1;
        return;
    }
    /* copied from now on: forked as any memory (no longer left out) */
    for (int i = extra_held; i < n; i++) raw3(SYS_madvise, (long)extra[i].lo, (long)(extra[i].hi - extra[i].lo), MADV_KEEPONFORK);
    extra_held = n;
}

void rx_program_replaced(void) { host_fork_pins_drop(); }
