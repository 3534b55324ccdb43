/* fast.h — the fast path's hooks into the trap (trap/ internal). */
#ifndef LXRUN_FAST_H
#define LXRUN_FAST_H

#include <stddef.h>
#include <stdint.h>

#include "thread.h"

struct lx_call;

/* 1 when the stub may keep the guest's vector state by hand (xmm, ymm or zmm0-15,
 * MXCSR, the control word) with these XCR0 bits enabled, 0 when only XSAVEOPT of
 * every component keeps it whole. */
int lx_fast_vectors_by_hand(uint32_t xcr0_lo, uint32_t xcr0_hi, int xinuse_readable);
/* Bytes of vector state a thread's fast path keeps (0 without rewriting). */
size_t lx_fast_xsave_size(void);
/* A new thread's fast-path fields; area: its XSAVE area, just above the top of
 * the stack the fast path runs on (64-aligned). */
void lx_fast_thread_init(struct lx_thread *t, void *area);
/* What the trap may serve on the guest's FS (no trace prints; TLS-free): a call
 * whose line says GUESTFS, at its site or handed over at the gate
 * (LX_GUESTFS_CALL), or the fast path's finished call at the gate, for its signals
 * (LX_GUESTFS_FINISHED); else 0. */
enum { LX_GUESTFS_CALL = 1, LX_GUESTFS_FINISHED = 2 };
int lx_fast_trap_on_guest_fs(long nr, uintptr_t ip);
/* The trap served call nr from ip (after its syscall): rewrite the site if it can;
 * TLS-free (the trap serves on either FS). */
void lx_fast_site_trapped(uintptr_t ip, long nr);
/* A trap at the gate: uc becomes the context at the call's own site; 1 when it is
 * the fast path's finished call (c becomes that call, for its signals and
 * restart), 2 for a call still to serve.  0: not the gate. */
int lx_fast_gate(struct lx_thread *t, void *uc, struct lx_call *c);
/* A signal at the fast path's final jump (selector closed): uc becomes the guest's
 * context at the return address (1), else 0. */
int lx_fast_signal_in_guest(void *uc);
/* A nested signal (sig) was recorded: the fast path must look again before it
 * returns, and the signal waits, blocked in uc, until the trap's frame. */
void lx_fast_signal_nested(struct lx_thread *t, void *uc, int sig);

#endif
