/* mman.c — memory-mapping values between Linux's and rx.h's (Redox's), by table. */
#include "linux_mman.h"

#include "../redox/rx.h"

struct bit_pair { int linux_bit, rx_bit; };

static int map_bits(int v, const struct bit_pair *tab, unsigned n, int *rest)
{
    int r = 0;
    for (unsigned i = 0; i < n; i++)
        if (v & tab[i].linux_bit) {
            r |= tab[i].rx_bit;
            v &= ~tab[i].linux_bit;
        }
    if (rest) *rest = v;
    return r;
}

int abi_prot_to_rx(int linux_prot)
{
    static const struct bit_pair prot[] = {
        { LINUX_PROT_READ, RX_PROT_READ }, { LINUX_PROT_WRITE, RX_PROT_WRITE }, { LINUX_PROT_EXEC, RX_PROT_EXEC },
    };
    return map_bits(linux_prot, prot, sizeof prot / sizeof prot[0], 0);
}

int abi_mmap_flags_to_rx(int linux_flags, int *unknown)
{
    static const struct bit_pair flags[] = {
        { LINUX_MAP_FIXED, RX_MAP_FIXED },           { LINUX_MAP_ANONYMOUS, RX_MAP_ANONYMOUS },
        { LINUX_MAP_STACK, RX_MAP_STACK },           { LINUX_MAP_FIXED_NOREPLACE, RX_MAP_FIXED_NOREPLACE },
        { LINUX_MAP_32BIT, RX_MAP_X_32BIT },         { LINUX_MAP_GROWSDOWN, RX_MAP_X_GROWSDOWN },
        { LINUX_MAP_LOCKED, RX_MAP_X_LOCKED },       { LINUX_MAP_NORESERVE, RX_MAP_X_NORESERVE },
        { LINUX_MAP_POPULATE, RX_MAP_X_POPULATE },   { LINUX_MAP_NONBLOCK, RX_MAP_X_NONBLOCK },
        { LINUX_MAP_HUGETLB, RX_MAP_X_HUGETLB },     { LINUX_MAP_SYNC, RX_MAP_X_SYNC },
        { LINUX_MAP_DENYWRITE, 0 },                  { LINUX_MAP_EXECUTABLE, 0 },
        { LINUX_MAP_UNINITIALIZED, 0 },
        { LINUX_MAP_HUGE_MASK << LINUX_MAP_HUGE_SHIFT, 0 }, /* huge page sizes: with HUGETLB only */
    };
    int type = linux_flags & LINUX_MAP_TYPE, rest;
    int r = type == LINUX_MAP_PRIVATE ? RX_MAP_PRIVATE : type ? RX_MAP_SHARED : 0;
    r |= map_bits(linux_flags & ~LINUX_MAP_TYPE, flags, sizeof flags / sizeof flags[0], &rest);
    if (unknown) *unknown = rest;
    return r;
}

int abi_msync_flags_to_rx(int linux_flags)
{
    static const struct bit_pair ms[] = {
        { LINUX_MS_ASYNC, RX_MS_ASYNC }, { LINUX_MS_INVALIDATE, RX_MS_INVALIDATE }, { LINUX_MS_SYNC, RX_MS_SYNC },
    };
    return map_bits(linux_flags, ms, sizeof ms / sizeof ms[0], 0);
}

int abi_madvise_to_rx(int linux_advice)
{
    static const int to_rx[] = {
        [LINUX_MADV_NORMAL] = RX_MADV_NORMAL,         [LINUX_MADV_RANDOM] = RX_MADV_RANDOM,
        [LINUX_MADV_SEQUENTIAL] = RX_MADV_SEQUENTIAL, [LINUX_MADV_WILLNEED] = RX_MADV_WILLNEED,
        [LINUX_MADV_DONTNEED] = RX_MADV_DONTNEED,     [5] = -1, [6] = -1, [7] = -1,
        [LINUX_MADV_FREE] = RX_MADV_FREE,             [LINUX_MADV_REMOVE] = RX_MADV_REMOVE,
        [LINUX_MADV_DONTFORK] = RX_MADV_DONTFORK,     [LINUX_MADV_DOFORK] = RX_MADV_DOFORK,
        [LINUX_MADV_MERGEABLE] = RX_MADV_MERGEABLE,   [LINUX_MADV_UNMERGEABLE] = RX_MADV_UNMERGEABLE,
        [LINUX_MADV_HUGEPAGE] = RX_MADV_HUGEPAGE,     [LINUX_MADV_NOHUGEPAGE] = RX_MADV_NOHUGEPAGE,
        [LINUX_MADV_DONTDUMP] = RX_MADV_DONTDUMP,     [LINUX_MADV_DODUMP] = RX_MADV_DODUMP,
        [LINUX_MADV_WIPEONFORK] = RX_MADV_WIPEONFORK, [LINUX_MADV_KEEPONFORK] = RX_MADV_KEEPONFORK,
        [LINUX_MADV_COLD] = RX_MADV_COLD,             [LINUX_MADV_PAGEOUT] = RX_MADV_PAGEOUT,
        [LINUX_MADV_POPULATE_READ] = RX_MADV_POPULATE_READ, [LINUX_MADV_POPULATE_WRITE] = RX_MADV_POPULATE_WRITE,
        [LINUX_MADV_DONTNEED_LOCKED] = RX_MADV_DONTNEED_LOCKED, [LINUX_MADV_COLLAPSE] = RX_MADV_COLLAPSE,
    };
    if (linux_advice < 0 || (size_t)linux_advice >= sizeof to_rx / sizeof to_rx[0]) return -1;
    return to_rx[linux_advice];
}
