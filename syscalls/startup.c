/* startup.c — handles: what libc start-up and exit ask of the kernel. */
#include "../abi/linux_misc.h"
#include "../abi/linux_mman.h"

#include "../abi/linux_sys.h"
#include "handler.h"
#include "process.h"
#include "../report/report.h"
#include "../process/ptable.h"
#include "../trap/trap.h"

#define ARCH_SET_GS 0x1001
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define ARCH_GET_GS 0x1004
#define ARCH_GET_CPUID 0x1011
#define ARCH_SET_CPUID 0x1012

long sys_arch_prctl(struct lx_call *c)
{
    uint64_t v;
    switch ((int)c->a[0]) {
    case ARCH_SET_FS:
        if (c->a[1] >= LINUX_TASK_SIZE_MAX) return -EPERM;
        lx_fs_guest_set(c->t, c->a[1]); /* on lxrun's FS, the exit stub loads it */
        return 0;
    case ARCH_GET_FS:
        v = lx_fs_guest_get(c->t);
        return gm_copy_out(c->a[1], &v, sizeof v);
    case ARCH_SET_GS:
        /* GS holds lxrun's thread pointer: the guest's value is kept, not loaded. */
        if (c->a[1] >= LINUX_TASK_SIZE_MAX) return -EPERM;
        lx_record_partial(c->nr, "ARCH_SET_GS recorded, GS stays lxrun's");
        c->task->guest_gs = c->a[1];
        return 0;
    case ARCH_GET_GS:
        v = c->task->guest_gs;
        return gm_copy_out(c->a[1], &v, sizeof v);
    case ARCH_GET_CPUID:
        return 1;
    default:
        return -EINVAL;
    }
}

long sys_set_tid_address(struct lx_call *c)
{
    c->task->clear_child_tid = c->a[0];
    return rx_gettid();
}

long sys_set_robust_list(struct lx_call *c)
{
    if (c->a[1] != LINUX_ROBUST_LIST_HEAD_SIZE) return -EINVAL;
    long r = rx_set_robust_list(c->a[0], c->a[1]); /* the system cleans up as the thread ends */
    if (r < 0) return r;
    c->task->robust_list = c->a[0];
    c->task->robust_len = c->a[1];
    return 0;
}

/* The caller's and its other threads' lists as they set them; another process's
 * from the system, which checks the caller may see it. */
long sys_get_robust_list(struct lx_call *c)
{
    int pid = (int)c->a[0];
    uint64_t head = c->task->robust_list, len = c->task->robust_len;
    if (pid != 0 && pid != c->task->tid && lx_process_thread_robust_list(pid, &head, &len) < 0) {
        size_t n;
        long r = rx_get_robust_list(pid, &head, &n);
        if (r < 0) return r;
        len = n;
    }
    if (!len) len = LINUX_ROBUST_LIST_HEAD_SIZE;
    if (gm_copy_out(c->a[2], &len, sizeof len) < 0) return -EFAULT;
    return gm_copy_out(c->a[1], &head, sizeof head);
}

/* The options but the name: on lxrun's FS (the backend's calls, the report). */
static long prctl_rest(void *arg)
{
    struct lx_call *c = arg;
    switch ((int)c->a[0]) {
    case LINUX_PR_SET_PDEATHSIG:
        return c->a[1] <= 64 ? rx_set_pdeathsig((int)c->a[1]) : -EINVAL;
    case LINUX_PR_GET_PDEATHSIG: {
        int sig;
        long r = rx_get_pdeathsig(&sig);
        return r < 0 ? r : gm_copy_out(c->a[1], &sig, sizeof sig);
    }
    case LINUX_PR_SET_CHILD_SUBREAPER: {
        long r = rx_set_child_subreaper(c->a[1] != 0);
        if (r == 0) lx_ptable_set_subreaper(c->a[1] != 0);
        return r;
    }
    case LINUX_PR_GET_CHILD_SUBREAPER: {
        int on;
        long r = rx_get_child_subreaper(&on);
        return r < 0 ? r : gm_copy_out(c->a[1], &on, sizeof on);
    }
    case LINUX_PR_GET_DUMPABLE: return 1;
    case LINUX_PR_SET_DUMPABLE: return c->a[1] <= 1 ? 0 : -EINVAL;
    case LINUX_PR_GET_NO_NEW_PRIVS: /* Linux refuses stray arguments to these */
    case LINUX_PR_GET_THP_DISABLE: return c->a[1] || c->a[2] || c->a[3] || c->a[4] ? -EINVAL : 0;
    case LINUX_PR_GET_SECUREBITS: return 0;
    case LINUX_PR_SET_SECUREBITS: {
        uint64_t e, p, i;
        lx_guest_caps(&e, &p, &i);
        if (!(e & (1ULL << LINUX_CAP_SETPCAP))) return -EPERM;
        if (c->a[1] == 0) return 0; /* the bits as they are */
        lx_record_partial(c->nr, "PR_SET_SECUREBITS other than 0");
        return -EINVAL;
    }
    case LINUX_PR_CAPBSET_READ:
    case LINUX_PR_CAPBSET_DROP: {
        if (c->a[1] > LINUX_CAP_LAST_CAP) return -EINVAL;
        uint64_t e, p, i, bit = 1ULL << c->a[1];
        lx_guest_caps(&e, &p, &i);
        if ((int)c->a[0] == LINUX_PR_CAPBSET_READ) return (lx_proc.caps.bounding & bit) != 0;
        if (!(e & (1ULL << LINUX_CAP_SETPCAP))) return -EPERM;
        lx_proc.caps.bounding &= ~bit;
        lx_record_partial(c->nr, "PR_CAPBSET_DROP kept, not enforced");
        return 0;
    }
    case LINUX_PR_GET_TIMERSLACK: return rx_timer_slack_get();
    case LINUX_PR_SET_TIMERSLACK: return rx_timer_slack_set(c->a[1]);
    case LINUX_PR_GET_TSC: {
        long mode = rx_tsc_get();
        if (mode < 0) return mode;
        int v = mode == RX_TSC_FAULT ? LINUX_PR_TSC_SIGSEGV : LINUX_PR_TSC_ENABLE;
        return gm_copy_out(c->a[1], &v, sizeof v);
    }
    case LINUX_PR_SET_TSC:
        if (c->a[1] != LINUX_PR_TSC_ENABLE && c->a[1] != LINUX_PR_TSC_SIGSEGV) return -EINVAL;
        return rx_tsc_set(c->a[1] == LINUX_PR_TSC_SIGSEGV ? RX_TSC_FAULT : RX_TSC_ALLOW);
    case LINUX_PR_SET_VMA: /* naming anonymous mappings */
        lx_record_partial(c->nr, "PR_SET_VMA names ignored");
        return 0;
    default:
        lx_record_partial(c->nr, "unsupported prctl option");
        return -EINVAL;
    }
}

/* GUESTFS: the name, which glibc's start and busybox ask in every program, on the
 * guest's FS (two FS switches each on a host without FSGSBASE); the rest through
 * lx_fs_call. */
long sys_prctl(struct lx_call *c)
{
    switch ((int)c->a[0]) {
    case LINUX_PR_SET_NAME: {
        char name[16];
        long n = gm_string_in(name, c->a[1], sizeof name);
        if (n == -ENAMETOOLONG) { /* truncated to 15 bytes, as Linux does */
            if (gm_copy_in(name, c->a[1], 15) < 0) return -EFAULT;
            name[15] = 0;
        } else if (n < 0) return n;
        memcpy(lx_proc.comm, name, sizeof name);
        lx_ptable_set_comm(lx_proc.comm);
        return 0;
    }
    case LINUX_PR_GET_NAME:
        return gm_copy_out(c->a[1], lx_proc.comm, sizeof lx_proc.comm);
    default:
        return lx_fs_call(prctl_rest, c);
    }
}

long sys_getrandom(struct lx_call *c)
{
    if (c->a[2] & ~7UL) return -EINVAL;
    if ((c->a[2] & 6) == 6) return -EINVAL; /* GRND_RANDOM with GRND_INSECURE */
    void *buf = gm_lock_write(c->a[0], c->a[1]);
    return buf ? rx_getrandom(buf, c->a[1]) : -EFAULT;
}

_Noreturn void lx_exit_group(int status)
{
    lx_vfork_child_exits();
    lx_ptable_exiting((status & 0xff) << 8);
    lx_report_finish(status & 0xff, 0);
    rx_exit(status & 0xff);
}


long sys_exit_group(struct lx_call *c) { lx_exit_group((int)c->a[0]); }
