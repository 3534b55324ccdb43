/* cpuid_sites.c — CPUID answered by lxrun, on machines where the instruction is
 * slow.
 *
 * In a VM every CPUID leaves the guest for the hypervisor: 5.2 us each on the
 * machine measured (a system call there: 0.2 us).  glibc's ld.so executes 43 of
 * them as each dynamic program starts (its CPU features, then its cache sizes:
 * handle_amd alone asks 0x80000000, 0x80000005 and 0x80000006 22 times), a third
 * of /bin/true's run -- natively as under lxrun.  The instruction does not trap
 * (no CPUID faulting on these machines), so its sites are found in the code
 * lxrun's loader maps (ld.so, or a program without one) in three shapes:
 *
 *   mov $leaf, %eax ; cpuid                    b8 imm32 0f a2
 *   mov $leaf, %eax ; xor %ecx, %ecx ; cpuid   b8 imm32 31 c9 0f a2 (or 33 c9)
 *     The mov becomes a jump to a trampoline that (runs the xor, for its flags
 *     and %ecx, then) sets the four registers to the leaf's answer and jumps back
 *     past the cpuid; the cpuid and the xor stay, as the syscall does at a
 *     rewritten call site (rewrite.c): every instruction boundary keeps its
 *     meaning.
 *   any other cpuid (leaf and subleaf in registers: shape 3, below)
 *     The instructions before it are moved into a trampoline that then looks the
 *     pair up among the session's answers.
 *
 * Proof that those bytes are those instructions (no trap shows that the code
 * ran): the function that holds them, as the unwind tables bound it (the search
 * table of PT_GNU_EH_FRAME and its FDE; for a static program linked without that
 * table, as gcc -static and busybox-static are, one made from .eh_frame, which
 * the loader finds by the section headers), is decoded from its first byte with
 * insn_len.c (held to objdump over ld.so, libc, libstdc++, libm, perl and python3
 * by unit.insn_len): the mov, the xor and the cpuid must each begin an
 * instruction, and the decoding must end exactly at the function's end with
 * every instruction known.  Anything else keeps its CPUID.
 *
 * Leaves: only those whose answer is the same on every CPU and whatever %ecx
 * holds (shape 1), or for %ecx 0 (shape 2): not leaf 1, 0xb, 0x1f or 0x8000001e,
 * which carry the CPU's APIC ID, nor the hypervisor's; shape 3 finds only those
 * in the answers, and runs the real cpuid for the rest.  (On a hybrid CPU the
 * cache leaves differ between core kinds; an answer taken on one kind is what
 * the thread would see had it been moved there.)  Each is asked once per session
 * (shared memory made by the first lxrun), the first time a site needs it.
 *
 * A file's proven sites are kept by its stamp in the session's site table
 * (site_cache.c), so the next exec of it checks their bytes again instead of
 * decoding.  Served in rewrite mode, where CPUID costs more than 2000 cycles (auto:
 * timed as lxrun starts; not in the session's first program) or --cpuid=serve
 * says so; --cpuid=native never.  TLS-free: the loader may run on the guest's FS. */
#include <cpuid.h>
#include <emmintrin.h>
#include <string.h>

#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "learned.h"
#include "insn_len.h"
#include "plant_cache.h"
#include "rewrite.h"
#include "site_cache.h"
#include "thread.h"
#include "trap.h"

#define TLS_FREE __attribute__((no_stack_protector))
#define PT_LOAD 1
#define PT_GNU_EH_FRAME 0x6474e550
#define PF_X 1
/* A CPUID above this: serving gains.  Bare metal ~100-300 cycles; VMs 2400-2900
 * (1.2-1.4 us) to 11000-26000 (5.5-8.7 us).  4000 until the twenty-fifth session,
 * from an AMD VM at 2900 where serving lost (sh's fork+exec loop 2.20x against
 * 2.14x native, 21 alternating runs) while each detour was a poke of its own (31
 * an exec) and handle_intel's leaf 2 missed at its looked-up site; on an Intel VM
 * at ~2430, where glibc's start asks 68 CPUIDs (AMD: 43), serving with one poke a
 * page and those answers found took sh's loop of 1500 /bin/true from 939 to 799 ms
 * (medians of 9 alternating runs; CPU time 1198 -> 1022 ms). */
#define SLOW_CYCLES 2000
#define SITES_MAX 64      /* per file */
#define CPUID_SALT 0x43505549445349ull /* a file's cpuid record, apart from its call sites' */

static int serving RX_FORK_HOT;

int lx_cpuid_parse(const char *word)
{
    if (!strcmp(word, "auto")) return LX_CPUID_AUTO;
    if (!strcmp(word, "native")) return LX_CPUID_NATIVE;
    if (!strcmp(word, "serve")) return LX_CPUID_SERVE;
    return -1;
}

/* auto: the session's first program keeps its CPUIDs.  Finding and proving the
 * sites, and asking each leaf once, cost a first process more than it saves
 * (python3 -c pass alone: 0.28 ms slower served, 41 alternating runs); the
 * programs the session's processes execute find them known -- and so does the
 * first program of a session that started from an earlier one's (trap/learned.c),
 * which then serves them, and finds and proves those of a file new to it once
 * for every later session. */
static int pass_first RX_EXEC_READ;

TLS_FREE int lx_cpuid_detouring(void) { return serving && !(pass_first && !lx_learned_earlier()); }

/* auto where a CPUID costs within a quarter of SLOW_CYCLES: the measure's noise
 * (a process's first CPUIDs, the load) moved the choice from one session to the
 * next -- 1960-3330 cycles, median 2140, on the Xeon VM of the thirty-second
 * session -- and each choice keeps a learned file of its own (trap/learned.c):
 * concurrent sessions split between two, a session often started cold.  Near it
 * the choice is serving (at that cost serving and not are within the noise of
 * each other), unless the user's cache holds only a file of sessions that chose
 * the CPU's (lx_cpuid_follow): one choice per boot, made by a measure that said so
 * clearly. */
#define NEAR_SLOW(c) ((c) >= SLOW_CYCLES - SLOW_CYCLES / 4 && (c) < SLOW_CYCLES + SLOW_CYCLES / 4)
static int near_slow, chosen;

int lx_cpuid_choose(int want)
{
    pass_first = want == LX_CPUID_AUTO;
    near_slow = want == LX_CPUID_AUTO && NEAR_SLOW(lx_trap_cpuid_cycles);
    if (want == LX_CPUID_AUTO) want = lx_trap_cpuid_cycles >= SLOW_CYCLES || near_slow ? LX_CPUID_SERVE : LX_CPUID_NATIVE;
    serving = want == LX_CPUID_SERVE && lx_trap_mode_current() == LX_TRAP_REWRITE;
    return chosen = want;
}

int lx_cpuid_follow(int (*chosen_before)(int serving))
{
    if (near_slow && chosen == LX_CPUID_SERVE && !chosen_before(1) && chosen_before(0)) serving = 0, chosen = LX_CPUID_NATIVE;
    return chosen;
}

const char *lx_cpuid_name(void) { return serving ? "serve" : "native"; }

/* ---- answers, one per (leaf, subleaf), shared by the session ---- */
/* state: 0 free, 1 being written, 2 ready; check: of the rest, for a session that
 * maps an earlier one's (trap/learned.c: a page torn by a crash is dropped whole) */
struct answer { uint32_t leaf, sub, r[4], state, check; };
#define ANSWERS (4096 / sizeof(struct answer))
_Static_assert(sizeof(struct answer) == 32, "detour_lookup's stride and offsets");

TLS_FREE static uint32_t answer_check(const struct answer *e)
{
    uint32_t h = 0x811c9dc5u;
    const uint32_t w[6] = { e->leaf, e->sub, e->r[0], e->r[1], e->r[2], e->r[3] };
    for (int i = 0; i < 6; i++) h = (h ^ w[i]) * 0x01000193u;
    return h | 1; /* never 0: a free slot's */
}
static struct answer *answers RX_EXEC_READ;

const void *lx_cpuid_answers(void) { return answers; }

void lx_cpuid_sites_start(void)
{
    long m = rx_session_kept(4096); /* shared with other sessions (of one boot): trap/learned.c */
    answers = m < 0 ? 0 : (struct answer *)m;
    for (unsigned i = 0; answers && lx_learned_earlier() && i < ANSWERS; i++)
        if (answers[i].state == 2 && answers[i].check != answer_check(&answers[i])) {
            lx_learned_corrupt(); /* the kept part is the memfd's, empty, from here on */
            break;
        }
    lx_plant_cache_start();
}

/* The subleaf an answer is kept under when its leaf ignores %ecx (leaf_served's
 * shape 1): a lookup site finds it whatever %ecx holds.  glibc's handle_intel
 * asks leaf 2 with %ecx left over from its caller: kept under 0, each of its 12
 * asks an exec missed and ran the real CPUID. */
#define ANY_SUB 0xffffffffu
TLS_FREE static int leaf_served(uint32_t leaf, int shape);

TLS_FREE static void answer(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
    if (leaf_served(leaf, 1)) sub = ANY_SUB;
    for (unsigned i = 0; answers && i < ANSWERS - 1; i++) { /* the last stays free: the lookup's end */
        struct answer *e = &answers[i];
        uint32_t st = __atomic_load_n(&e->state, __ATOMIC_ACQUIRE);
        if (st == 2 && e->leaf == leaf && e->sub == sub) {
            memcpy(r, e->r, sizeof e->r);
            return;
        }
        if (st) continue;
        __cpuid_count(leaf, sub == ANY_SUB ? 0 : sub, r[0], r[1], r[2], r[3]);
        uint32_t none = 0;
        if (__atomic_compare_exchange_n(&e->state, &none, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
            e->leaf = leaf, e->sub = sub;
            memcpy(e->r, r, sizeof e->r);
            e->check = answer_check(e);
            __atomic_store_n(&e->state, 2, __ATOMIC_RELEASE);
        }
        return;
    }
    if (answers) rx_learned_full(); /* no slot: the next session starts a table afresh */
    __cpuid_count(leaf, sub == ANY_SUB ? 0 : sub, r[0], r[1], r[2], r[3]);
}

/* Shape 1: the answer ignores %ecx; shape 2: for %ecx 0.  Both: every CPU's. */
TLS_FREE static int leaf_served(uint32_t leaf, int shape)
{
    if (leaf == 0 || leaf == 2 || (leaf >= 0x80000000u && leaf <= 0x80000008u)) return 1;
    return shape == 2 && (leaf == 4 || leaf == 7 || leaf == 0xd);
}

/* ---- reading the image: every byte looked at lies in a readable guest mapping ---- */
TLS_FREE static int readable(uintptr_t a, size_t n) { return gm_check(a, n, LINUX_PROT_READ); }

TLS_FREE static uint32_t rd32(uintptr_t a) { uint32_t v; memcpy(&v, (const void *)a, 4); return v; }

TLS_FREE static int uleb(uintptr_t *p, uintptr_t end, uint64_t *out)
{
    uint64_t v = 0;
    for (int shift = 0; *p < end && shift < 64; shift += 7) {
        uint8_t b = *(const uint8_t *)(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) { *out = v; return 0; }
    }
    return -1;
}

/* The encoding of an FDE's addresses, from its CIE's augmentation 'R'; -1 when
 * the CIE says anything this file does not read.  *plain: no personality and no
 * LSDA (no landing pad the unwinder may jump to inside the function). */
TLS_FREE static int cie_fde_encoding(uintptr_t cie, int *plain)
{
    *plain = 1;
    if (!readable(cie, 4)) return -1;
    uint32_t len = rd32(cie);
    if (len < 8 || len == 0xffffffffu || !readable(cie, 4 + (size_t)len)) return -1;
    uintptr_t p = cie + 8, end = cie + 4 + len;
    uint8_t version = *(const uint8_t *)p++;
    if (rd32(cie + 4) != 0 || (version != 1 && version != 3)) return -1;
    const char *aug = (const char *)p;
    size_t alen = 0;
    while (p + alen < end && aug[alen]) alen++;
    if (p + alen >= end || alen == 0 || aug[0] != 'z') return -1;
    p += alen + 1;
    uint64_t skip;
    if (uleb(&p, end, &skip) < 0 || uleb(&p, end, &skip) < 0) return -1; /* code and data alignment */
    if (version == 1) p++;
    else if (uleb(&p, end, &skip) < 0) return -1;
    if (uleb(&p, end, &skip) < 0) return -1; /* augmentation data length */
    int enc = -1;
    for (size_t i = 1; i < alen && p < end; i++) {
        if (aug[i] == 'R') enc = *(const uint8_t *)p++;
        else if (aug[i] == 'L') p++, *plain = 0;
        else if (aug[i] == 'P') {
            *plain = 0;
            uint8_t penc = *(const uint8_t *)p++;
            size_t sz = (penc & 7) == 3 ? 4 : (penc & 7) == 4 || (penc & 0xf) == 0 ? 8 : 0;
            if (!sz) return -1;
            p += sz;
        } else if (aug[i] != 'S') return -1;
    }
    return enc;
}

/* A search table of the unwind information: count pairs of 32-bit offsets from
 * base (a function's start, its FDE), sorted by start.  PT_GNU_EH_FRAME holds
 * one (base: the header itself); for a program without it (ld -static drops it)
 * one is made from .eh_frame into scratch memory (own: munmap it after). */
struct fn_index { uintptr_t base, table; uint32_t count; size_t own; };

TLS_FREE static int index_of_hdr(uintptr_t hdr, struct fn_index *x)
{
    if (!readable(hdr, 12)) return 0;
    const uint8_t *h = (const uint8_t *)hdr;
    /* version 1; eh_frame_ptr 4 bytes; count udata4; table datarel|sdata4 */
    if (h[0] != 1 || (h[1] & 7) != 3 || h[2] != 0x03 || h[3] != 0x3b) return 0;
    uint32_t count = rd32(hdr + 8);
    if (!count || count > (1u << 24) || !readable(hdr + 12, (size_t)count * 8)) return 0;
    *x = (struct fn_index){ .base = hdr, .table = hdr + 12, .count = count };
    return 1;
}

/* The FDEs of .eh_frame at [ef, ef + len), each as its pc_begin would read with
 * the usual encoding (pcrel|sdata4: function_of checks its CIE says so). */
TLS_FREE static uint32_t eh_frame_fdes(uintptr_t ef, size_t len, int32_t *pairs, uint32_t max)
{
    uint32_t n = 0;
    for (uintptr_t p = ef, end = ef + len; p + 8 <= end;) {
        uint32_t l = rd32(p);
        if (l == 0 || l == 0xffffffffu || l > end - p - 4) break; /* the end, or 64-bit lengths: not read */
        if (rd32(p + 4) != 0 && l >= 12) {
            intptr_t start = (intptr_t)(p + 8 + (uintptr_t)(intptr_t)(int32_t)rd32(p + 8) - ef), fde = (intptr_t)(p - ef);
            if (start == (int32_t)start && n < max && pairs) pairs[2 * n] = (int32_t)start, pairs[2 * n + 1] = (int32_t)fde;
            n += start == (int32_t)start;
        }
        p += 4 + (uintptr_t)l;
    }
    return n;
}

TLS_FREE static int index_of_eh_frame(uintptr_t ef, size_t len, struct fn_index *x)
{
    if (!len || len > (64u << 20) || !readable(ef, len)) return 0;
    uint32_t n = eh_frame_fdes(ef, len, NULL, 0);
    if (n > (1u << 16)) return 0; /* the sort is O(n^1.5): busybox has 2 038 */
    size_t bytes = GM_PAGE_UP((size_t)n * 8);
    long m = n ? rx_mmap(0, bytes, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS, -1, 0) : -1;
    if (m < 0) return 0;
    int32_t *pairs = (int32_t *)m;
    n = eh_frame_fdes(ef, len, pairs, n);
    for (uint32_t gap = n / 2; gap > 0; gap /= 2) /* by start: a shell sort (no qsort on the guest's FS) */
        for (uint32_t i = gap; i < n; i++)
            for (uint32_t j = i; j >= gap && pairs[2 * (j - gap)] > pairs[2 * j]; j -= gap) {
                int32_t s = pairs[2 * j], f = pairs[2 * j + 1];
                pairs[2 * j] = pairs[2 * (j - gap)], pairs[2 * j + 1] = pairs[2 * (j - gap) + 1];
                pairs[2 * (j - gap)] = s, pairs[2 * (j - gap) + 1] = f;
            }
    *x = (struct fn_index){ .base = ef, .table = (uintptr_t)m, .count = n, .own = bytes };
    return 1;
}

/* The function holding [a, b): its bounds from the search table and the FDE it
 * names; 0 when there is none. */
TLS_FREE static int function_of(const struct fn_index *x, uintptr_t a, uintptr_t b, uintptr_t *lo, uintptr_t *hi,
                                int *plain)
{
    uintptr_t base = x->base, table = x->table;
    uint32_t l = 0, r = x->count; /* the last entry starting at or before a */
    if (!r) return 0;
    while (r - l > 1) {
        uint32_t m = l + (r - l) / 2;
        if (base + (uintptr_t)(intptr_t)(int32_t)rd32(table + 8 * m) <= a) l = m;
        else r = m;
    }
    uintptr_t start = base + (uintptr_t)(intptr_t)(int32_t)rd32(table + 8 * l);
    uintptr_t fde = base + (uintptr_t)(intptr_t)(int32_t)rd32(table + 8 * l + 4);
    if (start > a || !readable(fde, 16)) return 0;
    uint32_t len = rd32(fde), cie_off = rd32(fde + 4);
    if (len < 12 || len == 0xffffffffu || cie_off == 0 || cie_off > fde + 4) return 0;
    if (cie_fde_encoding(fde + 4 - cie_off, plain) != 0x1b) return 0; /* pcrel|sdata4 */
    uintptr_t begin = fde + 8 + (uintptr_t)(intptr_t)(int32_t)rd32(fde + 8);
    uint32_t range = rd32(fde + 12);
    if (begin != start || b > begin + range || begin + range < begin) return 0;
    *lo = begin, *hi = begin + range;
    return 1;
}

/* A candidate site: its mov at m, its cpuid at c; proven once a decoding of its
 * function from the start meets both (and the xor between, shape 2). */
struct cand { uintptr_t m, c; uint32_t leaf; int shape, proven; };

/* Decodes [lo, hi) once, from lo to exactly hi with every instruction known, and
 * marks proven the candidates of k[0..n) (by address) inside it whose
 * instructions all begin where the decoding does. */
TLS_FREE static void prove(uintptr_t lo, uintptr_t hi, struct cand *k, int n)
{
    if (!readable(lo, hi - lo)) return;
    int hits[SITES_MAX] = { 0 }, j0 = 0;
    while (j0 < n && k[j0].m < lo) j0++;
    uintptr_t at = lo;
    while (at < hi) {
        for (int j = j0; j < n && k[j].m <= at; j++)
            hits[j] += (k[j].m == at) + (k[j].c == at) + (k[j].shape == 2 && k[j].m + 5 == at);
        enum lx_insn_kind kind;
        size_t len = lx_insn_len((const uint8_t *)at, hi - at, &kind);
        if (!len) return;
        at += len;
    }
    if (at != hi) return;
    for (int j = j0; j < n && k[j].c + 2 <= hi; j++)
        if (hits[j] == k[j].shape + 1) k[j].proven = 1;
}

/* The shape of the site whose mov is at m (1 or 2; 0: none), its leaf in *leaf. */
TLS_FREE static int shape_at(uintptr_t m, uintptr_t end, uint32_t *leaf)
{
    const uint8_t *s = (const uint8_t *)m;
    if (m + 7 > end || s[0] != 0xb8) return 0;
    memcpy(leaf, s + 1, 4);
    if (s[5] == 0x0f && s[6] == 0xa2) return leaf_served(*leaf, 1) ? 1 : 0;
    if (m + 9 <= end && (s[5] == 0x31 || s[5] == 0x33) && s[6] == 0xc9 && s[7] == 0x0f && s[8] == 0xa2)
        return leaf_served(*leaf, 2) ? 2 : 0;
    return 0;
}

/* The sum of the bytes from 24 before a site's first to its cpuid's end (to). */
TLS_FREE static uint32_t site_sum(uintptr_t m, uintptr_t to, uintptr_t text)
{
    return lx_site_cache_sum(m - text >= 24 ? m - 24 : text, to);
}

/* The detour for the site at m: the trampoline's code. */
TLS_FREE static void detour_for(uintptr_t m, int shape, uint32_t leaf, struct lx_detour *d)
{
    uint32_t r[4];
    answer(leaf, 0, r);
    uint8_t *p = d->code;
    if (shape == 2) *p++ = 0x31, *p++ = 0xc9; /* xor %ecx,%ecx: its flags */
    static const uint8_t mov[4] = { 0xb8, 0xbb, 0xb9, 0xba }; /* eax ebx ecx edx */
    for (int i = 0; i < 4; i++) *p++ = mov[i], memcpy(p, &r[i], 4), p += 4;
    d->at = m;
    d->ret = m + (shape == 1 ? 7 : 9);
    d->len = (uint8_t)(p - d->code);
}

/* ---- sites whose leaf or subleaf comes in a register (shape 3) ----
 * glibc's loops over subleaves (update_active's 0xd, get_common_indices' 7, 0xd,
 * 0x14, 0x19: ten of ld.so's CPUIDs) set %eax and %ecx from registers.  The
 * instructions before the cpuid, back to 5 bytes or more, are moved into the
 * trampoline, which then looks (leaf, subleaf) up in the session's answers,
 * keeping the flags (lahf/seto, then add/sahf: CPUID changes none), and runs the
 * real cpuid when they hold none.  The moved instructions must be plain moves,
 * arithmetic or lea on registers or memory not addressed from %rip; no jump in
 * the function may land inside them or on the cpuid, and the function may hold no
 * indirect jump (a table's targets are unknown); no direct jump anywhere in the
 * text may land there either (a cold part of a function jumps into its hot
 * part). */

/* Moved into a trampoline, it does the same: at most a REX prefix, and a move,
 * arithmetic, test or lea whose memory operand, if any, is not %rip-relative. */
TLS_FREE static int movable(const uint8_t *p, size_t len)
{
    static const uint8_t rm_ops[] = { 0x01, 0x03, 0x09, 0x0b, 0x21, 0x23, 0x29, 0x2b, 0x31, 0x33, 0x39, 0x3b,
                                      0x63, 0x85, 0x88, 0x89, 0x8a, 0x8b, 0x8d, 0xc6, 0xc7, 0x81, 0x83 };
    size_t i = (p[0] & 0xf0) == 0x40;
    if (i >= len) return 0;
    uint8_t op = p[i++];
    if (op >= 0xb8 && op <= 0xbf) return 1;
    int ok = 0;
    for (size_t k = 0; k < sizeof rm_ops; k++) ok |= op == rm_ops[k];
    if (op == 0x0f && i < len && (p[i] == 0xb6 || p[i] == 0xb7 || p[i] == 0xbe || p[i] == 0xbf)) i++, ok = 1;
    if (!ok || i >= len) return 0;
    uint8_t modrm = p[i], mod = modrm >> 6;
    if ((op == 0xc6 || op == 0xc7) && (modrm & 0x38)) return 0;
    if (op == 0x8d && mod == 3) return 0;
    return !(mod == 0 && (modrm & 7) == 5);
}

/* A jmp, jcc or loop with an 8-bit displacement (its last byte). */
TLS_FREE static int rel8_op(uint8_t op) { return (op >= 0x70 && op <= 0x7f) || op == 0xeb || (op >= 0xe0 && op <= 0xe3); }

/* How many opcode bytes a call or jmp (e8, e9: 1) or a jcc (0f 8x: 2) with a
 * 32-bit displacement after them has at p (n bytes there); 0 for anything else. */
TLS_FREE static int rel32_op(const uint8_t *p, size_t n)
{
    if (n >= 1 && (p[0] & 0xfe) == 0xe8) return 1;
    return n >= 2 && p[0] == 0x0f && (p[1] & 0xf0) == 0x80 ? 2 : 0;
}

/* The instruction at p (len bytes, at at): 1 and its target in *to for a direct
 * jump, call or loop; -1 for an indirect jump; else 0. */
TLS_FREE static int branch_of(const uint8_t *p, size_t len, uintptr_t at, uintptr_t *to)
{
    size_t i = 0;
    while (i < len && (p[i] == 0x66 || p[i] == 0x67 || p[i] == 0xf0 || p[i] == 0xf2 || p[i] == 0xf3 || p[i] == 0x2e ||
                       p[i] == 0x3e || p[i] == 0x26 || p[i] == 0x36 || p[i] == 0x64 || p[i] == 0x65))
        i++;
    if (i < len && (p[i] & 0xf0) == 0x40) i++;
    if (i >= len) return 0;
    uint8_t op = p[i];
    int32_t rel;
    if (rel8_op(op)) rel = (int8_t)p[len - 1];
    else if (rel32_op(p + i, len - i)) memcpy(&rel, p + len - 4, 4);
    else if (op == 0xff && i + 1 < len && ((p[i + 1] >> 3 & 7) == 4 || (p[i + 1] >> 3 & 7) == 5)) return -1;
    else return 0;
    *to = at + len + (uintptr_t)(intptr_t)rel;
    return 1;
}

/* A moved run: (from, c] must be no jump's target.  Its function [flo, fhi) was
 * decoded whole, so a byte of it within WINDOW of c begins an instruction only
 * where starts says so: a rel8 pattern at any other is no jump (mark_reached). */
#define WINDOW 160
struct moved {
    uintptr_t from, c, flo, fhi;
    uint64_t starts[2 * WINDOW / 64];
    int reached;
};

/* Where the instructions to move for the cpuid at c begin (0: none may), from a
 * decoding of its function [lo, hi), whose instruction starts near c go into m. */
#define TARGETS_MAX 1024
TLS_FREE static uintptr_t moved_from(uintptr_t lo, uintptr_t hi, uintptr_t c, int *whole, struct moved *m)
{
    memset(m->starts, 0, sizeof m->starts);
    m->flo = lo, m->fhi = hi;
    *whole = 1; /* refused for every cpuid of the function, until the decoding ends well */
    if (!readable(lo, hi - lo)) return 0;
    uintptr_t before[8], targets[TARGETS_MAX], at = lo;
    int nb = 0, nt = 0, met = 0;
    while (at < hi) {
        enum lx_insn_kind kind;
        uintptr_t to;
        size_t len = lx_insn_len((const uint8_t *)at, hi - at, &kind);
        if (!len) return 0;
        int b = branch_of((const uint8_t *)at, len, at, &to);
        if (b < 0 || (b > 0 && to > lo && to < hi && nt == TARGETS_MAX)) return 0;
        if (b > 0 && to > lo && to < hi) targets[nt++] = to;
        met |= at == c;
        if (at < c) before[nb++ % 8] = at;
        if (at + WINDOW >= c && at < c + WINDOW) m->starts[(at + WINDOW - c) / 64] |= 1ull << ((at + WINDOW - c) % 64);
        at += len;
    }
    if (at != hi) return 0;
    *whole = 0;
    if (!met) return 0;
    uintptr_t from = c;
    for (int k = nb; c + 2 - from < 5; k--) {
        if (k == 0 || nb - k >= 8) return 0;
        uintptr_t prev = before[(k - 1) % 8];
        if (!movable((const uint8_t *)prev, from - prev)) return 0;
        from = prev;
    }
    for (int i = 0; i < nt; i++)
        if (targets[i] > from && targets[i] <= c) return 0;
    return from;
}


/* A jump from anywhere landing at t: the runs it lands in are reached (lo, hi:
 * the span of them all, looked at first). */
TLS_FREE static void land(uintptr_t t, uintptr_t lo, uintptr_t hi, struct moved *r, int n)
{
    if (t <= lo || t > hi) return;
    for (int i = 0; i < n; i++) r[i].reached |= t > r[i].from && t <= r[i].c;
}

/* The rel32 call, jmp or jcc that p would begin, if any. */
TLS_FREE static void rel32_from(const uint8_t *p, const uint8_t *end, uintptr_t lo, uintptr_t hi, struct moved *r,
                                int n)
{
    int op = rel32_op(p, (size_t)(end - p));
    if (!op || p + op + 4 > end) return;
    int32_t rel;
    memcpy(&rel, p + op, 4);
    land((uintptr_t)p + (uintptr_t)op + 4 + (uintptr_t)(intptr_t)rel, lo, hi, r, n);
}

/* Marks reached every run of r[0..n) that a rel8 or rel32 jump, call or loop
 * anywhere in [text, end) lands in, as if each byte began one (a false alarm
 * only leaves a site alone).  A rel8 lands within 129 bytes of itself, so only
 * the bytes near the runs are looked at for one; the rel32 opcodes are found 16
 * bytes at a time (computing every byte's three targets took ~0.4 ms of the
 * first process that proves ld.so's sites, three memchr passes ~0.3 ms: 0x0f
 * begins every other two-byte opcode). */
/* A byte some decoded function holds within a run's window, not where an
 * instruction of it begins. */
TLS_FREE static int inside_insn(uintptr_t at, const struct moved *r, int n)
{
    for (int i = 0; i < n; i++)
        if (at >= r[i].flo && at < r[i].fhi && at + WINDOW >= r[i].c && at < r[i].c + WINDOW)
            return !(r[i].starts[(at + WINDOW - r[i].c) / 64] >> ((at + WINDOW - r[i].c) % 64) & 1);
    return 0;
}

TLS_FREE static void mark_reached(uintptr_t text, uintptr_t end, struct moved *r, int n)
{
    uintptr_t lo = UINTPTR_MAX, hi = 0;
    for (int i = 0; i < n; i++) lo = r[i].from < lo ? r[i].from : lo, hi = r[i].c > hi ? r[i].c : hi;
    uintptr_t near_lo = lo - text > 130 ? lo - 130 : text, near_hi = end - hi > 130 ? hi + 130 : end;
    for (uintptr_t at = near_lo; at + 2 <= near_hi; at++) {
        const uint8_t *p = (const uint8_t *)at;
        if (rel8_op(p[0]) && !inside_insn(at, r, n)) land(at + 2 + (uintptr_t)(intptr_t)(int8_t)p[1], lo, hi, r, n);
    }
    const __m128i call = _mm_set1_epi8((char)0xe8), jmp = _mm_set1_epi8((char)0xe9), esc = _mm_set1_epi8(0x0f);
    uintptr_t at = text;
    for (; at + 16 <= end; at += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)at);
        __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, call), _mm_cmpeq_epi8(v, jmp)), _mm_cmpeq_epi8(v, esc));
        for (unsigned m = (unsigned)_mm_movemask_epi8(hit); m; m &= m - 1)
            rel32_from((const uint8_t *)at + __builtin_ctz(m), (const uint8_t *)end, lo, hi, r, n);
    }
    for (; at < end; at++) rel32_from((const uint8_t *)at, (const uint8_t *)end, lo, hi, r, n);
}

/* [from, c) is a run of movable instructions ending at c, 5 bytes or more with
 * the cpuid (checked again when the site is known from an earlier process). */
TLS_FREE static int moved_run(uintptr_t from, uintptr_t c)
{
    if (c + 2 - from < 5 || c - from > 48) return 0;
    for (uintptr_t at = from; at < c;) {
        enum lx_insn_kind kind;
        size_t len = lx_insn_len((const uint8_t *)at, c - at, &kind);
        if (!len || !movable((const uint8_t *)at, len)) return 0;
        at += len;
    }
    return ((const uint8_t *)c)[0] == 0x0f && ((const uint8_t *)c)[1] == 0xa2;
}

/* The answers glibc's loops ask, taken once per session when a shape-3 site is
 * first planned: leaf 7's and 0xd's subleaves, 0x14, 0x19, and the cache
 * topology leaves (4 on Intel, 0x8000001d on AMD) until their last level. */
static int answers_primed RX_FORK_HOT;
TLS_FREE static void prime_answers(void)
{
    if (answers_primed++) return;
    uint32_t r[4], max, ext;
    answer(0, 0, r), max = r[0];
    answer(0x80000000u, 0, r), ext = r[0];
    if (max >= 2) answer(2, 0, r);
    for (uint32_t leaf = 0x80000001u; leaf <= ext && leaf <= 0x80000008u; leaf++) answer(leaf, 0, r);
    if (max >= 7) {
        answer(7, 0, r);
        for (uint32_t sub = 1; sub <= r[0] && sub < 4; sub++) answer(7, sub, r);
    }
    if (max >= 0xd) {
        /* the state components the CPU has (user ones in 0.eax, supervisor ones
         * in 1.ecx) and those glibc sizes whatever it has (its STATE_SAVE_MASK:
         * 2, 3, 5, 6, 7): not all 19 subleaves, ~11 VM exits fewer */
        answer(0xd, 0, r);
        uint32_t comps = r[0] | 0xecu;
        answer(0xd, 1, r);
        comps |= r[2];
        for (uint32_t sub = 2; sub < 19; sub++)
            if (comps >> sub & 1) answer(0xd, sub, r);
    }
    if (max >= 0x14) answer(0x14, 0, r);
    if (max >= 0x19) answer(0x19, 0, r);
    for (uint32_t sub = 0; max >= 4 && sub < 8; sub++)
        if (answer(4, sub, r), !(r[0] & 0x1f)) break;
    for (uint32_t sub = 0; ext >= 0x8000001du && sub < 8; sub++)
        if (answer(0x8000001du, sub, r), !(r[0] & 0x1f)) break;
}

/* Code into p from the label table's offsets: rel8 jumps patched once placed. */
#define EMIT(...) do { static const uint8_t b_[] = { __VA_ARGS__ }; memcpy(p, b_, sizeof b_); p += sizeof b_; } while (0)

/* mov %gs:off,%rax -- the thread record's field (trap/thread.h): no address of
 * this session's in the code, which plant_cache.c keeps for later sessions. */
TLS_FREE static uint8_t *gs_load_rax(uint8_t *p, uint32_t off)
{
    static const uint8_t op[5] = { 0x65, 0x48, 0x8b, 0x04, 0x25 };
    memcpy(p, op, sizeof op);
    memcpy(p + sizeof op, &off, 4);
    return p + sizeof op + 4;
}

/* The trampoline for a shape-3 site: the moved instructions, then the lookup. */
TLS_FREE static int detour_lookup(uintptr_t from, uintptr_t c, struct lx_detour *d)
{
    if (!answers || c - from > 48) return 0;
    uint8_t *p = d->code;
    memcpy(p, (const void *)from, c - from), p += c - from;
    EMIT(0x89, 0xc3);             /* mov %eax,%ebx: the leaf */
    EMIT(0x9f);                   /* lahf */
    EMIT(0x0f, 0x90, 0xc0);       /* seto %al */
    EMIT(0x89, 0xc2);             /* mov %eax,%edx: the flags */
    p = gs_load_rax(p, LX_THREAD_CPUID_ANSWERS); /* mov %gs:answers,%rax */
    uint8_t *loop = p;
    EMIT(0x83, 0x78, 0x18, 0x02); /* cmpl $2,24(%rax): a ready answer */
    uint8_t *to_miss = p + 1;
    EMIT(0x75, 0x00);             /* jne miss */
    EMIT(0x39, 0x18);             /* cmp %ebx,(%rax) */
    EMIT(0x75, 0x0b);             /* jne next */
    EMIT(0x83, 0x78, 0x04, 0xff); /* cmpl $ANY_SUB,4(%rax) */
    uint8_t *to_any = p + 1;
    EMIT(0x74, 0x00);             /* je found */
    EMIT(0x39, 0x48, 0x04);       /* cmp %ecx,4(%rax) */
    uint8_t *to_found = p + 1;
    EMIT(0x74, 0x00);             /* je found */
    EMIT(0x48, 0x83, 0xc0, 0x20); /* next: add $32,%rax */
    EMIT(0xeb, 0x00);
    p[-1] = (uint8_t)(loop - p);  /* jmp loop */
    *to_miss = (uint8_t)(p - (to_miss + 1));
    p = gs_load_rax(p, LX_THREAD_CPUID_MISSED); /* miss: mov %gs:missed,%rax */
    EMIT(0xf0, 0x48, 0xff, 0x00); /* lock incq (%rax): counted, the flags put back below */
    EMIT(0x89, 0xd0);             /* mov %edx,%eax */
    EMIT(0x04, 0x7f);             /* add $0x7f,%al: OF back */
    EMIT(0x9e);                   /* sahf: the rest */
    EMIT(0x89, 0xd8);             /* mov %ebx,%eax */
    EMIT(0x0f, 0xa2);             /* cpuid */
    uint8_t *to_exit = p + 1;
    EMIT(0xeb, 0x00);             /* jmp exit */
    *to_found = (uint8_t)(p - (to_found + 1));
    *to_any = (uint8_t)(p - (to_any + 1));
    EMIT(0x8b, 0x58, 0x0c);       /* found: mov 12(%rax),%ebx */
    EMIT(0x8b, 0x48, 0x10);       /* mov 16(%rax),%ecx */
    EMIT(0x48, 0x92);             /* xchg %rdx,%rax */
    EMIT(0x04, 0x7f);             /* add $0x7f,%al */
    EMIT(0x9e);                   /* sahf */
    EMIT(0x8b, 0x42, 0x08);       /* mov 8(%rdx),%eax */
    EMIT(0x8b, 0x52, 0x14);       /* mov 20(%rdx),%edx */
    *to_exit = (uint8_t)(p - (to_exit + 1));
    d->at = from;
    d->ret = c + 2;
    d->len = (uint8_t)(p - d->code);
    return 1;
}

/* Candidates in [text, end): mov offsets from the file start (fbase: where offset
 * 0 would be), proven, into site_cache under stamp.  Not inlined: its 12 KiB of
 * candidates would deepen lx_cpuid_detours' frame on every image's load. */
TLS_FREE __attribute__((noinline)) static int find_sites(uintptr_t text, uintptr_t end, const struct fn_index *x,
                                                         uintptr_t fbase, uint64_t stamp, struct lx_detour *d, int max)
{
    struct cand k[SITES_MAX];
    int nk = 0, n = 0;
    for (uintptr_t at = text + 1; at < end && nk < SITES_MAX;) {
        const uint8_t *hit = memchr((const void *)at, 0xa2, end - at);
        if (!hit) break;
        uintptr_t c = (uintptr_t)hit - 1;
        at = (uintptr_t)hit + 1;
        if (*(const uint8_t *)c != 0x0f) continue;
        for (int back = 7; back >= 5 && nk < SITES_MAX; back -= 2) { /* by address */
            uint32_t leaf;
            if (c - text < (uintptr_t)back || shape_at(c - (uintptr_t)back, end, &leaf) != (back == 5 ? 1 : 2)) continue;
            k[nk++] = (struct cand){ .m = c - (uintptr_t)back, .c = c, .leaf = leaf, .shape = back == 5 ? 1 : 2 };
        }
    }
    /* each function holding candidates decoded once (a function may hold many) */
    uintptr_t swept_lo = 0, swept_hi = 0;
    for (int i = 0; i < nk; i++) {
        uintptr_t lo, hi;
        int plain;
        if (k[i].m >= swept_lo && k[i].c + 2 <= swept_hi) continue; /* its function's decoding decided */
        if (!function_of(x, k[i].m, k[i].c + 2, &lo, &hi, &plain) || lo < text || hi > end) continue;
        prove(lo, hi, k + i, nk - i);
        swept_lo = lo, swept_hi = hi;
    }
    for (int i = 0; i < nk && n < max; i++) {
        if (!k[i].proven) continue;
        lx_site_cache_learn(stamp, k[i].m - fbase, k[i].shape, site_sum(k[i].m, k[i].c + 2, text));
        detour_for(k[i].m, k[i].shape, k[i].leaf, &d[n++]);
    }
    /* the other cpuids (shape 3), where the CPU has lahf/sahf */
    uint32_t r[4];
    answer(0x80000001u, 0, r);
    if (!(r[2] & 1)) return n;
    struct moved mv[SITES_MAX];
    int nm = 0;
    uintptr_t refused_lo = 0, refused_hi = 0; /* a function refused whole (a jump table): decoded once */
    for (uintptr_t at = text + 1; at < end && nm < SITES_MAX;) {
        const uint8_t *hit = memchr((const void *)at, 0xa2, end - at);
        if (!hit) break;
        uintptr_t c = (uintptr_t)hit - 1, lo, hi, from;
        at = (uintptr_t)hit + 1;
        int mine = 0, plain, whole;
        for (int i = 0; i < nk; i++) mine |= k[i].c == c;
        if (mine || *(const uint8_t *)c != 0x0f || (c >= refused_lo && c < refused_hi) ||
            !function_of(x, c, c + 2, &lo, &hi, &plain) || !plain || lo < text || hi > end)
            continue;
        if ((from = moved_from(lo, hi, c, &whole, &mv[nm])) != 0) mv[nm].from = from, mv[nm].c = c, mv[nm++].reached = 0;
        else if (whole) refused_lo = lo, refused_hi = hi;
    }
    if (nm) mark_reached(text, end, mv, nm);
    for (int i = 0; i < nm && n < max; i++) {
        if (mv[i].reached || !detour_lookup(mv[i].from, mv[i].c, &d[n])) continue;
        prime_answers();
        lx_site_cache_learn(stamp, mv[i].from - fbase, 3 | (long)(mv[i].c - mv[i].from) << 4,
                            site_sum(mv[i].from, mv[i].c + 2, text));
        n++;
    }
    return n;
}

/* A segment's known sites, each checked again, made detours one at a time. */
struct detours_from {
    const struct lx_known_site *k; /* the known ones */
    int n, i;
    uintptr_t fbase, text, end;
};

TLS_FREE static int next_known(struct detours_from *f, struct lx_detour *d)
{
    while (f->i < f->n) {
        const struct lx_known_site *k = &f->k[f->i++];
        uintptr_t m = f->fbase + k->off, c = m + (uintptr_t)(k->nr >> 4);
        uint32_t leaf;
        if ((k->nr & 15) == 3) { /* the same bytes: the proof holds */
            if (c + 2 <= f->end && moved_run(m, c) && site_sum(m, c + 2, f->text) == k->sum && detour_lookup(m, c, d)) {
                prime_answers();
                return 1;
            }
            continue;
        }
        int shape = shape_at(m, f->end, &leaf);
        if (shape && shape == k->nr && site_sum(m, m + (shape == 1 ? 7 : 9), f->text) == k->sum) {
            detour_for(m, shape, leaf, d);
            return 1;
        }
    }
    return 0;
}

/* The image's detours into *out (found and proven the first time the session
 * meets its file, else its known sites checked again): how many.  Under the text
 * lock, as the image is loaded (plant_cache.c plants them). */
TLS_FREE int lx_cpuid_detours(uintptr_t bias, uintptr_t phdr, size_t phnum, uintptr_t eh_frame, size_t eh_frame_len,
                              uint64_t file_stamp, struct lx_detour **out)
{
    static struct lx_detour d[SITES_MAX]; /* under the text lock (11 KiB: off the stack a child copies) */
    *out = d;
    int pass = pass_first && !lx_learned_earlier();
    pass_first = 0;
    if (pass || !serving || phnum > 64 || !readable(phdr, phnum * 56)) return 0;
    uintptr_t hdr = 0;
    for (size_t i = 0; i < phnum; i++) {
        const uint8_t *ph = (const uint8_t *)(phdr + i * 56);
        uint32_t type;
        uint64_t vaddr;
        memcpy(&type, ph, 4), memcpy(&vaddr, ph + 16, 8);
        if (type == PT_GNU_EH_FRAME) hdr = bias + vaddr;
    }
    if (!hdr && !eh_frame) return 0;
    uint64_t stamp = file_stamp ^ CPUID_SALT;
    struct fn_index x = { 0 }; /* made at the first segment that needs it */
    int n = 0, known = lx_site_cache_has(stamp);
    for (size_t i = 0; i < phnum && n < SITES_MAX; i++) {
        const uint8_t *ph = (const uint8_t *)(phdr + i * 56);
        uint32_t type, flags;
        uint64_t off, vaddr, filesz;
        memcpy(&type, ph, 4), memcpy(&flags, ph + 4, 4), memcpy(&off, ph + 8, 8), memcpy(&vaddr, ph + 16, 8);
        memcpy(&filesz, ph + 32, 8);
        uintptr_t text = bias + vaddr, end = text + filesz, fbase = text - off;
        if (type != PT_LOAD || !(flags & PF_X) || end < text || !readable(text, filesz)) continue;
        if (!known) {
            if (!x.count && !(hdr ? index_of_hdr(hdr, &x) : index_of_eh_frame(eh_frame, eh_frame_len, &x))) break;
            n += find_sites(text, end, &x, fbase, stamp, d + n, SITES_MAX - n);
            continue;
        }
        struct lx_known_site *k = lx_rewrite_known_room();
        struct detours_from f = { .k = k, .n = lx_site_cache_sites(stamp, off, off + filesz, k, LX_KNOWN_ROOM),
                                  .fbase = fbase, .text = text, .end = end };
        while (n < SITES_MAX && next_known(&f, &d[n])) n++;
    }
    if (!known) lx_site_cache_claim(stamp); /* looked at, sites or none */
    if (x.own) rx_munmap(x.table, x.own);
    return n;
}
