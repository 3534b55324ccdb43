/* fs_switch.c — choosing, once, how the entry stubs switch FS.  The choice is which
 * stubs get installed, so the hot path never tests it. */
#include "fs_switch.h"

#include <string.h>
#include <sys/auxv.h>

#include "../redox/rx.h"
#include "trap.h"

#define HWCAP2_FSGSBASE (1UL << 1) /* the kernel enabled FSGSBASE for user space (Linux 5.9) */

#define STUBS(fs)                                                           \
    void lx_sigsys_entry_##fs(int, siginfo_t *, void *);                     \
    void lx_fatal_entry_##fs(int, siginfo_t *, void *);                      \
    void lx_async_entry_##fs(int, siginfo_t *, void *);                      \
    _Noreturn void lx_enter_guest_##fs(uintptr_t, uintptr_t, struct lx_thread *); \
    _Noreturn void lx_resume_guest_##fs(const void *, struct lx_thread *);
STUBS(wrfsbase)
STUBS(arch_prctl)
void lx_fs_set_guest_wrfsbase(uint64_t);
void lx_fs_set_guest_arch_prctl(uint64_t);
uint64_t lx_fs_get_guest_wrfsbase(void);

static const struct lx_fs_path paths[] = {
    [LX_TRAP_FS_WRFSBASE] = { "wrfsbase", lx_sigsys_entry_wrfsbase, lx_fatal_entry_wrfsbase,
                              lx_async_entry_wrfsbase, lx_enter_guest_wrfsbase, lx_resume_guest_wrfsbase },
    [LX_TRAP_FS_ARCH_PRCTL] = { "arch_prctl", lx_sigsys_entry_arch_prctl, lx_fatal_entry_arch_prctl,
                                lx_async_entry_arch_prctl, lx_enter_guest_arch_prctl, lx_resume_guest_arch_prctl },
};
static const struct lx_fs_path *chosen RX_EXEC_READ = &paths[LX_TRAP_FS_ARCH_PRCTL];

int lx_trap_fs_parse(const char *word)
{
    if (!strcmp(word, "auto")) return LX_TRAP_FS_AUTO;
    if (!strcmp(word, "wrfsbase")) return LX_TRAP_FS_WRFSBASE;
    if (!strcmp(word, "arch_prctl")) return LX_TRAP_FS_ARCH_PRCTL;
    return -1;
}

int lx_trap_fs_choose(enum lx_trap_fs mode, const char **why)
{
    int have = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;
    if (mode == LX_TRAP_FS_AUTO) mode = have ? LX_TRAP_FS_WRFSBASE : LX_TRAP_FS_ARCH_PRCTL;
    if (mode == LX_TRAP_FS_WRFSBASE && !have) {
        *why = "this CPU/kernel does not allow FSGSBASE instructions in user space (AT_HWCAP2)";
        return -1;
    }
    chosen = &paths[mode];
    return 0;
}

const struct lx_fs_path *lx_fs_path(void) { return chosen; }

__attribute__((no_stack_protector)) void lx_fs_guest_set(struct lx_thread *t, uint64_t base)
{
    t->guest_fs = base;
    if (!t->f_on_guest_fs) return; /* the stub loads it on its way back */
    if (chosen == &paths[LX_TRAP_FS_WRFSBASE]) lx_fs_set_guest_wrfsbase(base);
    else lx_fs_set_guest_arch_prctl(base);
}

__attribute__((no_stack_protector)) uint64_t lx_fs_guest_get(const struct lx_thread *t)
{
    /* the stub's entry on lxrun's FS refreshed guest_fs with rdfsbase; on the
     * guest's, FS is it */
    return t->f_on_guest_fs && chosen == &paths[LX_TRAP_FS_WRFSBASE] ? lx_fs_get_guest_wrfsbase() : t->guest_fs;
}

const char *lx_trap_fs_name(void) { return chosen->name; }

enum lx_trap_fs lx_trap_fs_current(void)
{
    return chosen == &paths[LX_TRAP_FS_WRFSBASE] ? LX_TRAP_FS_WRFSBASE : LX_TRAP_FS_ARCH_PRCTL;
}

unsigned long lx_trap_hwcap2_hidden(void)
{
    return chosen == &paths[LX_TRAP_FS_WRFSBASE] ? 0 : HWCAP2_FSGSBASE;
}
