/* check.h — self-checking helpers shared by the guest programs.
 *
 * A failed check prints "prog[section] file:line: what was expected, what
 * happened" to stderr and the program goes on, so one run shows every failure;
 * check_done() turns the count into the exit status (0 = all passed).
 * Checks read errno right after the expression, before anything can clobber it.
 * Everything here is static: each program is a single translation unit. */
#ifndef GUEST_CHECK_H
#define GUEST_CHECK_H

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#define PG 4096UL

/* The running kernel (uname's release) is at least major.minor: a call newer
 * than the VM tests' kernel may be missing natively there, never under lxrun
 * on the host it was surveyed on. */
__attribute__((unused)) static int kernel_at_least(int major, int minor)
{
    struct utsname u;
    int a = 0, b = 0;
    if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &a, &b) != 2) return 1;
    return a > major || (a == major && b >= minor);
}

static const char *check_prog = "guest";
static const char *check_section = "";
static int check_count, check_failures;

__attribute__((format(printf, 3, 4)))
static void check_report(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    check_failures++;
    fprintf(stderr, "%s[%s] %s:%d: FAILED ", check_prog, check_section, file, line);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* CHECK(cond): cond must hold. */
#define CHECK(cond)                                                                 \
    ({                                                                              \
        int ok_ = !!(cond), e_ = errno;                                             \
        check_count++;                                                              \
        if (!ok_) check_report(__FILE__, __LINE__, "%s (errno %d %s)", #cond, e_, strerror(e_)); \
        ok_;                                                                        \
    })

/* CHECK_EQ(a, b): two integer values must be equal; prints both. */
#define CHECK_EQ(a, b)                                                              \
    ({                                                                              \
        long long a_ = (long long)(a), b_ = (long long)(b);                         \
        int e_ = errno;                                                             \
        check_count++;                                                              \
        if (a_ != b_)                                                               \
            check_report(__FILE__, __LINE__, "%s == %s: got %lld (%#llx), want %lld (%#llx) (errno %d %s)", \
                         #a, #b, a_, (unsigned long long)a_, b_, (unsigned long long)b_, e_, strerror(e_)); \
        a_ == b_;                                                                   \
    })

/* CHECK_OK(expr): a call must succeed (not return -1); yields its value. */
#define CHECK_OK(expr)                                                              \
    ({                                                                              \
        errno = 0;                                                                  \
        long long r_ = (long long)(expr);                                           \
        int e_ = errno;                                                             \
        check_count++;                                                              \
        if (r_ == -1)                                                               \
            check_report(__FILE__, __LINE__, "%s: failed with errno %d %s", #expr, e_, strerror(e_)); \
        r_;                                                                         \
    })

/* CHECK_ERR(expr, err): a call must fail with -1 and errno err. */
#define CHECK_ERR(expr, err)                                                        \
    ({                                                                              \
        errno = 0;                                                                  \
        long long r_ = (long long)(expr);                                           \
        int e_ = errno;                                                             \
        check_count++;                                                              \
        if (r_ != -1 || e_ != (err))                                                \
            check_report(__FILE__, __LINE__, "%s: want -1 errno %d %s, got %lld errno %d %s", #expr, \
                         (err), strerror(err), r_, e_, strerror(e_));               \
        r_ == -1 && e_ == (err);                                                    \
    })

/* CHECK_RC(expr, err): for calls that return an error number (posix_fadvise,
 * clock_nanosleep): the result must be err (0 = success). */
#define CHECK_RC(expr, err)                                                         \
    ({                                                                              \
        int r_ = (expr);                                                            \
        check_count++;                                                              \
        if (r_ != (err))                                                            \
            check_report(__FILE__, __LINE__, "%s: want %d %s, got %d %s", #expr, (err), strerror(err), \
                         r_, strerror(r_));                                         \
        r_ == (err);                                                                \
    })

/* REQUIRE(cond): setup that later checks depend on; stops the program. */
#define REQUIRE(cond)                                                               \
    do {                                                                            \
        if (!(cond)) {                                                              \
            int e_ = errno;                                                         \
            check_report(__FILE__, __LINE__, "required: %s (errno %d %s)", #cond, e_, strerror(e_)); \
            exit(100);                                                              \
        }                                                                           \
    } while (0)

/* RUN(fn): runs one group of checks, naming it in failure messages. */
#define RUN(fn) (check_section = #fn, fn())

static int check_done(void)
{
    if (check_failures) {
        fprintf(stderr, "%s: %d of %d checks FAILED\n", check_prog, check_failures, check_count);
        return check_failures > 99 ? 99 : check_failures;
    }
    printf("%s: all %d checks passed\n", check_prog, check_count);
    return 0;
}

/* Small file helpers for setting up fixtures. */
static inline void put_file(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, data, len) == (ssize_t)len);
    REQUIRE(close(fd) == 0);
}

static inline ssize_t get_file(const char *path, void *buf, size_t cap)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, cap);
    close(fd);
    return n;
}

/* Linux syscall numbers an older libc header may lack. */
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_faccessat2
#define SYS_faccessat2 439
#endif

#endif
