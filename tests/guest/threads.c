/* threads.c — pthreads: creation and join with return values, thread-local
 * storage, a mutex and a condition variable under contention, detached threads,
 * gettid vs getpid, a thread's exit leaving the others running, a signal sent to
 * the process while threads run, and exit_group from a thread ending them all. */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/wait.h>

#include "check.h"

#define NTHREADS 16
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static long total, turn;
static __thread long mine;
static atomic_int distinct_tids;

static void *counter(void *arg)
{
    mine = (long)arg;
    if (syscall(SYS_gettid) != getpid()) atomic_fetch_add(&distinct_tids, 1);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        total++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(mine * 3);
}

static void create_join_tls(void)
{
    pthread_t th[NTHREADS];
    mine = 1000;
    for (long i = 0; i < NTHREADS; i++) REQUIRE(pthread_create(&th[i], NULL, counter, (void *)i) == 0);
    long sum = 0;
    for (int i = 0; i < NTHREADS; i++) {
        void *r;
        CHECK_EQ(pthread_join(th[i], &r), 0);
        sum += (long)r;
    }
    CHECK_EQ(total, (long)NTHREADS * ROUNDS);
    CHECK_EQ(sum, 3L * NTHREADS * (NTHREADS - 1) / 2);
    CHECK_EQ(mine, 1000); /* the main thread's own copy */
    CHECK_EQ(atomic_load(&distinct_tids), NTHREADS);
}

/* Threads take turns in order through one condition variable. */
static void *in_turn(void *arg)
{
    long me = (long)arg;
    pthread_mutex_lock(&lock);
    while (turn != me) pthread_cond_wait(&cond, &lock);
    turn++;
    pthread_cond_broadcast(&cond);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void condition_variable(void)
{
    pthread_t th[8];
    turn = 0;
    for (long i = 7; i >= 0; i--) REQUIRE(pthread_create(&th[i], NULL, in_turn, (void *)i) == 0);
    for (int i = 0; i < 8; i++) pthread_join(th[i], NULL);
    CHECK_EQ(turn, 8);
}

static atomic_int detached_done;
static void *detached(void *arg)
{
    (void)arg;
    atomic_fetch_add(&detached_done, 1);
    return NULL;
}

static void detached_threads(void)
{
    pthread_attr_t a;
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    for (int i = 0; i < 8; i++) {
        pthread_t t;
        REQUIRE(pthread_create(&t, &a, detached, NULL) == 0);
    }
    for (int i = 0; i < 500 && atomic_load(&detached_done) < 8; i++) usleep(10000);
    CHECK_EQ(atomic_load(&detached_done), 8);
}

static volatile sig_atomic_t usr1;
static void on_usr1(int s) { (void)s; usr1++; }
static atomic_int spin_stop;
static void *spinner(void *arg)
{
    (void)arg;
    while (!atomic_load(&spin_stop)) {}
    return NULL;
}

/* A process-directed signal reaches a handler while another thread runs. */
static void signal_with_threads(void)
{
    signal(SIGUSR1, on_usr1);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, spinner, NULL) == 0);
    usr1 = 0;
    for (int i = 0; i < 20; i++) kill(getpid(), SIGUSR1), usleep(1000);
    for (int i = 0; i < 500 && !usr1; i++) usleep(1000);
    CHECK(usr1 >= 1);
    atomic_store(&spin_stop, 1);
    pthread_join(t, NULL);
    signal(SIGUSR1, SIG_DFL);
}

static void *ends_all(void *arg)
{
    (void)arg;
    usleep(50000);
    syscall(SYS_exit_group, 42);
    return NULL;
}

/* exit_group from a second thread ends the process (the main thread is asleep). */
static void exit_group_from_a_thread(void)
{
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        pthread_t t;
        if (pthread_create(&t, NULL, ends_all, NULL) != 0) _exit(1);
        sleep(30);
        _exit(2);
    }
    int status;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
}

/* Scheduling: policies and priorities as Linux answers an unprivileged-enough
 * change (OTHER, BATCH, IDLE), the priority ranges, affinity (a thread kept to
 * one CPU runs there), getcpu, membarrier's query. */
static void scheduling(void)
{
    struct sched_param sp = { 0 };
    CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER); /* raw: musl leaves these ENOSYS */
    CHECK_OK(syscall(SYS_sched_getparam, 0, &sp));
    CHECK_EQ(sp.sched_priority, 0);
    CHECK_EQ(sched_get_priority_max(SCHED_FIFO), 99);
    CHECK_EQ(sched_get_priority_min(SCHED_RR), 1);
    CHECK_EQ(sched_get_priority_max(SCHED_OTHER), 0);
    CHECK_ERR(sched_get_priority_max(42), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getscheduler, -1), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getparam, 0, NULL), EINVAL);
    CHECK_OK(syscall(SYS_sched_setscheduler, 0, SCHED_BATCH, &sp));
    CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_BATCH);
    CHECK_OK(syscall(SYS_sched_setscheduler, 0, SCHED_IDLE | SCHED_RESET_ON_FORK, &sp));
    CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_IDLE | SCHED_RESET_ON_FORK);
    CHECK_OK(syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp));
    CHECK_EQ(syscall(SYS_sched_getscheduler, 0), SCHED_OTHER); /* raw: musl leaves these ENOSYS */
    CHECK_ERR(syscall(SYS_sched_setscheduler, 0, 6 /* SCHED_DEADLINE: sched_setattr's */, &sp), EINVAL);
    struct timespec ts;
    CHECK_OK(syscall(SYS_sched_rr_get_interval, 0, &ts));

    cpu_set_t all, one;
    CHECK_OK(sched_getaffinity(0, sizeof all, &all));
    CHECK(CPU_COUNT(&all) >= 1);
    long bytes = syscall(SYS_sched_getaffinity, 0, sizeof all, &all);
    CHECK(bytes >= 8 && bytes % 8 == 0);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, 4, &all), EINVAL);
    CHECK_ERR(syscall(SYS_sched_getaffinity, 0, sizeof all, (void *)8), EFAULT);
    int first = 0;
    while (!CPU_ISSET(first, &all)) first++;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    CHECK_OK(sched_setaffinity(0, sizeof one, &one));
    sched_yield();
    unsigned cpu = 999, node = 999;
    CHECK_OK(syscall(SYS_getcpu, &cpu, &node, NULL));
    CHECK_EQ(cpu, first);
    CHECK_EQ(sched_getcpu(), first);
    CHECK_OK(syscall(SYS_getcpu, NULL, NULL, NULL));
    cpu_set_t now;
    CHECK_OK(sched_getaffinity(0, sizeof now, &now));
    CHECK_EQ(CPU_COUNT(&now), 1);
    CHECK_OK(sched_setaffinity(0, sizeof all, &all));
    CHECK(syscall(SYS_membarrier, 0 /* MEMBARRIER_CMD_QUERY */, 0, 0) >= 0);
}

int main(void)
{
    check_prog = "threads";
    RUN(create_join_tls);
    RUN(condition_variable);
    RUN(detached_threads);
    RUN(signal_with_threads);
    RUN(exit_group_from_a_thread);
    RUN(scheduling);
    return check_done();
}
