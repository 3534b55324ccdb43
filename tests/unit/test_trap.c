/* test_trap.c — trap/: finding the thread's state without rdgsbase, and choosing
 * the FS path.  No guest code runs here: SUD is never armed. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/auxv.h>

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
