/* fast.c — the fast path: calls from rewritten sites (rewrite.c), served without a
 * signal.  The stub (entry.S, lx_fast_entry_*) saved the guest's state in the
 * thread record and switched FS; this runs the call and decides how it ends:
 * straight back to the guest, or through the gate into the trap, which has a
 * signal frame to deliver signals into (sud.c).
 *
 * Signals: the trampoline opened the selector, so a signal now is nested -- the
 * async handler only records it and raises f_kick; the stub's last stretch looks
 * at f_kick and, if a signal lands within it, begins it again
 * (lx_fast_signal_nested).  At the stub's final jump the guest's registers are all
 * in place: a signal there is taken as in guest code at the return address. */
#include "fast.h"

#include <cpuid.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "../process/fd_table.h"
#include "../process/process.h"
#include "../process/ptable.h"
#include "../report/report.h"
#include "../syscalls/dispatch.h"
#include "../syscalls/signal_frame.h"
#include "../syscalls/vfork_window.h"
#include "fs_switch.h"
#include "rewrite.h"
#include "trap.h"

#define STUB_SYMBOLS(fs) extern char lx_fast_entry_##fs[], lx_fast_exit_check_##fs[], lx_fast_exit_jmp_##fs[], lx_fs_call_##fs[];
STUB_SYMBOLS(wrfsbase)
STUB_SYMBOLS(arch_prctl)

static enum lx_trap_mode mode RX_EXEC_READ = LX_TRAP_SUD;
/* Bit nr: the stub serves call nr on the guest's FS (its line says GUESTFS); empty
 * while a trace prints calls (stdio is lxrun's).  Of those, the ones whose line has
 * no VECTORS: without saving the guest's vector registers either. */
uint64_t lx_fast_guestfs_bits[LX_NR_MAX / 64 + 1] RX_EXEC_READ;
uint64_t lx_fast_vector_free_bits[LX_NR_MAX / 64 + 1] RX_EXEC_READ;
/* Of those, the quick lines (lx_call_quick) while nothing is observed: one look
 * at the table serves them (lx_dispatch_quick). */
static uint64_t lx_fast_quick_bits[LX_NR_MAX / 64 + 1] RX_EXEC_READ;
uint64_t lx_trap_cpuid_cycles;
static uintptr_t gate RX_EXEC_READ;     /* a `syscall` outside lxrun's text: the way into the trap */
/* Its page: `syscall; ud2` (never returned to), the rest int3.  A read-only
 * section of lxrun's image, which the linker places after .text and etext, where
 * Syscall User Dispatch's allowed range ends (sud.c arm), in the code segment's
 * huge page: a page mapped for it was a mapping more, copied by every fork. */
__attribute__((section("lx_gate"), aligned(4096), used)) static const unsigned char gate_page[4096] = {
    0x0f, 0x05, 0x0f, 0x0b, [4 ... 4095] = 0xcc
};
extern const char etext[];
static int guestfs_on RX_EXEC_READ;     /* GUESTFS lines are served on the guest's FS (no trace prints) */
static size_t xsave_size RX_EXEC_READ;  /* the XSAVE area for the features the kernel enabled */
static int xsave_all RX_EXEC_READ;      /* the stub saves with XSAVEOPT (lx_fast_vectors_by_hand) */

int lx_trap_mode_parse(const char *word)
{
    if (!strcmp(word, "auto")) return LX_TRAP_AUTO;
    if (!strcmp(word, "sud")) return LX_TRAP_SUD;
    if (!strcmp(word, "rewrite")) return LX_TRAP_REWRITE;
    return -1;
}

static uint64_t tsc(void)
{
    unsigned lo, hi;
    __asm__ volatile("lfence; rdtsc; lfence" : "=a"(lo), "=d"(hi)::"memory");
    return (uint64_t)hi << 32 | lo;
}

/* XCR0's components the stub's hand-made save leaves alone, as lxrun's code never
 * changes them: x87 and SSE state beyond xmm0-15, MXCSR and the control word (bits
 * 0-1), AVX (2), AVX-512's opmasks and zmm16-31 (5-7: trap.avx512_confined), PKRU
 * (9: no wrpkru), and AMX's tile configuration and data (17-18: no tile
 * instruction, trap.amx_untouched).  AMX is enabled on Sapphire Rapids Xeons:
 * there XSAVEOPT+XRSTOR (an 11 KiB area) with AVX-512 in use made an fstat
 * 160-180 ns dearer than native, by hand 50-85 (getppid, which saves nothing:
 * +26).  Anything else (APX's r16-31, a component yet to come) or XINUSE
 * unreadable: XSAVEOPT of every component. */
#define XCR0_LEFT_ALONE 0x602e7u
int lx_fast_vectors_by_hand(uint32_t xcr0_lo, uint32_t xcr0_hi, int xinuse_readable)
{
    return xinuse_readable && (xcr0_lo & 4) && !(xcr0_lo & ~XCR0_LEFT_ALONE) && !xcr0_hi;
}

/* XSAVEOPT (CPUID 0xd.1 eax bit 0) and OSXSAVE: the stub keeps the guest's vector
 * state with them; the area's size for the enabled features is CPUID 0xd.0 ebx. */
static int fast_path_possible(void)
{
    /* three CPUIDs, each a VM exit in a VM (~5 us): leaf 1 exists on every x86-64,
     * and XSAVE (bit 26) implies leaf 0xd */
    unsigned a, b, c, d;
    uint64_t t = tsc();
    __cpuid(1, a, b, c, d);
    lx_trap_cpuid_cycles = tsc() - t; /* cpuid_sites.c: is it a VM exit? (rdtsc is not) */
    if (!(c & (1u << 26)) || !(c & (1u << 27))) return 0;
    t = tsc();
    __cpuid_count(0xd, 1, a, b, c, d);
    /* the least of the three: a process's first CPUID is the slowest (cold: 3300-4600
     * cycles against 2900-3200 after it, on the KPTI host of design-notes) */
    t = tsc() - t;
    if (t < lx_trap_cpuid_cycles) lx_trap_cpuid_cycles = t;
    if (!(a & 1)) return 0;
    int xinuse_readable = (a & 4) != 0; /* XGETBV with ECX=1 */
    t = tsc();
    __cpuid_count(0xd, 0, a, b, c, d);
    t = tsc() - t;
    if (t < lx_trap_cpuid_cycles) lx_trap_cpuid_cycles = t;
    xsave_size = (b + 63) & ~(size_t)63;
    unsigned xcr0_lo, xcr0_hi;
    __asm__ volatile("xgetbv" : "=a"(xcr0_lo), "=d"(xcr0_hi) : "c"(0));
    xsave_all = !lx_fast_vectors_by_hand(xcr0_lo, xcr0_hi, xinuse_readable);
    size_t by_hand = (xcr0_lo & 0x40) ? 576 + 16 * 64 : 576; /* entry.S's VEC_SAVE layout */
    if (!xsave_all && xsave_size < by_hand) xsave_size = by_hand;
    return xsave_size > 0;
}

int lx_trap_mode_choose(enum lx_trap_mode want, const char **why)
{
    int can = fast_path_possible();
    if (want == LX_TRAP_AUTO) want = can ? LX_TRAP_REWRITE : LX_TRAP_SUD;
    if (want == LX_TRAP_REWRITE && !can) {
        *why = "rewriting needs XSAVEOPT, which this CPU lacks";
        return -1;
    }
    /* the gate in both modes: the trap's quick return (sud.c) leaves by the fast
     * path's exit, which goes there with a signal to deliver */
    if ((uintptr_t)gate_page < (uintptr_t)etext) {
        *why = "lxrun's gate page lies inside its text (a link without cmake's layout)";
        return -1;
    }
    gate = (uintptr_t)gate_page;
    mode = want;
    /* in both modes: the trap serves these on the guest's FS too (sud.c) */
    int guestfs = !lx_report.observe || lx_dispatch_guestfs_observing();
    guestfs_on = guestfs;
    for (long nr = 0; nr <= LX_NR_MAX; nr++)
        if (guestfs && lx_call_on_guest_fs(nr)) {
            lx_fast_guestfs_bits[nr / 64] |= 1ULL << (nr % 64);
            if (lx_call_vector_free(nr)) lx_fast_vector_free_bits[nr / 64] |= 1ULL << (nr % 64);
            if (!lx_report.observe && lx_call_quick(nr)) lx_fast_quick_bits[nr / 64] |= 1ULL << (nr % 64);
        }
    return 0;
}

enum lx_trap_mode lx_trap_mode_current(void) { return mode; }

const char *lx_trap_mode_name(void) { return mode == LX_TRAP_REWRITE ? "rewrite" : "sud"; }

size_t lx_fast_xsave_size(void) { return mode == LX_TRAP_REWRITE ? xsave_size : 0; }

void lx_fast_thread_init(struct lx_thread *t, void *area)
{
    /* lx_fs_call serves the trap's guest-FS path in both modes: it runs below area */
    int wr = lx_trap_fs_current() == LX_TRAP_FS_WRFSBASE;
    t->fs_call = (uint64_t)(wr ? lx_fs_call_wrfsbase : lx_fs_call_arch_prctl);
    t->f_xsave = area;
    t->f_gate = gate;
    t->q_stretch = (uint64_t)(wr ? lx_fast_exit_check_wrfsbase : lx_fast_exit_check_arch_prctl);
    t->cpuid_answers = lx_cpuid_answers();
    t->cpuid_missed = &lx_rewrite_stats.cpuid_missed;
    if (mode != LX_TRAP_REWRITE) return;
    t->fast_entry = (uint64_t)(wr ? lx_fast_entry_wrfsbase : lx_fast_entry_arch_prctl);
    t->f_xsave_all = (uint8_t)xsave_all;
}

__attribute__((no_stack_protector)) int lx_fast_trap_on_guest_fs(long nr, uintptr_t ip)
{
    if (ip - gate == 2 && nr == LX_NR_GATE) return guestfs_on ? LX_GUESTFS_FINISHED : 0;
    return (unsigned long)nr <= LX_NR_MAX && (lx_fast_guestfs_bits[nr / 64] >> (nr % 64) & 1) ? LX_GUESTFS_CALL : 0;
}

__attribute__((no_stack_protector)) void lx_fast_site_trapped(uintptr_t ip, long nr)
{
    if (mode == LX_TRAP_REWRITE && ip - gate >= 4096) lx_rewrite_site(ip, nr);
}

/* raw calls: glibc's wrappers set errno (TLS) on failure */
__attribute__((always_inline)) static inline long raw_setmask(const uint64_t *set)
{
    long r;
    register long size __asm__("r10") = 8;
    __asm__ volatile("syscall"
                     : "=a"(r)
                     : "a"((long)SYS_rt_sigprocmask), "D"((long)SIG_SETMASK), "S"(set), "d"(0L), "r"(size)
                     : "rcx", "r11", "memory");
    return r;
}

/* After the call: a signal to deliver ends it through the trap (f_kick); a new
 * blocked set takes effect at once, as apply_mask would make it (the signals
 * lxrun holds stay blocked).  One it unblocks that the system holds pending comes
 * at once, into the nested handler, which takes it and, the window open
 * (f_unblocking), blocks every signal in the context it returns to
 * (lx_fast_signal_nested): the rest waits for the trap's frame to apply the set,
 * and the system delivers them one at a time, in guest context, in its order (all
 * taken here at once, a real-time signal's later instances would come after a
 * higher one's first).  A signal taken in the window before the call reaches the
 * kernel makes the set it applies (f_setmask) all-blocking too: else that one and
 * the first the set opened would both be held, the lower delivered first with
 * the rest of the opened ones free to pass the held one's later instances
 * (stress.c mask_flipping with its SIGUSR1 stream, by hand).  (The system was
 * asked first, by rt_sigpending, whether anything waited: a kernel entry more
 * for what is mostly nothing pending; a shell unblocks after each fork, glibc's
 * pthread_create twice a thread.)  TLS-free. */
__attribute__((noinline, no_stack_protector)) static void after_call_looks(struct lx_thread *t, uint64_t mask)
{
    if (lx_signal_next(&t->task)) {
        t->f_kick = 1; /* the trap delivers it, then lets a temporary mask go */
        return;
    }
    lx_signal_restore_mask(&t->task);
    if (t->task.sigmask == mask) return;
    t->f_setmask = lx_signal_host_mask(&t->task);
    t->f_unblocking = (mask & ~t->task.sigmask) != 0;
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    raw_setmask(&t->f_setmask);
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
    t->f_unblocking = 0;
}

/* The common case at a glance: nothing pending, no temporary mask, the set unchanged. */
__attribute__((always_inline, no_stack_protector)) static inline void after_call(struct lx_thread *t, uint64_t mask)
{
    if (__atomic_load_n(&t->task.pending, __ATOMIC_ACQUIRE) || t->task.restore_mask || t->task.sigmask != mask)
        after_call_looks(t, mask);
}

/* The call's record for a handler, from the thread's */
__attribute__((always_inline, no_stack_protector)) static inline void call_of(struct lx_thread *t, long nr, struct lx_call *c)
{
    _Static_assert(sizeof(struct lx_call) == 128, "call_of() sets each field of struct lx_call: set the new one");
    /* field by field: a zeroing initialiser is a rep stos, slow to start on some CPUs */
    c->nr = nr;
    memcpy(c->a, t->f_args, sizeof c->a);
    c->t = t;
    c->task = &t->task;
    c->untraced_return = 0;
    c->sp = t->f_rsp;
    c->new_sp = 0;
    c->sigreturn = NULL;
    c->fresh_fp = 0;
    c->host_ctx = NULL;
    c->eintr_only = 0;
    t->resuming = 0;
}

/* inlined into each caller, so each calls its dispatcher directly (the design check follows direct calls) */
__attribute__((always_inline, no_stack_protector)) static inline void serve(struct lx_thread *t, long nr, long (*dispatch)(struct lx_call *))
{
    struct lx_call c;
    call_of(t, nr, &c);
    uint64_t mask = t->task.sigmask;
    if (lx_report.observe) __atomic_fetch_add(&lx_rewrite_stats.fast_calls, 1, __ATOMIC_RELAXED);
    t->f_result = (uint64_t)dispatch(&c);
    t->f_eintr_only = (uint8_t)c.eintr_only;
    after_call(t, mask);
}

/* A quick line's call (lx_fast_quick_bits), the window closed: 1 when it needs
 * lxrun's FS after all (lx_dispatch_quick), else served. */
__attribute__((always_inline, no_stack_protector)) static inline int serve_quick(struct lx_thread *t, long nr)
{
    struct lx_call c;
    call_of(t, nr, &c);
    uint64_t mask = t->task.sigmask;
    int lxrun_fs = 0;
    t->f_on_guest_fs = 1;
    long r = lx_dispatch_quick(&c, &lxrun_fs);
    t->f_on_guest_fs = 0;
    if (lxrun_fs) return 1;
    t->f_bounce = 0;
    t->f_result = (uint64_t)r;
    t->f_eintr_only = (uint8_t)c.eintr_only;
    after_call(t, mask);
    return 0;
}

/* Component i's end in XSAVE's standard layout (CPUID 0xd.i: offset + size), asked
 * the first time a fork's area has it in use (each CPUID a VM exit in a VM). */
static uint32_t xsave_end_of[64];

/* How much of the stub's area (at f_xsave) holds the guest's vector state: by hand,
 * xmm or ymm 0-15 and the control words, zmm0-15 after them when XINUSE (at 520)
 * says so; saved by XSAVEOPT, the legacy area and header and each component its
 * XSTATE_BV (at 512) has in use -- the others XRSTOR sets to their initial state
 * whatever the bytes say (AMX's 8 KiB of tiles, mostly). */
static size_t xsave_in_use(const unsigned char *area)
{
    if (!xsave_all) return area[520] & 0x40 ? 576 + 16 * 64 : 576;
    uint64_t bv;
    memcpy(&bv, area + 512, sizeof bv);
    size_t end = 576;
    for (bv &= ~3ULL; bv; bv &= bv - 1) {
        int i = __builtin_ctzll(bv);
        if (!xsave_end_of[i]) {
            unsigned a, b, c, d;
            __cpuid_count(0xd, i, a, b, c, d);
            xsave_end_of[i] = a + b;
        }
        if (xsave_end_of[i] > end) end = xsave_end_of[i];
    }
    return end;
}

/* The guest's vector state at f_xsave lies on pages a fork does not copy
 * (MADV_WIPEONFORK: the trap's child never reads them, and the parent's next save
 * there would be a copy-on-write fault a page), so what of it is in use goes to
 * the child on this stack -- each page of it one more fault on both sides.  More
 * than fits (AMX's tiles in use) goes to the trap.  0 when it did. */
#define FORK_XSAVE_MAX 4096
static int fork_fast(struct lx_thread *t, long nr)
{
    unsigned char keep[FORK_XSAVE_MAX] __attribute__((aligned(64)));
    size_t n = t->f_vec_saved ? xsave_in_use(t->f_xsave) : 0;
    if (n > sizeof keep) return 0;
    if (n) memcpy(keep, t->f_xsave, n);
    serve(t, nr, lx_dispatch);
    if (n && t->f_result == 0) memcpy(t->f_xsave, keep, n); /* the child */
    return 1;
}

/* Called by the stub with lxrun's FS; the guest's state is in t.  A plain fork is
 * made here too (lx_call_fork_fast): its child resumes in this call, a copy of the
 * record holding the guest's registers, and leaves by the stub's exit as the
 * parent does -- no signal frame on either side (the trap's fork cost a SIGSYS
 * delivery and an rt_sigreturn in the parent, one more rt_sigreturn in the child). */
void lx_trap_fast(struct lx_thread *t)
{
    long nr = (long)t->f_nr;
    t->f_bounce = 0;
    int window = lx_vfork_window_open && !lx_vfork_window_fast(nr);
    if (!window && !lx_call_needs_trap(nr)) {
        serve(t, nr, lx_dispatch);
        return;
    }
    if (window || !lx_call_fork_fast(nr, t->f_args) || !fork_fast(t, nr)) t->f_bounce = 1;
}

/* Called by the stub on the guest's FS for a GUESTFS call (a quick line's by
 * serve_quick, with the window closed): 0 when served, or
 * bounced to the trap (f_bounce: a CONTEXT line's, any in a vfork window but
 * those the window serves fast), 1 when it needs lxrun's FS after all (the stub
 * then calls lx_trap_fast): an fd with an
 * object of lxrun's behind it (an emulated file's ops are ordinary C), or the
 * first blocking call, which starts the /proc answering thread.  Nothing here or
 * below reads lxrun's TLS or errno, except through lx_fs_call, which switches. */
__attribute__((no_stack_protector)) int lx_trap_fast_guestfs(struct lx_thread *t)
{
    long nr = (long)t->f_nr;
    if ((lx_fast_quick_bits[nr / 64] >> (nr % 64) & 1) && !lx_vfork_window_open) return serve_quick(t, nr);
    if (lx_call_needs_trap(nr) || (lx_vfork_window_open && !lx_vfork_window_fast(nr))) {
        t->f_bounce = 1; /* as lx_trap_fast would decide, without the FS switches around it */
        return 0;
    }
    /* in a vfork window, what it serves fast (rt_sigaction, the window's table:
     * sys_rt_sigaction) is served here */
    if (!lx_vfork_window_open && lx_call_guestfs_declines(nr, (int)t->f_args[0])) return 1;
    t->f_bounce = 0;
    t->f_on_guest_fs = 1;
    serve(t, nr, lx_dispatch_guestfs);
    t->f_on_guest_fs = 0;
    return 0;
}

int lx_fast_gate(struct lx_thread *t, void *ucv, struct lx_call *c)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    if ((uintptr_t)g[REG_RIP] != gate + 2) return 0;
    /* from the call's own site: what `syscall` there would have left */
    g[REG_RIP] = g[REG_RCX] = (greg_t)t->f_ret;
    if (c->nr != LX_NR_GATE) return 2; /* a call that needs the trap: served now */
    /* the finished call, as if the trap had served it at its site */
    g[REG_RAX] = (greg_t)t->f_result;
    t->f_kick = 0;
    c->nr = (long)t->f_nr;
    memcpy(c->a, t->f_args, sizeof c->a);
    c->eintr_only = t->f_eintr_only;
    return 1;
}

int lx_fast_signal_in_guest(void *ucv)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    if (ip != (uintptr_t)lx_fast_exit_jmp_wrfsbase && ip != (uintptr_t)lx_fast_exit_jmp_arch_prctl) return 0;
    g[REG_RIP] = g[REG_RCX]; /* jmp *%rcx: the guest's state is whole */
    return 1;
}

void lx_fast_signal_nested(struct lx_thread *t, void *ucv, int sig)
{
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    t->f_kick = 1;
    t->q_dirty = 1; /* a trap under way leaves by its frame (sud.c, quick_return) */
    /* held back on the host until the trap's frame applies the guest's set: its
     * further instances stay queued in the system, in order (a real-time signal
     * queues); SIGSYS (the trap itself) and the faults are never blocked */
    uint64_t mask;
    memcpy(&mask, &uc->uc_sigmask, sizeof mask);
    const uint64_t never = 1ULL << (SIGSYS - 1) | 1ULL << (SIGSEGV - 1) | 1ULL << (SIGBUS - 1);
    mask |= 1ULL << (sig - 1);
    if (t->f_unblocking) { /* after_call_looks: what the new set opens waits too, whether the */
        mask = ~never;     /* call is still to come (then it sets this) or has just been made */
        t->f_setmask = ~never;
    }
    mask &= ~never;
    memcpy(&uc->uc_sigmask, &mask, sizeof mask);
    if (ip >= (uintptr_t)lx_fast_exit_check_wrfsbase && ip < (uintptr_t)lx_fast_exit_jmp_wrfsbase)
        g[REG_RIP] = (greg_t)(uintptr_t)lx_fast_exit_check_wrfsbase;
    else if (ip >= (uintptr_t)lx_fast_exit_check_arch_prctl && ip < (uintptr_t)lx_fast_exit_jmp_arch_prctl)
        g[REG_RIP] = (greg_t)(uintptr_t)lx_fast_exit_check_arch_prctl;
}
