#include "access.h"

#include <errno.h>
#include <string.h>

#include "vma.h"
#include "../abi/linux_mman.h"

extern const char lx_copy_guarded_insn[], lx_copy_guarded_end[], lx_copy_guarded_fixup[]; /* copy_guarded.S */

int gm_copy_fault_fixup(uintptr_t *ip)
{
    if (*ip < (uintptr_t)lx_copy_guarded_insn || *ip >= (uintptr_t)lx_copy_guarded_end) return 0;
    *ip = (uintptr_t)lx_copy_guarded_fixup;
    return 1;
}

long gm_copy_in(void *dst, uintptr_t src, size_t len)
{
    const void *p = gm_lock_read(src, len);
    if (!p) return -EFAULT;
    return lx_copy_guarded(dst, p, len);
}

long gm_copy_out(uintptr_t dst, const void *src, size_t len)
{
    void *p = gm_lock_write(dst, len);
    if (!p) return -EFAULT;
    return lx_copy_guarded(p, src, len);
}

/* As gm_string_in, writing dst only where its bytes differ: a request a process
 * builds before each fork in the same place (exec's) is then not written again
 * when it repeats, and its page, which the last fork left write-protected, is not
 * copied (a fault each, ~18 us on a paravirtualised VM). */
long gm_string_in_over(char *dst, uintptr_t src, size_t cap)
{
    char piece[256];
    size_t n = 0;
    while (n < cap) {
        uintptr_t at = src + n;
        size_t chunk = GM_PAGE - (at & (GM_PAGE - 1));
        if (chunk > sizeof piece) chunk = sizeof piece;
        if (chunk > cap - n) chunk = cap - n;
        if (!gm_check(at, chunk, LINUX_PROT_READ)) return -EFAULT;
        /* up to the word holding the NUL, its end found in the same pass (a
         * shell's environment: ~40 short strings an exec, each copied as a
         * 256-byte piece and searched by memchr before) */
        long k = lx_copy_guarded_string(piece, (const char *)at, chunk);
        if (k < 0) return -EFAULT;
        size_t use = (size_t)k < chunk ? (size_t)k + 1 : chunk;
        if (memcmp(dst + n, piece, use)) memcpy(dst + n, piece, use);
        if ((size_t)k < chunk) return (long)(n + use - 1);
        n += use;
    }
    return -ENAMETOOLONG;
}

long gm_string_in(char *dst, uintptr_t src, size_t cap)
{
    size_t n = 0;
    while (n < cap) {
        /* Checked to the end of the current page, copied up to the word holding
         * the NUL (a 20-byte path: three words, not the page's rest) */
        uintptr_t at = src + n;
        size_t chunk = GM_PAGE - (at & (GM_PAGE - 1));
        if (chunk > cap - n) chunk = cap - n;
        if (!gm_check(at, chunk, LINUX_PROT_READ)) return -EFAULT;
        long k = lx_copy_guarded_string(dst + n, (const char *)at, chunk);
        if (k < 0) return -EFAULT;
        if ((size_t)k < chunk) return (long)(n + (size_t)k);
        n += chunk;
    }
    return -ENAMETOOLONG;
}
