/* linux_notify.h — the guest's ABI of timerfd, signalfd, inotify and splice
 * (include/uapi/linux/timerfd.h, signalfd.h, inotify.h, fcntl.h's SPLICE_F_*). */
#ifndef LXRUN_ABI_LINUX_NOTIFY_H
#define LXRUN_ABI_LINUX_NOTIFY_H

/* The *_CLOEXEC and *_NONBLOCK flags of all three are O_CLOEXEC and O_NONBLOCK. */
#define LINUX_NOTIFY_CLOEXEC 02000000
#define LINUX_NOTIFY_NONBLOCK 04000

#define LINUX_TFD_TIMER_ABSTIME 1
#define LINUX_TFD_TIMER_CANCEL_ON_SET 2

#define LINUX_SIGNALFD_SIGINFO_SIZE 128

/* IN_ALL_EVENTS and the watch flags inotify_add_watch accepts. */
#define LINUX_IN_ALL_EVENTS 0x00000fffu
#define LINUX_IN_ONLYDIR 0x01000000u
#define LINUX_IN_DONT_FOLLOW 0x02000000u
#define LINUX_IN_EXCL_UNLINK 0x04000000u
#define LINUX_IN_MASK_CREATE 0x10000000u
#define LINUX_IN_MASK_ADD 0x20000000u
#define LINUX_IN_ONESHOT 0x80000000u

#define LINUX_SPLICE_F_MOVE 1
#define LINUX_SPLICE_F_NONBLOCK 2
#define LINUX_SPLICE_F_MORE 4
#define LINUX_SPLICE_F_GIFT 8

#endif
