/* fs_call.h — the way out of a GUESTFS call's path (trap/entry.S).
 * A call whose table line says GUESTFS runs on the guest's FS, where lxrun's TLS
 * (errno, malloc's caches, __thread variables) is not reachable; its rare
 * branches -- an emulated file, a confined namespace, a path through /proc --
 * run through lx_fs_call, which switches FS for them alone.  Outside such a call
 * it is a plain call.  tests/design/guestfs_vector_free.py proves the rest of the
 * path TLS-free and stops here. */
#ifndef LXRUN_FS_CALL_H
#define LXRUN_FS_CALL_H

long lx_fs_call(long (*fn)(void *), void *arg);

#endif
