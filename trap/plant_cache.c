/* plant_cache.c — what an image gets rewritten as it is loaded (its CPUID detours,
 * and in the interpreter the call sites the session's programs trapped at), as an
 * earlier exec of the session planted it, mapped again.
 *
 * Planting at each exec -- each known site checked again and its trampoline made
 * (cpuid_sites.c, rewrite.c's warm_store), its page poked (a handle on
 * /proc/self/mem opened, then a copy of each page) -- took ~37 us of each child of
 * sh's loop of /bin/true on the FSGSBASE Xeon VM of design-notes (ld.so: ~40
 * detours on three pages), before the guest's first instruction; and ld.so's own
 * calls (27 of /bin/true's 29) each took the trap, which planting them in every
 * program would have paid with more page copies.  Yet the bytes come out the same
 * each time the image lies at the same distance from its trampoline chunk.  So
 * the first exec that plants keeps them in the session's page store
 * (rx_session_pages_put): the chunk's trampolines and the patched pages, in at
 * most two runs (each run placed is two mappings more: rewrite.c's
 * PLACED_RUNS_MAX), with the unchanged pages between.  A later exec finds them by
 * the image's stamp, its first site and its chunk's distance, checks that its
 * pages are those they were made from (a hash of each page as mapped from the
 * file: a stamp alone misses a file rewritten within a clock tick at the same
 * size -- unless the copy was made long after the file's last change: settled),
 * reads the trampolines into its chunk and maps the pages over its own
 * (placed, as rewrite.c's store places a large file's: no page copied, none of
 * the mapping's entries copied by a fork).  An interpreter's site learned since
 * makes its copies stale (lx_plant_cache_stale): the next exec plants anew.
 *
 * Two pages of the session's shared memory, entries claimed by an atomic
 * exchange and published once written; a stale one is written anew by a later
 * planting (a reader's copy of it is checked against its generation, as a
 * sequence lock's); a full table or store keeps what it has.
 * TLS-free: the loader may run on the guest's FS. */
#include "plant_cache.h"

#include <stddef.h>
#include <string.h>

#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "learned.h"
#include "site_cache.h"
#include "trap.h"

#define TLS_FREE __attribute__((no_stack_protector))

#define RUNS 2       /* rewrite.c's PLACED_RUNS_MAX */
#define PAGES 16     /* in the runs, the unchanged ones between included, each hashed */
#define PAGES_SETTLED 512 /* the same for a copy settled when made (settled()): no hash needed */
#define CANDIDATES 32 /* pages a planting may change, looked at before and after */
#define STATS (sizeof(struct lx_rewrite_stats) / sizeof(unsigned long))
#define DETOURED 0x444554u /* mixed into the stamp of a copy with CPUID detours */

enum { FREE, WRITING, READY, STALE };

struct planted {
    uint32_t state;     /* FREE, WRITING, READY or STALE */
    uint32_t gen;       /* moved each time the entry is written (a stale one is written anew) */
    uint64_t stamp;     /* the image's file (lx_site_cache_stamp) */
    uint64_t first;     /* the site the chunk was asked near, from the image's bias */
    int64_t chunk;      /* the chunk's base, from the bias */
    int64_t made_sec;   /* when the copy was made (CLOCK_REALTIME): settled() */
    uint64_t tramp;     /* the trampolines' offset in the session's pages */
    uint32_t tramp_len; /* and their bytes: the chunk's used part */
    uint32_t nruns;
    uint32_t hashed;    /* hash[] holds every run page's (else only a settled copy maps) */
    uint32_t sites;     /* a library's copy: its record's sites when made (lx_plant_cache_text) */
    uint16_t stats[STATS]; /* what the planting added to lx_rewrite_stats */
    struct { uint64_t page, store; uint32_t npages; } run[RUNS]; /* page: from the bias */
    union {
        uint64_t hash[PAGES];      /* each run's pages as mapped from the file, in order */
        uint64_t site_bits[PAGES]; /* a library's copy (never hashed: settled): its sites' bits (site_bit) */
    };
    uint64_t check;       /* of the fields from stamp on (a session mapping an earlier one's
                             file: trap/learned.c drops a file a crash tore) */
};
#define HEAD offsetof(struct planted, stamp) /* state and gen: what a writer changes apart */
_Static_assert(offsetof(struct planted, check) + sizeof(uint64_t) == sizeof(struct planted), "check: the last field");

/* Before the entries, on the page every exec's planting reads first, a bit per
 * program that learned sites (program_word): a program whose bit is clear has no
 * record in site_cache.c, whose pages a short program then never reads (a fault
 * each in every child of a shell's fork+exec loop). */
#define PROGRAM_WORDS 32
#define ENTRIES ((2 * 4096 - PROGRAM_WORDS * 8) / sizeof(struct planted))
static struct planted *table RX_EXEC_READ; /* after the bits */

TLS_FREE static uint64_t entry_check(const struct planted *e)
{
    return lx_bytes_hash((const char *)e + HEAD, offsetof(struct planted, check) - HEAD) | 1;
}

void lx_plant_cache_start(void)
{
    long m = rx_session_kept(PROGRAM_WORDS * 8 + ENTRIES * sizeof *table); /* shared with other sessions: trap/learned.c */
    table = m < 0 ? 0 : (struct planted *)(m + PROGRAM_WORDS * 8);
    for (unsigned i = 0; table && lx_learned_earlier() && i < ENTRIES; i++)
        if (table[i].state == READY && table[i].check != entry_check(&table[i])) {
            lx_learned_corrupt(); /* the kept part is the memfd's, empty, from here on */
            break;
        }
}

/* The word of the bits before the entries that holds program's, and in *bit the
 * bit: 0 without a table. */
TLS_FREE static uint64_t *program_word(uint64_t program, uint64_t *bit)
{
    uint32_t b = (uint32_t)((program * 0xff51afd7ed558ccdULL) >> 53) % (PROGRAM_WORDS * 64);
    *bit = 1ull << (b % 64);
    return table ? (uint64_t *)table - PROGRAM_WORDS + b / 64 : 0;
}

TLS_FREE void lx_plant_cache_program_learned(uint64_t program)
{
    uint64_t bit, *w = program_word(program, &bit);
    if (w && !(__atomic_load_n(w, __ATOMIC_RELAXED) & bit)) __atomic_fetch_or(w, bit, __ATOMIC_RELAXED);
}

TLS_FREE int lx_plant_cache_program_known(uint64_t program)
{
    uint64_t bit, *w = program_word(program, &bit);
    return w && (__atomic_load_n(w, __ATOMIC_RELAXED) & bit);
}

/* Of the page's 64-bit words, four multiply chains side by side (one chain's
 * multiplies wait on each other: 7 pages took 2.1 us to hash with two, 1.25 with
 * four, in a probe on the FSGSBASE Xeon VM). */
TLS_FREE static uint64_t page_hash(uintptr_t page)
{
    const uint64_t *w = (const uint64_t *)page, m = 0xff51afd7ed558ccdULL;
    uint64_t a = 1469598103934665603ULL, b = 0x9e3779b97f4a7c15ULL, c = 0xc2b2ae3d27d4eb4fULL, d = 0x165667b19e3779f9ULL;
    for (unsigned i = 0; i < GM_PAGE / 8; i += 4)
        a = (a ^ w[i]) * m, b = (b ^ w[i + 1]) * m, c = (c ^ w[i + 2]) * m, d = (d ^ w[i + 3]) * m;
    uint64_t r = 0;
    r = (r ^ a ^ (a >> 29)) * 1099511628211ULL, r = (r ^ b ^ (b >> 29)) * 1099511628211ULL;
    r = (r ^ c ^ (c >> 29)) * 1099511628211ULL, r = (r ^ d ^ (d >> 29)) * 1099511628211ULL;
    return r;
}


TLS_FREE static int readable_page(uintptr_t page) { return gm_check(page, GM_PAGE, LINUX_PROT_READ); }

/* Entry i copied into *out when it is a ready one of stamp: 1; 0 when not; -1 at
 * the first free entry.  Entries are claimed in order and only a stale one is
 * written again: the first free one ends a search (a process that finds nothing
 * reads one page), and a copy taken while its entry was written anew (its state
 * or generation moved) is not used. */
TLS_FREE static int entry_read(unsigned i, uint64_t stamp, struct planted *out)
{
    const struct planted *e = &table[i];
    uint32_t state = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
    if (state == FREE) return -1;
    if (state != READY || __atomic_load_n(&e->stamp, __ATOMIC_RELAXED) != stamp) return 0;
    uint32_t gen = __atomic_load_n(&e->gen, __ATOMIC_ACQUIRE);
    memcpy(out, e, sizeof *out);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&e->state, __ATOMIC_RELAXED) == READY && __atomic_load_n(&e->gen, __ATOMIC_RELAXED) == gen &&
           out->stamp == stamp;
}

/* A ready entry of stamp (any, with first UINT64_MAX) copied into *out: 1, or 0. */
TLS_FREE static int find(uint64_t stamp, uint64_t first, int64_t chunk, struct planted *out)
{
    for (unsigned i = 0; table && i < ENTRIES; i++) {
        int r = entry_read(i, stamp, out);
        if (r < 0) break;
        if (r && (first == UINT64_MAX || (out->first == first && out->chunk == chunk))) return 1;
    }
    return 0;
}

TLS_FREE void lx_plant_cache_stale(uint64_t stamp)
{
    for (unsigned i = 0; table && i < ENTRIES && __atomic_load_n(&table[i].state, __ATOMIC_ACQUIRE) != FREE; i++) {
        uint32_t ready = READY;
        if (table[i].stamp == stamp || table[i].stamp == (stamp ^ DETOURED))
            __atomic_compare_exchange_n(&table[i].state, &ready, STALE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    }
}

/* A copy made SETTLED_SEC or more after its file's last change needs no check of
 * the file's pages: the stamp holds the change time, and any write after the copy
 * was made moves it past the old one by at least that much, beyond any file
 * system's timestamp granularity (2 s at worst) and a sane clock skew between an
 * NFS server and its client.  Only a file changed twice within one tick of its
 * clock, with the copy made between, had the same stamp and other bytes -- a
 * script's cp, run, cp of a binary.  ld.so's, the common case, dates from its
 * package: each exec hashed its ~10 pages all the same (two faults of its
 * original text, and page_hash lxrun's busiest function in sh's loop: ~0.7-1.3%
 * of the loop's CPU). */
#define SETTLED_SEC 60
TLS_FREE static int settled_at(int64_t sec, int64_t ctime_ns) { return sec - ctime_ns / 1000000000 >= SETTLED_SEC; }
TLS_FREE static int settled(const struct planted *e, int64_t ctime_ns) { return settled_at(e->made_sec, ctime_ns); }

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

TLS_FREE static void stats_add(const struct planted *e)
{
    unsigned long *st = (unsigned long *)&lx_rewrite_stats;
    for (unsigned i = 0; i < STATS; i++) st[i] += e->stats[i];
}

/* 1: planted from the session's copy, all of it; 0: not (or not all: planted as
 * usual then, where the sites already planted no longer match any shape). */
TLS_FREE static int apply(uint64_t stamp, uintptr_t bias, int64_t ctime_ns)
{
    struct planted copy, *e = &copy;
    if (!find(stamp, UINT64_MAX, 0, e)) return 0;
    size_t used;
    uintptr_t base = lx_rewrite_chunk_at(bias + (uintptr_t)e->first + 5, &used);
    if (!base || used || !find(stamp, e->first, (int64_t)(base - bias), e) ||
        (!settled(e, ctime_ns) && (!e->hashed || !same_pages(e, bias))) ||
        rx_session_pages_read((void *)base, e->tramp_len, e->tramp) != 0)
        return 0;
    lx_rewrite_chunk_filled(base, e->tramp_len);
    for (uint32_t r = 0; r < e->nruns; r++) {
        uintptr_t lo = bias + (uintptr_t)e->run[r].page;
        if (lx_rewrite_place_stored(lo, lo + e->run[r].npages * GM_PAGE, e->run[r].store) != 0) return 0;
    }
    stats_add(e);
    return 1;
}

/* ---- keeping a planting ---- */
struct capture {
    uintptr_t bias, first, chunk;
    int64_t ctime_ns;     /* the image's file's change time: settled() */
    uint64_t sites;       /* the image's own site record (the interpreter's, or a static program's), or 0 */
    uint32_t sites_known; /* how many of its sites the planting planted from */
    int npages;
    uintptr_t page[CANDIDATES]; /* sorted */
    uint64_t hash[CANDIDATES];  /* as mapped from the file */
    struct lx_rewrite_stats before;
};

TLS_FREE static int candidate(struct capture *cp, uintptr_t lo, uintptr_t hi)
{
    for (uintptr_t p = GM_PAGE_DOWN(lo); p < hi; p += GM_PAGE) {
        int j = cp->npages;
        while (j > 0 && cp->page[j - 1] > p) j--;
        if ((j > 0 && cp->page[j - 1] == p) || !readable_page(p)) continue; /* unreadable: no site there */
        if (cp->npages == CANDIDATES) return 0;
        for (int k = cp->npages++; k > j; k--) cp->page[k] = cp->page[k - 1], cp->hash[k] = cp->hash[k - 1];
        cp->page[j] = p, cp->hash[j] = page_hash(p);
    }
    return 1;
}

/* The changed pages in at most RUNS runs (two: split at the widest gap), their
 * pages' original hashes in order (up to PAGES; a copy settled when made may
 * have PAGES_SETTLED pages, unhashed beyond PAGES: e->hashed): pages in all, or 0
 * (too many, or a page between that cannot be read). */
_Static_assert(RUNS == 2, "runs_of makes one split");
TLS_FREE static int runs_of(const struct capture *cp, const int *changed, struct planted *e)
{
    int idx[CANDIDATES], n = 0;
    for (int i = 0; i < cp->npages; i++)
        if (changed[i]) idx[n++] = i;
    if (!n) return 0;
    int cut = -1; /* the one split (RUNS 2): after idx[cut], at the widest gap */
    uintptr_t widest = GM_PAGE;
    for (int i = 0; i + 1 < n; i++)
        if (cp->page[idx[i + 1]] - cp->page[idx[i]] > widest) widest = cp->page[idx[i + 1]] - cp->page[idx[i]], cut = i;
    int total = 0;
    e->nruns = 0;
    for (int from = 0; from < n; from = cut + 1) {
        int to = cut >= from ? cut : n - 1;
        uintptr_t lo = cp->page[idx[from]], hi = cp->page[idx[to]] + GM_PAGE;
        uint32_t np = (uint32_t)((hi - lo) / GM_PAGE);
        if (total + (int)np > (settled(e, cp->ctime_ns) ? PAGES_SETTLED : PAGES)) return 0;
        for (uintptr_t p = lo; p < hi; p += GM_PAGE, total++) {
            int k = 0;
            while (k < cp->npages && cp->page[k] != p) k++;
            /* a page between the changed ones: unchanged, its hash now is the file's */
            if (k == cp->npages && !readable_page(p)) return 0;
            if (total < PAGES) e->hash[total] = k < cp->npages ? cp->hash[k] : page_hash(p);
        }
        e->run[e->nruns].page = lo - cp->bias, e->run[e->nruns].npages = np;
        e->nruns++;
        if (to == n - 1) break;
    }
    e->hashed = total <= PAGES;
    return total;
}

/* The pages runs_of's two runs would span were every candidate page changed: at
 * least as many as for the pages that do change (a subset: no wider a range, no
 * narrower a widest gap). */
TLS_FREE static uint32_t runs_span(const struct capture *cp)
{
    if (!cp->npages) return 0;
    uintptr_t widest = GM_PAGE;
    for (int i = 0; i + 1 < cp->npages; i++)
        if (cp->page[i + 1] - cp->page[i] > widest) widest = cp->page[i + 1] - cp->page[i];
    return (uint32_t)((cp->page[cp->npages - 1] - cp->page[0] + GM_PAGE - (widest - GM_PAGE)) / GM_PAGE);
}

/* e (its pages stored and synced) in a slot of the table, ready: a stale slot
 * first (its pages stay in the store: a reader may still map them), else the
 * first free one.  The slot, or 0 (none: the next session starts a table afresh). */
TLS_FREE static struct planted *publish(struct planted *e)
{
    e->check = entry_check(e);
    for (int pass = 0; pass < 2; pass++)
        for (unsigned i = 0; i < ENTRIES; i++) {
            uint32_t was = pass ? FREE : STALE;
            if (!__atomic_compare_exchange_n(&table[i].state, &was, WRITING, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
                continue;
            __atomic_fetch_add(&table[i].gen, 1, __ATOMIC_ACQ_REL);
            __atomic_thread_fence(__ATOMIC_RELEASE);
            memcpy((char *)&table[i] + HEAD, (const char *)e + HEAD, sizeof *e - HEAD);
            __atomic_store_n(&table[i].state, READY, __ATOMIC_RELEASE);
            return &table[i];
        }
    rx_learned_full();
    return 0;
}

/* What the planting added to lx_rewrite_stats since before, into e: 0, or -1 (too much to keep). */
TLS_FREE static int stats_since(const struct lx_rewrite_stats *before, struct planted *e)
{
    const unsigned long *now = (const unsigned long *)&lx_rewrite_stats, *was = (const unsigned long *)before;
    for (unsigned i = 0; i < STATS; i++) {
        if (now[i] - was[i] > UINT16_MAX) return -1;
        e->stats[i] = (uint16_t)(now[i] - was[i]);
    }
    return 0;
}

TLS_FREE static void keep(const struct capture *cp, uint64_t stamp)
{
    size_t used;
    static struct planted e, had; /* under the text lock: off the stack a forked child copies */
    /* every trampoline in the one chunk, made fresh for this image */
    if (lx_rewrite_nchunks() != 1 || lx_rewrite_chunk_at(cp->first + 5, &used) != cp->chunk || !used ||
        find(stamp, cp->first - cp->bias, (int64_t)(cp->chunk - cp->bias), &had))
        return;
    int changed[CANDIDATES];
    for (int i = 0; i < cp->npages; i++) changed[i] = page_hash(cp->page[i]) != cp->hash[i];
    e = (struct planted){ .stamp = stamp, .first = cp->first - cp->bias, .chunk = (int64_t)(cp->chunk - cp->bias),
                          .made_sec = rx_realtime_sec(),
                          .tramp_len = (uint32_t)used };
    if (!runs_of(cp, changed, &e) || stats_since(&cp->before, &e) != 0) return;
    long off = rx_session_pages_put((const void *)cp->chunk, used);
    if (off < 0) return;
    e.tramp = (uint64_t)off;
    for (uint32_t r = 0; r < e.nruns; r++) {
        if ((off = rx_session_pages_put((const void *)(cp->bias + e.run[r].page), e.run[r].npages * GM_PAGE)) < 0) return;
        e.run[r].store = (uint64_t)off;
    }
    /* on the disk before the entry that names them can be: after a crash a ready
     * entry never points at pages that were still in memory (a hole: zeroes) */
    if (rx_session_pages_sync() < 0) return;
    struct planted *slot = publish(&e);
    /* a site learned (lx_plant_cache_stale) between this planting's look at
     * the record and now would be missing from the copy for good: the next
     * exec plants anew (sessions running at once made copies without
     * ld.so's sites, kept in the learned file for every later one) */
    uint32_t ready = READY;
    if (slot && cp->sites && lx_site_cache_count(cp->sites) > cp->sites_known)
        __atomic_compare_exchange_n(&slot->state, &ready, STALE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

/* An image's PT_LOAD segments with PF_X, one at a time: 0 at the end. */
TLS_FREE static int next_text(uintptr_t phdr, size_t phnum, size_t *i, uint64_t *off, uint64_t *vaddr, uint64_t *filesz)
{
    for (; *i < phnum; (*i)++) {
        const uint8_t *ph = (const uint8_t *)(phdr + *i * 56);
        uint32_t type, flags;
        memcpy(&type, ph, 4), memcpy(&flags, ph + 4, 4);
        if (type != 1 /* PT_LOAD */ || !(flags & 1 /* PF_X */)) continue;
        memcpy(off, ph + 8, 8), memcpy(vaddr, ph + 16, 8), memcpy(filesz, ph + 32, 8);
        (*i)++;
        return 1;
    }
    return 0;
}

TLS_FREE void lx_trap_image_plant(uintptr_t bias, uintptr_t phdr, size_t phnum, uintptr_t eh_frame, size_t eh_frame_len,
                                  const struct lx_file_id *id, int interp)
{
    if (lx_trap_mode_current() != LX_TRAP_REWRITE || phnum > 64 || !gm_check(phdr, phnum * 56, LINUX_PROT_READ)) return;
    uint64_t stamp = lx_site_cache_stamp(id->dev, id->ino, id->size, id->ctime_ns);
    /* a copy with the CPUID detours is kept apart from one without (a session's
     * first program plants none, as does --cpuid=native) */
    uint64_t copy = lx_cpuid_detouring() ? stamp ^ DETOURED : stamp;
    gm_text_lock();
    if (apply(copy, bias, id->ctime_ns)) {
        gm_text_unlock();
        return;
    }
    struct lx_detour *d;
    int nd = lx_cpuid_detours(bias, phdr, phnum, eh_frame, eh_frame_len, stamp, &d);
    /* The image's own known sites, segment by segment (ld.so has one): the
     * interpreter's, and a program's without one (busybox true's 16 traps at 14
     * sites over 111 pages of its static text, in every exec) where its file has
     * settled (the copy then needs no hash of those pages: settled()). */
    struct { uintptr_t start; uint64_t off; int n; } seg = { 0, 0, 0 };
    struct lx_known_site *w = 0;
    size_t i = 0;
    uint64_t off, vaddr, filesz;
    int own = interp || settled_at(rx_realtime_sec(), id->ctime_ns);
    while (own && !seg.n && next_text(phdr, phnum, &i, &off, &vaddr, &filesz))
        seg.start = bias + vaddr, seg.off = off,
        seg.n = lx_rewrite_known_of(lx_rewrite_interp_stamp(stamp), off, filesz, &w);
    /* at the image's load: the process's only thread, none of its code run yet */
    static struct capture cp, detours_only; /* under the text lock: off the stack a forked child copies */
    cp = (struct capture){ .bias = bias, .ctime_ns = id->ctime_ns, .before = lx_rewrite_stats,
                           .sites = own ? lx_rewrite_interp_stamp(stamp) : 0, .sites_known = (uint32_t)seg.n };
    cp.first = nd ? d[0].at : seg.n ? seg.start + (uintptr_t)(w[0].off - seg.off) : 0;
    int keeping = cp.first && lx_rewrite_nchunks() <= 1; /* none, or the one apply made near the same site */
    for (int k = 0; keeping && k < nd; k++) keeping = candidate(&cp, d[k].at, d[k].at + 5);
    int keeping_detours = keeping;
    detours_only = cp;
    for (int k = 0; keeping && k < seg.n; k++) {
        uintptr_t site = seg.start + (uintptr_t)(w[k].off - seg.off);
        keeping = candidate(&cp, site - 32, site + 2 + 128); /* a mov before, padding after */
    }
    /* A program's sites that cannot be kept are left to their traps: planted by
     * page copies in every exec they would cost more than the traps (~15 us a
     * copied page on a paravirtualised VM, ~2 us a trap).  Its copy of the
     * detours then stands for none of its sites (cp.sites 0: not made stale by
     * them at once). */
    if (!interp && seg.n && (!keeping || runs_span(&cp) > PAGES_SETTLED)) {
        cp = detours_only, seg.n = 0;
        cp.sites = 0, cp.sites_known = 0;
        cp.first = nd ? d[0].at : 0;
        keeping = keeping_detours && cp.first;
    }
    size_t used = 0;
    if (keeping) cp.chunk = lx_rewrite_chunk_at(cp.first + 5, &used);
    keeping = keeping && cp.chunk && !used;
    lx_rewrite_detours(d, nd);
    lx_rewrite_plant_known(seg.n, seg.start, seg.off);
    if (keeping) keep(&cp, copy);
    gm_text_unlock();
}

/* ---- a library's text, with every program's sites ----
 * A program run again traps at the sites of libc it trapped at before: python3
 * -c pass ~59 times, git status ~108, each ~3.5 us, and rewrites them at ~11 us
 * a page poked -- ld.so's planted copy (above) spared it its own only.  Planting
 * a program's known sites as libc is mapped cost it the copies of pages whose
 * sites ran once (rewrite.c's text_mapped).  So a library gets one copy of its
 * whole text in the session's store, with every site any program of the session
 * learned in it (its own record, lx_rewrite_library_stamp) rewritten and their
 * trampolines in a chunk of the copy's own at a fixed distance below the
 * library: a program that learned sites there before maps that copy over its
 * text (one mapping, as the file's: no page copied, none present until run;
 * the chunk read in).  A program the copy lacks several sites of (MISSING_MAKE,
 * counted from the copy's bitmap of sites) makes a new one, if the record has
 * more than the copy.  Only a settled file's: the copy is not checked against
 * the file's pages (settled()). */
#define TEXT_MAX (8UL << 20)
#define MISSING_MAKE 4

TLS_FREE static uint32_t site_bit(uint64_t off) { return (uint32_t)((off * 0x9e3779b97f4a7c15ull) >> 54); }
_Static_assert(PAGES * 64 == 1024, "site_bit's ten bits");

/* The ready copy of library stamp's text at off, npages long, with most sites, into *out: 1, or 0. */
TLS_FREE static int find_text(uint64_t stamp, uint64_t off, uint32_t npages, struct planted *out)
{
    static struct planted e; /* under the text lock: off the stack */
    int got = 0;
    for (unsigned i = 0; table && i < ENTRIES; i++) {
        int r = entry_read(i, stamp, &e);
        if (r < 0) break;
        if (!r || e.nruns != 1 || e.run[0].page != off || e.run[0].npages != npages) continue;
        if (!got || e.sites > out->sites) memcpy(out, &e, sizeof e), got = 1;
    }
    return got;
}

/* How many of the program's known sites in [off, off+len) copy e lacks (at
 * least: two sites may share a bit). */
TLS_FREE static int text_missing(const struct planted *e, uint64_t program, uint64_t off, size_t len)
{
    struct lx_known_site *w;
    int n = lx_rewrite_known_of(program, off, len, &w), missing = 0;
    for (int i = 0; i < n; i++) {
        uint32_t b = site_bit(w[i].off);
        missing += !(e->site_bits[b / 64] >> (b % 64) & 1);
    }
    return missing;
}

TLS_FREE static int text_map(const struct planted *e, uintptr_t start, size_t len)
{
    uintptr_t chunk = start + (uintptr_t)e->chunk;
    if (!lx_rewrite_chunk_new_at(chunk)) return 0; /* the place is taken in this process */
    if (rx_session_pages_read((void *)chunk, e->tramp_len, e->tramp) != 0 ||
        lx_rewrite_place_whole(start, len, e->run[0].store) != 0) {
        lx_rewrite_chunk_drop(chunk);
        return 0;
    }
    lx_rewrite_chunk_filled(chunk, e->tramp_len);
    stats_add(e);
    return 1;
}

/* Older copies of e's text, with fewer sites, given up (their slots taken by
 * later copies; their pages stay: a process may map them). */
TLS_FREE static void text_older_stale(const struct planted *e)
{
    for (unsigned i = 0; i < ENTRIES && __atomic_load_n(&table[i].state, __ATOMIC_ACQUIRE) != FREE; i++) {
        struct planted *t = &table[i];
        uint32_t ready = READY;
        if (t->stamp == e->stamp && t->nruns == 1 && t->run[0].page == e->run[0].page &&
            t->run[0].npages == e->run[0].npages && t->sites < e->sites)
            __atomic_compare_exchange_n(&t->state, &ready, STALE, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
    }
}

/* A new copy of the text at start, with every site of the library's record,
 * made and mapped: 1, or 0 (the text left as it was). */
TLS_FREE static int text_make(uint64_t library, uintptr_t start, size_t len, uint64_t off)
{
    uintptr_t bias = start - off; /* file offset 0's place: the image's start, as ld.so maps one */
    struct lx_known_site *w;
    uint32_t sites = lx_site_cache_count(library);
    int n = lx_rewrite_known_of(library, off, len, &w);
    if (!n || bias < LX_REWRITE_CHUNK + (1UL << 20)) return 0;
    uintptr_t chunk = GM_PAGE_DOWN(bias) - LX_REWRITE_CHUNK; /* below: where the next library would go */
    if (!lx_rewrite_chunk_new_at(chunk)) return 0;
    static struct planted e; /* under the text lock: off the stack */
    e = (struct planted){ .stamp = library, .first = off, .chunk = (int64_t)(chunk - start), .made_sec = rx_realtime_sec(),
                          .nruns = 1, .sites = sites };
    for (int i = 0; i < n; i++) e.site_bits[site_bit(w[i].off) / 64] |= 1ull << (site_bit(w[i].off) % 64);
    struct lx_rewrite_stats before = lx_rewrite_stats;
    size_t used = 0;
    long text = -1, tramp = -1;
    /* planned first: nothing is stored for a library none of whose sites can be
     * rewritten (each run would have stored its text again) */
    if (lx_rewrite_plan_copy(w, n, start, off, chunk, &used) > 0 &&
        (text = rx_session_pages_put((const void *)start, len)) >= 0 &&
        lx_rewrite_write_copy(start, (uint64_t)text) == 0 && stats_since(&before, &e) == 0)
        tramp = rx_session_pages_put((const void *)chunk, used);
    if (tramp < 0 || rx_session_pages_sync() < 0 || lx_rewrite_place_whole(start, len, (uint64_t)text) != 0) {
        lx_rewrite_stats = before;
        lx_rewrite_chunk_drop(chunk); /* no site jumps to it */
        return 0;
    }
    e.tramp = (uint64_t)tramp, e.tramp_len = (uint32_t)used;
    e.run[0].page = off, e.run[0].store = (uint64_t)text, e.run[0].npages = (uint32_t)(len / GM_PAGE);
    if (publish(&e)) text_older_stale(&e);
    return 1;
}

TLS_FREE int lx_plant_cache_text(uintptr_t start, size_t len, uint64_t off, const struct lx_file_id *id, uint64_t program)
{
    if (!table || len > TEXT_MAX || lx_trap_mode_current() != LX_TRAP_REWRITE ||
        !settled_at(rx_realtime_sec(), id->ctime_ns))
        return 0;
    uint64_t library = lx_rewrite_library_stamp(lx_site_cache_stamp(id->dev, id->ino, id->size, id->ctime_ns));
    static struct planted e; /* under the text lock: off the stack */
    if (find_text(library, off, (uint32_t)(len / GM_PAGE), &e) &&
        (text_missing(&e, program, off, len) < MISSING_MAKE || lx_site_cache_count(library) <= e.sites))
        return text_map(&e, start, len);
    return text_make(library, start, len, off);
}
