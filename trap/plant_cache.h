/* plant_cache.h — what an image gets rewritten as it is loaded, kept by the
 * session and mapped again at its next exec (trap/ internal; plant_cache.c).
 * TLS-free. */
#ifndef LXRUN_PLANT_CACHE_H
#define LXRUN_PLANT_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "rewrite.h"

/* Carves the session's table: once, in the first lxrun (its forks share it). */
void lx_plant_cache_start(void);
/* The session's copies of the file stamped so (lx_site_cache_stamp) are stale:
 * a site was learned in it since they were made. */
void lx_plant_cache_stale(uint64_t stamp);

/* cpuid_sites.c's side, under the text lock: the image's CPUID detours into
 * *out, how many (none unless served).  file_stamp: lx_site_cache_stamp's. */
int lx_cpuid_detours(uintptr_t bias, uintptr_t phdr, size_t phnum, uintptr_t eh_frame, size_t eh_frame_len,
                     uint64_t file_stamp, struct lx_detour **out);

/* The text of a library (or a dynamic program) mapped at start, len bytes from
 * file offset off, replaced by the session's copy with every site the session's
 * programs learned in it rewritten (made now if there is none, or if it lacks
 * several of program's: the record of this program's sites there): 1, or 0
 * (the text left as it is).  rewrite.c's text_mapped, under the text lock. */
struct lx_file_id;
int lx_plant_cache_text(uintptr_t start, size_t len, uint64_t off, const struct lx_file_id *id, uint64_t program);

/* The program stamped so (its file's lx_site_cache_stamp) learned sites in
 * some file; whether it did (or one sharing its bit). */
void lx_plant_cache_program_learned(uint64_t program);
int lx_plant_cache_program_known(uint64_t program);

/* rewrite.c's side, under the text lock. */
struct lx_known_site;
/* A library's own site record, every program's (stamp: its file's). */
uint64_t lx_rewrite_library_stamp(uint64_t file_stamp);
uintptr_t lx_rewrite_chunk_new_at(uintptr_t at);
void lx_rewrite_chunk_drop(uintptr_t base);
int lx_rewrite_place_whole(uintptr_t start, size_t len, uint64_t store);
int lx_rewrite_plan_copy(struct lx_known_site *w, int n, uintptr_t start, uint64_t off, uintptr_t chunk, size_t *used);
int lx_rewrite_write_copy(uintptr_t start, uint64_t store);
/* The trampoline chunk for a detour whose jump ends at near (made if none
 * reaches): its base, and in *used the bytes it holds; 0 when none. */
uintptr_t lx_rewrite_chunk_at(uintptr_t near, size_t *used);
/* The chunk at base holds used bytes of trampolines (read in from the store). */
void lx_rewrite_chunk_filled(uintptr_t base, size_t used);
/* How many chunks this program has. */
int lx_rewrite_nchunks(void);
/* [lo, hi) of a file's text replaced by the session's pages at store: 0, or -1
 * (nothing changed, or the mapping failed). */
int lx_rewrite_place_stored(uintptr_t lo, uintptr_t hi, uint64_t store);
/* The site table's record of an interpreter's file (stamp: its file's). */
uint64_t lx_rewrite_interp_stamp(uint64_t file_stamp);
/* The known sites of the record stamp at file offsets [off, off+len) into *w:
 * how many; lx_rewrite_plant_known then rewrites those n in the text mapped at
 * start from off (those sharing a page with another). */
struct lx_known_site;
int lx_rewrite_known_of(uint64_t stamp, uint64_t off, size_t len, struct lx_known_site **w);
void lx_rewrite_plant_known(int n, uintptr_t start, uint64_t off);

#endif
