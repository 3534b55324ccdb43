/* notify_fds.c — handles: timerfd_create, timerfd_settime, timerfd_gettime,
 * signalfd, signalfd4, inotify_init, inotify_init1, inotify_add_watch,
 * inotify_rm_watch.  Each is a handle of rx.h's (a time: handle, a signal
 * handle, a watch queue) that reads, polls and closes as any other. */
#include "../abi/linux_notify.h"
#include "../abi/linux_time.h"
#include "handler.h"

static int handle_flags(uint64_t f)
{
    return (f & LINUX_NOTIFY_CLOEXEC ? RX_O_CLOEXEC : 0) | (f & LINUX_NOTIFY_NONBLOCK ? RX_O_NONBLOCK : 0);
}

#define LINUX_CLOCK_REALTIME 0
#define LINUX_CLOCK_MONOTONIC 1
#define LINUX_CLOCK_BOOTTIME 7
#define LINUX_CLOCK_REALTIME_ALARM 8
#define LINUX_CLOCK_BOOTTIME_ALARM 9

long sys_timerfd_create(struct lx_call *c)
{
    int lclock = (int)c->a[0];
    if (c->a[1] & ~(uint64_t)(LINUX_NOTIFY_CLOEXEC | LINUX_NOTIFY_NONBLOCK)) return -EINVAL;
    if (lclock == LINUX_CLOCK_REALTIME_ALARM || lclock == LINUX_CLOCK_BOOTTIME_ALARM) {
        lx_record_partial(c->nr, "alarm clocks (they need CAP_WAKE_ALARM)");
        return -EPERM;
    }
    if (lclock != LINUX_CLOCK_REALTIME && lclock != LINUX_CLOCK_MONOTONIC && lclock != LINUX_CLOCK_BOOTTIME) return -EINVAL;
    return lx_fd_accept(rx_time_handle(abi_clock_to_rx(lclock), handle_flags(c->a[1])));
}

long sys_timerfd_settime(struct lx_call *c)
{
    if (c->a[1] & ~(uint64_t)(LINUX_TFD_TIMER_ABSTIME | LINUX_TFD_TIMER_CANCEL_ON_SET)) return -EINVAL;
    struct rx_itimer nw, old;
    long r = lx_itimerspec_in(c->a[2], &nw);
    if (r < 0) return r;
    int flags = (c->a[1] & LINUX_TFD_TIMER_ABSTIME ? RX_TIME_X_ABSTIME : 0) |
                (c->a[1] & LINUX_TFD_TIMER_CANCEL_ON_SET ? RX_TIME_X_CANCEL_ON_SET : 0);
    if (c->a[3] && !gm_lock_write(c->a[3], sizeof(struct linux_itimerspec))) return -EFAULT;
    r = rx_time_handle_set((int)c->a[0], flags, &nw, &old);
    if (r < 0) return r;
    return c->a[3] && lx_itimerspec_out(c->a[3], &old) < 0 ? -EFAULT : 0;
}

long sys_timerfd_gettime(struct lx_call *c)
{
    struct rx_itimer cur;
    long r = rx_time_handle_get((int)c->a[0], &cur);
    return r < 0 ? r : lx_itimerspec_out(c->a[1], &cur);
}

/* SIGKILL and SIGSTOP cannot be read from a signalfd: Linux drops them silently. */
#define UNREADABLE ((1ULL << (9 - 1)) | (1ULL << (19 - 1)))

static long signalfd_common(struct lx_call *c, uint64_t flags)
{
    int fd = (int)c->a[0];
    if (c->a[2] != 8 || (flags & ~(uint64_t)(LINUX_NOTIFY_CLOEXEC | LINUX_NOTIFY_NONBLOCK))) return -EINVAL;
    uint64_t mask;
    if (gm_copy_in(&mask, c->a[1], sizeof mask) < 0) return -EFAULT;
    if (fd != -1 && !lx_fd_is_guest(fd)) return -EBADF;
    long r = rx_signal_handle(fd, mask & ~UNREADABLE, handle_flags(flags));
    return fd == -1 ? lx_fd_accept(r) : r;
}

long sys_signalfd(struct lx_call *c) { return signalfd_common(c, 0); }
long sys_signalfd4(struct lx_call *c) { return signalfd_common(c, c->a[3]); }

long sys_inotify_init(struct lx_call *c)
{
    (void)c;
    return lx_fd_accept(rx_watch_queue(0));
}

long sys_inotify_init1(struct lx_call *c)
{
    if (c->a[0] & ~(uint64_t)(LINUX_NOTIFY_CLOEXEC | LINUX_NOTIFY_NONBLOCK)) return -EINVAL;
    return lx_fd_accept(rx_watch_queue(handle_flags(c->a[0])));
}

#define WATCH_BITS (LINUX_IN_ALL_EVENTS | LINUX_IN_ONLYDIR | LINUX_IN_DONT_FOLLOW | LINUX_IN_EXCL_UNLINK | \
                    LINUX_IN_MASK_CREATE | LINUX_IN_MASK_ADD | LINUX_IN_ONESHOT)

long sys_inotify_add_watch(struct lx_call *c)
{
    uint32_t mask = (uint32_t)c->a[2];
    if (!(mask & LINUX_IN_ALL_EVENTS) || (mask & ~WATCH_BITS)) return -EINVAL;
    if ((mask & LINUX_IN_MASK_CREATE) && (mask & LINUX_IN_MASK_ADD)) return -EINVAL;
    struct lx_path p;
    long r = lx_path_arg(c->a[1], LX_AT_FDCWD, &p);
    if (r < 0) return r;
    if (p.t.node) {
        lx_record_partial(c->nr, "watches on /proc and /sys nodes (lxrun's snapshots never change)");
        return -EACCES;
    }
    long target = vfs_open(&p.t, RX_O_PATH | RX_O_CLOEXEC | (mask & LINUX_IN_DONT_FOLLOW ? RX_O_NOFOLLOW : 0), 0);
    if (target < 0) return target;
    r = rx_watch_add((int)c->a[0], (int)target, mask); /* IN_* bits: the extension takes Linux's */
    rx_close((int)target);
    return r;
}

long sys_inotify_rm_watch(struct lx_call *c) { return rx_watch_rm((int)c->a[0], (int)c->a[1]); }
