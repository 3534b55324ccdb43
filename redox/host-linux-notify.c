/* host-linux-notify.c — rx.h's time handles, signal handles, watches and pipe
 * splicing carried out on Linux (timerfd, signalfd, inotify, splice, tee). */

#include "rx.h"
#include "host-linux.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <unistd.h>

_Static_assert(SPLICE_F_NONBLOCK == RX_SPLICE_X_NONBLOCK && SPLICE_F_MORE == RX_SPLICE_X_MORE,
               "the splice flags are the host's");

static int handle_flags(int flags, int cloexec, int nonblock)
{
    return (flags & RX_O_CLOEXEC ? cloexec : 0) | (flags & RX_O_NONBLOCK ? nonblock : 0);
}

long rx_time_handle(int clock, int flags)
{
    clockid_t c = host_clock(clock);
    if (c == (clockid_t)-1) return -EINVAL;
    return R(timerfd_create(c, handle_flags(flags, TFD_CLOEXEC, TFD_NONBLOCK)));
}

static struct itimerspec itimer_to_host(const struct rx_itimer *t)
{
    return (struct itimerspec){ { t->interval.sec, t->interval.nsec }, { t->value.sec, t->value.nsec } };
}

static void itimer_from_host(const struct itimerspec *h, struct rx_itimer *t)
{
    *t = (struct rx_itimer){ { h->it_interval.tv_sec, h->it_interval.tv_nsec }, { h->it_value.tv_sec, h->it_value.tv_nsec } };
}

long rx_time_handle_set(int fd, int flags, const struct rx_itimer *nw, struct rx_itimer *old)
{
    struct itimerspec n = itimer_to_host(nw), o;
    int h = (flags & RX_TIME_X_ABSTIME ? TFD_TIMER_ABSTIME : 0) | (flags & RX_TIME_X_CANCEL_ON_SET ? TFD_TIMER_CANCEL_ON_SET : 0);
    long r = R(timerfd_settime(fd, h, &n, &o));
    if (r == 0 && old) itimer_from_host(&o, old);
    return r;
}

long rx_time_handle_get(int fd, struct rx_itimer *cur)
{
    struct itimerspec h;
    long r = R(timerfd_gettime(fd, &h));
    if (r == 0) itimer_from_host(&h, cur);
    return r;
}

long rx_signal_handle(int fd, uint64_t mask, int flags)
{
    sigset_t set; /* its first 64 bits are the mask (sigaddset: musl refuses 32-34, its own) */
    sigemptyset(&set);
    memcpy(&set, &mask, sizeof mask);
    return R(signalfd(fd, &set, handle_flags(flags, SFD_CLOEXEC, SFD_NONBLOCK)));
}

long rx_watch_queue(int flags) { return R(inotify_init1(handle_flags(flags, IN_CLOEXEC, IN_NONBLOCK))); }

long rx_watch_add(int queue, int target, uint32_t mask)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", target); /* the object the handle names, wherever it lies */
    return R(inotify_add_watch(queue, path, mask));
}

long rx_watch_rm(int queue, int wd) { return R(inotify_rm_watch(queue, wd)); }

/* The limits are the host kernel's, in its fs.inotify sysctls: the backend's own
 * facts about the queues it hands out, never a guest path. */
static const char *const limit_files[] = { "/proc/sys/fs/inotify/max_queued_events",
                                           "/proc/sys/fs/inotify/max_user_instances",
                                           "/proc/sys/fs/inotify/max_user_watches" };

long rx_watch_limit(int which)
{
    if (which < 0 || which > 2) return -EINVAL;
    int fd = open(limit_files[which], O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    char buf[32];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -EIO;
    buf[n] = 0;
    return strtol(buf, NULL, 10);
}

long rx_watch_limit_set(int which, long value)
{
    if (which < 0 || which > 2) return -EINVAL;
    int fd = open(limit_files[which], O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    char buf[32];
    int n = snprintf(buf, sizeof buf, "%ld\n", value);
    long r = write(fd, buf, (size_t)n) < 0 ? -errno : 0;
    close(fd);
    return r;
}

long rx_splice(int in, int64_t *off_in, int out, int64_t *off_out, size_t len, int flags)
{
    loff_t a = off_in ? *off_in : 0, b = off_out ? *off_out : 0;
    long r = host_wait_call(SYS_splice, in, off_in ? (long)&a : 0, out, off_out ? (long)&b : 0, (long)len, (unsigned)flags);
    if (off_in) *off_in = a;
    if (off_out) *off_out = b;
    return r;
}

long rx_tee(int in, int out, size_t len, int flags) { return host_wait_call(SYS_tee, in, out, (long)len, (unsigned)flags, 0, 0); }
