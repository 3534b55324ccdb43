/* trace.h — strace-style lines for each traced syscall (lxrun -t). */
#ifndef LXRUN_TRACE_H
#define LXRUN_TRACE_H

#include <stdint.h>

#include "../syscalls/dispatch.h"
#include "../syscalls/table.h"

#include "../process/process.h"

/* How to trace: the process's options. */
#define lx_trace (lx_proc.opts.trace)

/* Selects syscalls from an strace-style list: "open,read", "%file", "!write"…
 * Returns 0, or -1 and names the first unknown word in *bad. */
int trace_select(const char *spec, const char **bad);
/* Writes one line for a completed call. */
void trace_syscall(const struct lx_call *c, long ret);
/* Writes the line of a call that does not return (exit_group: "= ?"). */
void trace_syscall_noreturn(const struct lx_call *c);
/* A signal delivered to a guest handler: counted, and with -t shown as strace
 * shows it ("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, …} ---"). */
struct linux_siginfo;
void lx_report_signal(int sig, const struct linux_siginfo *si);
/* Only the line, with -t: a signal whose default action ends the process. */
void trace_signal(int sig, const struct linux_siginfo *si);
/* Writes a line of process events ("+++ exited with 0 +++"). */
void trace_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
