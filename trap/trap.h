/* trap.h — interception: Syscall User Dispatch now, rewritten call sites later. */
#ifndef LXRUN_TRAP_H
#define LXRUN_TRAP_H

#include "thread.h"

/* Checks that this kernel can intercept (Syscall User Dispatch); 0, or -1 with a reason. */
int lx_trap_supported(const char **why);

/* How lxrun's entry stubs switch FS between the guest's base and lxrun's. */
enum lx_trap_fs {
    LX_TRAP_FS_AUTO,       /* wrfsbase where AT_HWCAP2 has FSGSBASE, else arch_prctl */
    LX_TRAP_FS_WRFSBASE,   /* rdfsbase/wrfsbase: no kernel entry */
    LX_TRAP_FS_ARCH_PRCTL, /* arch_prctl(ARCH_SET_FS): two kernel entries per trap */
};
/* "auto", "wrfsbase" or "arch_prctl"; -1 for anything else. */
int lx_trap_fs_parse(const char *word);
/* Chooses the FS path once, before any thread is set up: 0, or -1 with a reason
 * (wrfsbase asked for where the CPU or kernel does not allow it). */
int lx_trap_fs_choose(enum lx_trap_fs mode, const char **why);
/* The path serving this run (never LX_TRAP_FS_AUTO). */
enum lx_trap_fs lx_trap_fs_current(void);
/* The path serving this run: "wrfsbase" or "arch_prctl". */
const char *lx_trap_fs_name(void);
/* AT_HWCAP2 bits the guest must not be shown: FSGSBASE when lxrun does not use it
 * (a guest writing FS itself would then bypass lxrun's record of its FS base). */
unsigned long lx_trap_hwcap2_hidden(void);
/* arch_prctl's ARCH_SET_FS and ARCH_GET_FS for thread t, on either FS: on the
 * guest's (a GUESTFS call), FS itself is set or read at once, one kernel entry
 * without FSGSBASE where the switch to lxrun's FS and back cost two.  TLS-free. */
void lx_fs_guest_set(struct lx_thread *t, uint64_t base);
uint64_t lx_fs_guest_get(const struct lx_thread *t);

/* How guest calls reach lxrun: every one through Syscall User Dispatch's signal,
 * or each call site, after its first trap, rewritten into a direct entry. */
enum lx_trap_mode { LX_TRAP_AUTO, LX_TRAP_SUD, LX_TRAP_REWRITE };
/* "sud", "rewrite" or "auto"; -1 for anything else. */
int lx_trap_mode_parse(const char *word);
/* Chooses once, before the guest starts: auto is rewrite where the CPU allows the
 * fast path (XSAVEOPT), else sud; 0, or -1 with a reason. */
int lx_trap_mode_choose(enum lx_trap_mode mode, const char **why);
/* The mechanism serving this run (never auto), and its name. */
enum lx_trap_mode lx_trap_mode_current(void);
const char *lx_trap_mode_name(void);
/* What the rewriter did in this process (a report sums them over the process
 * tree as an array: counts of unsigned long only). */
struct lx_rewrite_stats {
    unsigned long sites_mov;        /* mov $nr,%eax; syscall: the mov became a jump */
    unsigned long sites_mov_args;   /* mov $nr,%eax; argument set-up; syscall: the same */
    unsigned long sites_pad;        /* the syscall became a short jump to padding */
    unsigned long kept_context;     /* calls needing the trap's context (clone, sigreturn…) */
    unsigned long refused_not_text; /* not in an executable guest mapping */
    unsigned long refused_shape;    /* no mov before it, no padding near, or straddling */
    unsigned long fast_calls;       /* calls served through rewritten sites */
    unsigned long sites_known;      /* of those rewritten, as mapped: trapped at in an earlier process */
    unsigned long sites_interp;     /* of those, the interpreter's as loaded: trapped at in any earlier program */
    unsigned long sites_library;    /* of sites_known, a library's from its copy (plant_cache.c): any earlier program's */
    unsigned long sites_cpuid;      /* cpuid sites answered by lxrun (cpuid_sites.c) */
    unsigned long cpuid_missed;     /* CPUIDs run at a looked-up site for want of an answer */
};
extern struct lx_rewrite_stats lx_rewrite_stats;
static inline void lx_rewrite_stats_add(struct lx_rewrite_stats *to, const struct lx_rewrite_stats *from)
{
    unsigned long *t = (unsigned long *)to;
    const unsigned long *f = (const unsigned long *)from;
    for (size_t i = 0; i < sizeof *to / sizeof *t; i++) t[i] += f[i];
}
/* FNV-1a over n bytes (TLS-free): the learned file's name, a planted copy's check. */
__attribute__((always_inline)) static inline uint64_t lx_bytes_hash(const void *p, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    for (const unsigned char *b = p, *end = b + n; b < end; b++) h = (h ^ *b) * 1099511628211ULL;
    return h;
}

static inline unsigned long lx_rewrite_sites_done(const struct lx_rewrite_stats *rw)
{
    return rw->sites_mov + rw->sites_mov_args + rw->sites_pad;
}
static inline unsigned long lx_rewrite_sites_left(const struct lx_rewrite_stats *rw)
{
    return rw->kept_context + rw->refused_not_text + rw->refused_shape;
}

/* A file's identity for the rewriter: its bytes are the same while these are. */
struct lx_file_id { uint64_t dev, ino; int64_t size, ctime_ns; };
/* Maps the session's table of known call sites (trap/site_cache.c): once, in
 * the lxrun that starts the session. */
void lx_trap_sites_start(void);
/* A private mapping of file id with PROT_EXEC, [start, start+len) from file
 * offset off, was made (recorded in guestmem): in rewrite mode the sites earlier
 * processes of the session trapped at in the same file are rewritten now, and
 * the file is known for this program's own first traps to be learned. */
void lx_trap_text_mapped(uintptr_t start, size_t len, uint64_t off, const struct lx_file_id *id);
/* The same for every such mapping of file id that guestmem records (a program
 * or, interp, the interpreter the loader mapped). */
void lx_trap_image_mapped(const struct lx_file_id *id, int interp);

/* CPUID answered by lxrun at proven sites of ld.so, or of a program without one
 * (trap/cpuid_sites.c): auto (where the instruction is slow, a VM exit, from the
 * session's second program on), native (never) or serve (in rewrite mode, always). */
enum lx_cpuid_mode { LX_CPUID_AUTO, LX_CPUID_NATIVE, LX_CPUID_SERVE };
/* TSC cycles one CPUID took as lxrun chose its trap (lx_trap_mode_choose). */
extern uint64_t lx_trap_cpuid_cycles;
/* The mode a word names (--cpuid=, LXRUN_CPUID), or -1. */
int lx_cpuid_parse(const char *word);
/* Decides (after lx_trap_mode_choose) and returns the mode decided, never auto. */
int lx_cpuid_choose(int want);
/* auto's choice near the threshold follows the sessions before: chosen_before(s)
 * says whether one chose serving s (a learned file of that mode exists).  The
 * mode decided, maybe changed to native.  Before lx_trap_sites_start. */
int lx_cpuid_follow(int (*chosen_before)(int serving));
/* "serve" or "native": what this process does. */
const char *lx_cpuid_name(void);
/* The session's answers: once, in the first lxrun (its forks share them). */
void lx_cpuid_sites_start(void);
/* Whether the next image loaded gets its CPUID detours (TLS-free). */
int lx_cpuid_detouring(void);
/* Where they are (each thread's record points there: its detours look them up), or NULL. */
const void *lx_cpuid_answers(void);
/* An image the loader mapped (load bias, program headers in memory, its
 * .eh_frame where it has no PT_GNU_EH_FRAME, its file): in rewrite mode its
 * proven cpuid sites (when served) and, for the interpreter (interp), the call
 * sites the session's programs trapped at in its file rewritten before any of its
 * code runs, while the caller is the process's only thread (an exec, lxrun's
 * start) -- mapped from the session's copy when an earlier exec planted the same
 * (trap/plant_cache.c).  TLS-free. */
void lx_trap_image_plant(uintptr_t bias, uintptr_t phdr, size_t phnum, uintptr_t eh_frame, size_t eh_frame_len,
                         const struct lx_file_id *id, int interp);

/* Sets up the calling thread's state, GS, alternate stack and SIGSYS handler. */
int lx_trap_thread_init(struct lx_thread *t);
/* The calling thread is lxrun's own (the /proc answerer), not a guest's:
 * called first in it.  It drops the record it inherited at %gs from its creator, a
 * guest thread, and blocks every signal; TLS-free. */
void lx_trap_own_thread(void);
/* Runs a new guest thread from regs until it exits (lx_trap_thread_exit), then
 * blocks every signal.  t stays the host thread's record until that thread is
 * gone; then lx_trap_thread_free gives back what lx_trap_thread_init took, and t
 * is the caller's to free. */
void lx_trap_run_thread(struct lx_thread *t, const struct linux_sigcontext *regs);
void lx_trap_thread_free(struct lx_thread *t);
/* The calling guest thread ends: out of the trap, back to lx_trap_run_thread for
 * a thread it runs, else (the main thread) the host thread ends where it is. */
_Noreturn void lx_trap_thread_exit(struct lx_thread *t);
/* With reports on: a signal that ends the process with its default action calls
 * hook(sig) in lxrun's context first, then ends it as it would.  Set before the
 * guest's dispositions are installed (lx_trap_default). */
struct linux_siginfo;
void lx_trap_catch_fatal(void (*hook)(int sig, const struct linux_siginfo *si));
/* The guest's SIG_DFL (ignore 0) or SIG_IGN (1) for sig: the system's own, except
 * for SIGSEGV and SIGBUS, which keep a handler of lxrun's whatever the guest
 * chose -- a fault in lxrun's guarded copy of guest memory must reach its fixup --
 * for 32-34 at SIG_DFL, which libc may open in a thread of lxrun's
 * (lx_trap_foreign), and, with a fatal hook, for every SIG_DFL that ends the
 * process; each then acts as the guest's disposition says. */
int lx_trap_default(int sig, int ignore);
/* A guest handler for sig: the trap takes the signal from the system (in guest
 * code, or interrupting a blocked call: EINTR, or the system's restart when
 * restart is set, as SA_RESTART asks) and delivers it as Linux would.  0 or -errno. */
int lx_trap_catch(int sig, int restart);

/* In a forked child, inside a trapped call: arms interception again (it is not
 * inherited) and updates the thread's tid.  0 or -errno. */
int lx_trap_rearm_after_fork(struct lx_thread *t);
/* The calling guest thread's registers at the trapped call c, in Linux's
 * sigcontext layout (rip: after the syscall instruction). */
struct lx_call;
struct linux_sigcontext;
void lx_trap_call_regs(const struct lx_call *c, struct linux_sigcontext *out);
/* The same call's FP state as the system saved it (*fp) and its length. */
size_t lx_trap_call_fp(const struct lx_call *c, void **fp);
/* The call returns into another context: regs (r8 ... rip, as lx_trap_call_regs
 * gave them) and an FP state of lx_trap_call_fp's length (a vfork's parent taking
 * back its own after the child's code ran on its thread: syscalls/vfork_window.c). */
void lx_trap_call_resume(const struct lx_call *c, const struct linux_sigcontext *regs, const void *fp, size_t len);
/* The same call's rip alone (0 for a call from a rewritten site, which has no
 * frame); TLS- and vector-free, for the guest-FS path. */
uintptr_t lx_trap_call_ip(const struct lx_call *c);
/* A new guest thread: arms interception for the calling (new) thread and starts
 * guest code with regs loaded, with t's guest FS and blocked set; never returns. */
_Noreturn void lx_trap_resume_guest(struct lx_thread *t, const struct linux_sigcontext *regs);

/* A fork whose child runs no guest code before its exec (the vfork window's):
 * lxrun's trampolines left out of it (on) and kept out until a fork that copies
 * the guest puts them back (off), under guestmem's text lock; in that child,
 * lx_trap_forked_without_code says they did not come over (its exec in place
 * then has none to unmap: a munmap of 30-45 us in each child of sh's loop). */
void lx_trap_fork_leaves_code_out(int on);
void lx_trap_forked_without_code(void);
/* An exec in place (the only guest thread, inside its execve): the old program's
 * rewritten sites and trampolines forgotten, its FS base gone (the new one starts
 * with 0, as from Linux's exec). */
void lx_trap_exec_reset(struct lx_thread *t);

/* Arms interception for the calling thread and jumps to guest code; never returns. */
_Noreturn void lx_trap_enter_guest(struct lx_thread *t, uintptr_t entry, uintptr_t sp);

#endif
