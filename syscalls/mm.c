/* mm.c — handles: the guest's address space.  Every change is mirrored in the
 * mapping table (guestmem/vma.h), and no call may reach lxrun's own memory. */
#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../trap/trap.h"
#include "handler.h"
#include "process.h"

#define LINUX_PROT_SEM 0x8 /* accepted by mprotect on x86, no effect */
#define TASK_TOP 0x7ffffffff000UL

/* 0 if [addr, addr+len) holds only guest memory or free space: the free parts are
 * claimed (PROT_NONE) so a following MAP_FIXED replaces nothing of lxrun's. */
static int claim_for_fixed(uintptr_t addr, size_t len)
{
    uintptr_t at = addr, end = addr + len;
    while (at < end) {
        struct gm_vma vma;
        const struct gm_vma *v = gm_find(at, &vma) ? &vma : NULL;
        uintptr_t gap_end = v && v->start < end ? v->start : end;
        if (v && v->start <= at) { at = v->end; continue; }
        long r = rx_mmap(at, gap_end - at, RX_PROT_NONE,
                         RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_NORESERVE | RX_MAP_FIXED_NOREPLACE, -1, 0);
        if (r < 0 || (uintptr_t)r != at) {
            if (r >= 0) rx_munmap((uintptr_t)r, gap_end - at);
            return -1;
        }
        gm_add(at, gap_end - at, LINUX_PROT_NONE, 0, GM_ANON, 0, 0, 0, NULL);
        at = gap_end;
    }
    return 0;
}

/* Files this lxrun named before -- in this process, its forks' parent, or an
 * earlier program it exec'd in place (lxrun's memory stays): ld.so maps
 * ld.so.cache and libc in every program.  The URL the fd had, checked to name the
 * same file still, names the mapping again without the lookup (the fd's path read
 * and made a guest path, which until 2026-12-07 also ran on lxrun's FS: two
 * kernel entries where FS moves by arch_prctl).  A file linked
 * under two names shows the one it was first mapped by, as the backend's own
 * name cache (rx_fpath) already would. */
#define KNOWN_NAMES 16
static struct known_name {
    uint32_t seq; /* odd while written */
    uint64_t dev, ino;
    const char *url, *name; /* interned: never freed */
} known_names[KNOWN_NAMES] RX_EXEC_READ; /* read by a file mapping of every exec */
static uint32_t known_next RX_EXEC_READ;

__attribute__((no_stack_protector)) static const char *known_name_of(const struct rx_stat *st)
{
    for (int i = 0; i < KNOWN_NAMES; i++) {
        struct known_name *k = &known_names[i];
        uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_ACQUIRE);
        if ((seq & 1) || __atomic_load_n(&k->ino, __ATOMIC_RELAXED) != st->ino ||
            __atomic_load_n(&k->dev, __ATOMIC_RELAXED) != st->dev)
            continue;
        const char *url = __atomic_load_n(&k->url, __ATOMIC_RELAXED), *name = __atomic_load_n(&k->name, __ATOMIC_RELAXED);
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&k->seq, __ATOMIC_RELAXED) != seq) continue; /* rewritten meanwhile */
        struct rx_stat now;
        if (rx_stat_at(RX_AT_CWD, url, 1, &now) == 0 && now.dev == st->dev && now.ino == st->ino) return name;
    }
    return NULL;
}

static void known_name_add(const struct rx_stat *st, const char *url, const char *name)
{
    struct known_name *k = &known_names[__atomic_fetch_add(&known_next, 1, __ATOMIC_RELAXED) % KNOWN_NAMES];
    uint32_t seq = __atomic_load_n(&k->seq, __ATOMIC_RELAXED);
    if ((seq & 1) || !__atomic_compare_exchange_n(&k->seq, &seq, seq + 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
        return; /* another writer has it */
    __atomic_store_n(&k->dev, st->dev, __ATOMIC_RELAXED);
    __atomic_store_n(&k->ino, st->ino, __ATOMIC_RELAXED);
    __atomic_store_n(&k->url, url, __ATOMIC_RELAXED);
    __atomic_store_n(&k->name, name, __ATOMIC_RELAXED);
    __atomic_store_n(&k->seq, seq + 2, __ATOMIC_RELEASE);
}

/* The mapping's name in /proc/self/maps: the file's path as the fd names it now.
 * On the guest's FS (GUESTFS): fpath, the guest path and the name pool make raw
 * calls and no allocation of libc's; on lxrun's FS it cost two kernel entries a
 * file mapped where FS moves by arch_prctl (python3 -c pass: 7). */
static const char *name_file(int fd, const struct rx_stat *st)
{
    char url[2 * PATH_MAX + 16]; /* the URL, then the guest path */
    const char *path = vfs_fd_guest_path(fd, st, url, sizeof url);
    if (!path) return NULL;
    const char *name = gm_intern(path);
    if (name && !strncmp(url, "file:", 5)) { /* a file's: its URL can be checked later */
        const char *u = gm_intern(url);
        if (u) known_name_add(st, u, name);
    }
    return name;
}

/* A MAP_FIXED mapping over part of one of the same file takes its name: ld.so maps
 * an ELF whole, then each segment over it, and those cost no lookup and no switch
 * to lxrun's FS.  Any other mapping is named by the file's path now (a file mapped
 * again after a rename shows its new name). */
static const char *file_name_of(int fd, uintptr_t fixed_at, struct rx_stat *st)
{
    if (rx_fstat(fd, st) < 0) return NULL;
    struct gm_vma v;
    if (fixed_at && gm_find(fixed_at, &v) && v.start <= fixed_at && v.kind == GM_FILE && v.name && v.dev == st->dev &&
        v.ino == st->ino)
        return v.name;
    const char *known = known_name_of(st);
    if (known) return known;
    return name_file(fd, st);
}

long sys_mmap(struct lx_call *c)
{
    uintptr_t addr = c->a[0];
    size_t len = c->a[1];
    int prot = (int)c->a[2], flags = (int)c->a[3], fd = (int)c->a[4];
    int64_t off = (int64_t)c->a[5];
    if (len == 0 || (off & (GM_PAGE - 1)) || GM_PAGE_UP(len) < len || GM_PAGE_UP(len) > TASK_TOP)
        return -EINVAL;
    len = GM_PAGE_UP(len);
    int type = flags & LINUX_MAP_TYPE, unknown;
    if (type != LINUX_MAP_PRIVATE && type != LINUX_MAP_SHARED && type != LINUX_MAP_SHARED_VALIDATE) return -EINVAL;
    int rflags = abi_mmap_flags_to_rx(flags & ~LINUX_MAP_GROWSDOWN, &unknown);
    if (type == LINUX_MAP_SHARED_VALIDATE && unknown) return -EOPNOTSUPP;
    if (flags & (LINUX_MAP_FIXED | LINUX_MAP_FIXED_NOREPLACE)) {
        if (addr & (GM_PAGE - 1)) return -EINVAL;
        if (addr + len < addr || addr + len > TASK_TOP) return -ENOMEM;
    }
    if (flags & LINUX_MAP_GROWSDOWN) lx_record_partial(c->nr, "MAP_GROWSDOWN (mapped at full size)");
    if ((flags & LINUX_MAP_FIXED) && claim_for_fixed(addr, len) < 0) return -ENOMEM;
    int anon = (flags & LINUX_MAP_ANONYMOUS) != 0;
    gm_text_lock(); /* a MAP_FIXED over code lxrun is rewriting waits for it */
    long r = rx_mmap(addr, len, abi_prot_to_rx(prot), rflags, anon ? -1 : fd, anon ? 0 : off);
    gm_text_unlock();
    if (r < 0) return r;
    struct rx_stat st = { 0 };
    const char *name = anon ? NULL : file_name_of(fd, flags & LINUX_MAP_FIXED ? (uintptr_t)r : 0, &st);
    gm_add((uintptr_t)r, len, prot & (LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC), type != LINUX_MAP_PRIVATE, anon ? GM_ANON : GM_FILE, anon ? 0 : (uint64_t)off,
           st.dev, st.ino, name);
    if (!anon && (prot & LINUX_PROT_EXEC) && type == LINUX_MAP_PRIVATE && st.ino) { /* a library's code */
        struct lx_file_id id = { st.dev, st.ino, st.size, rx_stat_ctime_ns(&st) };
        lx_trap_text_mapped((uintptr_t)r, len, (uint64_t)off, &id);
    }
    return r;
}

long sys_munmap(struct lx_call *c)
{
    uintptr_t addr = c->a[0];
    size_t len = GM_PAGE_UP(c->a[1]);
    if ((addr & (GM_PAGE - 1)) || len == 0 || addr + len < addr) return -EINVAL;
    /* Unmap only the guest's parts; lxrun's memory in the range stays. */
    uintptr_t at = addr, end = addr + len;
    while (at < end) {
        struct gm_vma vma;
        const struct gm_vma *v = gm_find(at, &vma) ? &vma : NULL;
        if (!v || v->start >= end) break;
        uintptr_t s = v->start > at ? v->start : at, e = v->end < end ? v->end : end;
        gm_text_lock();
        rx_munmap(s, e - s);
        gm_remove(s, e - s);
        gm_text_unlock();
        at = e;
    }
    return 0;
}

long sys_mprotect(struct lx_call *c)
{
    uintptr_t addr = c->a[0];
    int prot = (int)c->a[2];
    if (addr & (GM_PAGE - 1)) return -EINVAL;
    size_t len = GM_PAGE_UP(c->a[1]);
    if (len == 0) return 0;
    if (prot & (LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP)) {
        lx_record_partial(c->nr, "PROT_GROWSDOWN (applied to the given range only)");
        prot &= ~(LINUX_PROT_GROWSDOWN | LINUX_PROT_GROWSUP);
    }
    if (prot & ~(LINUX_PROT_READ | LINUX_PROT_WRITE | LINUX_PROT_EXEC | LINUX_PROT_SEM)) return -EINVAL;
    prot &= ~LINUX_PROT_SEM;
    if (!gm_covered(addr, len)) return -ENOMEM;
    gm_text_lock(); /* the protection lxrun restores after rewriting code is this one */
    long r = rx_mprotect(addr, len, abi_prot_to_rx(prot));
    if (r == 0) gm_protect(addr, len, prot);
    gm_text_unlock();
    return r;
}

long sys_brk(struct lx_call *c)
{
    uintptr_t want = c->a[0];
    struct lx_process *p = &lx_proc;
    if (want < p->brk_start) return (long)p->brk_cur;
    uintptr_t need = GM_PAGE_UP(want);
    if (need > p->brk_mapped) {
        long r = rx_mmap(p->brk_mapped, need - p->brk_mapped, RX_PROT_READ | RX_PROT_WRITE,
                         RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_FIXED_NOREPLACE, -1, 0);
        if (r < 0 || (uintptr_t)r != p->brk_mapped) {
            if (r >= 0) rx_munmap((uintptr_t)r, need - p->brk_mapped);
            return (long)p->brk_cur;
        }
        gm_add(p->brk_mapped, need - p->brk_mapped, LINUX_PROT_READ | LINUX_PROT_WRITE, 0, GM_HEAP, 0, 0, 0, NULL);
    } else if (need < p->brk_mapped) {
        rx_munmap(need, p->brk_mapped - need);
        gm_remove(need, p->brk_mapped - need);
    }
    p->brk_mapped = need;
    p->brk_cur = want;
    return (long)want;
}

/* The file behind a file mapping, reopened by its guest path; -ENOENT when that
 * name no longer leads to the same file (renamed or deleted since). */
static long reopen_mapped(const struct gm_vma *v)
{
    struct vfs_target t;
    if (!v->name || vfs_resolve(RX_AT_CWD, v->name, &t) < 0) return -ENOENT;
    int acc = v->shared && (v->prot & LINUX_PROT_WRITE) ? RX_O_RDWR : RX_O_RDONLY;
    long fd = vfs_open(&t, acc | RX_O_CLOEXEC, 0);
    struct rx_stat st;
    if (fd >= 0 && (rx_fstat((int)fd, &st) < 0 || st.ino != v->ino || st.dev != v->dev)) {
        rx_close((int)fd);
        return -ENOENT;
    }
    return fd < 0 ? -ENOENT : fd;
}

/* Maps len bytes at addr (0: anywhere; fixed: exactly) like v: the same file at
 * file_off, or anonymous.  extra_prot is Linux's PROT_*, placement rx.h's MAP_*. */
static long map_like(const struct gm_vma *v, int fd, uintptr_t addr, size_t len, uint64_t file_off,
                     int extra_prot, int placement)
{
    int type = v->shared ? RX_MAP_SHARED : RX_MAP_PRIVATE, prot = abi_prot_to_rx(v->prot | extra_prot);
    if (fd >= 0) return rx_mmap(addr, len, prot, type | placement, fd, (int64_t)file_off);
    return rx_mmap(addr, len, prot, type | RX_MAP_ANONYMOUS | placement, -1, 0);
}

/* Redox has no mremap: shrink by unmapping the tail, grow in place when the next
 * pages are free, otherwise move by map + copy + unmap.  File mappings stay
 * file mappings (the file is reopened by its guest path). */
long sys_mremap(struct lx_call *c)
{
    uintptr_t old = c->a[0], want_at = c->a[4];
    size_t osz = GM_PAGE_UP(c->a[1]), nsz = GM_PAGE_UP(c->a[2]);
    int flags = (int)c->a[3];
    if ((old & (GM_PAGE - 1)) || nsz == 0 ||
        (flags & ~(LINUX_MREMAP_MAYMOVE | LINUX_MREMAP_FIXED | LINUX_MREMAP_DONTUNMAP)))
        return -EINVAL;
    if ((flags & LINUX_MREMAP_FIXED) && !(flags & LINUX_MREMAP_MAYMOVE)) return -EINVAL;
    if (flags & LINUX_MREMAP_DONTUNMAP) { lx_record_partial(c->nr, "MREMAP_DONTUNMAP"); return -EINVAL; }
    if (osz == 0) { lx_record_partial(c->nr, "old_size 0 (shared duplicate)"); return -EINVAL; }
    if (!gm_covered(old, osz)) return -EFAULT;
    struct gm_vma src;
    if (!gm_find(old, &src)) return -EFAULT;
    if (old + osz > src.end) return -EFAULT; /* must lie in one mapping */
    uint64_t off = src.offset + (old - src.start);

    if (!(flags & LINUX_MREMAP_FIXED) && nsz <= osz) {
        if (nsz < osz) { rx_munmap(old + nsz, osz - nsz); gm_remove(old + nsz, osz - nsz); }
        return (long)old;
    }
    long fd = -1;
    if (src.kind == GM_FILE && (fd = reopen_mapped(&src)) < 0) {
        lx_record_partial(c->nr, "file mapping whose file is gone: moved as anonymous memory");
        fd = -1;
    }
    enum gm_kind kind = fd >= 0 ? GM_FILE : src.kind == GM_FILE ? GM_ANON : src.kind;
    long r = -ENOMEM;
    if (!(flags & LINUX_MREMAP_FIXED)) {
        r = map_like(&src, (int)fd, old + osz, nsz - osz, off + osz, 0, RX_MAP_FIXED_NOREPLACE);
        if (r >= 0 && (uintptr_t)r == old + osz) {
            gm_add(old + osz, nsz - osz, src.prot, src.shared, kind, off + osz, src.dev, src.ino, src.name);
            if (fd >= 0) rx_close((int)fd);
            return (long)old;
        }
        if (r >= 0) rx_munmap((uintptr_t)r, nsz - osz);
        if (!(flags & LINUX_MREMAP_MAYMOVE)) { if (fd >= 0) rx_close((int)fd); return -ENOMEM; }
    }
    if ((flags & LINUX_MREMAP_FIXED) && ((want_at & (GM_PAGE - 1)) || claim_for_fixed(want_at, nsz) < 0)) {
        if (fd >= 0) rx_close((int)fd);
        return -EINVAL;
    }
    /* A shared file mapping's pages are the file's: nothing to copy.  Anything
     * private (or anonymous shared, which Redox cannot alias) keeps its bytes. */
    int copy = !(src.shared && fd >= 0);
    if (copy && src.shared) lx_record_partial(c->nr, "moving a shared anonymous mapping copies it");
    r = map_like(&src, (int)fd, flags & LINUX_MREMAP_FIXED ? want_at : 0, nsz, off, copy ? LINUX_PROT_WRITE : 0,
                 flags & LINUX_MREMAP_FIXED ? RX_MAP_FIXED : 0);
    if (fd >= 0) rx_close((int)fd);
    if (r < 0) return r;
    if (copy) {
        size_t n = osz < nsz ? osz : nsz;
        if (!(src.prot & LINUX_PROT_READ)) rx_mprotect(old, osz, abi_prot_to_rx(src.prot | LINUX_PROT_READ));
        memcpy((void *)r, (void *)old, n);
        if (!(src.prot & LINUX_PROT_WRITE)) rx_mprotect((uintptr_t)r, nsz, abi_prot_to_rx(src.prot));
    }
    rx_munmap(old, osz);
    gm_remove(old, osz);
    gm_add((uintptr_t)r, nsz, src.prot, src.shared, kind, kind == GM_FILE ? off : 0, src.dev, src.ino,
           kind == GM_FILE ? src.name : NULL);
    return r;
}

long sys_madvise(struct lx_call *c)
{
    uintptr_t addr = c->a[0];
    if (addr & (GM_PAGE - 1)) return -EINVAL;
    size_t len = GM_PAGE_UP(c->a[1]);
    if (len == 0) return 0;
    int advice = abi_madvise_to_rx((int)c->a[2]);
    if (advice < 0) return -EINVAL;
    if (!gm_covered(addr, len)) return -ENOMEM;
    long r = rx_madvise(addr, len, (enum rx_madvise)advice);
    if (r == -EINVAL) lx_record_partial(c->nr, "advice refused by the system");
    if (r == 0 && (advice == RX_MADV_DONTFORK || advice == RX_MADV_DOFORK))
        gm_dontfork(addr, len, advice == RX_MADV_DONTFORK); /* a fork's child forgets those mappings */
    return r;
}

long sys_msync(struct lx_call *c)
{
    if (c->a[0] & (GM_PAGE - 1)) return -EINVAL;
    if (!gm_covered(c->a[0], GM_PAGE_UP(c->a[1]))) return -ENOMEM;
    int fl = (int)c->a[2];
    if ((fl & ~(LINUX_MS_ASYNC | LINUX_MS_INVALIDATE | LINUX_MS_SYNC)) ||
        (fl & (LINUX_MS_ASYNC | LINUX_MS_SYNC)) == (LINUX_MS_ASYNC | LINUX_MS_SYNC))
        return -EINVAL;
    return rx_msync(c->a[0], c->a[1], abi_msync_flags_to_rx(fl));
}

/* The mlock family: Redox has no swap, so every page already stays in memory.
 * The range is checked as Linux checks it (page-rounded, wholly mapped, else
 * ENOMEM) and the flags; nothing is recorded (VmLck stays 0) and RLIMIT_MEMLOCK
 * is not enforced. */
static long lock_range(uint64_t addr, uint64_t len)
{
    uint64_t start = addr & ~(uint64_t)(GM_PAGE - 1), end = addr + len;
    if (end < addr) return -ENOMEM;
    if (!len) return 0;
    return gm_covered(start, GM_PAGE_UP(end) - start) ? 0 : -ENOMEM;
}

long sys_mlock(struct lx_call *c) { return lock_range(c->a[0], c->a[1]); }
long sys_munlock(struct lx_call *c) { return lock_range(c->a[0], c->a[1]); }

long sys_mlock2(struct lx_call *c)
{
    if (c->a[2] & ~(uint64_t)LINUX_MLOCK_ONFAULT) return -EINVAL;
    return lock_range(c->a[0], c->a[1]);
}

long sys_mlockall(struct lx_call *c)
{
    uint64_t f = c->a[0];
    if (!f || (f & ~(uint64_t)(LINUX_MCL_CURRENT | LINUX_MCL_FUTURE | LINUX_MCL_ONFAULT)) || f == LINUX_MCL_ONFAULT)
        return -EINVAL;
    return 0;
}

long sys_munlockall(struct lx_call *c)
{
    (void)c;
    return 0;
}

/* memfd_create: Redox's shm: handle (a memfd on the host).  Huge pages are
 * refused (EINVAL, as a kernel without hugetlbfs); NOEXEC_SEAL allows sealing but
 * adds no exec seal (Redox has none). */
long sys_memfd_create(struct lx_call *c)
{
    uint64_t fl = c->a[1];
    if (fl & ~(uint64_t)(LINUX_MFD_CLOEXEC | LINUX_MFD_ALLOW_SEALING | LINUX_MFD_NOEXEC_SEAL | LINUX_MFD_EXEC))
        return -EINVAL;
    if ((fl & LINUX_MFD_EXEC) && (fl & LINUX_MFD_NOEXEC_SEAL)) return -EINVAL;
    char name[LINUX_MFD_NAME_MAX + 1];
    long r = gm_string_in(name, c->a[0], sizeof name);
    if (r < 0) return r == -ENAMETOOLONG ? -EINVAL : r;
    r = rx_shm_handle(name, (fl & LINUX_MFD_CLOEXEC) != 0, (fl & (LINUX_MFD_ALLOW_SEALING | LINUX_MFD_NOEXEC_SEAL)) != 0);
    return r < 0 ? r : lx_fd_accept(r);
}

long sys_mincore(struct lx_call *c)
{
    uintptr_t addr = c->a[0];
    if (addr & (GM_PAGE - 1)) return -EINVAL;
    size_t pages = GM_PAGE_UP(c->a[1]) / GM_PAGE;
    if (!gm_covered(addr, pages * GM_PAGE)) return -ENOMEM;
    unsigned char *vec = gm_lock_write(c->a[2], pages);
    if (!vec) return -EFAULT;
    memset(vec, 1, pages);
    return 0;
}
