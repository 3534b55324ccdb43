/* rewrite.h — lazy rewriting of the guest's call sites (trap/ internal).
 * Syscall User Dispatch stays armed; the first trap from a `syscall` in guest text
 * rewrites that site so that later executions enter lxrun through a trampoline
 * (fast.c) without a signal. */
#ifndef LXRUN_REWRITE_H
#define LXRUN_REWRITE_H

#include <stdint.h>

/* The call nr just trapped at ip (after its `syscall`): counted, and the site
 * rewritten once it is due and its shape allows it; otherwise it stays on the
 * trap (the reason is counted).  TLS-free: on either FS. */
void lx_rewrite_site(uintptr_t ip, long nr);
/* A chunk of trampolines: lxrun memory within reach of a rel32 jump from the sites. */
#define LX_REWRITE_CHUNK (64 * 1024)
/* ip is a trampoline's first instruction, the store that opens the selector: its
 * thread left its site's jump and is not yet inside lxrun.  TLS-free. */
int lx_rewrite_at_trampoline(uintptr_t ip);
/* An exec in place: the trampolines unmapped (they may stand where the next
 * program loads) and every site forgotten. */
void lx_rewrite_forget(void);
/* A forked child: its traps are counted afresh (a rewrite waits for enough of them). */
void lx_rewrite_forked(void);
/* The trampolines left out of forks (on: MADV_DONTFORK) or put back (off), and,
 * in a child of a fork that left them out, dropped from the record unmapped. */
void lx_rewrite_chunks_left_out(int on);
void lx_rewrite_chunks_not_here(void);
/* An instruction lxrun answers itself at a site (cpuid_sites.c): the 5 bytes at
 * at, which start an instruction, become a jump to a trampoline that runs code
 * and jumps to ret.  lx_rewrite_detours plants the n of d (under the text lock,
 * as an image is loaded: no other thread can be running its bytes, so a jump may
 * straddle a cache line) and says how many it stored. */
struct lx_detour {
    uintptr_t at, ret;
    uint8_t code[155];
    uint8_t len;
};
int lx_rewrite_detours(const struct lx_detour *d, int n);
/* Room for LX_KNOWN_ROOM known sites, under the text lock, on the page the
 * trampoline chunks' list is on (written by the same exec). */
#define LX_KNOWN_ROOM 64
struct lx_known_site;
struct lx_known_site *lx_rewrite_known_room(void);


#endif
