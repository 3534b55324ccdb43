/* access.h — every read or write of guest memory goes through these.
 *
 * Guest and lxrun share one address space, so a checked guest range can be used
 * in place (gm_lock_*) or copied (gm_copy_*).  A range that is not wholly guest
 * memory with the needed protection yields NULL / -EFAULT, never a fault in lxrun. */
#ifndef LXRUN_ACCESS_H
#define LXRUN_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "vma.h"
#include "../abi/linux_mman.h"

/* The guest range as a host pointer, or NULL if not readable/writable guest memory.
 * A zero length always succeeds (the pointer is not dereferenced).  Inline: the
 * fast path's reads and writes take one each. */
static inline void *gm_lock_read(uintptr_t addr, size_t len)
{
    if (len == 0) return (void *)(addr ? addr : 1);
    return gm_check(addr, len, LINUX_PROT_READ) ? (void *)addr : NULL;
}
static inline void *gm_lock_write(uintptr_t addr, size_t len)
{
    if (len == 0) return (void *)(addr ? addr : 1);
    return gm_check(addr, len, LINUX_PROT_WRITE) ? (void *)addr : NULL;
}

long gm_copy_in(void *dst, uintptr_t src, size_t len);        /* 0 or -EFAULT */
long gm_copy_out(uintptr_t dst, const void *src, size_t len); /* 0 or -EFAULT */
/* A NUL-terminated guest string into dst[cap]: its length, -EFAULT, or
 * -ENAMETOOLONG when it does not fit. */
long gm_string_in(char *dst, uintptr_t src, size_t cap);
/* The same, writing dst only where it differs (a buffer the last fork shared). */
long gm_string_in_over(char *dst, uintptr_t src, size_t cap);

#define GM_GET(var, addr) gm_copy_in(&(var), (addr), sizeof(var))
#define GM_PUT(addr, var) gm_copy_out((addr), &(var), sizeof(var))

/* The copy the accessors above end in (copy_guarded.S): 0, or -EFAULT when the
 * memory faulted during the copy (changed by another thread since its check). */
long lx_copy_guarded(void *dst, const void *src, size_t len);
/* A string's copy, up to len bytes: the index of its NUL (the 8-byte word holding
 * it copied whole, never past len), len when it has none there, or -EFAULT. */
long lx_copy_guarded_string(char *dst, const char *src, size_t len);
/* For the trap's fault path: a fault at *ip inside the guarded copy moves *ip to
 * the copy's way out (it returns -EFAULT); 1 then, else 0. */
int gm_copy_fault_fixup(uintptr_t *ip);

#endif
