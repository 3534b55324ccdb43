/* decode.c — strace-style rendering of arguments; every table is one list of
 * names, and the flag decoder prints unknown bits as hex, never drops them. */
#include "decode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../abi/linux_fcntl.h"
#include "../abi/linux_misc.h"
#include "../abi/linux_sched.h"
#include "../abi/linux_stat.h"
#include "../abi/linux_mman.h"
#include "../abi/linux_signal.h"
#include "../abi/linux_time.h"
#include "../guestmem/access.h"

void text_putc(struct lx_text *t, char c)
{
    if (t->len + 1 < t->cap) t->buf[t->len] = c;
    t->len++;
    if (t->cap) t->buf[t->len < t->cap ? t->len : t->cap - 1] = 0;
}

void text_puts(struct lx_text *t, const char *s)
{
    while (*s) text_putc(t, *s++);
}

/* Straight into the buffer, as text_puts would put it (len counts what did not
 * fit): a line through a 256-byte scratch lost its end (-c's interception lines). */
void text_printf(struct lx_text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t room = t->len < t->cap ? t->cap - t->len : 0;
    int n = vsnprintf(room ? t->buf + t->len : NULL, room, fmt, ap);
    va_end(ap);
    if (n > 0) t->len += (size_t)n;
    if (t->cap) t->buf[t->len < t->cap ? t->len : t->cap - 1] = 0;
}

void decode_bytes(struct lx_text *t, const unsigned char *p, size_t n, size_t max, int truncated)
{
    size_t shown = n < max ? n : max;
    text_putc(t, '"');
    for (size_t i = 0; i < shown; i++) {
        unsigned char c = p[i];
        switch (c) {
        case '"': text_puts(t, "\\\""); break;
        case '\\': text_puts(t, "\\\\"); break;
        case '\n': text_puts(t, "\\n"); break;
        case '\t': text_puts(t, "\\t"); break;
        case '\r': text_puts(t, "\\r"); break;
        case '\v': text_puts(t, "\\v"); break;
        case '\f': text_puts(t, "\\f"); break;
        default:
            if (c >= 0x20 && c < 0x7f) text_putc(t, (char)c);
            else if (i + 1 < shown && p[i + 1] >= '0' && p[i + 1] <= '7') text_printf(t, "\\%03o", c);
            else text_printf(t, "\\%o", c); /* strace: shortest octal unless a digit follows */
        }
    }
    text_putc(t, '"');
    if (shown < n || truncated) text_puts(t, "...");
}

void decode_guest_str(struct lx_text *t, uint64_t addr, size_t max)
{
    if (!addr) { text_puts(t, "NULL"); return; }
    unsigned char buf[4096];
    size_t cap = max + 1 < sizeof buf ? max + 1 : sizeof buf;
    long n = gm_string_in((char *)buf, addr, cap);
    if (n == -ENAMETOOLONG) {
        decode_bytes(t, buf, max, max, 1);
        return;
    }
    if (n < 0) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    decode_bytes(t, buf, (size_t)n, max, 0);
}

void decode_guest_buf(struct lx_text *t, uint64_t addr, size_t n, size_t max)
{
    size_t take = n < max ? n : max;
    if (!addr) { text_puts(t, "NULL"); return; }
    const unsigned char *p = gm_lock_read(addr, take);
    if (!p) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    decode_bytes(t, p, take, take, take < n);
}

/* strace's form: each element's bytes, at most `data` of them in all (what a
 * readv filled), at most `max` elements shown. */
void decode_guest_iovec(struct lx_text *t, uint64_t addr, uint64_t count, uint64_t data, size_t max)
{
    struct linux_iovec v;
    if (!count) { text_puts(t, "[]"); return; }
    if (!addr) { text_puts(t, "NULL"); return; }
    if (gm_copy_in(&v, addr, sizeof v) < 0) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    text_putc(t, '[');
    for (uint64_t i = 0;;) {
        uint64_t shown = v.iov_len < data ? v.iov_len : data;
        data -= shown;
        text_puts(t, "{iov_base=");
        decode_guest_buf(t, v.iov_base, (size_t)shown, max);
        text_printf(t, ", iov_len=%llu}", (unsigned long long)v.iov_len);
        if (++i == count) break;
        if (i == max || gm_copy_in(&v, addr + i * sizeof v, sizeof v) < 0) {
            text_puts(t, ", ...");
            break;
        }
        text_puts(t, ", ");
    }
    text_putc(t, ']');
}

struct named { uint64_t v; const char *n; };
#define N(x) { x, #x }
#define NL(x) { LINUX_##x, #x } /* a guest value from abi/, named as Linux names it */

static void decode_flags(struct lx_text *t, uint64_t v, const struct named *tab, size_t n, const char *zero)
{
    if (v == 0) { text_puts(t, zero ? zero : "0"); return; }
    int first = 1;
    for (size_t i = 0; i < n; i++) {
        if (tab[i].v && (v & tab[i].v) == tab[i].v) {
            if (!first) text_putc(t, '|');
            text_puts(t, tab[i].n);
            v &= ~tab[i].v;
            first = 0;
        }
    }
    if (v) text_printf(t, first ? "%#llx" : "|%#llx", (unsigned long long)v);
}

static int decode_enum(struct lx_text *t, uint64_t v, const struct named *tab, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tab[i].v == v) { text_puts(t, tab[i].n); return 1; }
    return 0;
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

void decode_open_flags(struct lx_text *t, uint64_t v)
{
    static const struct named acc[] = { NL(O_RDONLY), NL(O_WRONLY), NL(O_RDWR), NL(O_ACCMODE) };
    static const struct named fl[] = {
        NL(O_CREAT), NL(O_EXCL), NL(O_NOCTTY), NL(O_TRUNC), NL(O_APPEND), NL(O_NONBLOCK), NL(O_TMPFILE),
        NL(O_SYNC), NL(O_DSYNC), NL(O_DIRECT), NL(O_LARGEFILE), NL(O_DIRECTORY), NL(O_NOFOLLOW),
        NL(O_NOATIME), NL(O_CLOEXEC), NL(O_PATH), NL(O_ASYNC),
    };
    uint64_t rest = v & ~(uint64_t)LINUX_O_ACCMODE;
    if (!decode_enum(t, v & LINUX_O_ACCMODE, acc, COUNT(acc))) text_printf(t, "%#llx", (unsigned long long)(v & LINUX_O_ACCMODE));
    if (rest) { text_putc(t, '|'); decode_flags(t, rest, fl, COUNT(fl), NULL); }
}

void decode_at_flags(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = {
        NL(AT_SYMLINK_NOFOLLOW), NL(AT_REMOVEDIR), NL(AT_SYMLINK_FOLLOW), NL(AT_NO_AUTOMOUNT),
        NL(AT_EMPTY_PATH), NL(AT_EACCESS), NL(AT_STATX_FORCE_SYNC), NL(AT_STATX_DONT_SYNC),
    };
    decode_flags(t, v, tab, COUNT(tab), "0");
}

void decode_prot(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = { NL(PROT_READ), NL(PROT_WRITE), NL(PROT_EXEC), NL(PROT_GROWSDOWN), NL(PROT_GROWSUP) };
    decode_flags(t, v, tab, COUNT(tab), "PROT_NONE");
}

void decode_mmap_flags(struct lx_text *t, uint64_t v)
{
    static const struct named type[] = { NL(MAP_SHARED), NL(MAP_PRIVATE), NL(MAP_SHARED_VALIDATE) };
    static const struct named tab[] = {
        NL(MAP_FIXED), NL(MAP_ANONYMOUS), NL(MAP_32BIT), NL(MAP_GROWSDOWN), NL(MAP_DENYWRITE),
        NL(MAP_EXECUTABLE), NL(MAP_LOCKED), NL(MAP_NORESERVE), NL(MAP_POPULATE), NL(MAP_NONBLOCK),
        NL(MAP_STACK), NL(MAP_HUGETLB), NL(MAP_SYNC), NL(MAP_FIXED_NOREPLACE),
    };
    if (!decode_enum(t, v & LINUX_MAP_TYPE, type, COUNT(type))) text_printf(t, "%#llx", (unsigned long long)(v & LINUX_MAP_TYPE));
    if (v & ~(uint64_t)LINUX_MAP_TYPE) { text_putc(t, '|'); decode_flags(t, v & ~(uint64_t)LINUX_MAP_TYPE, tab, COUNT(tab), NULL); }
}

void decode_clone_flags(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = {
        NL(CLONE_VM), NL(CLONE_FS), NL(CLONE_FILES), NL(CLONE_SIGHAND), NL(CLONE_PIDFD), NL(CLONE_PTRACE),
        NL(CLONE_VFORK), NL(CLONE_PARENT), NL(CLONE_THREAD), NL(CLONE_NEWNS), NL(CLONE_SYSVSEM),
        NL(CLONE_SETTLS), NL(CLONE_PARENT_SETTID), NL(CLONE_CHILD_CLEARTID), NL(CLONE_UNTRACED),
        NL(CLONE_CHILD_SETTID), NL(CLONE_NEWCGROUP), NL(CLONE_NEWUTS), NL(CLONE_NEWIPC), NL(CLONE_NEWUSER),
        NL(CLONE_NEWPID), NL(CLONE_NEWNET), NL(CLONE_IO),
    };
    uint64_t sig = v & 0xff;
    if (v & ~0xffULL || !sig) decode_flags(t, v & ~0xffULL, tab, COUNT(tab), NULL); /* not "0SIGCHLD" */
    if (sig) {
        if (v & ~0xffULL) text_putc(t, '|');
        decode_signal(t, sig);
    }
}

/* Linux x86-64 signal numbers 1-31 (arch/x86/include/uapi/asm/signal.h), by number. */
static const char *const sig_names[] = {
    NULL,
    "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT",
    "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2",
    "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
    "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU",
    "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR",
    "SIGSYS",
};

const char *signal_name(int s)
{
    return s > 0 && (size_t)s < COUNT(sig_names) ? sig_names[s] : NULL;
}

/* A siginfo as strace shows it: {si_signo=…, si_code=…, and the fields of its kind}. */
void decode_siginfo(struct lx_text *t, const struct linux_siginfo *si)
{
    static const char *const by_process[] = { "SI_USER", "SI_QUEUE", "SI_TIMER", "SI_MESGQ", "SI_ASYNCIO",
                                              "SI_SIGIO", "SI_TKILL" }; /* 0, -1 … -6 */
    static const char *const child[] = { NULL, "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED",
                                         "CLD_STOPPED", "CLD_CONTINUED" };
    static const char *const segv[] = { NULL, "SEGV_MAPERR", "SEGV_ACCERR" };
    int code = si->si_code;
    int32_t pid, status;
    uint32_t uid;
    uint64_t addr;
    memcpy(&pid, si->fields, 4);
    memcpy(&uid, si->fields + 4, 4);
    memcpy(&status, si->fields + 8, 4);
    memcpy(&addr, si->fields, 8);
    text_puts(t, "{si_signo=");
    decode_signal(t, (uint64_t)si->si_signo);
    text_puts(t, ", si_code=");
    if (code <= 0 && code >= -6) text_puts(t, by_process[-code]);
    else if (code == 0x80) text_puts(t, "SI_KERNEL");
    else if (si->si_signo == LINUX_SIGCHLD && code >= 1 && code <= 6) text_puts(t, child[code]);
    else if (si->si_signo == LINUX_SIGSEGV && code >= 1 && code <= 2) text_puts(t, segv[code]);
    else text_printf(t, "%d", code);
    int faults = si->si_signo == LINUX_SIGSEGV || si->si_signo == LINUX_SIGBUS || si->si_signo == LINUX_SIGILL ||
                 si->si_signo == LINUX_SIGFPE || si->si_signo == LINUX_SIGTRAP;
    if (code <= 0) text_printf(t, ", si_pid=%d, si_uid=%u", pid, uid);
    else if (si->si_signo == LINUX_SIGCHLD) {
        text_printf(t, ", si_pid=%d, si_uid=%u, si_status=", pid, uid);
        if (code == 1) text_printf(t, "%d", status);
        else decode_signal(t, (uint64_t)status);
    } else if (faults && code != 0x80) text_printf(t, ", si_addr=%#llx", (unsigned long long)addr);
    text_puts(t, "}");
}

void decode_signal(struct lx_text *t, uint64_t v)
{
    const char *n = signal_name((int)v);
    if (n) text_puts(t, n);
    else if ((int)v == 32) text_puts(t, "SIGRTMIN"); /* as strace names it */
    else if ((int)v > 32 && (int)v <= 64) text_printf(t, "SIGRT_%d", (int)v - 32);
    else text_printf(t, "%d", (int)v);
}

void decode_sigset(struct lx_text *t, uint64_t addr)
{
    uint64_t set;
    if (!addr) { text_puts(t, "NULL"); return; }
    if (gm_copy_in(&set, addr, sizeof set) < 0) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    int inverted = __builtin_popcountll(set) >= 64 * 2 / 3; /* strace's threshold: two thirds */
    if (inverted) { text_putc(t, '~'); set = ~set; }
    text_putc(t, '[');
    int first = 1;
    for (int s = 1; s <= 64; s++) {
        if (!(set & (1ULL << (s - 1)))) continue;
        if (!first) text_putc(t, ' ');
        const char *n = signal_name(s);
        if (n) text_puts(t, n + 3);
        else if (s == 32) text_puts(t, "RTMIN");
        else if (s > 32) text_printf(t, "RT_%d", s - 32);
        else text_printf(t, "%d", s);
        first = 0;
    }
    text_putc(t, ']');
}

void decode_fcntl_cmd(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = {
        NL(F_DUPFD), NL(F_GETFD), NL(F_SETFD), NL(F_GETFL), NL(F_SETFL), NL(F_GETLK), NL(F_SETLK), NL(F_SETLKW),
        NL(F_SETOWN), NL(F_GETOWN), NL(F_SETSIG), NL(F_GETSIG), NL(F_OFD_GETLK), NL(F_OFD_SETLK),
        NL(F_OFD_SETLKW), NL(F_SETLEASE), NL(F_GETLEASE), NL(F_NOTIFY), NL(F_DUPFD_CLOEXEC),
        NL(F_SETPIPE_SZ), NL(F_GETPIPE_SZ), NL(F_ADD_SEALS), NL(F_GET_SEALS),
    };
    if (!decode_enum(t, v, tab, COUNT(tab))) text_printf(t, "%#llx", (unsigned long long)v);
}

void decode_ioctl_req(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = {
        NL(TCGETS), NL(TCSETS), NL(TCSETSW), NL(TCSETSF), NL(TCGETA), NL(TCSETA), NL(TCSBRK), NL(TCXONC),
        NL(TCFLSH), NL(TIOCEXCL), NL(TIOCNXCL), NL(TIOCSCTTY), NL(TIOCGPGRP), NL(TIOCSPGRP), NL(TIOCOUTQ),
        NL(TIOCSTI), NL(TIOCGWINSZ), NL(TIOCSWINSZ), NL(TIOCMGET), NL(FIONREAD), NL(TIOCLINUX),
        NL(TIOCNOTTY), NL(TIOCGSID), NL(FIONBIO), NL(TIOCGPTN), NL(TIOCSPTLCK), NL(FIONCLEX), NL(FIOCLEX),
        NL(FIOASYNC), NL(TIOCGPTPEER), NL(FS_IOC_GETFLAGS), NL(FS_IOC_SETFLAGS), NL(FICLONE),
    };
    if (!decode_enum(t, (uint32_t)v, tab, COUNT(tab))) text_printf(t, "%#llx", (unsigned long long)(uint32_t)v);
}

void decode_clock(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = {
        NL(CLOCK_REALTIME), NL(CLOCK_MONOTONIC), NL(CLOCK_PROCESS_CPUTIME_ID), NL(CLOCK_THREAD_CPUTIME_ID),
        NL(CLOCK_MONOTONIC_RAW), NL(CLOCK_REALTIME_COARSE), NL(CLOCK_MONOTONIC_COARSE), NL(CLOCK_BOOTTIME),
        NL(CLOCK_REALTIME_ALARM), NL(CLOCK_BOOTTIME_ALARM), NL(CLOCK_TAI),
    };
    if (!decode_enum(t, (uint32_t)v, tab, COUNT(tab))) text_printf(t, "%d", (int)v);
}

void decode_whence(struct lx_text *t, uint64_t v)
{
    static const struct named tab[] = { NL(SEEK_SET), NL(SEEK_CUR), NL(SEEK_END), NL(SEEK_DATA), NL(SEEK_HOLE) };
    if (!decode_enum(t, (uint32_t)v, tab, COUNT(tab))) text_printf(t, "%d", (int)v);
}

void decode_mode(struct lx_text *t, uint64_t v) { text_printf(t, "0%llo", (unsigned long long)(v & 07777777)); }

void decode_dirfd(struct lx_text *t, uint64_t v)
{
    if ((int)v == LINUX_AT_FDCWD) text_puts(t, "AT_FDCWD");
    else text_printf(t, "%d", (int)v);
}

const char *errno_name(int e)
{
    static const struct named tab[] = {
        N(EPERM), N(ENOENT), N(ESRCH), N(EINTR), N(EIO), N(ENXIO), N(E2BIG), N(ENOEXEC), N(EBADF),
        N(ECHILD), N(EAGAIN), N(ENOMEM), N(EACCES), N(EFAULT), N(ENOTBLK), N(EBUSY), N(EEXIST),
        N(EXDEV), N(ENODEV), N(ENOTDIR), N(EISDIR), N(EINVAL), N(ENFILE), N(EMFILE), N(ENOTTY),
        N(ETXTBSY), N(EFBIG), N(ENOSPC), N(ESPIPE), N(EROFS), N(EMLINK), N(EPIPE), N(EDOM),
        N(ERANGE), N(EDEADLK), N(ENAMETOOLONG), N(ENOLCK), N(ENOSYS), N(ENOTEMPTY), N(ELOOP),
        N(ENOMSG), N(EIDRM), N(ENODATA), N(ETIME), N(EOVERFLOW), N(EILSEQ), N(ENOTSOCK),
        N(EDESTADDRREQ), N(EMSGSIZE), N(EPROTOTYPE), N(ENOPROTOOPT), N(EPROTONOSUPPORT),
        N(EOPNOTSUPP), N(EAFNOSUPPORT), N(EADDRINUSE), N(EADDRNOTAVAIL), N(ENETDOWN),
        N(ENETUNREACH), N(ECONNABORTED), N(ECONNRESET), N(ENOBUFS), N(EISCONN), N(ENOTCONN),
        N(ETIMEDOUT), N(ECONNREFUSED), N(EHOSTUNREACH), N(EALREADY), N(EINPROGRESS), N(ESTALE),
        N(EDQUOT), N(ECANCELED), N(EOWNERDEAD), N(ENOTRECOVERABLE),
    };
    for (size_t i = 0; i < COUNT(tab); i++)
        if ((int)tab[i].v == e) return tab[i].n;
    if (e == 512) return "ERESTARTSYS";
    return NULL;
}

static void decode_file_type(struct lx_text *t, unsigned mode)
{
    static const struct named types[] = {
        NL(S_IFREG), NL(S_IFDIR), NL(S_IFLNK), NL(S_IFCHR), NL(S_IFBLK), NL(S_IFIFO), NL(S_IFSOCK),
    };
    if (!decode_enum(t, mode & LINUX_S_IFMT, types, COUNT(types))) text_printf(t, "%#o", mode & LINUX_S_IFMT);
    text_printf(t, "|%#o", mode & 07777);
}

void decode_stat(struct lx_text *t, uint64_t addr)
{
    struct linux_stat st;
    if (!addr) { text_puts(t, "NULL"); return; }
    if (gm_copy_in(&st, addr, sizeof st) < 0) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    text_puts(t, "{st_mode=");
    decode_file_type(t, st.st_mode);
    unsigned type = st.st_mode & LINUX_S_IFMT;
    if (type == LINUX_S_IFCHR || type == LINUX_S_IFBLK)
        text_printf(t, ", st_rdev=makedev(%#x, %#x)", linux_major(st.st_rdev), linux_minor(st.st_rdev));
    else
        text_printf(t, ", st_size=%lld", (long long)st.st_size);
    text_puts(t, ", ...}");
}

void decode_timespec(struct lx_text *t, uint64_t addr)
{
    struct { int64_t sec, nsec; } ts;
    if (!addr) { text_puts(t, "NULL"); return; }
    if (gm_copy_in(&ts, addr, sizeof ts) < 0) { text_printf(t, "0x%llx", (unsigned long long)addr); return; }
    text_printf(t, "{tv_sec=%lld, tv_nsec=%lld}", (long long)ts.sec, (long long)ts.nsec);
}
