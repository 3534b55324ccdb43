/* vma.h — the guest's address space as lxrun knows it.
 *
 * Every guest mapping (program segments, interpreter, stack, brk heap, mmap) is
 * recorded here; lxrun's own memory never is.  The table is what makes guest
 * pointers checkable (access.h), what keeps MAP_FIXED / munmap / mprotect off
 * lxrun's memory, and what /proc/self/maps is rendered from. */
#ifndef LXRUN_VMA_H
#define LXRUN_VMA_H

#include <stddef.h>
#include <stdint.h>

#define GM_PAGE 4096UL
#define GM_PAGE_DOWN(x) ((uintptr_t)(x) & ~(GM_PAGE - 1))
#define GM_PAGE_UP(x) (((uintptr_t)(x) + GM_PAGE - 1) & ~(GM_PAGE - 1))

enum gm_kind { GM_ANON, GM_FILE, GM_HEAP, GM_STACK, GM_VDSO, GM_VVAR }; /* GM_VDSO, GM_VVAR: ldso/vdso.c */

struct gm_vma {
    uintptr_t start, end;  /* [start, end), page aligned */
    int prot;              /* PROT_* */
    int shared;            /* MAP_SHARED */
    enum gm_kind kind;
    uint64_t offset;       /* file offset of start */
    uint64_t dev, ino;
    const char *name;      /* guest path for GM_FILE, interned; NULL otherwise */
    int dontfork;          /* madvise(MADV_DONTFORK): a fork's child does not have it */
    int left_out;          /* lxrun's own MADV_DONTFORK (the vfork window's fork), kept until a fork
                            * that copies the guest: the host's flag, which a mapping made anew drops */
};

void gm_add(uintptr_t start, size_t len, int prot, int shared, enum gm_kind kind,
            uint64_t offset, uint64_t dev, uint64_t ino, const char *name);
void gm_remove(uintptr_t start, size_t len);
void gm_protect(uintptr_t start, size_t len, int prot);
/* MADV_DONTFORK (on) and MADV_DOFORK (off) over [start, start+len). */
void gm_dontfork(uintptr_t start, size_t len, int on);
/* lxrun's own MADV_DONTFORK (on) or MADV_DOFORK (off) recorded over [start, start+len)
 * (the caller advised the host). */
void gm_left_out(uintptr_t start, size_t len, int on);
/* A fork's child: drops the mappings marked MADV_DONTFORK, which it does not have. */
void gm_forget_dontfork(void);
/* An exec: the records of every mapping dropped (the caller unmapped them). */
void gm_clear(void);

/* 1 if [addr, addr+len) is wholly guest memory with at least prot.  Lock-free and
 * TLS-free (a sequence count: the fast path checks on the guest's FS). */
int gm_check(uintptr_t addr, size_t len, int prot);
/* 1 if [addr, addr+len) is wholly guest memory, whatever its protection. */
int gm_covered(uintptr_t addr, size_t len);
/* Copies of entries, taken under the table's lock (the table moves when it grows):
 * the first mapping ending above addr, or the i-th; 1 if there is one. */
int gm_find(uintptr_t addr, struct gm_vma *out);
size_t gm_count(void);
int gm_at(size_t i, struct gm_vma *out);
/* each(lo, hi, ctx) over every run of adjacent mappings that take() accepts, one
 * call per run (an exec's unmapping, a vfork's MADV_DONTFORK). */
void gm_runs(int (*take)(const struct gm_vma *v), void (*each)(uintptr_t lo, uintptr_t hi, void *ctx), void *ctx);
const char *gm_intern(const char *name);
/* Held around every change of a guest mapping's protection or presence and around
 * lxrun's own stores into guest code (trap/rewrite.c), so neither undoes the other. */
void gm_text_lock(void);
void gm_text_unlock(void);
/* 1 with the lock taken, 0 (not waiting) when another thread holds it.  TLS-free. */
int gm_text_trylock(void);
/* In a fork's child (only the forking thread): no other thread holds the table. */
void gm_forked(void);

#endif
