/* plant_cache.h — an image's CPUID detours kept by the session, mapped again at
 * its next exec (trap/ internal; plant_cache.c).  Everything under the text lock,
 * as an image is loaded.  TLS-free. */
#ifndef LXRUN_PLANT_CACHE_H
#define LXRUN_PLANT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "rewrite.h"

#define LX_PLANT_RUNS 4
#define LX_PLANT_PAGES 8

/* Carves the session's table: once, in the first lxrun (its forks share it). */
void lx_plant_cache_start(void);
/* The detours of the image at bias (stamp: cpuid_sites.c's record of its file)
 * planted from the session's copy: 1, all of them; 0, none or not all (plant
 * them as usual: the sites already planted no longer match). */
int lx_plant_cache_apply(uint64_t stamp, uintptr_t bias);

/* What a planting is kept from: the pages its n detours patch (runs of them, and
 * each page's hash as mapped from the file), its fresh chunk and the bytes their
 * trampolines take there. */
struct lx_plant_run { uintptr_t page; uint32_t npages; };
struct lx_plant_capture {
    uintptr_t bias, first, chunk;
    size_t slots;
    int n, nruns;
    struct lx_plant_run run[LX_PLANT_RUNS];
    uint64_t hash[LX_PLANT_PAGES];
};
/* Before the n detours d of the image at bias are planted: 1 when the planting
 * can be kept (few enough pages, a fresh chunk), cp filled. */
int lx_plant_cache_before(struct lx_plant_capture *cp, const struct lx_detour *d, int n, uintptr_t bias);
/* After: kept for the session when all cp->n were stored (stored) in that chunk. */
void lx_plant_cache_keep(const struct lx_plant_capture *cp, uint64_t stamp, int stored);

/* rewrite.c's side. */
/* The trampoline chunk for a detour whose jump ends at near (made if none
 * reaches): its base, and in *used the bytes it holds; 0 when none. */
uintptr_t lx_rewrite_chunk_at(uintptr_t near, size_t *used);
/* The chunk at base holds used bytes of trampolines (read in from the store). */
void lx_rewrite_chunk_filled(uintptr_t base, size_t used);
/* The bytes d's trampoline takes in a chunk. */
size_t lx_rewrite_detour_slot(const struct lx_detour *d);
/* [lo, hi) of a file's text replaced by the session's pages at store: 0, or -1
 * (nothing changed, or the mapping failed). */
int lx_rewrite_place_stored(uintptr_t lo, uintptr_t hi, uint64_t store);

#endif
