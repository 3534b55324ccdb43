/* rx_wait.h — a wait and a signal (part of rx.h; the assembler reads it too).
 *
 * The calls that may wait (read, write, the polls and event waits, the sleeps,
 * waitpid, futex waits, flock, connect, accept, the socket messages, splice,
 * tee, sigtimedwait) return -EINTR without entering the system while the calling
 * thread's kick byte is set: the byte at RX_WAIT_KICK_GS in the block GS points
 * to, which the caller owns (lxrun: its thread record, trap/thread.h).  A signal
 * handler that sets the byte calls rx_wait_interrupt on its context: a thread
 * caught between the door's look at the byte and its entry into the system
 * leaves by the -EINTR exit instead, so a signal taken on the way to a wait
 * always ends it (Redox plan: relibc's blocking calls look at a per-thread flag
 * the same way; redox-rt's signal trampoline moves the context). */
#ifndef LXRUN_RX_WAIT_H
#define LXRUN_RX_WAIT_H

#define RX_WAIT_KICK_GS 162

#ifndef __ASSEMBLER__
/* Moves a context (the handler's ucontext) stopped in the door before it entered
 * the system to its -EINTR exit: 1 if moved.  TLS-free. */
int rx_wait_interrupt(void *host_ctx);
#endif

#endif
