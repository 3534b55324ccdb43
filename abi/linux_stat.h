/* linux_stat.h — Linux's file-status ABI on x86-64 as the guest sees it: mode type
 * bits (include/uapi/linux/stat.h), struct stat (arch/x86/include/uapi/asm/stat.h),
 * struct statx (include/uapi/linux/stat.h), struct statfs (asm-generic/statfs.h),
 * the dev_t encoding (include/linux/kdev_t.h's new_encode_dev as glibc sees it),
 * and conversions from rx.h's Redox records. */
#ifndef LXRUN_ABI_LINUX_STAT_H
#define LXRUN_ABI_LINUX_STAT_H

#include <stdint.h>

#include "../redox/rx.h"

#define LINUX_S_IFMT 0170000
#define LINUX_S_IFSOCK 0140000
#define LINUX_S_IFLNK 0120000
#define LINUX_S_IFREG 0100000
#define LINUX_S_IFBLK 0060000
#define LINUX_S_IFDIR 0040000
#define LINUX_S_IFCHR 0020000
#define LINUX_S_IFIFO 0010000

struct linux_stat {
    uint64_t st_dev, st_ino, st_nlink;
    uint32_t st_mode, st_uid, st_gid, pad0_;
    uint64_t st_rdev;
    int64_t st_size, st_blksize, st_blocks;
    int64_t st_atime_sec; uint64_t st_atime_nsec;
    int64_t st_mtime_sec; uint64_t st_mtime_nsec;
    int64_t st_ctime_sec; uint64_t st_ctime_nsec;
    int64_t unused_[3];
};

struct linux_statx_timestamp { int64_t tv_sec; uint32_t tv_nsec; int32_t reserved_; };
struct linux_statx {
    uint32_t stx_mask, stx_blksize;
    uint64_t stx_attributes;
    uint32_t stx_nlink, stx_uid, stx_gid;
    uint16_t stx_mode, spare0_;
    uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
    struct linux_statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
    uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
    uint64_t stx_mnt_id;
    uint32_t stx_dio_mem_align, stx_dio_offset_align;
    uint64_t spare3_[12];
};
#define LINUX_STATX_BASIC_STATS 0x07ffu
#define LINUX_STATX_BTIME 0x0800u

struct linux_statfs {
    int64_t f_type, f_bsize;
    uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
    int32_t f_fsid[2];
    int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
#define LINUX_ST_RDONLY 0x0001

/* dev_t as glibc and the kernel's stat encode a (major, minor) pair. */
static inline uint32_t linux_major(uint64_t dev) { return (uint32_t)(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu)); }
static inline uint32_t linux_minor(uint64_t dev) { return (uint32_t)(((dev >> 12) & 0xffffff00u) | (dev & 0xffu)); }

/* A Redox mode (type and permission bits) as Linux's; the type numbers agree
 * (asserted in stat.c), so this only checks the type is one Linux has. */
uint32_t abi_mode_from_rx(uint32_t rx_mode);
/* A Linux mode (mknod, open's create mode) as Redox's. */
uint32_t abi_mode_to_rx(uint32_t linux_mode);
void abi_stat_from_rx(struct linux_stat *out, const struct rx_stat *st);
void abi_statx_from_rx(struct linux_statx *out, const struct rx_stat *st);
void abi_statfs_from_rx(struct linux_statfs *out, const struct rx_statvfs *v);

#endif
