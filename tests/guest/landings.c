/* landings.c — a caught signal that lands while a system call returns is
 * delivered as it returns, though the thread makes no further call.
 *
 * An interval timer sends SIGALRM every 50 us, so its signals land at every
 * point of the program's calls, as often as at any other instruction.  Round
 * after round the program makes one getppid, then spins in its own code (no
 * system call) until the handler has run again.  Linux delivers each signal as
 * the call returns, or at once in the spin.  A layer that serves calls in a
 * signal handler of its own and holds a signal back as it returns (lxrun blocks
 * one on the host, requeued, once the call has looked for signals) must let it
 * go before the program runs on: the spin never makes the call that would, the
 * timer's next signals wait behind it, and the round times out (1 s).
 * argv[1]: rounds (default 20000, ~1 s). */
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "check.h"

static volatile int ticks;

static void on_alarm(int sig)
{
    (void)sig;
    ticks++;
}

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

int main(int argc, char **argv)
{
    check_prog = "landings";
    int rounds = argc > 1 ? atoi(argv[1]) : 20000, late_round = -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = SA_RESTART;
    REQUIRE(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval every = { { 0, 50 }, { 0, 50 } };
    REQUIRE(setitimer(ITIMER_REAL, &every, NULL) == 0);
    for (int i = 1; i <= rounds; i++) {
        int seen = ticks;
        syscall(SYS_getppid);
        int64_t deadline = now_ns() + 1000000000;
        while (ticks == seen && now_ns() < deadline) {}
        if (ticks == seen) {
            late_round = i;
            break;
        }
    }
    struct itimerval off = { { 0, 0 }, { 0, 0 } };
    setitimer(ITIMER_REAL, &off, NULL);
    CHECK_EQ(late_round, -1);
    return check_done();
}
