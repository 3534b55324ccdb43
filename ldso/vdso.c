/* vdso.c — lxrun's vDSO for the guest: the image vdso_image.c built (vdso_blob.S)
 * copied into an anonymous mapping, with the data page below it filled from
 * abi/ (the clock table) and the backend (rx_guest_time).  The guest finds it by
 * AT_SYSINFO_EHDR; /proc/self/maps lists the two as [vvar] and [vdso]. */
#include "vdso.h"

#include <string.h>

#include "../abi/linux_mman.h"
#include "../abi/linux_time.h"
#include "../guestmem/access.h"
#include "../redox/rx.h"
#include "vdso_data.h"

extern const char lx_vdso_image[], lx_vdso_image_end[];
_Static_assert(LX_VDSO_NFN == LDSO_VDSO_FNS, "vdso.h's count of the image's functions");

static const int nrs[LX_VDSO_NFN] = LX_VDSO_NRS;
/* read by every exec */
static uintptr_t image_at RX_EXEC_READ; /* this process's image, 0: none mapped yet */
static size_t image_len RX_EXEC_READ;
static int counting RX_EXEC_READ;       /* the image counts, and its data page is writable (a report
                                           option: the same for the process's whole life) */

static struct lx_vdso_data *data(void) { return (struct lx_vdso_data *)(image_at - GM_PAGE); }

#define DATA_PROT (LINUX_PROT_READ | (counting ? LINUX_PROT_WRITE : 0))
#define IMAGE_PROT (LINUX_PROT_READ | LINUX_PROT_EXEC)

static int map_new(void)
{
    size_t len = GM_PAGE_UP(lx_vdso_image_end - lx_vdso_image);
    /* populated: both pages are written at once, a fault each otherwise */
    long at = rx_mmap(0, GM_PAGE + len, RX_PROT_READ | RX_PROT_WRITE, RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_POPULATE,
                      -1, 0);
    if (at < 0) return -1;
    memcpy((char *)at + GM_PAGE, lx_vdso_image, (size_t)(lx_vdso_image_end - lx_vdso_image));
    struct lx_vdso_data *d = (struct lx_vdso_data *)at;
    d->counting = (uint32_t)counting;
    for (int id = 0; id < LX_VDSO_CLOCKS; id++) d->clock_rx[id] = abi_clock_to_rx(id);
    rx_guest_time(&d->fn);
    if (rx_mprotect((uintptr_t)at + GM_PAGE, len, RX_PROT_READ | RX_PROT_EXEC) < 0 ||
        (!counting && rx_mprotect((uintptr_t)at, GM_PAGE, RX_PROT_READ) < 0)) {
        rx_munmap((uintptr_t)at, GM_PAGE + len);
        return -1;
    }
    image_at = (uintptr_t)at + GM_PAGE;
    image_len = len;
    return 0;
}

uintptr_t ldso_vdso_map(int count)
{
    if (!image_at && (counting = !!count, map_new()) < 0) return 0;
    gm_add(image_at - GM_PAGE, GM_PAGE, DATA_PROT, 0, GM_VVAR, 0, 0, 0, NULL);
    gm_add(image_at, image_len, IMAGE_PROT, 0, GM_VDSO, 0, 0, 0, NULL);
    return image_at;
}

/* Whole: the record of each mapping spans it, with the kind and protection given
 * it here (the guest may have unmapped, moved or protected some of it). */
static int whole(uintptr_t start, size_t len, enum gm_kind kind, int prot)
{
    struct gm_vma v;
    return gm_find(start, &v) && v.start == start && v.end == start + len && v.kind == kind && v.prot == prot;
}

int ldso_vdso_keeps(const struct gm_vma *v)
{
    if (!image_at) return 0;
    if (!whole(image_at - GM_PAGE, GM_PAGE, GM_VVAR, DATA_PROT) ||
        !whole(image_at, image_len, GM_VDSO, IMAGE_PROT)) {
        image_at = 0; /* what is left of it goes with the old program's mappings */
        return 0;
    }
    return v->start == image_at - GM_PAGE || v->start == image_at;
}

int ldso_vdso_call(long nr)
{
    for (int i = 0; i < LX_VDSO_NFN; i++)
        if (nrs[i] == nr) return 1;
    return 0;
}

/* The data page is guest memory: the guest may have unmapped or protected it, so
 * it is read and written as guest memory is (guestmem/access.h). */
int ldso_vdso_counts(int nr[], uint64_t calls[])
{
    uint64_t counts[LX_VDSO_NFN];
    if (!image_at || !counting || gm_copy_in(counts, (uintptr_t)data()->counts, sizeof counts) < 0) return 0;
    for (int i = 0; i < LX_VDSO_NFN; i++) {
        nr[i] = nrs[i];
        calls[i] = counts[i];
    }
    return LX_VDSO_NFN;
}

void ldso_vdso_counts_reset(void)
{
    static const uint64_t zero[LX_VDSO_NFN];
    if (image_at && counting) gm_copy_out((uintptr_t)data()->counts, zero, sizeof zero);
}
