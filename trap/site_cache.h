/* site_cache.h — the call sites earlier processes of the session trapped at, by
 * file (trap/ internal; site_cache.c). */
#ifndef LXRUN_SITE_CACHE_H
#define LXRUN_SITE_CACHE_H

#include <stdint.h>

/* Maps the session's table: once, in the first lxrun (its forks share it). */
void lx_site_cache_start(void);
/* A file's identity for the table: its bytes are the same while these are. */
uint64_t lx_site_cache_stamp(uint64_t dev, uint64_t ino, int64_t size, int64_t ctime_ns);
/* The `syscall` at file offset off of the file stamped so trapped with call nr;
 * sum: of the code before it (lx_site_cache_sum).  cpuid_sites.c keeps its sites
 * under a stamp of its own, nr then the site's shape.  1 when it is new to the
 * table.  TLS-free. */
int lx_site_cache_learn(uint64_t stamp, uint64_t off, long nr, uint32_t sum);
/* The known sites of the stamp's file with lo <= off < hi, at most max of them
 * into out (no callback: the GUESTFS path makes no indirect call); how many.
 * TLS-free. */
struct lx_known_site { uint64_t off; long nr; uint32_t sum; };
/* A sum (FNV-1a) of the code bytes [from, to): a site known from another process
 * is used only where they are the same again (a file rewritten within one tick
 * of the clock, same size, could keep its stamp). */
static inline __attribute__((no_stack_protector)) uint32_t lx_site_cache_sum(uintptr_t from, uintptr_t to)
{
    uint32_t h = 2166136261u;
    for (const uint8_t *b = (const uint8_t *)from; b < (const uint8_t *)to; b++) h = (h ^ *b) * 16777619u;
    return h;
}
/* Whether the stamp has a record (sites learned, or claimed with none). */
int lx_site_cache_has(uint64_t stamp);
/* How many sites the record of stamp has taken (it only grows): 0 without one. */
uint32_t lx_site_cache_count(uint64_t stamp);
/* A record for the stamp, made if there is none: its file was looked at. */
void lx_site_cache_claim(uint64_t stamp);
int lx_site_cache_sites(uint64_t stamp, uint64_t lo, uint64_t hi, struct lx_known_site *out, int max);

#endif
