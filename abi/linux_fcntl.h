/* linux_fcntl.h — Linux's x86-64 open flags, fcntl commands and *at flags as the
 * guest passes them (include/uapi/asm-generic/fcntl.h, include/uapi/linux/fcntl.h),
 * and their conversion to rx.h's (Redox's) open flags. */
#ifndef LXRUN_ABI_LINUX_FCNTL_H
#define LXRUN_ABI_LINUX_FCNTL_H

#define LINUX_O_ACCMODE 00000003
#define LINUX_O_RDONLY 00000000
#define LINUX_O_WRONLY 00000001
#define LINUX_O_RDWR 00000002
#define LINUX_O_CREAT 00000100
#define LINUX_O_EXCL 00000200
#define LINUX_O_NOCTTY 00000400
#define LINUX_O_TRUNC 00001000
#define LINUX_O_APPEND 00002000
#define LINUX_O_NONBLOCK 00004000
#define LINUX_O_DSYNC 00010000
#define LINUX_FASYNC 00020000
#define LINUX_O_ASYNC LINUX_FASYNC
#define LINUX_O_DIRECT 00040000
#define LINUX_O_LARGEFILE 00100000
#define LINUX_O_DIRECTORY 00200000
#define LINUX_O_NOFOLLOW 00400000
#define LINUX_O_NOATIME 01000000
#define LINUX_O_CLOEXEC 02000000
#define LINUX___O_SYNC 04000000
#define LINUX_O_SYNC (LINUX___O_SYNC | LINUX_O_DSYNC)
#define LINUX_O_PATH 010000000
#define LINUX___O_TMPFILE 020000000
#define LINUX_O_TMPFILE (LINUX___O_TMPFILE | LINUX_O_DIRECTORY)

#define LINUX_FD_CLOEXEC 1

#define LINUX_F_DUPFD 0
#define LINUX_F_GETFD 1
#define LINUX_F_SETFD 2
#define LINUX_F_GETFL 3
#define LINUX_F_SETFL 4
#define LINUX_F_GETLK 5
#define LINUX_F_SETLK 6
#define LINUX_F_SETLKW 7
#define LINUX_F_SETOWN 8
#define LINUX_F_GETOWN 9
#define LINUX_F_SETSIG 10
#define LINUX_F_GETSIG 11
#define LINUX_F_OFD_GETLK 36
#define LINUX_F_OFD_SETLK 37
#define LINUX_F_OFD_SETLKW 38
#define LINUX_F_SETLEASE 1024
#define LINUX_F_GETLEASE 1025
#define LINUX_F_NOTIFY 1026
#define LINUX_F_DUPFD_CLOEXEC 1030
#define LINUX_F_SETPIPE_SZ 1031
#define LINUX_F_GETPIPE_SZ 1032
#define LINUX_F_ADD_SEALS 1033
#define LINUX_F_GET_SEALS 1034

#define LINUX_AT_FDCWD (-100)
#define LINUX_AT_SYMLINK_NOFOLLOW 0x100
#define LINUX_AT_EACCESS 0x200
#define LINUX_AT_REMOVEDIR 0x200
#define LINUX_AT_SYMLINK_FOLLOW 0x400
#define LINUX_AT_NO_AUTOMOUNT 0x800
#define LINUX_AT_EMPTY_PATH 0x1000
#define LINUX_AT_STATX_SYNC_TYPE 0x6000
#define LINUX_AT_STATX_FORCE_SYNC 0x2000
#define LINUX_AT_STATX_DONT_SYNC 0x4000

/* lseek's whence */
#define LINUX_SEEK_SET 0
#define LINUX_SEEK_CUR 1
#define LINUX_SEEK_END 2
#define LINUX_SEEK_DATA 3
#define LINUX_SEEK_HOLE 4

/* access/faccessat modes */
#define LINUX_F_OK 0
#define LINUX_X_OK 1
#define LINUX_W_OK 2
#define LINUX_R_OK 4

/* Open flags to rx.h's.  Bits Linux's open(2) ignores are dropped, as it does. */
int abi_oflags_to_rx(int linux_flags);
/* rx.h's open flags (as F_GETFL answers) to Linux's. */
int abi_oflags_from_rx(int rx_flags);
/* FD_CLOEXEC both ways. */
int abi_fdflags_to_rx(int linux_fdflags);
int abi_fdflags_from_rx(int rx_fdflags);

/* fallocate's modes */
#define LINUX_FALLOC_FL_KEEP_SIZE 0x01
#define LINUX_FALLOC_FL_PUNCH_HOLE 0x02
#define LINUX_FALLOC_FL_NO_HIDE_STALE 0x04
#define LINUX_FALLOC_FL_COLLAPSE_RANGE 0x08
#define LINUX_FALLOC_FL_ZERO_RANGE 0x10
#define LINUX_FALLOC_FL_INSERT_RANGE 0x20
#define LINUX_FALLOC_FL_UNSHARE_RANGE 0x40

#endif
