/* rewrite.c — lazy, exhaustive rewriting of guest call sites.
 *
 * Only a `syscall` that just trapped is rewritten: the kernel says it executed
 * there, so it is a real instruction of guest code (a 0f 05 pair inside another
 * instruction or in data never traps, and so is never touched).  Two shapes:
 *
 *   mov  $nr, %eax ; syscall     b8 imm32 0f 05  (or 48 c7 c0 imm32 0f 05)
 *     The mov's first 5 bytes become `jmp trampoline`; the syscall stays, so a
 *     thread resuming between the two (a signal frame, a jump to the syscall)
 *     still traps, correctly.
 *   mov  $nr, %eax ; args ; syscall
 *     The same, with up to four argument set-ups between (glibc's open, its
 *     thread start's sigprocmask): register moves and arithmetic, immediates,
 *     lea; nothing that reads memory or jumps.  The trampoline runs a copy of
 *     them (a RIP-relative lea adjusted to its new place); the originals stay,
 *     for a thread already past the mov.
 *   any ; syscall                 the 2-byte syscall becomes `jmp rel8` to dead
 *     padding after a ret/jmp within 127 bytes (alignment nops before the next
 *     label), which becomes `jmp trampoline`; %eax holds the number already.
 *
 * Every instruction boundary of the original stays a boundary of the same
 * meaning, so no thread, signal frame or jump can land inside a rewrite.  The one
 * store that changes live code is a single 8-byte store within one cache line
 * (atomic for instruction fetch as for data on x86), made under one lock with
 * the page briefly writable, or, while the process has no other thread, by a
 * poke (rx_poke) that leaves the protection alone; the guest's view of its
 * protections (guestmem, maps) never changes.  A trampoline (lxrun memory within
 * ±2 GiB of the site) opens the selector, sets %eax (mov shape), puts the return
 * address in %rcx, as `syscall` does, and jumps to the fast entry through %gs.
 * Rewritten text is ordinary memory (a large file's pages mapped anew from lxrun's
 * store of rewritten pages: store_patches): fork keeps it; exec starts afresh; a site is
 * rewritten on its second trap from the program's 32nd trap on, or at its own
 * ninth (start-up code that runs once, and a program that makes few calls, are
 * not worth the system calls), and takes with
 * it the sites of its page that trapped once (one protection round trip for all);
 * a site an earlier process of the session running the same program trapped at
 * (one past that 32nd trap) is rewritten as its file is mapped (site_cache.c),
 * where its page holds two; the interpreter's, trapped at in any program, as it
 * is loaded, in every program (plant_cache.c: mapped from the session's copy); a
 * library's, trapped at in any program, in a program that trapped there before,
 * with the library's whole text mapped from the session's copy of it;
 * code that rewrites itself loses the rewrite, never correctness (its new syscall
 * traps and may be rewritten again). */
#include "rewrite.h"

#include <string.h>

#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "../syscalls/dispatch.h"
#include "../syscalls/thread.h"
#include "learned.h"
#include "insn_len.h"
#include "plant_cache.h"
#include "site_cache.h"
#include "trap.h"
#include "thread.h"

#define SLOT 32
#define SLOT_DETOUR 160 /* cpuid_sites.c's answer lookup */
#define SLOT_ARGS 64  /* a trampoline that also runs the argument set-up */
#define ARGS_MAX 24   /* bytes of it */
#define CHUNK LX_REWRITE_CHUNK
#define MAX_CHUNKS 64
#define REACH (1L << 31)
#define BATCH_MAX 32 /* patches stored in one protection round trip */
/* Everything here runs in a trap, on the guest's FS as well as lxrun's (sud.c):
 * raw calls (rx_*), no TLS, no stack protector. */
#define TLS_FREE __attribute__((no_stack_protector))

struct chunk { uintptr_t base; size_t used; int left_out; /* MADV_DONTFORK: lx_rewrite_chunks_left_out */ };
/* The chunks, and a mapping's known sites as they are planted (site_cache.c:
 * syscall sites here, CPUID sites in cpuid_sites.c), both under the text lock and
 * both written at an exec that plants: on one page, one copy-on-write fault of a
 * forked child's exec rather than two. */
#define WARM_MAX 256
static struct {
    struct chunk chunks[MAX_CHUNKS];
    struct lx_known_site warm[WARM_MAX]; /* its first LX_KNOWN_ROOM on the first page */
} scratch __attribute__((aligned(4096))) RX_START_WRITTEN;
_Static_assert(sizeof(struct chunk) * MAX_CHUNKS + sizeof(struct lx_known_site) * LX_KNOWN_ROOM <= 4096,
               "the chunks and the room lx_rewrite_known_room gives on one page");

struct lx_known_site *lx_rewrite_known_room(void) { return scratch.warm; }
static int nchunks RX_FORK_HOT;

/* Padding spots given to a site: each holds one jump (a small open set). */
#define MAX_PADS 4096
static uintptr_t pads[MAX_PADS];
static int npads RX_FORK_HOT;

struct lx_rewrite_stats lx_rewrite_stats RX_FORK_HOT; /* a rewriting child writes it: on the page its fork wrote */

/* Sites already looked at: SEEN after a first trap (a site is rewritten on its
 * second: most start-up sites run once, and a rewrite costs a few system calls and a
 * page copy), KEPT when left on the trap for good.  Open addressing in a table of
 * one page at first (each page of it first written is a fault, a copy in a fork's
 * child: /bin/true looks at ~30 sites), doubled when a site finds no slot within
 * its probes; a table outgrown stays mapped, as a thread may still be reading it
 * without the lock.  Unmapped by an exec; at 64 pages sites are simply looked at
 * again. */
enum { SEEN = 1, KEPT = 2 };
struct site {
    uintptr_t site;
    int32_t nr;     /* the call it first trapped with */
    uint16_t state;
    uint16_t hits;  /* its traps after the first, counted (racily) below the threshold */
};
struct site_table { size_t cap; struct site slot[]; };
#define SITE_TABLE_MAX (64 * 4096)
static struct site_table *sites RX_FORK_HOT;
static struct site_table *outgrown[8] RX_FORK_HOT;
static int noutgrown RX_FORK_HOT;

TLS_FREE static struct site_table *site_table_new(size_t bytes)
{
    /* populated: a first table's one page is written at the program's first
     * trap, a grown one's whole at once (a fault a page otherwise) */
    long m = rx_mmap(0, bytes, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_POPULATE, -1, 0);
    if (m < 0) return NULL;
    struct site_table *t = (struct site_table *)m;
    t->cap = (bytes - sizeof *t) / sizeof t->slot[0];
    return t;
}

TLS_FREE static size_t site_table_bytes(const struct site_table *t) { return sizeof *t + t->cap * sizeof t->slot[0]; }

TLS_FREE static struct site *site_slot(struct site_table *t, uintptr_t site, int *found)
{
    for (unsigned i = 0, h = (unsigned)((site * 0x9e3779b97f4a7c15ull) >> 40); i < 16; i++) {
        struct site *e = &t->slot[(h + i) % t->cap];
        if (e->site == site || !e->site) {
            *found = e->site == site;
            return e;
        }
    }
    return NULL;
}

/* Under the text lock: the table doubled, every site moved over. */
TLS_FREE static struct site_table *site_table_grow(struct site_table *t)
{
    size_t bytes = 2 * site_table_bytes(t);
    if (bytes > SITE_TABLE_MAX || noutgrown == (int)(sizeof outgrown / sizeof outgrown[0])) return NULL;
    struct site_table *n = site_table_new(bytes);
    if (!n) return NULL;
    for (size_t i = 0; i < t->cap; i++) {
        int found;
        struct site *e = t->slot[i].site ? site_slot(n, t->slot[i].site, &found) : NULL;
        if (e) *e = t->slot[i];
    }
    outgrown[noutgrown++] = t;
    __atomic_store_n(&sites, n, __ATOMIC_RELEASE);
    return n;
}

/* One more trap at a site seen before; how many since the first.  Without the
 * lock: a count lost to a racing thread or a table's growth only delays a rewrite. */
TLS_FREE static unsigned site_hit(uintptr_t site)
{
    struct site_table *t = __atomic_load_n(&sites, __ATOMIC_ACQUIRE);
    int found;
    struct site *e = t ? site_slot(t, site, &found) : NULL;
    if (!e || !found) return 0;
    uint16_t h = __atomic_load_n(&e->hits, __ATOMIC_RELAXED);
    if (h < UINT16_MAX) __atomic_store_n(&e->hits, ++h, __ATOMIC_RELAXED);
    return h;
}

/* The site's state, 0 if unknown; with set (under the text lock), records set for
 * it, and the call nr it trapped with when set is SEEN. */
TLS_FREE static int site_state(uintptr_t site, int set, long nr)
{
    struct site_table *t = __atomic_load_n(&sites, __ATOMIC_ACQUIRE);
    if (!t) {
        if (!set || !(t = site_table_new(4096))) return 0;
        __atomic_store_n(&sites, t, __ATOMIC_RELEASE);
        /* the process's first: an exec'd child clears it (lx_rewrite_forget), a
         * fault a child where the fork shared it, none where the fork copies it */
        static int named;
        if (!named) named = 1, rx_fork_copies(t, 4096);
    }
    int found;
    struct site *e = site_slot(t, site, &found);
    if (!e && set && (t = site_table_grow(t))) e = site_slot(t, site, &found);
    if (!e) return 0;
    if (set) {
        e->state = set;
        if (set == SEEN) e->nr = (int)nr;
        e->site = site;
    }
    return found ? e->state : 0;
}

/* The pages of [addr, addr+n) get prot (RX_PROT_* bits); 0, or -1. */
TLS_FREE static int protect(uintptr_t addr, size_t n, int prot)
{
    uintptr_t page = GM_PAGE_DOWN(addr);
    return rx_mprotect(page, GM_PAGE_UP(addr + n) - page, prot) < 0 ? -1 : 0;
}
#define RWX (RX_PROT_READ | RX_PROT_WRITE | RX_PROT_EXEC)

TLS_FREE static int reaches(uintptr_t from_end, uintptr_t to)
{
    long d = (long)(to - from_end);
    return d > -REACH + CHUNK && d < REACH - CHUNK;
}

/* While a library's copy is planned (lx_rewrite_plan_copy), the one chunk its
 * trampolines go in: the copy's, at a fixed distance from the library. */
static int only_chunk = -1;

/* A chunk of trampolines near addr: an existing one, or one mapped in the free
 * space below (then above) addr's mapping. */
TLS_FREE static struct chunk *chunk_near(uintptr_t addr, size_t slot)
{
    if (only_chunk >= 0) {
        struct chunk *c = &scratch.chunks[only_chunk];
        return c->used + slot <= CHUNK && reaches(addr, c->base) ? c : NULL;
    }
    for (int i = 0; i < nchunks; i++)
        if (scratch.chunks[i].used + slot <= CHUNK && reaches(addr, scratch.chunks[i].base)) return &scratch.chunks[i];
    if (nchunks == MAX_CHUNKS) return NULL;
    uintptr_t base = GM_PAGE_DOWN(addr) & ~(uintptr_t)(CHUNK - 1);
    /* First where the system puts a mapping when the place below is taken: next
     * to the libraries of the mmap area (the probe below met ~16 of them, one
     * failed call each, in every exec of a dynamic program). */
    long hinted = base > CHUNK ? rx_mmap(base - CHUNK, CHUNK, RWX, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS, -1, 0) : -1;
    if (hinted >= 0 && reaches(addr, (uintptr_t)hinted)) {
        scratch.chunks[nchunks] = (struct chunk){ .base = (uintptr_t)hinted, .used = 0 };
        return &scratch.chunks[nchunks++];
    }
    if (hinted >= 0) rx_munmap((uintptr_t)hinted, CHUNK);
    for (long step = 1; step < 4096; step++) {
        uintptr_t at = step & 1 ? base - (uintptr_t)((step + 1) / 2) * (1UL << 20) : base + (uintptr_t)(step / 2) * (1UL << 20);
        if (at < (1UL << 20) || !reaches(addr, at)) continue;
        /* writable as well as executable: each trampoline is then one copy, where a
         * protection round trip per trampoline cost two mprotects, each a TLB
         * shootdown across the process's threads (~10 us each in git status).  The
         * guest could write it either way: it shares lxrun's address space. */
        long m = rx_mmap(at, CHUNK, RWX, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_FIXED_NOREPLACE, -1, 0);
        if (m < 0) continue;
        if ((uintptr_t)m != at) { rx_munmap((uintptr_t)m, CHUNK); continue; }
        scratch.chunks[nchunks] = (struct chunk){ .base = at, .used = 0 };
        return &scratch.chunks[nchunks++];
    }
    return NULL;
}

TLS_FREE static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

/* A trampoline's first instruction: movb $0, %gs:selector (it opens the selector) */
static const uint8_t selector_open[9] = { 0x65, 0xc6, 0x04, 0x25, LX_THREAD_SELECTOR, 0, 0, 0, 0 };
_Static_assert(LX_THREAD_SELECTOR < 128, "one byte of the disp32");

TLS_FREE int lx_rewrite_at_trampoline(uintptr_t ip)
{
    int n = __atomic_load_n(&nchunks, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++) {
        uintptr_t in = ip - scratch.chunks[i].base;
        if (in >= CHUNK || CHUNK - in < sizeof selector_open) continue;
        uint64_t head, want;
        memcpy(&head, (const void *)ip, 8);
        memcpy(&want, selector_open, 8);
        return head == want && ((const uint8_t *)ip)[8] == selector_open[8];
    }
    return 0;
}

/* An instruction compilers put between `mov $nr,%eax` and `syscall` to set up
 * arguments, which runs the same at another address and reads no memory: a
 * register move or arithmetic, an immediate, a lea.  Its length (0: none of
 * those); *rip: where a RIP-relative lea's disp32 is in it, else 0. */
TLS_FREE static size_t arg_insn(const uint8_t *p, size_t avail, size_t *rip)
{
    size_t n = 0;
    int rexw = 0;
    *rip = 0;
    if (avail && (p[0] & 0xf0) == 0x40) rexw = p[n++] & 8;
    if (n >= avail) return 0;
    uint8_t op = p[n++];
    if (op >= 0xb8 && op <= 0xbf) n += rexw ? 8 : 4; /* mov $imm, reg */
    else {
        if (n >= avail) return 0;
        uint8_t modrm = p[n++], mod = modrm >> 6, rm = modrm & 7;
        switch (op) {
        case 0x01: case 0x03: case 0x09: case 0x0b: case 0x21: case 0x23: case 0x29: case 0x2b:
        case 0x31: case 0x33: case 0x63: case 0x85: case 0x89: case 0x8b: /* reg, reg */
            if (mod != 3) return 0;
            break;
        case 0x83: /* arithmetic reg, imm8 / imm32; mov $imm32, reg */
        case 0x81:
        case 0xc7:
            if (mod != 3 || (op == 0xc7 && (modrm & 0x38))) return 0;
            n += op == 0x83 ? 1 : 4;
            break;
        case 0x8d: /* lea: an address computed, nothing read */
            if (mod == 3) return 0;
            if (mod == 0 && rm == 5) {
                *rip = n;
                n += 4;
                break;
            }
            if (rm == 4) {
                if (n >= avail) return 0;
                if (mod == 0 && (p[n] & 7) == 5) n += 4; /* SIB without a base: disp32 */
                n++;
            }
            n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
            break;
        default:
            return 0;
        }
    }
    return n <= avail ? n : 0;
}

/* [from, to) is a run of at most four arg_insn()s. */
TLS_FREE static int args_between(uintptr_t from, uintptr_t to)
{
    size_t rip;
    for (int k = 0; k < 4 && from < to; k++) {
        size_t n = arg_insn((const uint8_t *)from, to - from, &rip);
        if (!n) return 0;
        from += n;
    }
    return from == to;
}

/* A trampoline returning to ret; with_nr: it sets %eax to nr (the mov it
 * replaces), then runs a copy of the argument set-up [args, args + nargs). */
TLS_FREE static uintptr_t trampoline(uintptr_t near, uintptr_t ret, int with_nr, uint32_t nr, uintptr_t args, size_t nargs)
{
    size_t slot = nargs ? SLOT_ARGS : SLOT;
    struct chunk *c = chunk_near(near, slot);
    if (!c) return 0;
    uint8_t code[SLOT_ARGS], *p = code;
    memset(code, 0xcc, sizeof code);
    uintptr_t at = c->base + c->used;
    memcpy(p, selector_open, sizeof selector_open), p += sizeof selector_open;
    if (with_nr) *p++ = 0xb8, put32(p, nr), p += 4;
    for (uintptr_t from = args; from < args + nargs;) {
        size_t rip, n = arg_insn((const uint8_t *)from, args + nargs - from, &rip);
        memcpy(p, (const void *)from, n);
        if (rip) { /* the same target from the copy's place */
            int32_t disp;
            memcpy(&disp, (const void *)(from + rip), 4);
            long moved = (long)(from + n + disp) - (long)(at + (uintptr_t)(p - code) + n);
            if (moved != (int32_t)moved) return 0;
            put32(p + rip, (uint32_t)moved);
        }
        p += n, from += n;
    }
    /* lea ret(%rip), %rcx */
    *p++ = 0x48, *p++ = 0x8d, *p++ = 0x0d;
    put32(p, (uint32_t)(ret - (at + (uintptr_t)(p - code) + 4))), p += 4;
    /* jmp *%gs:fast_entry */
    *p++ = 0x65, *p++ = 0xff, *p++ = 0x24, *p++ = 0x25, put32(p, LX_THREAD_FAST_ENTRY), p += 4;
    memcpy((void *)at, code, slot); /* unused until the site's jump to it is stored */
    c->used += slot;
    return at;
}

/* The 8-byte window one store changes n bytes at addr through: within one cache
 * line and one page; 0 when there is none. */
TLS_FREE static uintptr_t store_window(uintptr_t addr, size_t n)
{
    uintptr_t w = addr & ~(uintptr_t)7;
    if (w + 8 < addr + n) w = addr + n - 8;
    if ((w & ~(uintptr_t)63) != ((w + 7) & ~(uintptr_t)63)) return 0;
    if (GM_PAGE_DOWN(w) != GM_PAGE_DOWN(w + 7)) return 0;
    return w;
}

/* Stores n (<= 8) bytes at addr as one 8-byte store (store_window); the page is
 * writable (the caller made it so); 0, or -1. */
TLS_FREE static int store_code(uintptr_t addr, const uint8_t *bytes, size_t n)
{
    uintptr_t w = store_window(addr, n);
    if (!w) return -1;
    uint64_t word;
    memcpy(&word, (void *)w, 8);
    memcpy((uint8_t *)&word + (addr - w), bytes, n);
    __atomic_store_n((uint64_t *)w, word, __ATOMIC_SEQ_CST);
    return 0;
}

/* Bytes [a, b) wholly in one executable private guest mapping (*v), not the vDSO:
 * a shared one's bytes are the file's, or another mapping's (a JIT's writable view
 * of its code), so a rewrite would be seen there. */
TLS_FREE static int guest_text(uintptr_t a, uintptr_t b, struct gm_vma *v)
{
    if (!gm_find(a, v) || v->start > a || v->end < b || !(v->prot & LINUX_PROT_EXEC) || !(v->prot & LINUX_PROT_READ) ||
        v->shared)
        return 0;
    return v->kind != GM_VDSO; /* lxrun's vDSO: its calls are its fallbacks, and it is kept across exec */
}

TLS_FREE static int pad_taken(uintptr_t at)
{
    for (int i = 0; i < npads; i++)
        if (pads[i] == at) return 1;
    return 0;
}

/* Dead bytes for a 5-byte jump within reach of a rel8 from ip: alignment padding
 * (nops or int3) after an instruction control never falls through, running to a
 * 16-byte boundary.  0 if none. */
TLS_FREE static uintptr_t find_pad(uintptr_t ip, uintptr_t limit)
{
    uintptr_t p = ip;
    while (p < ip + 127 && p < limit) {
        enum lx_insn_kind k;
        size_t n = lx_insn_len((const uint8_t *)p, limit - p, &k);
        if (!n) return 0;
        p += n;
        if (k != LX_INSN_JUMP) continue;
        uintptr_t q = p;
        while (q < limit && (q & 15)) {
            size_t m = lx_insn_len((const uint8_t *)q, limit - q, &k);
            if (!m || k != LX_INSN_NOP) break;
            q += m;
        }
        if (q & 15) continue; /* not padding to a boundary: code goes on */
        for (uintptr_t at = p; at + 5 <= q; at += 5)
            if (at - ip <= 127 && !pad_taken(at)) return at;
        p = q;
    }
    return 0;
}

/* A mov setting nr at m: b8 imm32 (5 bytes; a REX byte before would make it
 * another instruction, mov $imm, %r8d, so that is refused) or 48 c7 c0 imm32 (7).
 * Its length, or 0. */
TLS_FREE static size_t mov_nr_at(uintptr_t m, uintptr_t text_start, uint32_t nr)
{
    const uint8_t *s = (const uint8_t *)m;
    uint32_t imm;
    if (m >= text_start && s[0] == 0xb8 && (m == text_start || (s[-1] & 0xf0) != 0x40)) {
        memcpy(&imm, s + 1, 4);
        if (imm == nr) return 5;
    }
    if (m >= text_start && s[0] == 0x48 && s[1] == 0xc7 && s[2] == 0xc0) { /* mov $imm32, %rax */
        memcpy(&imm, s + 3, 4);
        if (imm == nr && nr < 0x80000000u) return 7;
    }
    return 0;
}

/* The mov before the syscall at site, setting nr, right before it or with an
 * argument set-up between (args_between, the nearest first): where its 5 bytes to
 * replace begin, or 0; *args, *nargs: the set-up. */
TLS_FREE static uintptr_t mov_before(uintptr_t site, uintptr_t text_start, uint32_t nr, uintptr_t *args, size_t *nargs)
{
    for (size_t d = 0; d <= ARGS_MAX; d++)
        for (size_t len = 5; len <= 7; len += 2) {
            uintptr_t m = site - d - len;
            if (site - text_start < d + len || mov_nr_at(m, text_start, nr) != len) continue;
            if (d && !args_between(m + len, site)) continue;
            *args = m + len, *nargs = d;
            return m;
        }
    return 0;
}

/* One site's rewrite, planned (its trampoline written) before any code changes:
 * `jump` stored over [at, at+n) in one store; pad: dead bytes given the 5-byte
 * jump to the trampoline first (0: none). */
struct patch {
    uintptr_t at, pad;
    size_t n;
    uint8_t jump[5], pad_jump[5];
    unsigned long *count; /* the statistic it adds to once stored */
    int unshared;         /* no thread can be running its bytes: a plain copy, across a line too */
};

/* The site's rewrite in the mov shape, else through padding; 0, or -1 (its shape
 * refused).  v: the guest text it is in.  A mov whose 5 bytes no single store can
 * write (across a 64-byte line) is rewritten while this is the only guest thread:
 * no other runs the bytes, and they are copied (poke_patches; the round trip's
 * plain copy).  Refused, one site in sixteen stayed on the trap, glibc's pwrite64
 * among them (+800 ns a call). */
TLS_FREE static int plan(uintptr_t site, uint32_t nr, const struct gm_vma *v, struct patch *p)
{
    uintptr_t ip = site + 2, args, t;
    size_t nargs;
    uintptr_t mov = mov_before(site, v->start, nr, &args, &nargs);
    int copied = mov && !store_window(mov, 5);
    if (mov && (!copied || lx_threads_alone()) && (t = trampoline(mov + 5, ip, 1, nr, args, nargs)) != 0) {
        *p = (struct patch){ .at = mov, .n = 5, .jump = { 0xe9 }, .unshared = copied,
                             .count = nargs ? &lx_rewrite_stats.sites_mov_args : &lx_rewrite_stats.sites_mov };
        put32(p->jump + 1, (uint32_t)(t - (mov + 5)));
        return 0;
    }
    uintptr_t pad;
    if (npads == MAX_PADS || !store_window(site, 2) || !(pad = find_pad(ip, v->end)) ||
        !(t = trampoline(pad + 5, ip, 0, 0, 0, 0)))
        return -1;
    pads[npads++] = pad; /* taken now: a later site of the same batch looks for another */
    *p = (struct patch){ .at = site, .pad = pad, .n = 2, .jump = { 0xeb, (uint8_t)(pad - ip) }, .pad_jump = { 0xe9 },
                         .count = &lx_rewrite_stats.sites_pad };
    put32(p->pad_jump + 1, (uint32_t)(t - (pad + 5)));
    return 0;
}

/* The bytes one poke stores: a page's run of patches, the unchanged bytes between
 * them copied from the text (under the text lock, as every store here).  It costs
 * a poking exec one page of lxrun's data written; a pwritev of the pieces and the
 * gaps instead ran /proc/self/mem's write once per piece (~60 an exec, each
 * pinning, copying and releasing the page: sh's loop of /bin/true spent 80 us an
 * iteration more in the kernel). */
static uint8_t poke_room[GM_PAGE] __attribute__((aligned(GM_PAGE)));
struct piece { uintptr_t at; const uint8_t *bytes; size_t n; };

/* Mappings that had runs of pages placed (rx_poke_page), how many each, and
 * where the last ended: each run is two mappings more, each copied at every
 * fork and unmapped at every exit, so a mapping gets PLACED_RUNS_MAX; its later
 * runs are poked.  A run that starts where the last ended joins its mapping (the
 * store's pages follow on too).  (Bash's libc and its own text, every run placed:
 * nine runs, 16 mappings more, and its fork+exec loop 4-5% slower, where
 * busybox's one run of three pages made its loop faster.)  On the fork-hot page:
 * an exec'd child of a process that placed pages clears them, and writes that
 * page anyway. */
#define PLACED_RUNS_MAX 2
#define PLACED_MAPPINGS 4
static struct { uintptr_t start, end; int runs; } placed[PLACED_MAPPINGS] RX_FORK_HOT;

TLS_FREE static int may_place(uintptr_t mapping, uintptr_t lo, uintptr_t hi)
{
    for (int i = 0; i < PLACED_MAPPINGS; i++)
        if (placed[i].start == mapping || !placed[i].start) {
            int joins = placed[i].runs && GM_PAGE_DOWN(lo) == placed[i].end;
            if (!joins && placed[i].runs == PLACED_RUNS_MAX) return 0;
            placed[i].start = mapping, placed[i].runs += !joins, placed[i].end = GM_PAGE_UP(hi);
            return 1;
        }
    return 0;
}

/* A placed page is a mapping made anew, without the host's MADV_DONTFORK its
 * mapping had (the guest's own, or the vfork window's, kept between windows:
 * guestmem's dontfork and left_out): set again, or the window's next fork would
 * copy it alone into a child whose record says its range was left out. */
TLS_FREE static void placed_left_out(uintptr_t lo, uintptr_t hi)
{
    struct gm_vma v;
    if (gm_find(lo, &v) && (v.dontfork || v.left_out))
        rx_madvise(GM_PAGE_DOWN(lo), GM_PAGE_UP(hi) - GM_PAGE_DOWN(lo), RX_MADV_DONTFORK);
}

/* Patches stored by rx_poke (by rx_poke_page, the pages placed from the store,
 * where placing names their mapping and it may have more runs), while no other
 * thread can be running their bytes (a
 * poke is a copy, not one store): the caller is the process's only guest thread
 * (those that ended never run guest code again), or the patches are all
 * unshared.  The page's protection never changes: one call a patch (~11 us with
 * its page's copy on a paravirtualised VM) where a round trip took two mprotects
 * and a write fault (~36 us).  One poke per page's run of patches, not per patch:
 * an exec that plants ld.so's 31 CPUID detours made 31 pokes, now 3-4.  How many
 * of p[0..n) were stored, in order: the rest go through the round trip (a system
 * without the handle, a refusal; one that fails midway leaves them all to it,
 * which stores the same bytes again). */
TLS_FREE static int poke_patches(const struct patch *p, int n, int prot, uintptr_t placing)
{
    int alone = lx_threads_alone(), m = 0, k = 0;
    while (m < n && (alone || p[m].unshared)) m++;
    struct piece pc[2 * BATCH_MAX];
    for (int i = 0; i < m; i++) {
        if (p[i].pad) pc[k++] = (struct piece){ p[i].pad, p[i].pad_jump, 5 }; /* dead bytes: nothing runs them yet */
        pc[k++] = (struct piece){ p[i].at, p[i].jump, p[i].n };
    }
    for (int i = 1; i < k; i++) /* by address (a few dozen: insertion) */
        for (int j = i; j > 0 && pc[j - 1].at > pc[j].at; j--) {
            struct piece t = pc[j];
            pc[j] = pc[j - 1], pc[j - 1] = t;
        }
    for (int g = 0, e; g < k; g = e) {
        uintptr_t lo = pc[g].at, hi = lo + pc[g].n;
        for (e = g + 1; e < k && GM_PAGE_DOWN(pc[e].at) == GM_PAGE_DOWN(hi - 1) && pc[e].at + pc[e].n - lo <= GM_PAGE; e++)
            if (pc[e].at + pc[e].n > hi) hi = pc[e].at + pc[e].n;
        if (hi - lo > GM_PAGE) return 0; /* a lone piece larger than the room: none is */
        memcpy(poke_room, (const void *)lo, hi - lo);
        for (int j = g; j < e; j++) memcpy(poke_room + (pc[j].at - lo), pc[j].bytes, pc[j].n);
        int place = placing && may_place(placing, lo, hi);
        if ((place ? rx_poke_page(lo, poke_room, hi - lo, prot) : rx_poke(lo, poke_room, hi - lo)) != 0) return 0;
        if (place) placed_left_out(lo, hi);
    }
    for (int i = 0; i < m; i++) (*p[i].count)++;
    return m;
}

/* The planned patches, all in one mapping, stored by a poke or else in one
 * protection round trip over the pages they touch; prot: the guest's protection
 * of the text, put back after.  A large file's text (kind GM_FILE, BY_PAGE_FROM
 * bytes or more: a program's or libc's) has its pages mapped anew from lxrun's
 * store (rx_poke_page), not copied into anonymous memory: one anonymous page and
 * a fork copied all the mapping's present page-table entries, which the child's
 * exec zapped (busybox sh's text, 239 a fork: ~40 us an iteration of its fork+exec
 * loop in copy_page_range and unmap_page_range).  A small one (ld.so's, with its
 * CPUID detours planted in every exec) is poked: its few entries cost a fork less
 * than the pages' own mappings would.  How many were stored. */
#define BY_PAGE_FROM (256 * 1024)
/* The mapping whose pages a store places (its start), or 0. */
TLS_FREE static uintptr_t pages_placed(const struct gm_vma *v)
{
    return v->kind == GM_FILE && v->end - v->start >= BY_PAGE_FROM ? v->start : 0;
}

TLS_FREE static int store_patches(const struct patch *p, int n, int prot, uintptr_t placing)
{
    int poked = poke_patches(p, n, prot, placing);
    p += poked, n -= poked;
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < n; i++) {
        uintptr_t a = p[i].pad && p[i].pad < p[i].at ? p[i].pad : p[i].at;
        uintptr_t b = p[i].pad && p[i].pad + 5 > p[i].at + p[i].n ? p[i].pad + 5 : p[i].at + p[i].n;
        if (a < lo) lo = a;
        if (b > hi) hi = b;
    }
    int stored = poked;
    if (!n || protect(lo, hi - lo, RWX) != 0) return stored;
    for (int i = 0; i < n; i++) {
        if (p[i].pad) memcpy((void *)p[i].pad, p[i].pad_jump, 5); /* dead bytes: nothing runs them before the store below */
        if (p[i].unshared) memcpy((void *)p[i].at, p[i].jump, p[i].n), (*p[i].count)++, stored++;
        else if (store_code(p[i].at, p[i].jump, p[i].n) == 0) (*p[i].count)++, stored++;
    }
    protect(lo, hi - lo, prot);
    return stored;
}

/* ---- plant_cache.c's side ---- */
TLS_FREE uintptr_t lx_rewrite_chunk_at(uintptr_t near, size_t *used)
{
    struct chunk *c = chunk_near(near, SLOT_DETOUR);
    if (!c) return 0;
    *used = c->used;
    return c->base;
}

TLS_FREE void lx_rewrite_chunk_filled(uintptr_t base, size_t used)
{
    for (int i = 0; i < nchunks; i++)
        if (scratch.chunks[i].base == base) scratch.chunks[i].used = used;
}

/* A chunk of its own at at (free there), empty: its base, or 0. */
TLS_FREE uintptr_t lx_rewrite_chunk_new_at(uintptr_t at)
{
    if (nchunks == MAX_CHUNKS) return 0;
    long m = rx_mmap(at, CHUNK, RWX, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_FIXED_NOREPLACE, -1, 0);
    if (m < 0) return 0;
    if ((uintptr_t)m != at) {
        rx_munmap((uintptr_t)m, CHUNK);
        return 0;
    }
    scratch.chunks[nchunks] = (struct chunk){ .base = at, .used = 0 };
    __atomic_store_n(&nchunks, nchunks + 1, __ATOMIC_RELEASE);
    return at;
}

/* The chunk at base, no trampoline of it used, unmapped (the last one made). */
TLS_FREE void lx_rewrite_chunk_drop(uintptr_t base)
{
    if (nchunks && scratch.chunks[nchunks - 1].base == base) {
        __atomic_store_n(&nchunks, nchunks - 1, __ATOMIC_RELEASE);
        rx_munmap(base, CHUNK);
    }
}

/* The whole text mapping at start (len bytes) replaced by the session's copy at
 * store, mapped as a file's is (no page present until touched): 0, or -1. */
TLS_FREE int lx_rewrite_place_whole(uintptr_t start, size_t len, uint64_t store)
{
    struct gm_vma v;
    if (!guest_text(start, start + len, &v) || v.kind != GM_FILE || v.start != start || v.end != start + len ||
        rx_session_pages_map(start, len, abi_prot_to_rx(v.prot), store, 0) != 0)
        return -1;
    placed_left_out(start, start + len);
    return 0;
}

TLS_FREE int lx_rewrite_place_stored(uintptr_t lo, uintptr_t hi, uint64_t store)
{
    struct gm_vma v;
    if (!guest_text(lo, hi, &v) || v.kind != GM_FILE || !may_place(v.start, lo, hi) ||
        rx_session_pages_map(lo, hi - lo, abi_prot_to_rx(v.prot), store, 1) != 0)
        return -1;
    placed_left_out(lo, hi);
    return 0;
}

/* The bytes d's trampoline takes in a chunk. */
TLS_FREE static size_t detour_slot(const struct lx_detour *d) { return d->len + 5 <= SLOT ? SLOT : SLOT_DETOUR; }

/* Other instructions lxrun answers itself (cpuid_sites.c): each detour's 5 bytes
 * at `at`, the first of an instruction, become a jump to a trampoline running its
 * code and then jumping to its ret; in one protection round trip.  Under the
 * text lock, as an image is loaded: no other thread can be running its bytes, so
 * each jump is a plain copy and may cross a cache line, which a single atomic
 * store cannot write (handle_amd's leaf 0x80000006, run ~7 times an exec).  The
 * number stored. */
TLS_FREE int lx_rewrite_detours(const struct lx_detour *all, int n)
{
    struct patch p[BATCH_MAX];
    int stored = 0, np = 0, prot = 0;
    uintptr_t placing = 0;
    uintptr_t mapping = 0; /* of the batch: one protection round trip covers one mapping */
    for (int i = 0; i < n; i++) {
        const struct lx_detour *d = &all[i];
        struct gm_vma v;
        size_t slot = detour_slot(d);
        if (d->len + 5 > SLOT_DETOUR || !guest_text(d->at, d->at + 5, &v)) continue;
        struct chunk *c = chunk_near(d->at + 5, slot);
        if (!c) continue;
        uintptr_t t = c->base + c->used;
        uint8_t code[SLOT_DETOUR];
        memset(code, 0xcc, sizeof code);
        memcpy(code, d->code, d->len);
        code[d->len] = 0xe9;
        put32(code + d->len + 1, (uint32_t)(d->ret - (t + d->len + 5)));
        memcpy((void *)t, code, slot);
        c->used += slot;
        if (np == BATCH_MAX || (np && v.start != mapping)) {
            stored += store_patches(p, np, prot, placing);
            np = 0;
        }
        prot = abi_prot_to_rx(v.prot), mapping = v.start, placing = pages_placed(&v);
        p[np] = (struct patch){ .at = d->at, .n = 5, .jump = { 0xe9 }, .count = &lx_rewrite_stats.sites_cpuid,
                                .unshared = 1 };
        put32(p[np].jump + 1, (uint32_t)(t - (d->at + 5)));
        np++;
    }
    return stored + store_patches(p, np, prot, placing);
}

/* A site due for its rewrite, with every other site of its page seen once: each
 * would be rewritten at its next trap in a protection round trip of its own (two
 * mprotects, each a TLB shootdown across the process's running threads, tens of
 * microseconds in a VM), so they go together.  A site whose shape is refused, or
 * whose call needs the trap, stays on it for good, as when its own turn came. */
TLS_FREE static void rewrite_page(uintptr_t site, long nr)
{
    struct gm_vma v;
    if (!lx_call_site_rewritable(nr)) {
        lx_rewrite_stats.kept_context++;
        site_state(site, KEPT, 0);
        return;
    }
    if (!guest_text(site, site + 2, &v)) {
        lx_rewrite_stats.refused_not_text++;
        site_state(site, KEPT, 0);
        return;
    }
    const uint8_t *s = (const uint8_t *)site;
    if (s[0] != 0x0f || s[1] != 0x05) return; /* the guest wrote other code there */
    struct patch p[BATCH_MAX];
    int n = 0;
    if (plan(site, (uint32_t)nr, &v, &p[n]) == 0) n++;
    else lx_rewrite_stats.refused_shape++;
    site_state(site, KEPT, 0); /* looked at for good: stored below, or left on the trap */
    struct site_table *t = sites;
    for (size_t i = 0; t && i < t->cap && n < BATCH_MAX; i++) {
        struct site *e = &t->slot[i];
        if (e->state != SEEN || e->site == site || GM_PAGE_DOWN(e->site) != GM_PAGE_DOWN(site) || e->site < v.start ||
            e->site + 2 > v.end)
            continue;
        const uint8_t *o = (const uint8_t *)e->site;
        if (o[0] != 0x0f || o[1] != 0x05) continue;
        if (!lx_call_site_rewritable(e->nr)) {
            lx_rewrite_stats.kept_context++;
            e->state = KEPT;
        } else if (plan(e->site, (uint32_t)e->nr, &v, &p[n]) == 0) {
            e->state = KEPT;
            n++;
        } else {
            lx_rewrite_stats.refused_shape++;
            e->state = KEPT;
        }
    }
    store_patches(p, n, abi_prot_to_rx(v.prot), pages_placed(&v));
}

/* ---- what earlier processes learned (site_cache.c) ----
 * Sites are known by file and by program: what /bin/true's libc calls, not every
 * libc site a shell ever called (each page rewritten is a copy of it).  The
 * files of this program's text mappings, by device and inode, with their stamps
 * (the file's mixed with the program's): a site trapped at is recorded by them
 * (learned: see REWRITE_AFTER).  The interpreter's are known by its file alone
 * (INTERP_SALT), and learned at their first trap in any program: whatever program
 * it loads, ld.so runs its own calls, and every exec of the session plants them
 * with its CPUID detours, mapped from the session's copy (plant_cache.c).  So are
 * a program's without an interpreter (a static one: its text is the one image
 * planted, as ld.so's; before, its sites were keyed by file ^ program, 0, the
 * same record for every program, and never planted).  Runs in sys_mmap on the
 * guest's FS: TLS-free. */
#define INTERP_SALT 0x494e5445525053ull
#define LIBRARY_SALT 0x4c49425241525953ull
#define PROGRAM_SALT 0x50524f4752414dull
static struct { uint64_t dev, ino, file; } mapped_files[32] RX_FORK_HOT; /* file: lx_site_cache_stamp's */
static int nmapped_files RX_FORK_HOT;
static int interp_file RX_FORK_HOT = -1;   /* which of them is the interpreter's */
static uint64_t program_stamp RX_FORK_HOT; /* the program's file, mapped first */

TLS_FREE static int mapped_file(uint64_t dev, uint64_t ino)
{
    for (int i = 0; i < nmapped_files; i++)
        if (mapped_files[i].dev == dev && mapped_files[i].ino == ino) return i;
    return -1;
}

TLS_FREE uint64_t lx_rewrite_interp_stamp(uint64_t file_stamp) { return file_stamp ^ INTERP_SALT; }
TLS_FREE uint64_t lx_rewrite_library_stamp(uint64_t file_stamp) { return file_stamp ^ LIBRARY_SALT; }

/* The record of this program's sites in a file (stamp: its file's); the
 * program's own text has one of its own, where file ^ program_stamp made one
 * record, 0, of every program's. */
TLS_FREE static uint64_t program_record(uint64_t file)
{
    return (file == program_stamp ? file ^ PROGRAM_SALT : file ^ program_stamp) * 0x9e3779b97f4a7c15ull | 1;
}

/* The sum of the code before the `syscall` at site and of it, up to 32 bytes
 * within its page. */
TLS_FREE static uint32_t site_sum(uintptr_t site)
{
    uintptr_t from = site - GM_PAGE_DOWN(site) >= 30 ? site - 30 : GM_PAGE_DOWN(site);
    return lx_site_cache_sum(from, site + 2);
}

/* Under the text lock: a first trap at site, for the next mapping of its file
 * (only the interpreter's when interp_only).  A site new to the interpreter's
 * record makes the session's planted copies of it stale: the next exec plants it
 * too. */
TLS_FREE static void learn(uintptr_t site, long nr, int interp_only)
{
    struct gm_vma v;
    if (!lx_call_site_rewritable(nr) || !guest_text(site, site + 2, &v) || v.kind != GM_FILE || v.shared) return;
    int i = mapped_file(v.dev, v.ino);
    if (i < 0 || (interp_only && i != interp_file)) return;
    uint64_t off = v.offset + (site - v.start), file = mapped_files[i].file;
    uint32_t sum = site_sum(site);
    if (i == interp_file) {
        if (lx_site_cache_learn(lx_rewrite_interp_stamp(file), off, nr, sum)) lx_plant_cache_stale(file); /* its planted copies are kept by it */
        return;
    }
    lx_site_cache_learn(program_record(file), off, nr, sum);
    lx_site_cache_learn(lx_rewrite_library_stamp(file), off, nr, sum);
    lx_plant_cache_program_learned(program_stamp);
}

/* A mapping's known sites (gathered in scratch.warm, beside the chunk list) are
 * rewritten page by page where a page holds two or more (one site alone pays one
 * copy of its page to save about one trap) -- or all of them (alone_too), for the
 * interpreter's planting, whose copy is the session's (plant_cache.c), made once:
 * ld.so's brk and arch_prctl, each alone on its page, trapped in every exec.  By
 * file offset (a shell sort: no qsort on the guest's FS). */
TLS_FREE static void warm_sort(struct lx_known_site *w, int n)
{
    for (int gap = n / 2; gap > 0; gap /= 2)
        for (int i = gap; i < n; i++)
            for (int j = i; j >= gap && w[j - gap].off > w[j].off; j -= gap) {
                struct lx_known_site t = w[j];
                w[j] = w[j - gap], w[j - gap] = t;
            }
}

TLS_FREE static void warm_store(struct lx_known_site *w, int nw, uintptr_t start, uint64_t off,
                                const struct gm_vma *v, unsigned long *known, int alone_too)
{
    struct patch p[BATCH_MAX];
    int n = 0;
    warm_sort(w, nw);
    for (int i = 0; i < nw; i++) {
        uintptr_t site = start + (uintptr_t)(w[i].off - off), page = GM_PAGE_DOWN(site);
        int alone = !alone_too && (i == 0 || GM_PAGE_DOWN(start + (uintptr_t)(w[i - 1].off - off)) != page) &&
                    (i + 1 == nw || GM_PAGE_DOWN(start + (uintptr_t)(w[i + 1].off - off)) != page);
        const uint8_t *b = (const uint8_t *)site;
        if (alone || site + 2 > v->end || b[0] != 0x0f || b[1] != 0x05 || !lx_call_site_rewritable(w[i].nr) ||
            site_state(site, 0, 0) || site_sum(site) != w[i].sum)
            continue;
        if (n == BATCH_MAX) {
            store_patches(p, n, abi_prot_to_rx(v->prot), pages_placed(v));
            n = 0;
        }
        if (plan(site, (uint32_t)w[i].nr, v, &p[n]) == 0) {
            n++;
            (*known)++;
        } else {
            lx_rewrite_stats.refused_shape++; /* it traps in this program, for good: -c says so */
        }
        site_state(site, KEPT, 0); /* looked at for good, as at a due trap */
    }
    store_patches(p, n, abi_prot_to_rx(v->prot), pages_placed(v));
}

void lx_trap_sites_start(void)
{
    if (lx_trap_mode_current() != LX_TRAP_REWRITE) return;
    lx_learned_open(!strcmp(lx_cpuid_name(), "serve")); /* before the kept parts are carved */
    lx_site_cache_start();
    lx_cpuid_sites_start();
}

/* Traps this program image has taken, since its exec or its fork: a site is
 * rewritten, and the sites earlier processes found in its text planted, only from
 * the REWRITE_AFTER-th on.  A rewrite costs a copy of the code page and a poke
 * (~11 us here; a protection round trip, ~36 us, in a process that had threads)
 * and a trampoline chunk's first touch, against ~3.5 us a trap, so a short program
 * (true makes ~30 calls) or a forked child on its way to exec gains nothing from
 * it.  32 since the poke (64 before): gcc -c's programs trap 298 -> 226 times for
 * 12 more pokes, git status 93 -> 75; sh's loop of /bin/true unchanged (its
 * children end before).  (Rewriting a site at its eighth trap whatever the count
 * was tried on 2026-12-03 with the round trip: no change in python3 -c pass or
 * git status; with the poke it is SITE_HOT.) */
#define REWRITE_AFTER 32
/* ...or at a site's SITE_HOT-th trap after its first, whatever the count: ld.so's
 * mmap site in cc1 traps ~40 times, its openat, close and fstatat ~10 each, most
 * before cc1's 32nd trap.  Past /bin/true's 7 mmaps: there a rewrite (a poke, a
 * trampoline chunk mapped and first touched) costs more than the traps it saves.
 * With both, gcc -c traps 204 times (298 at 64 without SITE_HOT), python3 -c pass
 * 83 (108) for 9 more pokes; alternating pinned runs of gcc -c: 1.218x -> 1.190x. */
#define SITE_HOT 8
static unsigned traps RX_FORK_HOT;

/* The sites a program trapped at are learned (for the next mapping of their
 * file) once it is past REWRITE_AFTER traps or has a hot site (SITE_HOT; such a
 * program may never reach the count, its hot sites rewritten): from then on it
 * is past the threshold.  Those seen before then together,
 * later ones at their first trap.  A shorter program -- the planting's
 * beneficiaries are not among them -- reads none of the session's table, which a
 * forked child cannot read without a fault a page (its pages are shared): sh's
 * fork+exec loop of /bin/true paid two an iteration. */
static int learned RX_FORK_HOT;

/* A forked child's first traps leave the site table alone: most such children
 * exec or exit within a few calls, and the table's page, the parent's still, was
 * copied for the one store that recorded a site (fk's fork+exit loop: a page an
 * iteration).  A child that goes on records its sites from their next trap. */
#define FORK_QUIET 8
static unsigned quiet RX_FORK_HOT;


/* Under the text lock. */
TLS_FREE static void learn_seen(void)
{
    struct site_table *t = sites;
    for (size_t i = 0; t && i < t->cap; i++)
        if (t->slot[i].site && t->slot[i].state == SEEN) learn(t->slot[i].site, t->slot[i].nr, 0);
}

/* A mapping's known sites are planted only in a program past REWRITE_AFTER traps;
 * before, they wait for their traps like any other.  A program that ends sooner --
 * /bin/true in a shell's loop, a compiler's helper -- paid a copy of each text page
 * planted on (5 of ld.so's) and reads of the session's site table: sh's fork+exec
 * loop took 5 faults an iteration more, 2.08x against 2.03x native (15 alternating
 * runs; --trap=sud 1.96x).  Planting, at that trap, what the mappings made earlier
 * know cost a first program the copies of pages whose sites ran once (python3 -c
 * pass 1.08x -> 1.15x): they are left to their traps.  The interpreter's are
 * planted as it is loaded whatever the count (plant_cache.c), once per session
 * by copy and then mapped from it. */
TLS_FREE static void text_mapped(uintptr_t start, size_t len, uint64_t off, const struct lx_file_id *id, int interp)
{
    if (lx_trap_mode_current() != LX_TRAP_REWRITE) return;
    uint64_t file = lx_site_cache_stamp(id->dev, id->ino, id->size, id->ctime_ns);
    if (!program_stamp) program_stamp = file;
    uint64_t stamp = interp ? lx_rewrite_interp_stamp(file) : program_record(file);
    gm_text_lock();
    int i = mapped_file(id->dev, id->ino);
    if (i < 0 && nmapped_files < (int)(sizeof mapped_files / sizeof mapped_files[0])) i = nmapped_files++;
    if (i >= 0) {
        mapped_files[i].dev = id->dev, mapped_files[i].ino = id->ino, mapped_files[i].file = file;
        if (interp) interp_file = i;
        else if (interp_file == i) interp_file = -1;
    }
    struct gm_vma v;
    /* a program that learned sites here before: the session's copy of the text
     * with every program's sites (plant_cache.c), whatever the count.  It was
     * past the threshold then, and is from now on: it traps too seldom to pass
     * it again (a library it loads later has its known sites planted) */
    if (!interp && lx_plant_cache_program_known(program_stamp) && lx_site_cache_has(stamp) &&
        guest_text(start, start + len, &v) &&
        lx_plant_cache_text(start, len, off, id, stamp)) {
        learned = 1;
        gm_text_unlock();
        return;
    }
    int n = (__atomic_load_n(&traps, __ATOMIC_RELAXED) >= REWRITE_AFTER || learned) && guest_text(start, start + len, &v)
                ? lx_site_cache_sites(stamp, off, off + len, scratch.warm, WARM_MAX)
                : 0;
    if (n) warm_store(scratch.warm, n, start, off, &v, &lx_rewrite_stats.sites_known, 0);
    gm_text_unlock();
}

TLS_FREE void lx_trap_text_mapped(uintptr_t start, size_t len, uint64_t off, const struct lx_file_id *id)
{
    text_mapped(start, len, off, id, 0);
}

void lx_trap_image_mapped(const struct lx_file_id *id, int interp)
{
    for (size_t i = 0; i < gm_count(); i++) {
        struct gm_vma v;
        if (gm_at(i, &v) && v.kind == GM_FILE && v.dev == id->dev && v.ino == id->ino && (v.prot & LINUX_PROT_EXEC) &&
            !v.shared)
            text_mapped(v.start, v.end - v.start, v.offset, id, interp);
    }
}

/* plant_cache.c's: the interpreter's known sites in [start, start+len) (file
 * offset off) rewritten, under the text lock as it is loaded; into *w (LX_KNOWN_ROOM
 * at most) first, for the caller to see where they are. */
TLS_FREE int lx_rewrite_known_of(uint64_t stamp, uint64_t off, size_t len, struct lx_known_site **w)
{
    *w = scratch.warm;
    return lx_site_cache_sites(stamp, off, off + len, scratch.warm, WARM_MAX);
}

TLS_FREE void lx_rewrite_plant_known(int n, uintptr_t start, uint64_t off)
{
    struct gm_vma v;
    if (n && guest_text(start, start + 1, &v)) warm_store(scratch.warm, n, start, off, &v, &lx_rewrite_stats.sites_interp, 1);
}

/* A library copy's rewrites as planned (lx_rewrite_plan_copy), for
 * lx_rewrite_write_copy: under the text lock, in the process making the copy only. */
static struct patch copy_plan[WARM_MAX] RX_COLD;
static int ncopy_plan;

/* The known sites w[0..n) of the text mapped at start (file offset off), each
 * checked as at a trap, planned with its trampoline in chunk (the copy's own;
 * the text itself unchanged): how many; *used: the chunk's bytes. */
TLS_FREE int lx_rewrite_plan_copy(struct lx_known_site *w, int n, uintptr_t start, uint64_t off, uintptr_t chunk,
                                  size_t *used)
{
    struct gm_vma v;
    ncopy_plan = 0;
    if (!guest_text(start, start + 1, &v)) return 0;
    for (int i = 0; i < nchunks; i++)
        if (scratch.chunks[i].base == chunk) only_chunk = i;
    if (only_chunk < 0) return 0;
    warm_sort(w, n);
    for (int i = 0; i < n && ncopy_plan < WARM_MAX; i++) {
        uintptr_t site = start + (uintptr_t)(w[i].off - off);
        const uint8_t *b = (const uint8_t *)site;
        if (site < v.start || site + 2 > v.end || b[0] != 0x0f || b[1] != 0x05 || !lx_call_site_rewritable(w[i].nr) ||
            site_sum(site) != w[i].sum)
            continue;
        if (plan(site, (uint32_t)w[i].nr, &v, &copy_plan[ncopy_plan]) == 0) ncopy_plan++;
    }
    *used = scratch.chunks[only_chunk].used;
    only_chunk = -1;
    return ncopy_plan;
}

/* The planned jumps written into the session's copy of the text mapped at start,
 * stored at store and not yet published, and counted: 0, or -1. */
TLS_FREE int lx_rewrite_write_copy(uintptr_t start, uint64_t store)
{
    for (int i = 0; i < ncopy_plan; i++) {
        const struct patch *p = &copy_plan[i];
        if ((p->pad && rx_session_pages_patch(store + (p->pad - start), p->pad_jump, 5) != 0) ||
            rx_session_pages_patch(store + (p->at - start), p->jump, p->n) != 0)
            return -1;
        (*p->count)++, lx_rewrite_stats.sites_known++, lx_rewrite_stats.sites_library++;
    }
    return 0;
}

TLS_FREE int lx_rewrite_nchunks(void) { return nchunks; }

void lx_rewrite_forked(void) { traps = 0, learned = 0, quiet = FORK_QUIET; }

/* How many chunks a fork leaves out: when all are, a child knows it without
 * reading the table (a page of its own, each read of it first a fault in the
 * child of a shell's fork+exec). */
static int nchunks_out RX_FORK_HOT;

/* Under the text lock (chunk_near adds chunks under it). */
void lx_rewrite_chunks_left_out(int on)
{
    int out = 0;
    for (int i = 0; i < nchunks; i++) {
        if (scratch.chunks[i].left_out != on &&
            rx_madvise(scratch.chunks[i].base, CHUNK, on ? RX_MADV_DONTFORK : RX_MADV_DOFORK) == 0)
            scratch.chunks[i].left_out = on;
        out += scratch.chunks[i].left_out;
    }
    nchunks_out = out;
}

void lx_rewrite_chunks_not_here(void)
{
    if (nchunks_out == nchunks) {
        nchunks = nchunks_out = 0;
        return;
    }
    int kept = 0;
    for (int i = 0; i < nchunks; i++)
        if (!scratch.chunks[i].left_out) scratch.chunks[kept++] = scratch.chunks[i];
    nchunks = kept, nchunks_out = 0;
}

void lx_rewrite_forget(void)
{
    gm_text_lock();
    for (int i = 0; i < nchunks; i++) rx_munmap(scratch.chunks[i].base, CHUNK);
    nchunks = nchunks_out = npads = 0;
    traps = 0, learned = 0, quiet = 0;
    nmapped_files = 0, interp_file = -1;
    if (placed[0].start) memset(placed, 0, sizeof placed); /* else a page an exec'd child need not copy */
    program_stamp = 0;
    for (int i = 0; i < noutgrown; i++) rx_munmap((uintptr_t)outgrown[i], site_table_bytes(outgrown[i]));
    noutgrown = 0;
    /* the new program's first traps find it made; one of the first size is
     * cleared, not unmapped and mapped again (two system calls of each exec) */
    if (sites && site_table_bytes(sites) <= 4096) {
        memset(sites->slot, 0, sites->cap * sizeof sites->slot[0]);
    } else {
        if (sites) rx_munmap((uintptr_t)sites, site_table_bytes(sites));
        sites = site_table_new(4096);
    }
    gm_text_unlock();
}

/* Every rewrite runs under guestmem's text lock, which also keeps the guest's own
 * mmap, munmap and mprotect from undoing or racing it; this file's state with it.
 * A trap never waits for the lock: when another thread holds it (a rewrite, a
 * guest mmap) the call stays on the trap this time -- waiting cost more than the
 * trap, as the holder may itself wait on a TLB shootdown.  TLS-free: the trap
 * calls it on the guest's FS too, where switching FS for a rewrite cost two more
 * kernel entries (~8 us on a KPTI host without FSGSBASE). */
TLS_FREE void lx_rewrite_site(uintptr_t ip, long nr)
{
    uintptr_t site = ip - 2;
    int state = site_state(site, 0, 0); /* racy read: at worst the site is looked at again */
    if (state == KEPT) return;
    unsigned n = __atomic_add_fetch(&traps, 1, __ATOMIC_RELAXED);
    if (n <= quiet) return;
    int hot = 0;
    /* while other threads live, only a hot site: their rewrites are protection
     * round trips, each mprotect a TLB shootdown to the CPUs they run on; once
     * they have ended, pokes again (git status's main thread after its preload) */
    if (state == SEEN && !(hot = site_hit(site) >= SITE_HOT) && (!lx_threads_alone() || (n < REWRITE_AFTER && !learned)))
        return;
    if (!gm_text_trylock()) return;
    int past = n >= REWRITE_AFTER || hot || learned; /* a hot site: a program worth learning too */
    if (past && !learned) {
        learned = 1;
        learn_seen();
    }
    state = site_state(site, 0, 0);
    if (!state) {
        site_state(site, SEEN, nr);
        learn(site, nr, !past);
    } else if (state == SEEN) rewrite_page(site, nr); /* from the threshold on, at its first trap */
    gm_text_unlock();
}
