/* vma.c — sorted array of guest mappings; binary search, split on partial change. */
#include "vma.h"

#include "../abi/linux_mman.h"
#include "../redox/rx.h"
#include "../trap/fs_call.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static struct gm_vma *vmas RX_FORK_HOT;
static size_t nvma RX_FORK_HOT, cap RX_FORK_HOT;
/* The array's capacity as the lock-free reader sees it: published with the array. */
struct vma_array { size_t cap; struct gm_vma v[]; };
static struct vma_array *published RX_FORK_HOT;
static uint32_t lock_word RX_FORK_HOT;
/* A sequence count: odd while a change is under way (under the lock), bumped to
 * even after it.  Checks read the table without the lock and without TLS -- the
 * fast path runs them on the guest's FS -- and retry when the count moved.  A
 * check that finds a change under way spins a little, then sleeps on the count's
 * low half until the change ends (change_waiters asks changed() for the wake):
 * spinning on, it held its CPU from a writer the system had preempted (git
 * status, whose index-preload threads lstat while others map: up to 32768 spins
 * in a run, 8% of its samples). */
static uint64_t generation RX_FORK_HOT;
static uint32_t change_waiters RX_FORK_HOT;
#define CHANGE_SPINS 64

/* 0 free, 1 held, 2 held with sleepers: for locks held across system calls, whose
 * waiters sleep.  TLS-free. */
static int futex_trylock(uint32_t *word)
{
    uint32_t c = 0;
    return __atomic_compare_exchange_n(word, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}
static void futex_lock(uint32_t *word)
{
    for (int spin = 0; spin < 64; spin++) {
        if (futex_trylock(word)) return;
        __builtin_ia32_pause();
    }
    while (__atomic_exchange_n(word, 2, __ATOMIC_ACQUIRE) != 0) rx_futex_wait(word, 2, NULL, -1, 0);
}
static void futex_unlock(uint32_t *word)
{
    if (__atomic_exchange_n(word, 0, __ATOMIC_RELEASE) == 2) rx_futex_wake(word, 1, 0);
}
/* The writers' lock: they sleep too, as a preempted holder may be long. */
static void lock(void) { futex_lock(&lock_word); }
static void unlock(void) { futex_unlock(&lock_word); }
/* The count's low 32 bits, the futex word (x86-64 is little-endian) */
static uint32_t *generation_low(void) { return (uint32_t *)(void *)&generation; }
static void begin_change(void)
{
    __atomic_store_n(&generation, generation + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE);
}
static void changed(void)
{
    __atomic_store_n(&generation, generation + 1, __ATOMIC_SEQ_CST);
    /* after the count's store: a sleeper's store of the flag comes after this
     * load, or its wait finds the count moved */
    if (__atomic_load_n(&change_waiters, __ATOMIC_SEQ_CST) && __atomic_exchange_n(&change_waiters, 0, __ATOMIC_SEQ_CST))
        rx_futex_wake(generation_low(), INT32_MAX, 0);
}
/* A check's wait for the change under way (count g, odd) to end. */
__attribute__((noinline, no_stack_protector)) static void wait_for_change(uint64_t g)
{
    __atomic_store_n(&change_waiters, 1, __ATOMIC_SEQ_CST);
    rx_futex_wait(generation_low(), (uint32_t)g, NULL, -1, 0); /* at once when the count moved */
}

/* Index of the first vma with end > addr. */
static size_t lower(uintptr_t addr)
{
    size_t lo = 0, hi = nvma;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (vmas[mid].end <= addr) lo = mid + 1; else hi = mid;
    }
    return lo;
}

/* The first mapping table, the first name table and the first names' bytes, on
 * one page of lxrun's data: a program of up to FIRST_VMAS mappings makes no
 * malloc here, and lxrun's allocator then maps none of its areas (a first malloc
 * maps three, each copied at every fork); an exec'd child, which writes the
 * tables, copies that one page. */
#define FIRST_VMAS 40
#define FIRST_NAMES 32
struct name_table { size_t cap, n; const char *slot[]; };
static struct __attribute__((aligned(4096))) {
    struct vma_array a;
    struct gm_vma v[FIRST_VMAS];
    struct name_table t;
    const char *slot[FIRST_NAMES];
    size_t room_used;
    char room[4096 - 4 * sizeof(size_t) - FIRST_VMAS * sizeof(struct gm_vma) - FIRST_NAMES * sizeof(const char *)];
} first RX_START_WRITTEN;
_Static_assert(sizeof first == 4096, "guestmem's first tables on one page");

/* A new array twice as big; the old one stays allocated, as a check may still be
 * reading it.  On lxrun's FS (malloc): a GUESTFS call's path comes here rarely. */
static long grow(void *unused)
{
    (void)unused;
    size_t ncap = cap ? cap * 2 : FIRST_VMAS;
    struct vma_array *a = cap ? malloc(sizeof *a + ncap * sizeof a->v[0]) : &first.a;
    if (!a) return -1;
    a->cap = ncap;
    if (nvma) memcpy(a->v, vmas, nvma * sizeof a->v[0]);
    vmas = a->v;
    cap = ncap;
    __atomic_store_n(&published, a, __ATOMIC_RELEASE);
    return 0;
}

/* The entries from index from on moved to index to.  Upwards not by memmove: musl's
 * copies backwards a byte at a time (std; rep movsb), and a top-down mmap lands below
 * most of the table (~2 KiB moved: +600 ns an mmap).  The empty asm keeps gcc from
 * making the loop a memmove call. */
static void shift(size_t to, size_t from)
{
    size_t n = nvma - from;
    if (to == from) return; /* musl's memmove would copy it onto itself, backwards */
    if (to < from) {
        memmove(vmas + to, vmas + from, n * sizeof *vmas); /* forwards: musl's memcpy */
        return;
    }
    for (size_t m = n; m-- > 0;) {
        vmas[to + m] = vmas[from + m];
        __asm__ volatile("" ::: "memory");
    }
}

static void erase(size_t i, size_t n)
{
    shift(i, i + n);
    nvma -= n;
}

/* The entries [start, end) overlaps replaced by what lies outside it (a left and a
 * right remnant) and, given, v between them, with one move of the entries after
 * them: an exec's mmaps and munmaps split, erased and inserted one entry at a time
 * (~72 KiB moved in an exec'd child of sh's loop, now ~21 KiB).  With start ==
 * end, the entry holding start, if any, split there.  The index v took (or would
 * have), or -1 when the array could not grow (then nothing changed). */
static long replace_range(uintptr_t start, uintptr_t end, const struct gm_vma *v)
{
    size_t i = lower(start), j = i, k = 0;
    while (j < nvma && vmas[j].start < end) j++;
    struct gm_vma piece[3];
    if (i < j && vmas[i].start < start) {
        piece[k] = vmas[i];
        piece[k++].end = start;
    }
    size_t at = i + k;
    if (v) piece[k++] = *v;
    if (i < j && vmas[j - 1].end > end) {
        piece[k] = vmas[j - 1];
        if (piece[k].kind == GM_FILE) piece[k].offset += end - piece[k].start;
        piece[k++].start = end;
    }
    while (nvma - (j - i) + k > cap)
        if (lx_fs_call(grow, NULL) < 0) return -1;
    shift(i + k, j);
    memcpy(vmas + i, piece, k * sizeof *vmas);
    nvma += k - (j - i);
    return (long)at;
}

static void remove_locked(uintptr_t start, uintptr_t end) { replace_range(start, end, NULL); }

/* Make addr a boundary of vmas (set_range: [start,end) then a run of whole entries). */
static void split_at(uintptr_t addr) { replace_range(addr, addr, NULL); }

static int mergeable(const struct gm_vma *a, const struct gm_vma *b)
{
    return a->end == b->start && a->prot == b->prot && a->shared == b->shared && a->dontfork == b->dontfork &&
           a->left_out == b->left_out && a->kind == b->kind && a->name == b->name && a->ino == b->ino &&
           (a->kind != GM_FILE || a->offset + (a->end - a->start) == b->offset);
}

static void merge_around(size_t i)
{
    if (i + 1 < nvma && mergeable(&vmas[i], &vmas[i + 1])) {
        vmas[i].end = vmas[i + 1].end;
        erase(i + 1, 1);
    }
    if (i > 0 && mergeable(&vmas[i - 1], &vmas[i])) {
        vmas[i - 1].end = vmas[i].end;
        erase(i, 1);
    }
}

void gm_add(uintptr_t start, size_t len, int prot, int shared, enum gm_kind kind,
            uint64_t offset, uint64_t dev, uint64_t ino, const char *name)
{
    uintptr_t end = GM_PAGE_UP(start + len);
    start = GM_PAGE_DOWN(start);
    struct gm_vma v = { start, end, prot, shared, kind, offset, dev, ino, name, 0, 0 };
    lock();
    begin_change();
    long i = replace_range(start, end, &v);
    if (i >= 0) merge_around((size_t)i);
    changed();
    unlock();
}

void gm_remove(uintptr_t start, size_t len)
{
    lock();
    begin_change();
    remove_locked(GM_PAGE_DOWN(start), GM_PAGE_UP(start + len));
    changed();
    unlock();
}

/* Sets one int attribute (at offset field) over a range: the entries it partly
 * covers are split.  (An offset, not an accessor: no indirect call, which the
 * fast path's check cannot follow.) */
static void set_range(uintptr_t start, size_t len, size_t field, int value)
{
    uintptr_t end = GM_PAGE_UP(start + len);
    start = GM_PAGE_DOWN(start);
    lock();
    begin_change();
    split_at(start);
    split_at(end);
    size_t i = lower(start);
    for (size_t j = i; j < nvma && vmas[j].start < end; j++) *(int *)((char *)&vmas[j] + field) = value;
    /* Every pair from the entry before start to the one at end, joined when alike.
     * An index stays put after a join: the joined entry may join its next too. */
    if (i > 0) i--;
    while (i + 1 < nvma && vmas[i].start < end) {
        if (!mergeable(&vmas[i], &vmas[i + 1])) {
            i++;
            continue;
        }
        vmas[i].end = vmas[i + 1].end;
        erase(i + 1, 1);
    }
    changed();
    unlock();
}

void gm_protect(uintptr_t start, size_t len, int prot) { set_range(start, len, offsetof(struct gm_vma, prot), prot); }
/* The guest's own advice replaces lxrun's on the host: not left out by lxrun then. */
void gm_dontfork(uintptr_t start, size_t len, int on)
{
    set_range(start, len, offsetof(struct gm_vma, dontfork), on);
    set_range(start, len, offsetof(struct gm_vma, left_out), 0);
}
void gm_left_out(uintptr_t start, size_t len, int on) { set_range(start, len, offsetof(struct gm_vma, left_out), on); }

/* Writes the table only from its first dropped entry on: a forked child's store
 * into each entry, unchanged, was a copy of the table's page at every fork. */
void gm_forget_dontfork(void)
{
    lock();
    size_t kept = 0;
    while (kept < nvma && !vmas[kept].dontfork) kept++;
    if (kept < nvma) {
        begin_change();
        for (size_t i = kept; i < nvma; i++)
            if (!vmas[i].dontfork) vmas[kept++] = vmas[i];
        nvma = kept;
        changed();
    }
    unlock();
}

void gm_clear(void)
{
    lock();
    begin_change();
    nvma = 0;
    changed();
    unlock();
}

/* The index of the mapping the last search found, for the checks of memory the
 * guest gives (a path, a buffer to write out) and for memory it lends (a stat
 * record, a buffer to read into), which are most often in two mappings (git's
 * heap and stack): a loop of calls on the same buffers (dd's, git's lstats)
 * finds them again without the search.  Four per direction, by the address's
 * 1 MiB region (hashed): threads' stacks and arenas keep hints of their own --
 * with one, git status's index-preload threads, each lstat-ing into its own
 * stack, moved it at every call and searched.  Only hints, checked against the
 * table read, written only when they move; on the page every fork writes on
 * both sides (a page of their own would be one more copied a fork). */
#define HINTS 4
static size_t range_hint[2][HINTS] RX_FORK_HOT;

static size_t *hint_for(uintptr_t addr, int prot)
{
    uintptr_t r = addr >> 20;
    return &range_hint[(prot & LINUX_PROT_WRITE) != 0][(r ^ (r >> 2) ^ (r >> 4)) & (HINTS - 1)];
}

/* 1 when the mapping its hint names holds [addr, end) with prot (a loop's
 * buffer), in a table no change was under way in or ended meanwhile: the common
 * case, with no call and so no register to save; else 0, and the walk decides. */
__attribute__((always_inline, no_stack_protector)) static inline int hinted_ok(uintptr_t addr, uintptr_t end, int prot,
                                                                              int any_prot)
{
    uint64_t g = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
    const struct vma_array *a = __atomic_load_n(&published, __ATOMIC_ACQUIRE);
    if ((g & 1) || !a) return 0;
    size_t n = __atomic_load_n(&nvma, __ATOMIC_RELAXED);
    size_t h = __atomic_load_n(hint_for(addr, prot), __ATOMIC_RELAXED);
    if (h >= n || h >= a->cap) return 0;
    const struct gm_vma *v = &a->v[h];
    if (__atomic_load_n(&v->start, __ATOMIC_RELAXED) > addr || __atomic_load_n(&v->end, __ATOMIC_RELAXED) < end ||
        (!any_prot && (__atomic_load_n(&v->prot, __ATOMIC_RELAXED) & prot) != prot))
        return 0;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    return __atomic_load_n(&generation, __ATOMIC_RELAXED) == g;
}

/* [addr, addr+len) covered by mappings (with prot unless any_prot), read from one
 * consistent state of the table: lock-free and TLS-free. */
__attribute__((noinline)) static int range_walk(uintptr_t addr, uintptr_t end, int prot, int any_prot)
{
    for (unsigned spins = 0;;) {
        uint64_t g = __atomic_load_n(&generation, __ATOMIC_ACQUIRE);
        if (g & 1) {
            if (++spins < CHANGE_SPINS) __builtin_ia32_pause();
            else wait_for_change(g);
            continue;
        }
        const struct vma_array *a = __atomic_load_n(&published, __ATOMIC_ACQUIRE);
        if (!a) return 0;
        const struct gm_vma *v = a->v;
        size_t n = __atomic_load_n(&nvma, __ATOMIC_RELAXED), lo = 0, hi;
        if (n > a->cap) n = a->cap; /* a newer, larger table: the count check below retries */
        size_t *hint = hint_for(addr, prot);
        size_t h = __atomic_load_n(hint, __ATOMIC_RELAXED);
        if (h < n && __atomic_load_n(&v[h].start, __ATOMIC_RELAXED) <= addr &&
            __atomic_load_n(&v[h].end, __ATOMIC_RELAXED) > addr) {
            lo = h;
        } else {
            hi = n;
            while (lo < hi) {
                size_t mid = (lo + hi) / 2;
                if (__atomic_load_n(&v[mid].end, __ATOMIC_RELAXED) <= addr) lo = mid + 1;
                else hi = mid;
            }
            if (lo < n) __atomic_store_n(hint, lo, __ATOMIC_RELAXED);
        }
        int ok = 1;
        for (uintptr_t at = addr; at < end; lo++) {
            if (lo >= n || __atomic_load_n(&v[lo].start, __ATOMIC_RELAXED) > at ||
                (!any_prot && (__atomic_load_n(&v[lo].prot, __ATOMIC_RELAXED) & prot) != prot)) {
                ok = 0;
                break;
            }
            at = __atomic_load_n(&v[lo].end, __ATOMIC_RELAXED);
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&generation, __ATOMIC_RELAXED) == g) return ok;
    }
}

__attribute__((always_inline, no_stack_protector)) static inline int range_ok(uintptr_t addr, size_t len, int prot,
                                                                             int any_prot)
{
    if (len == 0) return 1;
    uintptr_t end = addr + len;
    if (end < addr) return 0;
    return hinted_ok(addr, end, prot, any_prot) || range_walk(addr, end, prot, any_prot);
}

int gm_check(uintptr_t addr, size_t len, int prot) { return range_ok(addr, len, prot, 0); }
int gm_covered(uintptr_t addr, size_t len) { return range_ok(addr, len, 0, 1); }

int gm_find(uintptr_t addr, struct gm_vma *out)
{
    lock();
    size_t i = lower(addr);
    int found = i < nvma;
    if (found) *out = vmas[i];
    unlock();
    return found;
}

size_t gm_count(void) { return nvma; }

int gm_at(size_t i, struct gm_vma *out)
{
    lock();
    int found = i < nvma;
    if (found) *out = vmas[i];
    unlock();
    return found;
}

/* Each distinct name once, kept as long as lxrun lives (records compare names by
 * address, and a lock-free reader may hold one): a hash table, doubled at half
 * full, under a lock of its own (two threads may map files at once).  A list
 * searched from the start cost git log --stat, which maps ~4000 loose objects,
 * ~30 us per mmap (4000 strcmps of paths sharing their first 30 bytes). */
static struct name_table *names; /* replaced whole by one store: a fork's child finds it whole */
static uint32_t names_lock RX_FORK_HOT;

static size_t name_hash(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
    return (size_t)h;
}

/* The slot that holds name, or the empty one where it would go. */
static const char **name_slot(struct name_table *t, const char *name)
{
    for (size_t i = name_hash(name) & (t->cap - 1);; i = (i + 1) & (t->cap - 1))
        if (!t->slot[i] || strcmp(t->slot[i], name) == 0) return &t->slot[i];
}

/* Under names_lock: n bytes, zeroed, from mappings of lxrun's own, never given
 * back -- not malloc's: a guest's mmap names its file on the guest's FS (GUESTFS),
 * where glibc's allocator, with its per-thread cache, may not run (it cost two FS
 * switches a file mapped, ~8 us on a host without FSGSBASE). */
#define NAMES_CHUNK (64 * 1024)
static void *names_alloc(size_t n)
{
    static char *at;
    static size_t left;
    n = (n + 15) & ~(size_t)15;
    if (n > left) {
        size_t len = n > NAMES_CHUNK ? GM_PAGE_UP(n) : NAMES_CHUNK;
        long m = rx_mmap(0, len, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS, -1, 0);
        if (m < 0) return NULL;
        at = (char *)m, left = len;
    }
    void *p = at;
    at += n, left -= n;
    return p;
}

/* An outgrown table stays: a lock-free reader may hold it. */
static int names_grow(void)
{
    size_t cap = names ? names->cap * 2 : FIRST_NAMES;
    struct name_table *t = names ? names_alloc(sizeof *t + cap * sizeof t->slot[0]) : &first.t, *old = names;
    if (!t) return -1;
    t->cap = cap;
    for (size_t i = 0; old && i < old->cap; i++)
        if (old->slot[i]) *name_slot(t, old->slot[i]) = old->slot[i];
    t->n = old ? old->n : 0;
    names = t;
    return 0;
}

static char *name_copy(const char *name)
{
    size_t n = strlen(name) + 1;
    char *p;
    if (n <= sizeof first.room - first.room_used) p = first.room + first.room_used, first.room_used += n;
    else if (!(p = names_alloc(n))) return NULL;
    return memcpy(p, name, n);
}

const char *gm_intern(const char *name)
{
    if (!name) return NULL;
    futex_lock(&names_lock);
    const char *r = NULL;
    if ((names && 2 * (names->n + 1) <= names->cap) || names_grow() == 0) {
        const char **at = name_slot(names, name);
        if (!*at && (*at = name_copy(name)) != NULL) names->n++;
        r = *at;
    }
    futex_unlock(&names_lock);
    return r;
}

/* 0 free, 1 held, 2 held with sleepers.  Held across system calls (the guest's
 * mmap, munmap and mprotect; a rewrite's protection round trips and page copy),
 * so a waiter sleeps: spinning, the threads of a guest that maps memory in each
 * (git status's four) waited out whole time slices of a descheduled holder.
 * TLS-free (a trap on the guest's FS takes it: lx_rewrite_site). */
static uint32_t text_lock_word RX_FORK_HOT;

void gm_runs(int (*take)(const struct gm_vma *v), void (*each)(uintptr_t lo, uintptr_t hi, void *ctx), void *ctx)
{
    size_t n = gm_count();
    uintptr_t lo = 0, hi = 0;
    for (size_t i = 0; i <= n; i++) {
        struct gm_vma v;
        int more = i < n && gm_at(i, &v) && take(&v);
        if (more && v.start == hi) {
            hi = v.end;
            continue;
        }
        if (hi > lo) each(lo, hi, ctx);
        lo = more ? v.start : 0;
        hi = more ? v.end : 0;
    }
}

void gm_text_lock(void) { futex_lock(&text_lock_word); }

int gm_text_trylock(void) { return futex_trylock(&text_lock_word); }

void gm_text_unlock(void) { futex_unlock(&text_lock_word); }

void gm_forked(void)
{
    /* a change another thread had under way never ends in the child */
    if (generation & 1) generation++;
    unlock();
    gm_text_unlock();
    __atomic_store_n(&names_lock, 0, __ATOMIC_RELAXED); /* whoever held it: the table is whole (names) */
}
