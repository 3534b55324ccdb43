/* known_sites.c -- a program past lxrun's rewrite threshold that then loads a
 * library and calls through its three syscall sites, one page (trap_cases.py's
 * known_sites_rewritten_as_mapped).  Built twice: the program (cc known_sites.c
 * -ldl), and with -DLIB -shared the library, whose path is argv[1].  Prints the
 * sum of the library's answers, which must be 3 * rounds * getppid().  With a
 * second argument the library is loaded and called once first, before the
 * threshold. */
#include <stdio.h>
#include <unistd.h>
#ifdef LIB
static long ppid_at_site(int which)
{
    long r;
    /* three call sites of the shape the rewriter takes: mov $110 (getppid), %eax; syscall */
    switch (which) {
    case 0: __asm__ volatile("mov $110, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory"); break;
    case 1: __asm__ volatile("mov $110, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory"); break;
    default: __asm__ volatile("mov $110, %%eax\n\tsyscall" : "=a"(r) : : "rcx", "r11", "memory"); break;
    }
    return r;
}

long three_sites(void) { return ppid_at_site(0) + ppid_at_site(1) + ppid_at_site(2); }
#else
#include <dlfcn.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 2 && argc != 3) return 2;
    /* "early": the library loaded and its sites trapped at once before the threshold */
    int early = argc == 3;
    void *lib = early ? dlopen(argv[1], RTLD_NOW) : NULL;
    long (*three)(void) = lib ? (long (*)(void))dlsym(lib, "three_sites") : NULL;
    if (early && (!three || three() != 3 * (long)getppid())) return 3;
    for (int i = 0; i < 100; i++) getppid(); /* past the threshold: 100 traps at libc's site */
    if (!early) lib = dlopen(argv[1], RTLD_NOW);
    three = lib ? (long (*)(void))dlsym(lib, "three_sites") : NULL;
    if (!three) return 3;
#ifdef ROUNDS_OTHER
    long sum = 0, rounds = 21; /* another build: other bytes */
#else
    long sum = 0, rounds = 20;
#endif
    for (int i = 0; i < rounds; i++) sum += three();
    printf("%s\n", sum == 3 * rounds * (long)getppid() ? "ok" : "wrong");
    return 0;
}
#endif
