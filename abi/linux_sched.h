/* linux_sched.h — clone flags as Linux x86-64 defines them (include/uapi/linux/sched.h);
 * the low byte of clone's flags is the signal sent to the parent at exit. */
#ifndef LXRUN_ABI_LINUX_SCHED_H
#define LXRUN_ABI_LINUX_SCHED_H

#include <stdint.h>

#define LINUX_CLONE_VM 0x00000100
#define LINUX_CLONE_FS 0x00000200
#define LINUX_CLONE_FILES 0x00000400
#define LINUX_CLONE_SIGHAND 0x00000800
#define LINUX_CLONE_PIDFD 0x00001000
#define LINUX_CLONE_PTRACE 0x00002000
#define LINUX_CLONE_VFORK 0x00004000
#define LINUX_CLONE_PARENT 0x00008000
#define LINUX_CLONE_THREAD 0x00010000
#define LINUX_CLONE_NEWNS 0x00020000
#define LINUX_CLONE_SYSVSEM 0x00040000
#define LINUX_CLONE_SETTLS 0x00080000
#define LINUX_CLONE_PARENT_SETTID 0x00100000
#define LINUX_CLONE_CHILD_CLEARTID 0x00200000
#define LINUX_CLONE_DETACHED 0x00400000
#define LINUX_CLONE_UNTRACED 0x00800000
#define LINUX_CLONE_CHILD_SETTID 0x01000000
#define LINUX_CLONE_NEWCGROUP 0x02000000
#define LINUX_CLONE_NEWUTS 0x04000000
#define LINUX_CLONE_NEWIPC 0x08000000
#define LINUX_CLONE_NEWUSER 0x10000000
#define LINUX_CLONE_NEWPID 0x20000000
#define LINUX_CLONE_NEWNET 0x40000000
#define LINUX_CLONE_IO 0x80000000u
#define LINUX_CSIGNAL 0xff /* the exit signal in clone's low byte */
#define LINUX_CLONE_CLEAR_SIGHAND 0x100000000ULL /* clone3 only */
#define LINUX_CLONE_INTO_CGROUP 0x200000000ULL   /* clone3 only */

/* clone3's argument (include/uapi/linux/sched.h): 64 bytes in its first version
 * (CLONE_ARGS_SIZE_VER0), 88 with set_tid, 96 with cgroup. */
struct linux_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
    uint64_t set_tid, set_tid_size, cgroup;
};
#define LINUX_CLONE_ARGS_SIZE_VER0 64

/* wait4/waitpid options (include/uapi/linux/wait.h) */
#define LINUX_WNOHANG 0x00000001
#define LINUX_WUNTRACED 0x00000002
#define LINUX_WCONTINUED 0x00000008
#define LINUX_WSTOPPED 0x00000002 /* waitid's name for WUNTRACED */
#define LINUX_WEXITED 0x00000004
#define LINUX_WNOWAIT 0x01000000
#define LINUX___WNOTHREAD 0x20000000
#define LINUX___WALL 0x40000000
#define LINUX___WCLONE 0x80000000u

/* waitid's id types and the CLD_* codes of a SIGCHLD siginfo */
#define LINUX_P_ALL 0
#define LINUX_P_PID 1
#define LINUX_P_PGID 2
#define LINUX_P_PIDFD 3

/* pidfd_open flags (include/uapi/linux/pidfd.h) */
#define LINUX_PIDFD_NONBLOCK 00004000 /* O_NONBLOCK */
#define LINUX_PIDFD_THREAD 00000200   /* O_EXCL */
#define LINUX_CLD_EXITED 1
#define LINUX_CLD_KILLED 2
#define LINUX_CLD_DUMPED 3
#define LINUX_CLD_STOPPED 5
#define LINUX_CLD_CONTINUED 6

/* siginfo_t as waitid fills it (x86-64: 128 bytes; the SIGCHLD member at 16). */
struct linux_siginfo_chld {
    int32_t si_signo, si_errno, si_code, pad0;
    int32_t si_pid;
    uint32_t si_uid;
    int32_t si_status;
    int32_t pad1;
    int64_t si_utime, si_stime;
    char rest[128 - 48];
};

/* The wait status word as Linux encodes it (exit code << 8; signal | 0x80 core;
 * stop signal << 8 | 0x7f; 0xffff continued). */
static inline int linux_wait_status(int exited, int code, int signaled, int sig, int core, int stopped, int continued)
{
    if (exited) return (code & 0xff) << 8;
    if (signaled) return (sig & 0x7f) | (core ? 0x80 : 0);
    if (stopped) return ((sig & 0xff) << 8) | 0x7f;
    if (continued) return 0xffff;
    return 0;
}

/* Scheduling policies (include/uapi/linux/sched.h). */
#define LINUX_SCHED_OTHER 0
#define LINUX_SCHED_FIFO 1
#define LINUX_SCHED_RR 2
#define LINUX_SCHED_BATCH 3
#define LINUX_SCHED_IDLE 5
#define LINUX_SCHED_DEADLINE 6
#define LINUX_SCHED_RESET_ON_FORK 0x40000000

/* sched_setattr's struct (include/uapi/linux/sched/types.h): 48 bytes in its
 * first version, 56 with the utilisation clamps. */
struct linux_sched_attr {
    uint32_t size, sched_policy;
    uint64_t sched_flags;
    int32_t sched_nice;
    uint32_t sched_priority;
    uint64_t sched_runtime, sched_deadline, sched_period;
    uint32_t sched_util_min, sched_util_max;
};
#define LINUX_SCHED_ATTR_SIZE_VER0 48
#define LINUX_SCHED_FLAG_UTIL_CLAMP (0x20 | 0x40)

/* A policy to rx.h's value (-EINVAL for one lxrun does not know), and back. */
int abi_sched_policy_to_rx(int linux_policy);
int abi_sched_policy_from_rx(int rx_policy);

#endif
