/* test_trap.c — trap/: finding the thread's state without rdgsbase, choosing the
 * FS path, the session's table of known sites.  No guest code runs here: SUD is
 * never armed. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "../../syscalls/signal_frame.h"
#include "../../trap/fast.h"
#include "../../trap/site_cache.h"
#include "../../trap/trap.h"

static struct lx_thread *gs_self(void)
{
    struct lx_thread *t;
    __asm__ volatile("movq %%gs:0, %0" : "=r"(t));
    return t;
}

static uint64_t fs_self(void) /* glibc keeps its TCB's address at %fs:0 */
{
    uint64_t v;
    __asm__ volatile("movq %%fs:0, %0" : "=r"(v));
    return v;
}

static void *self_in_new_thread(void *arg)
{
    (void)arg;
    return lx_thread_self();
}

Test(thread, self_is_null_outside_a_trapped_thread)
{
    cr_assert_null(lx_thread_self());
    pthread_t th;
    void *got = (void *)1;
    cr_assert_eq(pthread_create(&th, NULL, self_in_new_thread, NULL), 0);
    pthread_join(th, &got);
    cr_assert_null(got);
}

struct init_result { int r; struct lx_thread *self, *gs; uint64_t fs; };
static struct lx_thread thread_records[2];

static void *init_in_thread(void *arg)
{
    struct init_result *res = arg;
    struct lx_thread *t = &thread_records[res == NULL];
    res->r = lx_trap_thread_init(t);
    res->self = lx_thread_self();
    res->gs = gs_self();
    res->fs = fs_self();
    return NULL;
}

/* Each thread finds its own record, through TLS in C and %gs:0 in the stubs, and
 * host_fs is that thread's own FS base. */
Test(thread, init_sets_self_gs_and_host_fs_per_thread)
{
    struct init_result a = { 0 };
    pthread_t th;
    cr_assert_eq(pthread_create(&th, NULL, init_in_thread, &a), 0);
    pthread_join(th, NULL);
    cr_assert_eq(a.r, 0, "lx_trap_thread_init: %d", a.r);
    struct lx_thread *t = &thread_records[0];
    cr_assert_eq(a.self, t);
    cr_assert_eq(a.gs, t, "%%gs:0 is %p, not the record %p", (void *)a.gs, (void *)t);
    cr_assert_eq(t->self, t);
    cr_assert_eq(t->host_fs, a.fs, "host_fs %#lx, thread FS %#lx", (unsigned long)t->host_fs, (unsigned long)a.fs);
    cr_assert_neq(t->host_fs, fs_self(), "another thread's FS");
    cr_assert_null(lx_thread_self(), "the test's own thread was never set up");
}

/* auto's CPUID choice (cpuid_sites.c): by the measure far from SLOW_CYCLES (2000),
 * and near it serving unless only a native session's learned file is there. */
static int files_native_only(int serving) { return !serving; }
static int files_none(int serving) { (void)serving; return 0; }
static int files_both(int serving) { (void)serving; return 1; }

static int auto_choice(uint64_t cycles, int (*files)(int))
{
    lx_trap_cpuid_cycles = cycles;
    lx_cpuid_choose(LX_CPUID_AUTO);
    return lx_cpuid_follow(files);
}

Test(cpuid, auto_follows_the_sessions_before_only_near_the_threshold)
{
    cr_assert_eq(auto_choice(300, files_none), LX_CPUID_NATIVE);         /* bare metal */
    cr_assert_eq(auto_choice(1400, files_both), LX_CPUID_NATIVE);
    cr_assert_eq(auto_choice(6000, files_native_only), LX_CPUID_SERVE);  /* clearly slow */
    cr_assert_eq(auto_choice(1900, files_none), LX_CPUID_SERVE);         /* near: one choice */
    cr_assert_eq(auto_choice(2100, files_none), LX_CPUID_SERVE);
    cr_assert_eq(auto_choice(1900, files_both), LX_CPUID_SERVE);
    cr_assert_eq(auto_choice(1600, files_native_only), LX_CPUID_NATIVE); /* near: as the sessions before */
    cr_assert_eq(auto_choice(2400, files_native_only), LX_CPUID_NATIVE);
    lx_trap_cpuid_cycles = 1900; /* an explicit mode is never changed */
    cr_assert_eq(lx_cpuid_choose(LX_CPUID_SERVE), LX_CPUID_SERVE);
    cr_assert_eq(lx_cpuid_follow(files_native_only), LX_CPUID_SERVE);
    cr_assert_eq(lx_cpuid_choose(LX_CPUID_NATIVE), LX_CPUID_NATIVE);
    cr_assert_eq(lx_cpuid_follow(files_both), LX_CPUID_NATIVE);
}

Test(fs, parse_words)
{
    cr_assert_eq(lx_trap_fs_parse("auto"), LX_TRAP_FS_AUTO);
    cr_assert_eq(lx_trap_fs_parse("wrfsbase"), LX_TRAP_FS_WRFSBASE);
    cr_assert_eq(lx_trap_fs_parse("arch_prctl"), LX_TRAP_FS_ARCH_PRCTL);
    cr_assert_eq(lx_trap_fs_parse("syscall"), -1);
    cr_assert_eq(lx_trap_fs_parse(""), -1);
    cr_assert_eq(lx_trap_fs_parse("WRFSBASE"), -1);
}

static int host_has_fsgsbase(void) { return (getauxval(AT_HWCAP2) & 2) != 0; }

Test(fs, default_before_choosing_is_arch_prctl)
{
    cr_assert_str_eq(lx_trap_fs_name(), "arch_prctl");
    cr_assert_eq(lx_trap_hwcap2_hidden(), 2);
}

Test(fs, auto_follows_at_hwcap2)
{
    const char *why = NULL;
    cr_assert_eq(lx_trap_fs_choose(LX_TRAP_FS_AUTO, &why), 0);
    cr_assert_str_eq(lx_trap_fs_name(), host_has_fsgsbase() ? "wrfsbase" : "arch_prctl");
    cr_assert_eq(lx_trap_fs_current(), host_has_fsgsbase() ? LX_TRAP_FS_WRFSBASE : LX_TRAP_FS_ARCH_PRCTL,
                 "auto resolves to a path");
    cr_assert_eq(lx_trap_hwcap2_hidden(), host_has_fsgsbase() ? 0UL : 2UL);
}

Test(fs, arch_prctl_always_possible_and_hides_fsgsbase)
{
    const char *why = NULL;
    cr_assert_eq(lx_trap_fs_choose(LX_TRAP_FS_ARCH_PRCTL, &why), 0);
    cr_assert_str_eq(lx_trap_fs_name(), "arch_prctl");
    cr_assert_eq(lx_trap_fs_current(), LX_TRAP_FS_ARCH_PRCTL);
    cr_assert_eq(lx_trap_hwcap2_hidden(), 2);
}

Test(fs, wrfsbase_only_where_the_kernel_allows_it)
{
    const char *why = NULL;
    int r = lx_trap_fs_choose(LX_TRAP_FS_WRFSBASE, &why);
    if (host_has_fsgsbase()) {
        cr_assert_eq(r, 0);
        cr_assert_str_eq(lx_trap_fs_name(), "wrfsbase");
    } else {
        cr_assert_eq(r, -1);
        cr_assert_not_null(why);
        cr_assert_str_eq(lx_trap_fs_name(), "arch_prctl", "a refused choice changes nothing");
    }
}

/* A guest signal taken while one of its kind is pending: a real-time one queues
 * (lx_signal_take refuses it, and the trap gives it back to the system); a standard
 * one merges into the pending one, as on Linux.  The first instance's info stays. */

static struct linux_siginfo info_with(int sig, int value)
{
    struct linux_siginfo si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    memcpy(si.fields + 8, &value, sizeof value); /* si_value, after si_pid and si_uid */
    return si;
}

/* The stub keeps vector state by hand where XCR0 enables only what lxrun's code
 * leaves alone; AMX's tile state among it (a Sapphire Rapids Xeon's 0x602e7). */
Test(fast, vectors_by_hand_for_the_components_lxrun_leaves_alone)
{
    cr_expect(lx_fast_vectors_by_hand(0x7, 0, 1), "x87, SSE, AVX");
    cr_expect(lx_fast_vectors_by_hand(0x2e7, 0, 1), "AVX-512 and PKRU");
    cr_expect(lx_fast_vectors_by_hand(0x602e7, 0, 1), "AMX's tile configuration and data");
    cr_expect(!lx_fast_vectors_by_hand(0x602e7, 0, 0), "XINUSE unreadable");
    cr_expect(!lx_fast_vectors_by_hand(0x3, 0, 1), "no AVX");
    cr_expect(!lx_fast_vectors_by_hand(0x802e7, 0, 1), "APX's extended registers (bit 19)");
    cr_expect(!lx_fast_vectors_by_hand(0x2ef, 0, 1), "MPX's bounds (bit 3)");
    cr_expect(!lx_fast_vectors_by_hand(0x2e7, 1, 1), "a component above bit 31");
}

Test(signal_take, real_time_instances_queue_standard_ones_merge)
{
    struct lx_task t;
    memset(&t, 0, sizeof t);
    struct linux_siginfo a = info_with(34, 1), b = info_with(34, 2), u = info_with(10, 0);
    cr_assert_eq(lx_signal_take(&t, 34, &a), 1);
    cr_assert_eq(lx_signal_take(&t, 34, &b), 0, "a second SIGRTMIN while one is pending was merged (lost)");
    struct linux_siginfo kept;
    linux_siginfo_unkeep(&kept, &t.pending_info[33]);
    cr_assert_eq(memcmp(&kept, &a, sizeof a), 0, "the pending instance's info changed");
    cr_assert_eq(lx_signal_take(&t, 10, &u), 1);
    cr_assert_eq(lx_signal_take(&t, 10, &u), 1, "a standard signal merges, as Linux's");
    cr_assert_eq(lx_signal_take(&t, 32, &a), 1); /* 32 and 33 are real-time for the guest too */
    cr_assert_eq(lx_signal_take(&t, 32, &a), 0);
    cr_assert_eq(lx_signal_next(&t), 10);
}

/* A full record's count stops moving (each site dropped took a number before):
 * plant_cache.c compares it with what a copy holds, and a count that kept
 * growing made every copy of a library with more sites than a record holds
 * stale for good, made again at each exec. */
Test(site_cache, a_full_records_count_stops_at_its_room)
{
    lx_site_cache_start();
    uint64_t stamp = lx_site_cache_stamp(1, 2, 3, 4);
    for (int i = 0; i < 400; i++) lx_site_cache_learn(stamp, 4096 + 16 * (uint64_t)i, 39, 7);
    uint32_t full = lx_site_cache_count(stamp);
    cr_assert(full > 0 && full < 400, "a record holds fewer than 400 sites: %u", full);
    for (int i = 0; i < 50; i++) lx_site_cache_learn(stamp, (1u << 20) + 16 * (uint64_t)i, 39, 7);
    cr_assert_eq(lx_site_cache_count(stamp), full, "the count moved past the record's room: %u, then %u", full,
                 lx_site_cache_count(stamp));
    struct lx_known_site w[8];
    cr_assert_eq(lx_site_cache_sites(stamp, 4096, 4096 + 16 * 8, w, 8), 8, "the first sites kept");
}
