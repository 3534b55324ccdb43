/* render_config.c — /proc/config.gz: the Linux features lxrun serves, written as a
 * kernel configuration so that programs that read one (LTP's tst_kconfig, Docker's
 * check-config…) see lxrun's truth, not the host's.  Each CONFIG_ line that stands
 * for a system call interface is "=y" exactly when lxrun's syscall table serves
 * that call (the table is handed to procfs, procfs_set_served); the rest are facts
 * of lxrun itself. */
#include <string.h>

#include "render.h"

static int (*served)(const char *syscall);

void procfs_set_served(int (*fn)(const char *syscall)) { served = fn; }

/* CONFIG option and the call that decides it. */
static const struct { const char *option, *syscall; } by_call[] = {
    { "ADVISE_SYSCALLS", "madvise" },     { "AIO", "io_setup" },
    { "BPF_SYSCALL", "bpf" },             { "CHECKPOINT_RESTORE", "kcmp" },
    { "CROSS_MEMORY_ATTACH", "process_vm_readv" }, { "EPOLL", "epoll_create1" },
    { "EVENTFD", "eventfd2" },            { "FANOTIFY", "fanotify_init" },
    { "FHANDLE", "name_to_handle_at" },   { "FILE_LOCKING", "flock" },
    { "FUTEX", "futex" },                 { "INOTIFY_USER", "inotify_init1" },
    { "IO_URING", "io_uring_setup" },     { "KEXEC", "kexec_load" },
    { "KEYS", "add_key" },                { "MEMBARRIER", "membarrier" },
    { "MODULES", "init_module" },         { "MULTIUSER", "setuid" },
    { "NAMESPACES", "unshare" },          { "NET", "socket" },
    { "PERF_EVENTS", "perf_event_open" }, { "POSIX_MQUEUE", "mq_open" },
    { "POSIX_TIMERS", "timer_create" },   { "QUOTA", "quotactl" },
    { "RSEQ", "rseq" },                   { "SECCOMP", "seccomp" },
    { "SIGNALFD", "signalfd4" },          { "SWAP", "swapon" },
    { "SYSVIPC", "shmget" },              { "TIMERFD", "timerfd_create" },
    { "USERFAULTFD", "userfaultfd" },
};

/* What lxrun is, whatever its table says. */
static const char *const always[] = { "64BIT", "X86_64", "MMU", "BINFMT_ELF", "BINFMT_SCRIPT", "PROC_FS", "SYSFS",
                                      "IKCONFIG", "IKCONFIG_PROC" };
static const char *const never[] = { "CGROUPS", "USER_NS", "PID_NS", "NET_NS", "TIME_NS", "UNIX98_PTYS", "BLK_DEV_LOOP",
                                     "KVM" };

void render_config(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    out_printf(o, "#\n# lxrun on %s %s: the Linux interfaces lxrun serves, as a kernel configuration,\n"
                  "# generated from lxrun's syscall table (not the configuration of any kernel build)\n#\n",
               f->ostype, f->osrelease);
    for (size_t i = 0; i < sizeof always / sizeof always[0]; i++) out_printf(o, "CONFIG_%s=y\n", always[i]);
    for (size_t i = 0; i < sizeof by_call / sizeof by_call[0]; i++) {
        if (served && served(by_call[i].syscall)) out_printf(o, "CONFIG_%s=y\n", by_call[i].option);
        else out_printf(o, "# CONFIG_%s is not set\n", by_call[i].option);
    }
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) out_printf(o, "# CONFIG_%s is not set\n", never[i]);
}
