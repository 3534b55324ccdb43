/* waits.c — a caught signal sent as a thread enters a wait ends that wait.
 *
 * Thread A announces it is about to call, spins a varying 0-25 us, then makes a
 * call that waits (50 ms at most); thread B signals A as soon as A announces.
 * So the signal lands at every point of A's way into the wait.  Linux ends the
 * wait with EINTR if the signal comes while A is in the kernel; if it comes
 * before, the handler runs first, and the call would wait its time.  To tell
 * that apart the call is made by a stub of this program's own, as musl's
 * cancellable calls: it looks at a flag the handler sets just before the
 * `syscall` instruction (mov $nr,%eax; syscall: the shape a rewriting layer
 * rewrites), and the handler moves a thread caught between the look and the
 * instruction to the stub's EINTR exit.  Every call must then end with EINTR.
 * A layer that takes the signal between its own last look for signals and its
 * own wait lets the call time out (LTP epoll_wait08 hung so under lxrun): such
 * a round counts as lost when the signal was sent well before the call
 * returned (a sender preempted past the timeout counts as late).
 * Kinds: epoll_wait, poll, select, nanosleep, futex, read and recvfrom of a
 * socket, accept.  argv[1]: rounds per kind (default 1500). */
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <ucontext.h>

#include "check.h"

#define TIMEOUT_MS 50
#define SPREAD_NS 25000

static volatile int armed;      /* A is on its way to a call (A sets it, and clears it after) */
static volatile int acked;      /* B's rounds done */
static volatile int sig_seen;   /* the handler ran since A armed: the stub does not wait */
static volatile int handled;
static volatile pid_t a_tid;
static volatile int64_t sent_ns;

/* long stub(a, b, c, d, e, f): call nr, unless the handler ran already. */
#define STUB(name, nr)                                                                  \
    extern long name(long, long, long, long, long, long);                              \
    extern char name##_look[], name##_enter[];                                          \
    __asm__(".text\n.globl " #name "\n.type " #name ",@function\n" #name ":\n"          \
            "    mov %rcx, %r10\n"                                                      \
            #name "_look:\n"                                                            \
            "    cmpl $0, sig_seen(%rip)\n"                                             \
            "    jne stub_eintr\n"                                                      \
            "    mov $" #nr ", %eax\n"                                                  \
            #name "_enter:\n"                                                           \
            "    syscall\n"                                                             \
            "    ret\n")
STUB(call_epoll_wait, 232);
STUB(call_poll, 7);
STUB(call_select, 23);
STUB(call_nanosleep, 35);
STUB(call_futex, 202);
STUB(call_read, 0);
STUB(call_recvfrom, 45);
STUB(call_accept, 43);
__asm__(".text\nstub_eintr:\n    mov $-4, %rax\n    ret\n");
extern char stub_eintr[];

struct kind {
    const char *name;
    long (*call)(long, long, long, long, long, long);
    char *look, *enter;
};
#define KIND(n) { #n, call_##n, call_##n##_look, call_##n##_enter }
static const struct kind kinds[] = { KIND(epoll_wait), KIND(poll), KIND(select), KIND(nanosleep),
                                     KIND(futex), KIND(read), KIND(recvfrom), KIND(accept) };
#define NKINDS (sizeof kinds / sizeof kinds[0])
static const struct kind *volatile current = &kinds[0];
static int rounds = 1500;

static int64_t now_ns(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void on_usr1(int sig, siginfo_t *si, void *ucv)
{
    (void)sig, (void)si;
    greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
    uintptr_t ip = (uintptr_t)g[REG_RIP];
    if (ip >= (uintptr_t)current->look && ip <= (uintptr_t)current->enter) g[REG_RIP] = (greg_t)(uintptr_t)stub_eintr;
    sig_seen = 1;
    handled++;
}

static void spin_until(volatile int *v, int want)
{
    for (unsigned n = 0; __atomic_load_n(v, __ATOMIC_ACQUIRE) != want; n++)
        if (n % 4096 == 4095) sched_yield(); /* a loaded machine: let the other thread run */
}

static void *sender(void *arg)
{
    (void)arg;
    for (unsigned k = 0; k < NKINDS; k++) {
        for (int i = 0; i < rounds; i++) {
            spin_until(&armed, 1);
            sent_ns = now_ns();
            syscall(SYS_tgkill, getpid(), a_tid, SIGUSR1);
            spin_until(&armed, 0);
            __atomic_store_n(&acked, i + 1, __ATOMIC_RELEASE);
        }
        spin_until(&acked, 0); /* A moves to the next kind */
    }
    return NULL;
}

struct fds { int ep, sock, peer, listener; uint32_t futex_word; };

/* Kind k's call, waiting up to ms (0: not at all). */
static long one_call(unsigned k, struct fds *f, int ms)
{
    static struct epoll_event ev;
    static char byte;
    struct pollfd p = { f->sock, POLLIN, 0 };
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(f->sock, &rd);
    struct timeval tv = { 0, ms * 1000 };
    struct timespec ts = { 0, ms * 1000000L };
    const struct kind *c = &kinds[k];
    switch (k) {
    case 0: return c->call(f->ep, (long)&ev, 1, ms, 0, 0);
    case 1: return c->call((long)&p, 1, ms, 0, 0, 0);
    case 2: return c->call(f->sock + 1, (long)&rd, 0, 0, (long)&tv, 0);
    case 3: return c->call((long)&ts, 0, 0, 0, 0, 0);
    case 4: return c->call((long)&f->futex_word, 128 /* FUTEX_WAIT_PRIVATE */, ms ? 0 : 1, (long)&ts, 0, 0);
    case 5: return c->call(f->sock, (long)&byte, 1, 0, 0, 0);
    case 6: return c->call(f->sock, (long)&byte, 1, 0, 0, 0);
    default: return c->call(f->listener, 0, 0, 0, 0, 0);
    }
}

static int connect_to(const struct sockaddr_un *a)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(s >= 0 && connect(s, (const struct sockaddr *)a, sizeof *a) == 0);
    return s;
}

/* The fds the calls wait on, and two calls of each kind that do not wait (a
 * rewriting layer rewrites a site at its first or second call). */
static void open_fds_and_warm_up(struct fds *f)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    f->sock = sv[0];
    f->peer = sv[1];
    struct timeval tv = { 0, TIMEOUT_MS * 1000 };
    REQUIRE(setsockopt(f->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    REQUIRE((f->ep = epoll_create1(0)) >= 0);
    f->listener = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "waits-%d.sock", getpid());
    unlink(a.sun_path);
    REQUIRE(bind(f->listener, (struct sockaddr *)&a, sizeof a) == 0);
    REQUIRE(listen(f->listener, 4) == 0);
    REQUIRE(setsockopt(f->listener, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) == 0);
    int c1 = connect_to(&a), c2 = connect_to(&a);
    unlink(a.sun_path);
    REQUIRE(write(f->peer, "abcd", 4) == 4);
    f->futex_word = 0;
    for (unsigned k = 0; k < NKINDS; k++)
        for (int i = 0; i < 2; i++) {
            long r = one_call(k, f, 0);
            if (k >= 5) CHECK(r >= 0); /* a byte there, a connection waiting */
            if (k == NKINDS - 1 && r >= 0) close((int)r);
        }
    close(c1);
    close(c2);
}

int main(int argc, char **argv)
{
    check_prog = "waits";
    if (argc > 1) rounds = atoi(argv[1]);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO; /* no SA_RESTART: every kind ends with EINTR */
    sigemptyset(&sa.sa_mask);
    REQUIRE(sigaction(SIGUSR1, &sa, NULL) == 0);
    struct fds f;
    open_fds_and_warm_up(&f);
    a_tid = (pid_t)syscall(SYS_gettid);
    pthread_t b;
    REQUIRE(pthread_create(&b, NULL, sender, NULL) == 0);
    uint32_t seed = 12345;
    for (unsigned k = 0; k < NKINDS; k++) {
        check_section = kinds[k].name;
        current = &kinds[k];
        int lost = 0, late = 0, other = 0;
        for (int i = 0; i < rounds; i++) {
            seed = seed * 1103515245 + 12345;
            int before = handled;
            sig_seen = 0;
            __atomic_store_n(&armed, 1, __ATOMIC_RELEASE);
            int64_t until = now_ns() + (seed >> 8) % SPREAD_NS;
            while (now_ns() < until) {}
            long r = one_call(k, &f, TIMEOUT_MS);
            int64_t returned = now_ns();
            for (unsigned n = 1; handled == before; n++) /* a late sender's signal: wait for it */
                if (n % 4096 == 0) sched_yield();
            int64_t sent = sent_ns;
            __atomic_store_n(&armed, 0, __ATOMIC_RELEASE);
            spin_until(&acked, i + 1);
            if (r == -EINTR) continue;
            if (sent > returned - 5000000) late++; /* sent within 5 ms of the end */
            else if (r == 0 || r == -EAGAIN || r == -ETIMEDOUT) lost++;
            else other++, fprintf(stderr, "waits[%s] round %d: result %ld\n", kinds[k].name, i, r);
        }
        __atomic_store_n(&acked, 0, __ATOMIC_RELEASE);
        CHECK_EQ(lost, 0);
        CHECK_EQ(other, 0);
        printf("%-10s %d rounds: %d EINTR, %d timed out with the signal sent, %d late\n", kinds[k].name, rounds,
               rounds - lost - late - other, lost, late);
    }
    pthread_join(b, NULL);
    return check_done();
}
