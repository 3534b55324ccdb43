/* vdso.h — lxrun's vDSO in the guest's address space: the image (vdso_image.c)
 * and its data page, mapped once per lxrun process and kept across an exec in
 * place, as [vvar] and [vdso]. */
#ifndef LXRUN_VDSO_H
#define LXRUN_VDSO_H

#include <stdint.h>

#include "../guestmem/vma.h"

/* Maps the vDSO if this process has none yet, records both mappings for the
 * guest, and returns the image's address (AT_SYSINFO_EHDR), or 0 without one.
 * counting: the image counts its answers for the reports (a report option, so
 * what the first map of a process was given holds for the image's whole life). */
uintptr_t ldso_vdso_map(int counting);
/* At an exec in place, before the old program's mappings go: 1 when v is one of
 * this process's vDSO mappings, still whole, to be kept (else the vDSO is mapped
 * anew: the guest unmapped or moved some of it). */
int ldso_vdso_keeps(const struct gm_vma *v);
/* The answers counted since the last reset, by Linux system call: n entries, at
 * most LDSO_VDSO_FNS. */
#define LDSO_VDSO_FNS 5
int ldso_vdso_counts(int nr[], uint64_t calls[]);
/* 1 for the Linux system calls the image answers (and makes when it cannot). */
int ldso_vdso_call(long nr);
/* A fork's child, or a report's reset: the counts start from zero. */
void ldso_vdso_counts_reset(void);

#endif
