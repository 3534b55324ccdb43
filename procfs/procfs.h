/* procfs.h — the /proc and /sys files lxrun synthesizes.
 *
 * Three steps, kept apart so that the text is testable without the system:
 *   procfs_facts_gather  reads what the renderers need through rx.h only
 *   procfs_lookup        maps a normalised guest path to a node of a static table
 *   procfs_render        prints a file node's text from facts, in the exact format
 *                        a Linux kernel prints it
 * Nothing here reads the host's /proc or /sys. */
#ifndef LXRUN_PROCFS_H
#define LXRUN_PROCFS_H

#include <stddef.h>
#include <stdint.h>

enum procfs_thp { PROCFS_THP_ALWAYS, PROCFS_THP_MADVISE, PROCFS_THP_NEVER };

/* The guest process as /proc/<pid> shows it (task.c gathers it from lxrun's
 * state; the renderers never look further, except maps-like files, which walk
 * the guest mapping table, and cmdline/environ/auxv, which read guest memory). */
#define PROCFS_MAX_GROUPS 64
struct procfs_task {
    int pid, ppid, tid;
    char comm[16];
    unsigned umask;
    uint32_t uid, euid, gid, egid;
    uint32_t groups[PROCFS_MAX_GROUPS];
    int ngroups;
    uint64_t sig_blocked, sig_ignored, sig_caught; /* bit s-1 for signal s */
    uint64_t start_cs;            /* start time since boot */
    uint64_t utime_cs, stime_cs;  /* lxrun's whole process: the guest's time is its time */
    uint64_t maxrss_kb;           /* likewise: the resident-set estimate's upper bound */
    unsigned fd_size;             /* FDSize: the fd table size Linux would show (0: not gathered) */
    uint64_t rlim_cur[16], rlim_max[16];
    uintptr_t brk_start, brk;
    uintptr_t start_stack;        /* the initial stack pointer (argc) */
    uintptr_t arg_start, arg_end, env_start, env_end; /* string areas of the initial stack */
    uintptr_t auxv, auxv_len;     /* auxv words on the initial stack, bytes */
    char exe[4096];               /* guest path of the program file */
    char cwd[4096];               /* guest path of the cwd ("" if unknown) */
    uint64_t root_dev;            /* the device of "/" (mountinfo) */
    char root_fstype[16];         /* its file system type's name ("" if unknown) */
    int oom_score_adj;
    unsigned personality;         /* personality(2)'s persona and flags */
    uint64_t cap_effective, cap_permitted, cap_inheritable, cap_bounding;
    /* another process of the session (from the process table): no mappings, no
     * guest memory to read; its state and argv strings as published */
    int foreign;
    char state;                   /* 'R', 'S' or 'Z' */
    int threads;                  /* Threads: (a sibling's: 1, not published) */
    uint32_t cmdline_len;
    char cmdline[2048];
};

/* Everything the renderers print.  Sizes in kB, times in centiseconds (Linux's
 * USER_HZ is 100, so centiseconds are also /proc/stat's clock ticks). */
struct procfs_facts {
    /* processors: one package, ncpu cores, one thread each (cpu i is core i) */
    unsigned ncpu;
    char cpu_vendor[16];
    char cpu_model_name[64];
    unsigned cpu_family, cpu_model, cpu_stepping, cpuid_level;
    unsigned cpu_microcode;       /* 0: unknown, the line is left out as Linux does for 0 */
    uint64_t cpu_khz;             /* "cpu MHz"; 0 leaves the line out (no TSC) */
    uint64_t bogomips_x100;       /* hundredths */
    unsigned cache_size_kb;       /* 0 leaves the line out */
    unsigned tlb_size_4k;         /* "TLB size" (AMD); 0 leaves the line out */
    unsigned clflush_size, cache_alignment, phys_bits, virt_bits;
    char cpu_flags[4096];         /* space-separated, Linux's names and order */
    char cpu_bugs[512];
    char power_flags[256];        /* "power management:" names, each with its leading space */

    /* memory, kB */
    uint64_t mem_total_kb, mem_free_kb, mem_available_kb, buffers_kb, cached_kb;
    uint64_t shmem_kb, swap_total_kb, swap_free_kb, hugepage_size_kb;

    /* time, load and tasks */
    uint64_t uptime_cs;           /* since boot */
    uint64_t idle_cs;             /* summed over all CPUs, as /proc/uptime's 2nd field */
    uint64_t user_cs, system_cs;  /* summed over all CPUs */
    uint64_t boot_time;           /* seconds since the epoch ("btime") */
    unsigned load_x100[3];        /* 1, 5, 15-minute load average, hundredths */
    unsigned nr_running, nr_threads, last_pid;
    uint64_t forks, context_switches;

    /* kernel identity */
    char ostype[16];              /* "Linux" */
    char osrelease[65];           /* uname -r */
    char kernel_version[65];      /* uname -v: "#1 SMP PREEMPT_DYNAMIC ..." */
    char kernel_builder[64];      /* /proc/version's "(user@host)" */
    char kernel_compiler[128];    /* /proc/version's "(compiler)" */
    char hostname[65];
    char core_pattern[128];       /* where core dumps go ("core" if unknown) */
    char boot_id[37];             /* the same for every read during one boot */
    char uuid[37];                /* fresh at every gather */

    /* tunables */
    unsigned long pid_max, file_max;
    int overcommit_memory;
    enum procfs_thp thp_enabled;

    /* /proc/<pid>: filled by procfs_task_gather, not by procfs_facts_gather */
    struct procfs_task task;
};

/* Fills *f from rx.h but for the CPU's identity; 0 or a negative errno. */
int procfs_facts_gather(struct procfs_facts *f);
/* Then the CPU's identity (cpu_* and the rest /proc/cpuinfo prints), for the
 * nodes flagged PROCFS_CPU only: identifying it takes ~30 CPUIDs (each a VM exit
 * in a VM) and, without a leaf that gives the TSC's rate, a 10 ms calibration --
 * once per process, which every program that reads /proc/filesystems at start
 * (libselinux's, as tar, find, ls, sed, cp do) paid before 2026-12-03. */
int procfs_facts_gather_cpu(struct procfs_facts *f);

/* The CPU feature words rx_cpuinfo reports, as Linux's flag names in its order. */
struct abi_cpuinfo;
void procfs_cpu_flags(const struct abi_cpuinfo *ci, char *buf, size_t cap);
void procfs_power_flags(const struct abi_cpuinfo *ci, char *buf, size_t cap);

/* ---- the node table ---- */

enum procfs_kind { PROCFS_FILE, PROCFS_DIR, PROCFS_SYMLINK };

struct procfs_out; /* a growing text buffer, see render.h */
typedef void (*procfs_render_fn)(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu);

#define PROCFS_NOT_CPU0 1u /* per-CPU node absent for cpu0 (cpuN/online: cpu0 is not hotpluggable) */
#define PROCFS_GZIP 2u     /* the rendered text is served gzip-compressed (/proc/config.gz) */
#define PROCFS_OWN 4u      /* /proc/<pid>/… served for the reader's own process only (EACCES for
                              a sibling: lxrun keeps its memory, limits and fds to itself) */
#define PROCFS_CPU 8u      /* the text shows the CPU's identity (procfs_facts_gather_cpu) */
/* A cache's node number: the CPU in the lower 16 bits, the index above (registry.c). */
#define PROCFS_CACHE_INDEX 16

struct procfs_node {
    const char *path;       /* absolute guest path; '#' stands for a CPU number */
    enum procfs_kind kind;
    unsigned mode;          /* permission bits as Linux shows them */
    procfs_render_fn render; /* a file's text or a symlink's target; NULL for dirs */
    unsigned flags;
    const char *scheme;     /* a /dev node Redox has as a scheme ("null:"): served as that */
};

/* The node at a normalised absolute guest path ("/proc/cpuinfo", "/sys/devices/
 * system/cpu/cpu3"), or NULL.  CPU numbers count only below ncpu; the number a
 * per-CPU path names goes to *cpu (0 for other nodes; cpu may be NULL).  ncpu
 * PROCFS_NCPU_ASK: procfs_ncpu, asked only when the path names a CPU (a system
 * call: most lookups, /proc/self/... among them, never need it). */
#define PROCFS_NCPU_ASK 0u
const struct procfs_node *procfs_lookup(const char *path, unsigned ncpu, unsigned *cpu);
/* What procfs needs of the guest's namespace, handed to it by vfs-map when the
 * namespace is set up (vfs_start): procfs never calls vfs-map itself. */
struct procfs_namespace {
    long (*getcwd)(char *out, unsigned long cap);                 /* the guest's cwd */
    int (*guest_path)(const char *url, char *out, unsigned long cap); /* a handle's URL as a guest path */
    long (*open_root)(void);                                      /* an O_PATH handle on the guest's "/" */
};
void procfs_set_namespace(const struct procfs_namespace *ns);
/* Answers another process of the session asking for one of this process's
 * /proc/<pid> files (process/ptable.h's lx_pt_answer_fn; op: enum lx_pt_ask_op):
 * a file's text, a directory's entries (each a kind byte, then the name and its
 * NUL), a link's target. */
long procfs_answer(int op, const char *path, char *out, size_t cap);
/* Whether lxrun serves a system call (by name), for /proc/config.gz; handed in
 * at start-up from the syscall table. */
void procfs_set_served(int (*served)(const char *syscall));
/* in compressed to the gzip format in out[cap]: its length, or -1. */
long procfs_gzip(const void *in, size_t len, void *out, size_t cap);
long procfs_open_guest_root(void);

/* Every socket of the system of a family and type (rx_net_sockets, asked again
 * with more room while more come): an array the caller frees, *n entries long. */
struct rx_sock_info *procfs_net_sockets(int family, int type, long *n);

/* The /dev path of the node served by scheme URL url ("null:" → "/dev/null"), or NULL. */
const char *procfs_dev_of_scheme(const char *url);

/* Calls emit for each entry of directory dir (names only, table order, no "."
 * or "..").  emit returns 0 to go on; any other value (a negative errno, say)
 * stops the listing and is returned.  Otherwise returns the number of entries,
 * -ENOENT if dir is not a node, -ENOTDIR if it is not a directory.  ncpu as
 * procfs_lookup's. */
typedef int (*procfs_dirent_fn)(void *arg, const char *name, enum procfs_kind kind);
long procfs_readdir(const char *dir, unsigned ncpu, procfs_dirent_fn emit, void *arg);

/* Prints node's text into buf (always NUL-terminated when cap > 0) and returns
 * its full length, like snprintf: a result >= cap means buf was too small. */
size_t procfs_render(const struct procfs_node *node, const struct procfs_facts *f, unsigned cpu,
                     char *buf, size_t cap);

/* The number of CPUs the guest is shown. */
unsigned procfs_ncpu(void);
/* A node's stat as Linux shows it: its kind and mode, size 0, owned by root,
 * an inode number derived from its path, on lxrun's own device. */
struct rx_stat;
long procfs_stat(const struct procfs_node *node, const char *path, struct rx_stat *st);
/* Opens a node for the guest (a snapshot fd of its text), or a negative errno.
 * A directory becomes an empty snapshot registered in the open-directory table
 * (dirfd.c); a symlink reaches here only with O_NOFOLLOW (vfs-map follows). */
long procfs_open(const struct procfs_node *node, unsigned cpu, const char *path, int flags);

/* ---- /proc/<pid>, /proc/self (pid.c) ----
 * /proc/<pid> exists for each process of the lxrun session (process/ptable.h).
 * Its nodes carry the pid in the lookup's number (*cpu), as per-CPU nodes carry
 * the CPU, except fd/N and fdinfo/N (the reader's own process only), which carry N. */

/* Fills *t from lxrun's state; scan_fds also sizes the fd table (FDSize). */
void procfs_task_gather(struct procfs_task *t, int scan_fds);
/* The same for any process of the session (pid); 0 or -ESRCH. */
int procfs_task_gather_pid(struct procfs_task *t, int pid, int scan_fds);
/* A symlink node's target as readlink shows it (no NUL counted); the length, or
 * a negative errno (-ERANGE when cap is too small). */
long procfs_readlink(const struct procfs_node *node, unsigned num, const char *path, char *buf, size_t cap);
/* Where following symlink node leads: 0 with an absolute, normalised guest path
 * in out (which may leave /proc); *fd is the guest fd an fd/N link names (-1
 * otherwise), to fall back on when the path cannot be opened (a deleted file).
 * 1 when the link names an fd that has no path (pipe, socket, anonymous inode):
 * *fd is that fd.  Or a negative errno. */
long procfs_link_target(const struct procfs_node *node, unsigned num, const char *path, char *out,
                        size_t cap, int *fd);
/* Expands the first symlink met in a non-final component of a normalised path
 * (/proc/self/maps → /proc/<pid>/maps): 1 with the new normalised path in out,
 * 0 when there is none, or a negative errno (-ENOTDIR: a link to an fd that is
 * not a directory, followed by more components). */
int procfs_resolve(const char *path, char *out, size_t cap);
/* The inode number procfs shows for a path (stat and getdents agree). */
uint64_t procfs_ino(const char *path);
/* What /proc/self/fd/N reads as for guest fd N: a guest path, "pipe:[ino]",
 * "socket:[ino]", "anon_inode:…".  Returns 1 if it is a path (may be reopened),
 * 0 if not, or a negative errno. */
int procfs_fd_target(int fd, char *out, size_t cap);

/* ---- emulated nodes the guest holds open (dirfd.c, writable.c) ----
 * An emulated directory or writable file opened by the guest is a real fd (an
 * empty snapshot) plus an fd-table entry (process/fd_table.h) whose ops serve
 * getdents/fstat or writes.  Opening records the fd as pending; the handler that
 * gives it to the guest calls procfs_claim_open, which makes the entry. */
struct lx_file_ops;
void procfs_pending_open(long fd, const struct lx_file_ops *ops, const char *path);
/* 1 if fd is the node this thread opened last, now entered in the fd table. */
int procfs_claim_open(long fd);

/* Opens directory path (a node of kind PROCFS_DIR) for listing. */
long procfs_dir_open(const char *path, int flags);
/* 1 and the directory's path in path[cap] if fd is an open emulated directory, else 0. */
int procfs_dir_of(int fd, char *path, size_t cap);
/* getdents64 on such an fd: linux_dirent64 records into buf, from the fd's offset. */
long procfs_getdents(int fd, const char *path, void *buf, size_t len);
/* If fd is an open emulated directory, overwrites *st with the directory's stat; 1 if so. */
int procfs_dir_fstat(int fd, struct rx_stat *st);

/* Emulated files the guest may write (comm). */
int procfs_node_writable(const char *path);
long procfs_open_for_write(const char *path, int flags);

#endif
