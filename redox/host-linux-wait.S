/* host-linux-wait.S — the door of the host calls that may wait (rx_wait.h).
 *
 * A caught signal that lands while a guest call is on its way to waiting --
 * after the call's last look for signals, before the system call -- would not
 * wake the wait: the guest sleeps with its signal taken (LTP epoll_wait08 timed
 * out so, its parent signalling as soon as /proc showed the child sleeping).  As
 * musl's cancellable calls: the door looks at the thread's kick byte (at
 * %gs:RX_WAIT_KICK_GS) just before the `syscall` instruction, and a handler that
 * sets the byte moves a thread found between the look and the instruction to the
 * EINTR exit (rx_wait_interrupt).  Once in the system, the signal ends the wait
 * as any signal does.  TLS-free: every thread has a GS base (trap/entry.S).
 *
 * long host_wait_call(long nr, long a, long b, long c, long d, long e, long f) */
#include "rx_wait.h"

    .text
    .globl host_wait_call, host_wait_look, host_wait_enter, host_wait_eintr
    .hidden host_wait_call, host_wait_look, host_wait_enter, host_wait_eintr
    .type host_wait_call, @function
host_wait_call:
    movq %rdi, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    movq 8(%rsp), %r9
host_wait_look:
    cmpb $0, %gs:RX_WAIT_KICK_GS
    jne host_wait_eintr
host_wait_enter:
    syscall
    ret
host_wait_eintr:
    movq $-4, %rax /* -EINTR */
    ret
    .size host_wait_call, . - host_wait_call
    .section .note.GNU-stack, "", @progbits
