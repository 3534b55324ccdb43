/* site_cache.c — the call sites earlier processes of the session trapped at:
 * memory shared by every lxrun forked from the one that made it.
 *
 * A short program's calls all go through the trap (true makes ~30, ld.so ~20 of
 * them), as rewriting a site pays only from its second call (rewrite.c).  But the
 * next process running the same program traps at the same sites.  Each first trap
 * at a site in a file's text is recorded here, by a stamp of the file (device,
 * inode, size and change time -- which every write moves and no call sets: the
 * same bytes) mixed with the program's (rewrite.c): its file offset, its call, and
 * a sum of the code before it on its page, which must match again.  A
 * later mapping of that file in that program has those sites rewritten as it is
 * mapped, before any of them runs.  A site proven a real `syscall` by a trap in
 * one process is one in every mapping of the same bytes, and its shape is checked
 * again as at a trap.
 *
 * One record per stamp, its sites appended without a lock (a slot reserved by an
 * atomic add, then marked ready); a record is found from its stamp by probing.
 * Nothing is removed: a full table or record keeps what it has.  TLS-free
 * (learning happens in a trap, lookups in sys_mmap, both on the guest's FS). */
#include "site_cache.h"

#include "../redox/rx.h"

#define FILES 128
#define SITES 340
#define PROBES 8

struct known_site {
    uint32_t off;   /* file offset of the syscall instruction */
    uint32_t sum;   /* of the code before it (rewrite.c): the same bytes around it */
    uint16_t nr;    /* the call it trapped with */
    uint16_t ready; /* written: the rest is valid */
};

struct known_file {
    uint64_t stamp; /* 0: free */
    uint32_t n;     /* slots taken (may pass SITES: the rest were dropped) */
    uint32_t unused;
    struct known_site site[SITES];
};

_Static_assert(sizeof(struct known_file) <= 4096, "a record a page");

static struct known_file *files RX_EXEC_READ;

void lx_site_cache_start(void)
{
    long m = rx_session_kept(FILES * sizeof *files); /* shared with other sessions: trap/learned.c */
    files = m < 0 ? 0 : (struct known_file *)m;
}

__attribute__((no_stack_protector)) uint64_t lx_site_cache_stamp(uint64_t dev, uint64_t ino, int64_t size, int64_t ctime_ns)
{
    uint64_t v[] = { dev, ino, (uint64_t)size, (uint64_t)ctime_ns }, h = 1469598103934665603ULL;
    for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++) h = (h ^ v[i]) * 1099511628211ULL;
    return h | 1;
}

__attribute__((no_stack_protector)) static struct known_file *record(uint64_t stamp, int claim)
{
    if (!files) return 0;
    for (unsigned i = 0; i < PROBES; i++) {
        struct known_file *f = &files[(stamp + i) % FILES];
        uint64_t s = __atomic_load_n(&f->stamp, __ATOMIC_ACQUIRE);
        if (s == stamp) return f;
        if (s) continue;
        if (!claim) return 0;
        uint64_t none = 0;
        if (__atomic_compare_exchange_n(&f->stamp, &none, stamp, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE) ||
            none == stamp)
            return f;
    }
    if (claim) rx_learned_full(); /* no slot: the next session starts a table afresh */
    return 0;
}

__attribute__((no_stack_protector)) int lx_site_cache_learn(uint64_t stamp, uint64_t off, long nr, uint32_t sum)
{
    struct known_file *f;
    if (off > UINT32_MAX || nr < 0 || nr > UINT16_MAX || !(f = record(stamp, 1))) return 0;
    uint32_t n = __atomic_load_n(&f->n, __ATOMIC_ACQUIRE);
    for (uint32_t k = 0; k < n && k < SITES; k++)
        if (__atomic_load_n(&f->site[k].ready, __ATOMIC_ACQUIRE) && f->site[k].off == off) return 0;
    uint32_t k = __atomic_fetch_add(&f->n, 1, __ATOMIC_ACQ_REL);
    if (k >= SITES) return 0;
    f->site[k].off = (uint32_t)off;
    f->site[k].sum = sum;
    f->site[k].nr = (uint16_t)nr;
    __atomic_store_n(&f->site[k].ready, 1, __ATOMIC_RELEASE);
    return 1;
}

__attribute__((no_stack_protector)) int lx_site_cache_sites(uint64_t stamp, uint64_t lo, uint64_t hi,
                                                           struct lx_known_site *out, int max)
{
    struct known_file *f = record(stamp, 0);
    if (!f) return 0;
    int n = (int)__atomic_load_n(&f->n, __ATOMIC_ACQUIRE), found = 0;
    for (int k = 0; k < n && k < SITES && found < max; k++) {
        if (!__atomic_load_n(&f->site[k].ready, __ATOMIC_ACQUIRE)) continue;
        if (f->site[k].off < lo || f->site[k].off >= hi) continue;
        out[found].off = f->site[k].off;
        out[found].sum = f->site[k].sum;
        out[found++].nr = f->site[k].nr;
    }
    return found;
}

__attribute__((no_stack_protector)) int lx_site_cache_has(uint64_t stamp) { return record(stamp, 0) != 0; }

/* Slots taken, at most SITES: a full record's count moves no more (each site
 * dropped still takes a number), or its copies would look stale for good
 * (plant_cache.c: made again at each exec). */
__attribute__((no_stack_protector)) uint32_t lx_site_cache_count(uint64_t stamp)
{
    const struct known_file *f = record(stamp, 0);
    uint32_t n = f ? __atomic_load_n(&f->n, __ATOMIC_ACQUIRE) : 0;
    return n < SITES ? n : SITES;
}

__attribute__((no_stack_protector)) void lx_site_cache_claim(uint64_t stamp) { (void)record(stamp, 1); }
