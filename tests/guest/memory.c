/* memory.c — the address space: anonymous, file-backed, shared and fixed
 * mappings, munmap, mprotect, the program break, mremap (shrink, grow, move,
 * content kept), madvise, msync and mincore.  Properties only: addresses are
 * wherever each system puts them. */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "check.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_FIXED
#define MREMAP_FIXED 2
#endif

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v) return 0;
    return 1;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++) p[i] = (unsigned char)(seed + i * 7);
}

static int same_fill(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7)) return 0;
    return 1;
}

/* A range that is surely unmapped: mapped, then given back. */
static unsigned char *hole(size_t len)
{
    void *p = mmap(NULL, len, PROT_NONE, ANON, -1, 0);
    REQUIRE(p != MAP_FAILED);
    REQUIRE(munmap(p, len) == 0);
    return p;
}

static int is_mapped(void *p)
{
    unsigned char v;
    return mincore(p, PG, &v) == 0;
}

static void anonymous(void)
{
    unsigned char *p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK(((uintptr_t)p & (PG - 1)) == 0);
    CHECK(all_bytes(p, 3 * PG, 0));
    memset(p, 'a', 3 * PG);

    /* MAP_FIXED replaces the middle page with fresh zeros. */
    CHECK(mmap(p + PG, PG, RW, ANON | MAP_FIXED, -1, 0) == p + PG);
    CHECK(p[0] == 'a' && p[PG] == 0 && p[2 * PG - 1] == 0 && p[2 * PG] == 'a');
    CHECK(mmap(p + PG, PG, RW, ANON | MAP_FIXED_NOREPLACE, -1, 0) == MAP_FAILED && errno == EEXIST);

    CHECK(mmap(NULL, 0, RW, ANON, -1, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PG, RW, MAP_ANONYMOUS, -1, 0) == MAP_FAILED && errno == EINVAL); /* no type */
    CHECK(mmap(p + 1, PG, RW, ANON | MAP_FIXED, -1, 0) == MAP_FAILED && errno == EINVAL);

    /* mprotect: down to read-only (still readable), back, PROT_NONE made usable. */
    CHECK_OK(mprotect(p, PG, PROT_READ));
    CHECK_EQ(p[10], 'a');
    CHECK_OK(mprotect(p, 3 * PG, RW));
    p[10] = 'b';
    CHECK_ERR(syscall(SYS_mprotect, p + 1, PG, PROT_READ), EINVAL); /* musl's mprotect rounds down */
    CHECK_ERR(mprotect(hole(2 * PG), PG, PROT_READ), ENOMEM);
    unsigned char *half = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    REQUIRE(half != MAP_FAILED && munmap(half + PG, PG) == 0);
    CHECK_ERR(mprotect(half, 2 * PG, PROT_READ), ENOMEM); /* partly unmapped */
    CHECK_OK(munmap(half, PG));
    unsigned char *none = mmap(NULL, PG, PROT_NONE, ANON, -1, 0);
    CHECK(none != MAP_FAILED);
    CHECK_OK(mprotect(none, PG, RW));
    none[5] = 1;
    CHECK_EQ(none[5], 1);

    /* munmap: partial, then the rest; a hole is fine; bad arguments are not. */
    CHECK_OK(munmap(p + PG, PG));
    CHECK(is_mapped(p) && !is_mapped(p + PG) && is_mapped(p + 2 * PG));
    CHECK_OK(munmap(p, 3 * PG));
    CHECK(!is_mapped(p) && !is_mapped(p + 2 * PG));
    CHECK_OK(munmap(p, 3 * PG));
    CHECK_ERR(munmap(p + 1, PG), EINVAL);
    CHECK_ERR(munmap(p, 0), EINVAL);
    CHECK_OK(munmap(none, PG));
}

static void file_backed(void)
{
    static unsigned char data[PG + 10];
    fill(data, sizeof data, 3);
    put_file("m", data, sizeof data);
    int fd = CHECK_OK(open("m", O_RDWR));

    /* Private read mapping: the file, then zeros up to the page end. */
    unsigned char *p = mmap(NULL, 2 * PG, PROT_READ, MAP_PRIVATE, fd, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK(memcmp(p, data, sizeof data) == 0);
    CHECK(all_bytes(p + sizeof data, 2 * PG - sizeof data, 0));
    CHECK_OK(munmap(p, 2 * PG));
    p = mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, PG); /* at an offset */
    REQUIRE(p != MAP_FAILED);
    CHECK(memcmp(p, data + PG, 10) == 0);
    CHECK_OK(munmap(p, PG));
    CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) == MAP_FAILED && errno == EINVAL);
    CHECK(mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF);
    int wo = CHECK_OK(open("m", O_WRONLY));
    CHECK(mmap(NULL, PG, PROT_READ, MAP_SHARED, wo, 0) == MAP_FAILED && errno == EACCES);
    close(wo);

    /* Private writes stay private. */
    p = mmap(NULL, PG, RW, MAP_PRIVATE, fd, 0);
    REQUIRE(p != MAP_FAILED);
    p[0] = 'P';
    unsigned char c;
    CHECK_EQ(pread(fd, &c, 1, 0), 1);
    CHECK_EQ(c, data[0]);
    CHECK_OK(munmap(p, PG));

    /* Shared writes reach the file; file writes show in the mapping. */
    p = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
    REQUIRE(p != MAP_FAILED);
    memcpy(p, "SHARED", 6);
    CHECK_OK(msync(p, PG, MS_SYNC));
    char buf[8];
    CHECK_EQ(pread(fd, buf, 6, 0), 6);
    CHECK(memcmp(buf, "SHARED", 6) == 0);
    CHECK_EQ(pwrite(fd, "file", 4, 100), 4);
    CHECK(memcmp(p + 100, "file", 4) == 0);
    CHECK_OK(msync(p, PG, MS_ASYNC));
    CHECK_OK(msync(p, PG, MS_INVALIDATE));
    CHECK_ERR(msync(p, PG, MS_SYNC | MS_ASYNC), EINVAL);
    CHECK_ERR(msync(p + 1, PG, MS_SYNC), EINVAL);
    CHECK_OK(munmap(p, PG));
    CHECK_ERR(msync(hole(PG), PG, MS_SYNC), ENOMEM);
    close(fd);

    /* Shared anonymous memory is zeroed and usable. */
    p = mmap(NULL, PG, RW, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK(all_bytes(p, PG, 0));
    p[PG - 1] = 9;
    CHECK_OK(munmap(p, PG));
}

static void program_break(void)
{
    /* Raw brk only, and back where it was, so malloc's view stays true. */
    uintptr_t cur = (uintptr_t)syscall(SYS_brk, 0);
    CHECK(cur > 0);
    uintptr_t want = cur + 3 * PG + 5;
    CHECK_EQ(syscall(SYS_brk, want), want);
    CHECK_EQ(syscall(SYS_brk, 0), want);
    CHECK(all_bytes((unsigned char *)cur, want - cur, 0));
    memset((void *)cur, 'h', want - cur);
    CHECK_EQ(syscall(SYS_brk, cur + PG), cur + PG); /* shrink */
    CHECK_EQ(*(unsigned char *)cur, 'h');
    CHECK_EQ(syscall(SYS_brk, 4096), cur + PG); /* below the start: refused, unchanged */
    CHECK_EQ(syscall(SYS_brk, cur), cur);
}

static void remap(void)
{
    unsigned char *p = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    REQUIRE(p != MAP_FAILED);
    fill(p, 2 * PG, 11);

    /* Shrink in place. */
    CHECK(mremap(p, 2 * PG, PG, 0) == p);
    CHECK(same_fill(p, PG, 11));
    CHECK(!is_mapped(p + PG));

    /* Grow, moving if need be: the content comes along, new pages are zero. */
    unsigned char *q = mremap(p, PG, 4 * PG, MREMAP_MAYMOVE);
    REQUIRE(q != MAP_FAILED);
    CHECK(same_fill(q, PG, 11));
    CHECK(all_bytes(q + PG, 3 * PG, 0));
    q[4 * PG - 1] = 'e';

    /* Growing into an occupied page without MAYMOVE fails. */
    unsigned char *two = mmap(NULL, 2 * PG, RW, ANON, -1, 0);
    REQUIRE(two != MAP_FAILED);
    CHECK(mremap(two, PG, 2 * PG, 0) == MAP_FAILED && errno == ENOMEM);

    /* Move to a chosen address: the old range is gone. */
    unsigned char *target = mmap(NULL, 4 * PG, PROT_NONE, ANON, -1, 0);
    REQUIRE(target != MAP_FAILED);
    unsigned char *r = mremap(q, 4 * PG, 4 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, target);
    CHECK(r == target);
    if (r == target) {
        CHECK(same_fill(r, PG, 11));
        CHECK_EQ(r[4 * PG - 1], 'e');
        CHECK(!is_mapped(q));
    }
    CHECK(mremap(r, PG, PG, MREMAP_FIXED, two) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(r + 1, PG, PG, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(r, PG, 0, 0) == MAP_FAILED && errno == EINVAL);
    CHECK(mremap(hole(PG), PG, 2 * PG, MREMAP_MAYMOVE) == MAP_FAILED && errno == EFAULT);
    munmap(r, 4 * PG);
    munmap(two, 2 * PG);

    /* A read-only mapping keeps its protection and content when moved. */
    p = mmap(NULL, PG, RW, ANON, -1, 0);
    REQUIRE(p != MAP_FAILED);
    fill(p, PG, 5);
    CHECK_OK(mprotect(p, PG, PROT_READ));
    q = mremap(p, PG, 8 * PG, MREMAP_MAYMOVE);
    CHECK(q != MAP_FAILED);
    if (q != MAP_FAILED) {
        CHECK(same_fill(q, PG, 5));
        munmap(q, 8 * PG);
    }
}

/* A file mapping that grows (or moves) stays the file: the new pages show
 * the file's next bytes, and shared writes still reach it. */
static void remap_file(void)
{
    static unsigned char data[2 * PG];
    memset(data, 'A', PG);
    memset(data + PG, 'B', PG);
    put_file("rf", data, sizeof data);
    int fd = CHECK_OK(open("rf", O_RDWR));
    unsigned char *p = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
    REQUIRE(p != MAP_FAILED);
    unsigned char *q = mremap(p, PG, 2 * PG, MREMAP_MAYMOVE);
    REQUIRE(q != MAP_FAILED);
    CHECK_EQ(q[0], 'A');
    /* Moved and grown, still the file: the new page has its bytes, and a
     * shared write reaches it. */
    CHECK_EQ(q[PG], 'B');
    q[1] = 'Z';
    CHECK_OK(msync(q, 2 * PG, MS_SYNC));
    unsigned char c = 0;
    CHECK_EQ(pread(fd, &c, 1, 1), 1);
    CHECK_EQ(c, 'Z');
    CHECK_OK(munmap(q, 2 * PG));
    close(fd);
}

static void advice_and_residency(void)
{
    unsigned char *p = mmap(NULL, 3 * PG, RW, ANON, -1, 0);
    REQUIRE(p != MAP_FAILED);
    memset(p, 'x', 3 * PG);

    unsigned char vec[3] = { 0 };
    CHECK_OK(mincore(p, 3 * PG, vec));
    CHECK((vec[0] & 1) && (vec[1] & 1) && (vec[2] & 1)); /* touched pages are resident */
    CHECK_ERR(mincore(p + 1, PG, vec), EINVAL);
    CHECK_OK(mincore(p, 0, vec));
    CHECK_ERR(mincore(hole(PG), PG, vec), ENOMEM);

    CHECK_OK(madvise(p, 3 * PG, MADV_WILLNEED));
    CHECK_OK(madvise(p, 3 * PG, MADV_SEQUENTIAL));
    CHECK_OK(madvise(p, 3 * PG, MADV_NORMAL));
    CHECK_OK(madvise(p, 2 * PG, MADV_DONTNEED)); /* private anon: zero-filled again */
    CHECK(all_bytes(p, 2 * PG, 0));
    CHECK_EQ(p[2 * PG], 'x');
    CHECK_ERR(madvise(p + 1, PG, MADV_NORMAL), EINVAL);
    CHECK_ERR(madvise(p, PG, 12345), EINVAL);
    CHECK_ERR(madvise(hole(PG), PG, MADV_NORMAL), ENOMEM);
    CHECK_RC(posix_madvise(p, PG, POSIX_MADV_RANDOM), 0);

    /* locking pages in memory (gpg warned "using insecure memory" when it failed) */
    CHECK_OK(mlock(p + 1, PG)); /* the range is rounded to pages */
    CHECK_OK(munlock(p + 1, PG));
    CHECK_OK(mlock(p, 0));
    CHECK_ERR(mlock(hole(PG), PG), ENOMEM);
    CHECK_ERR(munlock(hole(PG), PG), ENOMEM);
    CHECK_OK(syscall(SYS_mlock2, p, PG, 1 /* MLOCK_ONFAULT */));
    CHECK_ERR(syscall(SYS_mlock2, p, PG, 2), EINVAL);
    CHECK_OK(munlock(p, PG));
    CHECK_ERR(mlockall(0), EINVAL);
    CHECK_ERR(mlockall(4 /* MCL_ONFAULT alone */), EINVAL);
    if (geteuid() == 0) CHECK_OK(mlockall(MCL_CURRENT)); /* under RLIMIT_MEMLOCK otherwise */
    CHECK_OK(munlockall());
    munmap(p, 3 * PG);
}

/* memfd_create: a file of memory, shared through MAP_SHARED, sealable on request
 * (it was ENOSYS: Python's os.memfd_create failed). */
static void memory_files(void)
{
    int fd = memfd_create("lxtest", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    REQUIRE(fd >= 0);
    CHECK_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
    CHECK_EQ(write(fd, "abc", 3), 3);
    struct stat st;
    CHECK_OK(fstat(fd, &st));
    CHECK_EQ(st.st_size, 3);
    CHECK(S_ISREG(st.st_mode));
    CHECK_OK(ftruncate(fd, PG));
    char *m = mmap(NULL, PG, RW, MAP_SHARED, fd, 0);
    REQUIRE(m != MAP_FAILED);
    CHECK(memcmp(m, "abc", 3) == 0);
    m[3] = 'd';
    char buf[4];
    CHECK_EQ(pread(fd, buf, 4, 0), 4);
    CHECK(memcmp(buf, "abcd", 4) == 0);
    munmap(m, PG);
    CHECK_OK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW));
    CHECK_EQ(fcntl(fd, F_GET_SEALS) & (F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW), F_SEAL_WRITE | F_SEAL_SHRINK | F_SEAL_GROW);
    CHECK_ERR(pwrite(fd, "x", 1, 0), EPERM);
    close(fd);

    /* reopened by its /proc/self/fd link with O_TRUNC, it is emptied */
    int mf = memfd_create("trunc", 0);
    REQUIRE(mf >= 0);
    CHECK_EQ(write(mf, "abc", 3), 3);
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", mf);
    int again = open(link, O_RDWR | O_TRUNC);
    CHECK(again >= 0);
    CHECK_OK(fstat(mf, &st));
    CHECK_EQ(st.st_size, 0);
    close(again);
    close(mf);

    int plain = memfd_create("plain", 0);
    REQUIRE(plain >= 0);
    CHECK_EQ(fcntl(plain, F_GETFD), 0);
    CHECK_ERR(fcntl(plain, F_ADD_SEALS, F_SEAL_WRITE), EPERM); /* sealing not allowed */
    close(plain);
    char longname[300];
    memset(longname, 'n', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    CHECK_ERR(memfd_create(longname, 0), EINVAL);
    CHECK_ERR(memfd_create("bad", 0x1000), EINVAL);
    CHECK_ERR(syscall(SYS_memfd_create, (void *)8, 0), EFAULT);
}

/* The path /proc/self/maps gives the mapping at addr (its last field), or "". */
static void maps_name(uintptr_t addr, char *out, size_t cap)
{
    out[0] = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    REQUIRE(f != NULL);
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        int at = 0;
        if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &at) < 2 || addr < lo || addr >= hi) continue;
        line[strcspn(line, "\n")] = 0;
        snprintf(out, cap, "%s", at ? line + at : "");
        break;
    }
    fclose(f);
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && !strcmp(s + n - m, tail);
}

/* A file mapped again after a rename is named by its new path; so is the cwd
 * after its directory is renamed (lxrun keeps names it found, while they still
 * lead to the same file). */
static void names_after_rename(void)
{
    static unsigned char page[4096];
    put_file("named-a", page, sizeof page);
    int fd = open("named-a", O_RDONLY);
    REQUIRE(fd >= 0);
    void *p1 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    REQUIRE(p1 != MAP_FAILED);
    char name[4096];
    maps_name((uintptr_t)p1, name, sizeof name);
    CHECK(ends_with(name, "/named-a"));
    CHECK_OK(rename("named-a", "named-b"));
    fd = open("named-b", O_RDONLY);
    REQUIRE(fd >= 0);
    void *p2 = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    REQUIRE(p2 != MAP_FAILED);
    maps_name((uintptr_t)p2, name, sizeof name);
    CHECK(ends_with(name, "/named-b"));
    munmap(p1, 4096);
    munmap(p2, 4096);
    unlink("named-b");

    char cwd[4096];
    CHECK_OK(mkdir("dir-a", 0700));
    CHECK_OK(chdir("dir-a"));
    CHECK(getcwd(cwd, sizeof cwd) && ends_with(cwd, "/dir-a"));
    CHECK_OK(rename("../dir-a", "../dir-b"));
    CHECK(getcwd(cwd, sizeof cwd) && ends_with(cwd, "/dir-b"));
    CHECK_OK(chdir(".."));
    CHECK_OK(rmdir("dir-b"));
}

/* A segment mapped MAP_FIXED over a mapping of its own file (as ld.so maps an ELF)
 * is named by that file; one of another file over it, by the other file. */
static void names_of_fixed_segments(void)
{
    static unsigned char pages[2 * 4096];
    put_file("seg-one", pages, sizeof pages);
    put_file("seg-two", pages, sizeof pages);
    int one = open("seg-one", O_RDONLY), two = open("seg-two", O_RDONLY);
    REQUIRE(one >= 0 && two >= 0);
    unsigned char *p = mmap(NULL, sizeof pages, PROT_READ, MAP_PRIVATE, one, 0);
    REQUIRE(p != MAP_FAILED);
    CHECK(mmap(p + 4096, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, one, 4096) == p + 4096);
    char name[4096];
    maps_name((uintptr_t)p + 4096, name, sizeof name);
    CHECK(ends_with(name, "/seg-one"));
    CHECK(mmap(p, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED, two, 0) == p);
    maps_name((uintptr_t)p, name, sizeof name);
    CHECK(ends_with(name, "/seg-two"));
    maps_name((uintptr_t)p + 4096, name, sizeof name);
    CHECK(ends_with(name, "/seg-one"));
    munmap(p, sizeof pages);
    close(one);
    close(two);
    unlink("seg-one");
    unlink("seg-two");
}

/* Many files mapped by two threads at once, each mapping then named by its own
 * file in one read of /proc/self/maps (lxrun keeps each distinct name once, in a
 * table both threads add to). */
#define MANY_FILES 300
struct mapper { int id; void *at[MANY_FILES]; };

static void *map_many(void *arg)
{
    struct mapper *m = arg;
    for (int i = 0; i < MANY_FILES; i++) {
        char name[64];
        snprintf(name, sizeof name, "many-%d-%d", m->id, i);
        int fd = open(name, O_RDONLY);
        m->at[i] = fd < 0 ? MAP_FAILED : mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
        if (fd >= 0) close(fd);
    }
    return NULL;
}

static void names_of_many_files(void)
{
    static unsigned char page[4096];
    static struct mapper m[2] = { { .id = 0 }, { .id = 1 } };
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < MANY_FILES; i++) {
            char name[64];
            snprintf(name, sizeof name, "many-%d-%d", t, i);
            put_file(name, page, sizeof page);
        }
    pthread_t th[2];
    for (int t = 0; t < 2; t++) REQUIRE(pthread_create(&th[t], NULL, map_many, &m[t]) == 0);
    for (int t = 0; t < 2; t++) pthread_join(th[t], NULL);
    static char maps[1 << 20];
    FILE *f = fopen("/proc/self/maps", "r");
    REQUIRE(f != NULL);
    size_t len = fread(maps, 1, sizeof maps - 1, f);
    fclose(f);
    maps[len] = 0;
    int right = 0;
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < MANY_FILES; i++) {
            char want[64], head[32];
            snprintf(want, sizeof want, "/many-%d-%d\n", t, i);
            snprintf(head, sizeof head, "%lx-", (unsigned long)(uintptr_t)m[t].at[i]);
            const char *line = m[t].at[i] == MAP_FAILED ? NULL : strstr(maps, head);
            const char *eol = line ? strchr(line, '\n') : NULL;
            right += line && eol && (size_t)(eol + 1 - line) > strlen(want) &&
                     !strncmp(eol + 1 - strlen(want), want, strlen(want));
        }
    CHECK_EQ(right, 2 * MANY_FILES);
    for (int t = 0; t < 2; t++)
        for (int i = 0; i < MANY_FILES; i++) {
            char name[64];
            snprintf(name, sizeof name, "many-%d-%d", t, i);
            if (m[t].at[i] != MAP_FAILED) munmap(m[t].at[i], 4096);
            unlink(name);
        }
}

int main(void)
{
    check_prog = "memory";
    RUN(anonymous);
    RUN(file_backed);
    RUN(program_break);
    RUN(remap);
    RUN(remap_file);
    RUN(advice_and_residency);
    RUN(memory_files);
    RUN(names_after_rename);
    RUN(names_of_fixed_segments);
    RUN(names_of_many_files);
    return check_done();
}
