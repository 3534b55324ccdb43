/* stat.c — Redox's Stat and StatVfs records as Linux's stat, statx and statfs. */
#include "linux_stat.h"

#include <string.h>

/* Redox's MODE_* type numbers (redox_syscall src/flag.rs) are Linux's S_IF* ones. */
_Static_assert(RX_MODE_TYPE == LINUX_S_IFMT && RX_MODE_DIR == LINUX_S_IFDIR && RX_MODE_FILE == LINUX_S_IFREG &&
                   RX_MODE_SYMLINK == LINUX_S_IFLNK && RX_MODE_FIFO == LINUX_S_IFIFO &&
                   RX_MODE_CHR == LINUX_S_IFCHR && RX_MODE_X_BLK == LINUX_S_IFBLK &&
                   RX_MODE_X_SOCK == LINUX_S_IFSOCK,
               "mode type numbers differ: convert them here");

uint32_t abi_mode_from_rx(uint32_t rx_mode) { return rx_mode; }
uint32_t abi_mode_to_rx(uint32_t linux_mode) { return linux_mode; }

void abi_stat_from_rx(struct linux_stat *k, const struct rx_stat *s)
{
    memset(k, 0, sizeof *k);
    k->st_dev = s->dev; k->st_ino = s->ino; k->st_nlink = s->nlink; k->st_mode = abi_mode_from_rx(s->mode);
    k->st_uid = s->uid; k->st_gid = s->gid; k->st_rdev = s->rdev; k->st_size = s->size;
    k->st_blksize = s->blksize; k->st_blocks = s->blocks;
    k->st_atime_sec = s->atime_sec; k->st_atime_nsec = s->atime_nsec;
    k->st_mtime_sec = s->mtime_sec; k->st_mtime_nsec = s->mtime_nsec;
    k->st_ctime_sec = s->ctime_sec; k->st_ctime_nsec = s->ctime_nsec;
}

void abi_statx_from_rx(struct linux_statx *x, const struct rx_stat *s)
{
    memset(x, 0, sizeof *x);
    x->stx_mask = LINUX_STATX_BASIC_STATS | (s->btime_sec ? LINUX_STATX_BTIME : 0);
    x->stx_blksize = (uint32_t)s->blksize; x->stx_nlink = s->nlink;
    x->stx_uid = s->uid; x->stx_gid = s->gid; x->stx_mode = (uint16_t)abi_mode_from_rx(s->mode);
    x->stx_ino = s->ino; x->stx_size = (uint64_t)s->size; x->stx_blocks = (uint64_t)s->blocks;
    x->stx_atime.tv_sec = s->atime_sec; x->stx_atime.tv_nsec = s->atime_nsec;
    x->stx_btime.tv_sec = s->btime_sec; x->stx_btime.tv_nsec = s->btime_nsec;
    x->stx_ctime.tv_sec = s->ctime_sec; x->stx_ctime.tv_nsec = s->ctime_nsec;
    x->stx_mtime.tv_sec = s->mtime_sec; x->stx_mtime.tv_nsec = s->mtime_nsec;
    x->stx_rdev_major = linux_major(s->rdev); x->stx_rdev_minor = linux_minor(s->rdev);
    x->stx_dev_major = linux_major(s->dev); x->stx_dev_minor = linux_minor(s->dev);
}

void abi_statfs_from_rx(struct linux_statfs *k, const struct rx_statvfs *v)
{
    memset(k, 0, sizeof *k);
    k->f_type = (int64_t)v->fstype; k->f_bsize = (int64_t)v->bsize; k->f_blocks = v->blocks;
    k->f_bfree = v->bfree; k->f_bavail = v->bavail; k->f_files = v->files; k->f_ffree = v->ffree;
    memcpy(k->f_fsid, &v->fsid, sizeof k->f_fsid);
    k->f_namelen = (int64_t)v->namemax; k->f_frsize = (int64_t)v->frsize;
    k->f_flags = (int64_t)(v->flags & RX_ST_RDONLY ? LINUX_ST_RDONLY : 0) | (int64_t)(v->flags & ~(uint64_t)RX_ST_RDONLY);
}
