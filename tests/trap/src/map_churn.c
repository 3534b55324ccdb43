/* map_churn.c — threads that map, protect and unmap memory without a pause while
 * other threads read into their own stacks and lstat a path (the guest-pointer
 * checks read lxrun's mapping table while it changes: guestmem/vma.c's sequence
 * count, whose readers sleep on it when a change lasts).  Prints each reader's
 * count of good calls; a wrong result, a fault or a hang fails. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHURNERS 3
#define READERS 3
#define ROUNDS 20000

static volatile int stop;

static void *churn(void *arg)
{
    (void)arg;
    while (!stop) {
        char *p = mmap(NULL, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) abort();
        p[0] = 1;
        if (mprotect(p + 4096, 4096, PROT_READ) || munmap(p, 8 * 4096)) abort();
    }
    return NULL;
}

static void *reader(void *arg)
{
    int fd = open("/dev/zero", O_RDONLY);
    long good = 0;
    for (int i = 0; i < ROUNDS; i++) {
        char buf[64] = { 1 };
        struct stat st;
        if (read(fd, buf, sizeof buf) == (ssize_t)sizeof buf && buf[0] == 0 && buf[63] == 0 &&
            lstat("/usr/bin/true", &st) == 0 && S_ISREG(st.st_mode))
            good++;
    }
    *(long *)arg = good;
    return NULL;
}

int main(void)
{
    pthread_t c[CHURNERS], r[READERS];
    long good[READERS];
    for (int i = 0; i < CHURNERS; i++) pthread_create(&c[i], NULL, churn, NULL);
    for (int i = 0; i < READERS; i++) pthread_create(&r[i], NULL, reader, &good[i]);
    for (int i = 0; i < READERS; i++) pthread_join(r[i], NULL);
    stop = 1;
    for (int i = 0; i < CHURNERS; i++) pthread_join(c[i], NULL);
    for (int i = 0; i < READERS; i++) printf("%ld\n", good[i]);
    return 0;
}
