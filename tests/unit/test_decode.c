/* test_decode.c — report/decode.c: every argument decoder of the trace, against
 * the text strace prints for the same value (checked with strace 6 natively).
 * Guest memory is real memory registered with guestmem, as lxrun does for the
 * guest; Criterion runs each test in its own process, so the table starts empty. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "../../guestmem/access.h"
#include "../../guestmem/vma.h"
#include "../../report/decode.h"

#define P GM_PAGE

static char out[8192];

static struct lx_text *fresh(void)
{
    static struct lx_text t;
    memset(out, 0x55, sizeof out);
    t = (struct lx_text){ out, sizeof out, 0 };
    out[0] = 0;
    return &t;
}

/* EXPECT(decode_x(t, …), "text"): the decoder writes exactly "text" into a fresh buffer. */
#define EXPECT(call, want, ...)                                                                       \
    do {                                                                                           \
        struct lx_text *t = fresh();                                                               \
        call;                                                                                      \
        cr_assert_str_eq(out, want, "%s\n  gave   [%s]\n  wanted [%s]", #call, out, want);         \
        cr_assert_eq(t->len, strlen(want), "%s: len %zu for [%s]", #call, t->len, out);            \
    } while (0)

static void bytes(struct lx_text *t, const char *p, size_t n, size_t max, int truncated)
{
    decode_bytes(t, (const unsigned char *)p, n, max, truncated);
}

/* Three real pages: [0] and [1] read/write and registered as guest memory,
 * [2] PROT_NONE for real and never registered, so reading it would crash the
 * test instead of passing it. */
static unsigned char *pages(void)
{
    cr_assert_eq(gm_count(), 0);
    unsigned char *m = mmap(NULL, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(m, MAP_FAILED);
    cr_assert_eq(mprotect(m + 2 * P, P, PROT_NONE), 0);
    gm_add((uintptr_t)m, 2 * P, PROT_READ | PROT_WRITE, 0, GM_ANON, 0, 0, 0, NULL);
    return m;
}

static const char *hex(const void *p)
{
    static char buf[32];
    snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)(uintptr_t)p);
    return buf;
}

/* ---- the text buffer ---- */

Test(text, bounded_and_terminated)
{
    char small[8];
    memset(small, 'x', sizeof small);
    struct lx_text t = { small, sizeof small, 0 };
    text_puts(&t, "0123456789");
    cr_assert_eq(t.len, 10, "len counts what did not fit");
    cr_assert_str_eq(small, "0123456", "cut, and always NUL-terminated");
    text_printf(&t, "%d", 42);
    cr_assert_eq(t.len, 12);
    cr_assert_str_eq(small, "0123456");
}

/* ---- byte strings ---- */

Test(bytes, printable_plain)
{
    EXPECT(bytes(t, "hello", 5, 32, 0), "\"hello\"");
    EXPECT(bytes(t, "", 0, 32, 0), "\"\"");
}

Test(bytes, quote_and_backslash_escaped)
{
    EXPECT(bytes(t, "a\"b\\c", 5, 32, 0), "\"a\\\"b\\\\c\"");
}

Test(bytes, c_escapes)
{
    EXPECT(bytes(t, "\n\t\r\v\f", 5, 32, 0), "\"\\n\\t\\r\\v\\f\"");
}

Test(bytes, nonprintable_as_shortest_octal)
{
    EXPECT(bytes(t, "\0", 1, 32, 0), "\"\\0\"");
    EXPECT(bytes(t, "\1x\33", 3, 32, 0), "\"\\1x\\33\"");
    EXPECT(bytes(t, "\177ELF\2\1", 6, 32, 0), "\"\\177ELF\\2\\1\"");
}

Test(bytes, octal_before_a_digit_is_three_wide)
{
    /* strace: write(1, "\0012\1x\0000\377\200", 8) — "\12" would read back as "\n". */
    EXPECT(bytes(t, "\1" "2\1x\0" "0\377\200", 8, 32, 0), "\"\\0012\\1x\\0000\\377\\200\"");
    EXPECT(bytes(t, "\0" "7", 2, 32, 0), "\"\\0007\"");
    EXPECT(bytes(t, "\33" "8", 2, 32, 0), "\"\\338\"", /* 8 is not an octal digit */);
    EXPECT(bytes(t, "\1" "2", 2, 1, 0), "\"\\1\"...", /* the digit is cut off: not shown, not considered */);
}

Test(bytes, high_bytes_octal)
{
    EXPECT(bytes(t, "\xff\x80", 2, 32, 0), "\"\\377\\200\"");
    EXPECT(bytes(t, "caf\xc3\xa9", 5, 32, 0), "\"caf\\303\\251\"");
}

Test(bytes, truncated_at_max)
{
    EXPECT(bytes(t, "hello world", 11, 5, 0), "\"hello\"...");
    EXPECT(bytes(t, "hello", 5, 5, 0), "\"hello\"");
    EXPECT(bytes(t, "hello", 5, 5, 1), "\"hello\"...", /* the caller knows there was more */);
    EXPECT(bytes(t, "hello", 5, 0, 0), "\"\"...");
    EXPECT(bytes(t, "\n\n\n\n", 4, 2, 0), "\"\\n\\n\"...", /* max counts bytes, not output chars */);
}

/* ---- guest strings and buffers ---- */

Test(guest, string_read_through_guestmem)
{
    unsigned char *m = pages();
    strcpy((char *)m + 100, "/etc/passwd");
    EXPECT(decode_guest_str(t, (uintptr_t)m + 100, 32), "\"/etc/passwd\"");
    strcpy((char *)m + P - 3, "ab\tcd"); /* straddles the two guest pages */
    EXPECT(decode_guest_str(t, (uintptr_t)m + P - 3, 32), "\"ab\\tcd\"");
}

Test(guest, string_null)
{
    pages();
    EXPECT(decode_guest_str(t, 0, 32), "NULL");
}

Test(guest, string_unreadable_is_hex)
{
    unsigned char *m = pages();
    char want[32];
    snprintf(want, sizeof want, "%s", hex(m + 2 * P));
    EXPECT(decode_guest_str(t, (uintptr_t)m + 2 * P, 32), want);
    static const char lxrun_own[] = "lxrun's own memory";
    snprintf(want, sizeof want, "%s", hex(lxrun_own));
    EXPECT(decode_guest_str(t, (uintptr_t)lxrun_own, 32), want);
    EXPECT(decode_guest_str(t, 0xdead0000ULL, 32), "0xdead0000");
    /* No NUL before the unreadable page: the address, not a guess. */
    memset(m + 2 * P - 4, 'z', 4);
    snprintf(want, sizeof want, "%s", hex(m + 2 * P - 4));
    EXPECT(decode_guest_str(t, (uintptr_t)m + 2 * P - 4, 32), want);
}

Test(guest, string_truncated_at_max)
{
    unsigned char *m = pages();
    strcpy((char *)m, "0123456789");
    EXPECT(decode_guest_str(t, (uintptr_t)m, 5), "\"01234\"...");
    EXPECT(decode_guest_str(t, (uintptr_t)m, 10), "\"0123456789\"", /* exactly max: whole */);
    EXPECT(decode_guest_str(t, (uintptr_t)m, 9), "\"012345678\"...", /* one over max */);
    /* Only max+1 bytes are looked at: a long string running into unreadable
     * memory far beyond max still prints its head. */
    memset(m + P, 'y', P);
    EXPECT(decode_guest_str(t, (uintptr_t)m + 2 * P - 10, 4), "\"yyyy\"...");
}

Test(guest, buffer)
{
    unsigned char *m = pages();
    memcpy(m + 10, "hello world\n", 12);
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 10, 12, 32), "\"hello world\\n\"");
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 10, 12, 5), "\"hello\"...");
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 10, 0, 32), "\"\"");
    /* Only the shown part must be readable. */
    memcpy(m + 2 * P - 3, "abc", 3);
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 2 * P - 3, 4096, 3), "\"abc\"...");
}

Test(guest, buffer_unreadable_is_hex)
{
    unsigned char *m = pages();
    char want[32];
    snprintf(want, sizeof want, "%s", hex(m + 2 * P));
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 2 * P, 8, 32), want);
    snprintf(want, sizeof want, "%s", hex(m + 2 * P - 4));
    EXPECT(decode_guest_buf(t, (uintptr_t)m + 2 * P - 4, 8, 32), want, /* runs into it */);
    EXPECT(decode_guest_buf(t, 0, 8, 32), "NULL");
}

/* ---- flag sets ---- */

Test(flags, open)
{
    EXPECT(decode_open_flags(t, O_RDONLY), "O_RDONLY");
    EXPECT(decode_open_flags(t, O_RDONLY | O_CLOEXEC), "O_RDONLY|O_CLOEXEC");
    EXPECT(decode_open_flags(t, O_WRONLY | O_CREAT | O_TRUNC), "O_WRONLY|O_CREAT|O_TRUNC");
    EXPECT(decode_open_flags(t, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_NONBLOCK),
           "O_RDWR|O_CREAT|O_EXCL|O_APPEND|O_NONBLOCK");
    EXPECT(decode_open_flags(t, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_DIRECTORY),
           "O_RDONLY|O_NONBLOCK|O_DIRECTORY|O_CLOEXEC");
    EXPECT(decode_open_flags(t, O_PATH | O_NOFOLLOW), "O_RDONLY|O_NOFOLLOW|O_PATH");
    EXPECT(decode_open_flags(t, O_WRONLY | O_SYNC), "O_WRONLY|O_SYNC", /* not O_DSYNC|... */);
    EXPECT(decode_open_flags(t, O_WRONLY | O_DSYNC), "O_WRONLY|O_DSYNC");
    EXPECT(decode_open_flags(t, O_RDWR | O_TMPFILE), "O_RDWR|O_TMPFILE", /* not O_DIRECTORY|... */);
    EXPECT(decode_open_flags(t, 0100000), "O_RDONLY|O_LARGEFILE");
    EXPECT(decode_open_flags(t, O_ACCMODE), "O_ACCMODE");
}

Test(flags, open_unknown_bits_kept_as_hex)
{
    EXPECT(decode_open_flags(t, O_WRONLY | O_CREAT | O_TRUNC | 0x40000000),
           "O_WRONLY|O_CREAT|O_TRUNC|0x40000000");
    EXPECT(decode_open_flags(t, O_RDONLY | 0x40000000), "O_RDONLY|0x40000000");
}

Test(flags, at)
{
    EXPECT(decode_at_flags(t, 0), "0");
    EXPECT(decode_at_flags(t, AT_EMPTY_PATH), "AT_EMPTY_PATH");
    EXPECT(decode_at_flags(t, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH), "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH");
    EXPECT(decode_at_flags(t, AT_REMOVEDIR), "AT_REMOVEDIR");
    EXPECT(decode_at_flags(t, AT_EMPTY_PATH | 0x80000000u), "AT_EMPTY_PATH|0x80000000");
}

Test(flags, prot)
{
    EXPECT(decode_prot(t, PROT_NONE), "PROT_NONE");
    EXPECT(decode_prot(t, PROT_READ), "PROT_READ");
    EXPECT(decode_prot(t, PROT_READ | PROT_WRITE), "PROT_READ|PROT_WRITE");
    EXPECT(decode_prot(t, PROT_READ | PROT_EXEC), "PROT_READ|PROT_EXEC");
    EXPECT(decode_prot(t, PROT_READ | 0x10), "PROT_READ|0x10");
    EXPECT(decode_prot(t, 0x10), "0x10");
}

Test(flags, mmap)
{
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE | MAP_ANONYMOUS), "MAP_PRIVATE|MAP_ANONYMOUS");
    EXPECT(decode_mmap_flags(t, MAP_SHARED), "MAP_SHARED");
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE), "MAP_PRIVATE");
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE), "MAP_PRIVATE|MAP_FIXED|MAP_DENYWRITE");
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE),
           "MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE|MAP_STACK");
    EXPECT(decode_mmap_flags(t, MAP_SHARED_VALIDATE | MAP_SYNC), "MAP_SHARED_VALIDATE|MAP_SYNC");
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE | MAP_FIXED_NOREPLACE), "MAP_PRIVATE|MAP_FIXED_NOREPLACE");
}

Test(flags, mmap_unknown_kept_as_hex)
{
    EXPECT(decode_mmap_flags(t, MAP_PRIVATE | 0x200), "MAP_PRIVATE|0x200");
    EXPECT(decode_mmap_flags(t, 0x4 | MAP_ANONYMOUS), "0x4|MAP_ANONYMOUS", /* unknown type */);
}

Test(flags, clone_with_exit_signal)
{
    EXPECT(decode_clone_flags(t, CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | SIGCHLD),
           "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD");
    EXPECT(decode_clone_flags(t, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                     CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID),
           "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
           "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID");
    EXPECT(decode_clone_flags(t, CLONE_VM | CLONE_VFORK | SIGCHLD), "CLONE_VM|CLONE_VFORK|SIGCHLD");
    EXPECT(decode_clone_flags(t, CLONE_VM | 34), "CLONE_VM|SIGRT_2");
}

Test(flags, clone_signal_only_or_nothing)
{
    /* strace: clone(child_stack=NULL, flags=SIGCHLD) — fork done with clone. */
    EXPECT(decode_clone_flags(t, SIGCHLD), "SIGCHLD");
    EXPECT(decode_clone_flags(t, 0), "0");
    EXPECT(decode_clone_flags(t, CLONE_VM), "CLONE_VM");
}

Test(flags, clone_unknown_kept_as_hex)
{
    EXPECT(decode_clone_flags(t, CLONE_VM | 0x400000 | SIGCHLD), "CLONE_VM|0x400000|SIGCHLD");
}

/* ---- signals ---- */

Test(signals, names)
{
    EXPECT(decode_signal(t, SIGHUP), "SIGHUP");
    EXPECT(decode_signal(t, SIGKILL), "SIGKILL");
    EXPECT(decode_signal(t, SIGCHLD), "SIGCHLD");
    EXPECT(decode_signal(t, SIGSYS), "SIGSYS");
    EXPECT(decode_signal(t, 0), "0");
    cr_assert_str_eq(signal_name(SIGINT), "SIGINT");
    cr_assert_str_eq(signal_name(SIGSEGV), "SIGSEGV");
    cr_assert_null(signal_name(0));
    cr_assert_null(signal_name(-1));
    cr_assert_null(signal_name(40));
    for (int s = 1; s < 32; s++) {
        const char *n = signal_name(s);
        cr_assert(n && !strncmp(n, "SIG", 3), "signal %d has no name", s);
    }
}

Test(signals, realtime)
{
    /* strace: kill(-99999, SIGRTMIN), SIGRT_1, SIGRT_32, 65 */
    EXPECT(decode_signal(t, 32), "SIGRTMIN");
    EXPECT(decode_signal(t, 33), "SIGRT_1");
    EXPECT(decode_signal(t, 34), "SIGRT_2");
    EXPECT(decode_signal(t, 64), "SIGRT_32");
    EXPECT(decode_signal(t, 65), "65");
}

static uint64_t bit(int sig) { return 1ULL << (sig - 1); }

static void sigset_at(struct lx_text *t, unsigned char *m, uint64_t set)
{
    memcpy(m + 64, &set, sizeof set);
    decode_sigset(t, (uintptr_t)m + 64);
}

Test(signals, sigset)
{
    unsigned char *m = pages();
    EXPECT(sigset_at(t, m, 0), "[]");
    EXPECT(sigset_at(t, m, bit(SIGINT) | bit(SIGTERM)), "[INT TERM]");
    EXPECT(sigset_at(t, m, bit(SIGCHLD)), "[CHLD]");
    EXPECT(sigset_at(t, m, bit(SIGHUP) | bit(32) | bit(33) | bit(64)), "[HUP RTMIN RT_1 RT_32]");
}

Test(signals, sigset_inverted)
{
    unsigned char *m = pages();
    EXPECT(sigset_at(t, m, ~0ULL), "~[]");
    EXPECT(sigset_at(t, m, ~(bit(SIGKILL) | bit(SIGSTOP))), "~[KILL STOP]");
    /* strace inverts from 42 of 64 bits on (two thirds). */
    EXPECT(sigset_at(t, m, (1ULL << 42) - 1),
           "~[RT_11 RT_12 RT_13 RT_14 RT_15 RT_16 RT_17 RT_18 RT_19 RT_20 RT_21 RT_22 RT_23 RT_24 RT_25 "
           "RT_26 RT_27 RT_28 RT_29 RT_30 RT_31 RT_32]");
    struct lx_text *t = fresh();
    sigset_at(t, m, (1ULL << 41) - 1);
    cr_assert(!strncmp(out, "[HUP INT QUIT ", 14), "41 bits are listed as they are: %s", out);
    cr_assert(strstr(out, " RTMIN RT_1 RT_2 RT_3 RT_4 RT_5 RT_6 RT_7 RT_8 RT_9]"), "%s", out);
}

Test(signals, sigset_pointer)
{
    unsigned char *m = pages();
    EXPECT(decode_sigset(t, 0), "NULL");
    char want[32];
    snprintf(want, sizeof want, "%s", hex(m + 2 * P));
    EXPECT(decode_sigset(t, (uintptr_t)m + 2 * P), want);
    snprintf(want, sizeof want, "%s", hex(m + 2 * P - 4));
    EXPECT(decode_sigset(t, (uintptr_t)m + 2 * P - 4), want, /* half readable */);
}

/* ---- enumerations ---- */

Test(enums, fcntl)
{
    EXPECT(decode_fcntl_cmd(t, F_DUPFD), "F_DUPFD");
    EXPECT(decode_fcntl_cmd(t, F_GETFD), "F_GETFD");
    EXPECT(decode_fcntl_cmd(t, F_SETFD), "F_SETFD");
    EXPECT(decode_fcntl_cmd(t, F_GETFL), "F_GETFL");
    EXPECT(decode_fcntl_cmd(t, F_SETFL), "F_SETFL");
    EXPECT(decode_fcntl_cmd(t, F_SETLKW), "F_SETLKW");
    EXPECT(decode_fcntl_cmd(t, F_DUPFD_CLOEXEC), "F_DUPFD_CLOEXEC");
    EXPECT(decode_fcntl_cmd(t, F_OFD_SETLK), "F_OFD_SETLK");
    EXPECT(decode_fcntl_cmd(t, F_GET_SEALS), "F_GET_SEALS");
    EXPECT(decode_fcntl_cmd(t, 9999), "0x270f");
}

Test(enums, ioctl)
{
    EXPECT(decode_ioctl_req(t, TCGETS), "TCGETS");
    EXPECT(decode_ioctl_req(t, TCSETSW), "TCSETSW");
    EXPECT(decode_ioctl_req(t, TIOCGWINSZ), "TIOCGWINSZ");
    EXPECT(decode_ioctl_req(t, TIOCGPGRP), "TIOCGPGRP");
    EXPECT(decode_ioctl_req(t, FIONREAD), "FIONREAD");
    EXPECT(decode_ioctl_req(t, FIOCLEX), "FIOCLEX");
    EXPECT(decode_ioctl_req(t, FS_IOC_GETFLAGS), "FS_IOC_GETFLAGS");
    EXPECT(decode_ioctl_req(t, 0xffffffff00000000ULL | TCGETS), "TCGETS", /* the kernel takes 32 bits */);
    EXPECT(decode_ioctl_req(t, 0xdeadbeef), "0xdeadbeef");
}

Test(enums, clock)
{
    EXPECT(decode_clock(t, CLOCK_REALTIME), "CLOCK_REALTIME");
    EXPECT(decode_clock(t, CLOCK_MONOTONIC), "CLOCK_MONOTONIC");
    EXPECT(decode_clock(t, CLOCK_PROCESS_CPUTIME_ID), "CLOCK_PROCESS_CPUTIME_ID");
    EXPECT(decode_clock(t, CLOCK_MONOTONIC_RAW), "CLOCK_MONOTONIC_RAW");
    EXPECT(decode_clock(t, CLOCK_BOOTTIME), "CLOCK_BOOTTIME");
    EXPECT(decode_clock(t, CLOCK_TAI), "CLOCK_TAI");
    EXPECT(decode_clock(t, 99), "99");
}

Test(enums, whence)
{
    EXPECT(decode_whence(t, SEEK_SET), "SEEK_SET");
    EXPECT(decode_whence(t, SEEK_CUR), "SEEK_CUR");
    EXPECT(decode_whence(t, SEEK_END), "SEEK_END");
    EXPECT(decode_whence(t, SEEK_DATA), "SEEK_DATA");
    EXPECT(decode_whence(t, SEEK_HOLE), "SEEK_HOLE");
    EXPECT(decode_whence(t, 7), "7");
}

Test(enums, mode_and_dirfd)
{
    EXPECT(decode_mode(t, 0644), "0644");
    EXPECT(decode_mode(t, 04755), "04755");
    EXPECT(decode_mode(t, 0), "00");
    EXPECT(decode_dirfd(t, (uint64_t)(int64_t)AT_FDCWD), "AT_FDCWD");
    EXPECT(decode_dirfd(t, (uint32_t)AT_FDCWD), "AT_FDCWD", /* a 32-bit int in a 64-bit register */);
    EXPECT(decode_dirfd(t, 3), "3");
}

Test(enums, errno_names)
{
    cr_assert_str_eq(errno_name(ENOENT), "ENOENT");
    cr_assert_str_eq(errno_name(EBADF), "EBADF");
    cr_assert_str_eq(errno_name(EAGAIN), "EAGAIN");
    cr_assert_str_eq(errno_name(EFAULT), "EFAULT");
    cr_assert_str_eq(errno_name(ENOSYS), "ENOSYS");
    cr_assert_str_eq(errno_name(ENOTTY), "ENOTTY");
    cr_assert_str_eq(errno_name(ENAMETOOLONG), "ENAMETOOLONG");
    cr_assert_str_eq(errno_name(ECONNREFUSED), "ECONNREFUSED");
    cr_assert_str_eq(errno_name(ENOTRECOVERABLE), "ENOTRECOVERABLE");
    cr_assert_str_eq(errno_name(512), "ERESTARTSYS");
    cr_assert_null(errno_name(0));
    cr_assert_null(errno_name(-ENOENT));
    cr_assert_null(errno_name(4000));
    for (int e = 1; e <= 40; e++) {
        const char *n = errno_name(e);
        cr_assert(n && n[0] == 'E', "errno %d has no name", e);
    }
}

/* ---- structs (strace's abbreviated forms) ---- */

Test(structs, stat_regular_directory_and_device)
{
    unsigned char *m = pages();
    struct stat *st = (struct stat *)(m + 64);
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | 0644;
    st->st_size = 1234;
    EXPECT(decode_stat(t, (uintptr_t)st), "{st_mode=S_IFREG|0644, st_size=1234, ...}");
    st->st_mode = S_IFDIR | 01777;
    st->st_size = 4096;
    EXPECT(decode_stat(t, (uintptr_t)st), "{st_mode=S_IFDIR|01777, st_size=4096, ...}");
    st->st_mode = S_IFCHR | 0666;
    st->st_rdev = makedev(1, 3);
    EXPECT(decode_stat(t, (uintptr_t)st), "{st_mode=S_IFCHR|0666, st_rdev=makedev(0x1, 0x3), ...}");
    EXPECT(decode_stat(t, 0), "NULL");
    EXPECT(decode_stat(t, (uintptr_t)m + 2 * P), hex(m + 2 * P));
}

Test(structs, timespec)
{
    unsigned char *m = pages();
    int64_t *ts = (int64_t *)(m + 128);
    ts[0] = 5;
    ts[1] = 250000000;
    EXPECT(decode_timespec(t, (uintptr_t)ts), "{tv_sec=5, tv_nsec=250000000}");
    EXPECT(decode_timespec(t, 0), "NULL");
    /* The second half lies on the unreadable page: no partial read. */
    EXPECT(decode_timespec(t, (uintptr_t)m + 2 * P - 8), hex(m + 2 * P - 8));
}

/* Every name decode takes from abi/ has the value the host's own headers give it
 * (this test is a Linux program). */
Test(decode, abi_values_match_host_headers)
{
    struct lx_text *t;
    static const struct { unsigned long v; const char *name; } ioctls[] = {
        { TCGETS, "TCGETS" }, { TCSETS, "TCSETS" }, { TCSETSW, "TCSETSW" }, { TCSETSF, "TCSETSF" },
        { TCGETA, "TCGETA" }, { TCSETA, "TCSETA" }, { TCSBRK, "TCSBRK" }, { TCXONC, "TCXONC" },
        { TCFLSH, "TCFLSH" }, { TIOCEXCL, "TIOCEXCL" }, { TIOCNXCL, "TIOCNXCL" }, { TIOCSCTTY, "TIOCSCTTY" },
        { TIOCGPGRP, "TIOCGPGRP" }, { TIOCSPGRP, "TIOCSPGRP" }, { TIOCOUTQ, "TIOCOUTQ" }, { TIOCSTI, "TIOCSTI" },
        { TIOCGWINSZ, "TIOCGWINSZ" }, { TIOCSWINSZ, "TIOCSWINSZ" }, { TIOCMGET, "TIOCMGET" },
        { FIONREAD, "FIONREAD" }, { TIOCLINUX, "TIOCLINUX" }, { TIOCNOTTY, "TIOCNOTTY" },
        { TIOCGSID, "TIOCGSID" }, { FIONBIO, "FIONBIO" }, { TIOCGPTN, "TIOCGPTN" },
        { TIOCSPTLCK, "TIOCSPTLCK" }, { FIONCLEX, "FIONCLEX" }, { FIOCLEX, "FIOCLEX" },
        { FIOASYNC, "FIOASYNC" }, { TIOCGPTPEER, "TIOCGPTPEER" }, { FS_IOC_GETFLAGS, "FS_IOC_GETFLAGS" },
        { FS_IOC_SETFLAGS, "FS_IOC_SETFLAGS" }, { FICLONE, "FICLONE" },
    };
    for (size_t i = 0; i < sizeof ioctls / sizeof ioctls[0]; i++) {
        t = fresh();
        decode_ioctl_req(t, (unsigned)ioctls[i].v);
        cr_assert_str_eq(t->buf, ioctls[i].name);
    }
    static const struct { unsigned long v; const char *name; } clones[] = {
        { CLONE_VM, "CLONE_VM" }, { CLONE_FS, "CLONE_FS" }, { CLONE_FILES, "CLONE_FILES" },
        { CLONE_SIGHAND, "CLONE_SIGHAND" }, { CLONE_PIDFD, "CLONE_PIDFD" }, { CLONE_VFORK, "CLONE_VFORK" },
        { CLONE_THREAD, "CLONE_THREAD" }, { CLONE_SETTLS, "CLONE_SETTLS" },
        { CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID" }, { CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID" },
        { CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID" }, { CLONE_NEWUSER, "CLONE_NEWUSER" }, { CLONE_IO, "CLONE_IO" },
    };
    for (size_t i = 0; i < sizeof clones / sizeof clones[0]; i++) {
        t = fresh();
        decode_clone_flags(t, clones[i].v);
        cr_assert_str_eq(t->buf, clones[i].name);
    }
    for (int s = 1; s < 32; s++) {
        t = fresh();
        decode_signal(t, (uint64_t)s);
        char want[16];
        snprintf(want, sizeof want, "SIG%s", sigabbrev_np(s));
        if (s == SIGIO) snprintf(want, sizeof want, "SIGIO"); /* glibc calls 29 POLL */
        cr_assert_str_eq(t->buf, want, "signal %d", s);
    }
    static const struct { int v; const char *name; } whence[] = {
        { SEEK_SET, "SEEK_SET" }, { SEEK_CUR, "SEEK_CUR" }, { SEEK_END, "SEEK_END" }, { SEEK_DATA, "SEEK_DATA" },
        { SEEK_HOLE, "SEEK_HOLE" },
    };
    for (size_t i = 0; i < sizeof whence / sizeof whence[0]; i++) {
        t = fresh();
        decode_whence(t, (uint64_t)whence[i].v);
        cr_assert_str_eq(t->buf, whence[i].name);
    }
}
