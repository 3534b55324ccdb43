/* learned.h — what lxrun learns about programs, in a file of the user's cache
 * directory that every session maps (learned.c). */
#ifndef LXRUN_LEARNED_H
#define LXRUN_LEARNED_H

/* The file's directory (absolute; made at need), or NULL: none.  Before
 * lx_learned_open. */
void lx_learned_choose(const char *dir);
/* The session's first lxrun, before any kept part is carved (rewrite.c's
 * lx_trap_sites_start): the file opened, or made (serving: CPUID is served); 1
 * when the session's kept part is the file's. */
int lx_learned_open(int serving);
/* Whether a file for this build and boot with CPUID served (serving) or not is
 * there (lx_cpuid_follow's question).  Before lx_learned_open. */
int lx_learned_exists(int serving);
/* The file, or NULL when the session has none. */
const char *lx_learned_path(void);
/* 1 when the session started from a file an earlier session made (TLS-free). */
int lx_learned_earlier(void);
/* A kept part's check failed in the file an earlier session made (a crash tore a
 * page): the session goes on without it, the next one makes it afresh.  At
 * start, before a kept part is used. */
void lx_learned_corrupt(void);

#endif
