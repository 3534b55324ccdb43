/* plant_cache.c — an image's CPUID detours as an earlier exec of the session
 * planted them, mapped again.
 *
 * Planting at each exec -- each known site checked again and its trampoline made
 * (cpuid_sites.c), its page poked (a handle on /proc/self/mem opened, then a copy
 * of each page) -- took ~37 us of each child of sh's loop of /bin/true on the
 * FSGSBASE Xeon VM of design-notes (ld.so: ~40 detours on three pages), before
 * the guest's first instruction.  Yet the bytes come out the same each time the
 * image lies at the same distance from its trampoline chunk.  So the first exec
 * that plants keeps them in the session's page store (rx_session_pages_put): the
 * chunk's trampolines and the patched pages whole.  A later exec finds them by the
 * image's stamp, its first site and its chunk's distance, checks that its pages
 * are those they were made from (a hash of each page as mapped from the file: a
 * stamp alone misses a file rewritten within a clock tick at the same size), reads
 * the trampolines into its chunk and maps the pages over its own (placed, as
 * rewrite.c's store places a large file's: no page copied, none of its mapping's
 * entries copied by a fork).  Anything else plants as before.
 *
 * One page of the session's shared memory, entries claimed by an atomic
 * exchange and published once written; nothing is removed (a full table or a
 * full store keeps what it has).  TLS-free: the loader may run on the guest's FS. */
#include "plant_cache.h"

#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "trap.h"

#define TLS_FREE __attribute__((no_stack_protector))

enum { FREE, WRITING, READY };

struct planted {
    uint64_t stamp;     /* the image's file, salted as cpuid_sites.c's record of it */
    uint64_t first;     /* the first detour's site, from the image's bias: where its chunk is asked */
    int64_t chunk;      /* the chunk's base, from the bias */
    uint64_t tramp;     /* the trampolines' offset in the session's pages */
    uint32_t tramp_len; /* and their bytes: the chunk's used part */
    uint32_t sites;     /* detours planted */
    uint32_t nruns, state;
    struct { uint64_t page, store; uint32_t npages, unused; } run[LX_PLANT_RUNS]; /* page: from the bias */
    uint64_t hash[LX_PLANT_PAGES]; /* each run's pages as mapped from the file, in order */
};

#define ENTRIES (4096 / sizeof(struct planted))
static struct planted *table RX_EXEC_READ;

void lx_plant_cache_start(void)
{
    long m = rx_session_shared(ENTRIES * sizeof *table);
    table = m < 0 ? 0 : (struct planted *)m;
}

/* FNV-1a over the page's 64-bit words. */
TLS_FREE static uint64_t page_hash(uintptr_t page)
{
    const uint64_t *w = (const uint64_t *)page;
    uint64_t h = 1469598103934665603ULL;
    for (unsigned i = 0; i < GM_PAGE / 8; i++) h = (h ^ w[i]) * 1099511628211ULL;
    return h;
}

TLS_FREE static int readable_page(uintptr_t page) { return gm_check(page, GM_PAGE, LINUX_PROT_READ); }

TLS_FREE static const struct planted *find(uint64_t stamp, uint64_t first, int64_t chunk)
{
    for (unsigned i = 0; table && i < ENTRIES; i++) {
        const struct planted *e = &table[i];
        if (__atomic_load_n(&e->state, __ATOMIC_ACQUIRE) == READY && e->stamp == stamp &&
            (first == UINT64_MAX || (e->first == first && e->chunk == chunk)))
            return e;
    }
    return 0;
}

TLS_FREE static int same_pages(const struct planted *e, uintptr_t bias)
{
    unsigned k = 0;
    for (uint32_t r = 0; r < e->nruns; r++)
        for (uint32_t p = 0; p < e->run[r].npages; p++, k++) {
            uintptr_t page = bias + (uintptr_t)e->run[r].page + p * GM_PAGE;
            if (!readable_page(page) || page_hash(page) != e->hash[k]) return 0;
        }
    return 1;
}

TLS_FREE int lx_plant_cache_apply(uint64_t stamp, uintptr_t bias)
{
    const struct planted *any = find(stamp, UINT64_MAX, 0), *e;
    if (!any) return 0;
    size_t used;
    uintptr_t base = lx_rewrite_chunk_at(bias + (uintptr_t)any->first + 5, &used);
    if (!base || used || !(e = find(stamp, any->first, (int64_t)(base - bias))) || !same_pages(e, bias) ||
        rx_session_pages_read((void *)base, e->tramp_len, e->tramp) != 0)
        return 0;
    lx_rewrite_chunk_filled(base, e->tramp_len);
    /* a run not placed: planted as usual (its sites' bytes are the file's still,
     * the placed ones' are jumps, which no shape matches) */
    for (uint32_t r = 0; r < e->nruns; r++) {
        uintptr_t lo = bias + (uintptr_t)e->run[r].page;
        if (lx_rewrite_place_stored(lo, lo + e->run[r].npages * GM_PAGE, e->run[r].store) != 0) return 0;
    }
    lx_rewrite_stats.sites_cpuid += e->sites;
    return 1;
}

TLS_FREE int lx_plant_cache_before(struct lx_plant_capture *cp, const struct lx_detour *d, int n, uintptr_t bias)
{
    if (!table || n <= 0) return 0;
    *cp = (struct lx_plant_capture){ .bias = bias, .first = d[0].at, .n = n };
    uintptr_t pages[LX_PLANT_PAGES];
    int np = 0;
    for (int i = 0; i < n; i++) {
        cp->slots += lx_rewrite_detour_slot(&d[i]);
        for (uintptr_t p = GM_PAGE_DOWN(d[i].at); p <= GM_PAGE_DOWN(d[i].at + 4); p += GM_PAGE) {
            int j = np;
            while (j > 0 && pages[j - 1] > p) j--;
            if (j > 0 && pages[j - 1] == p) continue;
            if (np == LX_PLANT_PAGES) return 0;
            for (int k = np++; k > j; k--) pages[k] = pages[k - 1];
            pages[j] = p;
        }
    }
    for (int i = 0; i < np; i++) {
        if (!readable_page(pages[i])) return 0;
        cp->hash[i] = page_hash(pages[i]);
        if (i && pages[i] == pages[i - 1] + GM_PAGE) {
            cp->run[cp->nruns - 1].npages++;
            continue;
        }
        if (cp->nruns == LX_PLANT_RUNS) return 0;
        cp->run[cp->nruns++] = (struct lx_plant_run){ pages[i], 1 };
    }
    size_t used;
    cp->chunk = lx_rewrite_chunk_at(d[0].at + 5, &used);
    return cp->chunk && !used;
}

TLS_FREE void lx_plant_cache_keep(const struct lx_plant_capture *cp, uint64_t stamp, int stored)
{
    size_t used;
    /* every detour stored, their trampolines all in the fresh chunk */
    if (stored != cp->n || lx_rewrite_chunk_at(cp->first + 5, &used) != cp->chunk || used != cp->slots ||
        find(stamp, cp->first - cp->bias, (int64_t)(cp->chunk - cp->bias)))
        return;
    struct planted e = { .stamp = stamp, .first = cp->first - cp->bias, .chunk = (int64_t)(cp->chunk - cp->bias),
                         .tramp_len = (uint32_t)used, .sites = (uint32_t)stored, .nruns = (uint32_t)cp->nruns };
    long off = rx_session_pages_put((const void *)cp->chunk, used);
    if (off < 0) return;
    e.tramp = (uint64_t)off;
    unsigned k = 0;
    for (int r = 0; r < cp->nruns; r++) {
        const struct lx_plant_run *run = &cp->run[r];
        if ((off = rx_session_pages_put((const void *)run->page, run->npages * GM_PAGE)) < 0) return;
        e.run[r].page = run->page - cp->bias, e.run[r].store = (uint64_t)off, e.run[r].npages = run->npages;
        for (uint32_t p = 0; p < run->npages; p++, k++) e.hash[k] = cp->hash[k];
    }
    for (unsigned i = 0; i < ENTRIES; i++) {
        uint32_t free_ = FREE;
        if (!__atomic_compare_exchange_n(&table[i].state, &free_, WRITING, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) continue;
        e.state = WRITING;
        table[i] = e;
        __atomic_store_n(&table[i].state, READY, __ATOMIC_RELEASE);
        return;
    }
}
