/* test_guestmem.c — guestmem/vma.c (the table of guest mappings) and access.c
 * (the only way lxrun touches guest memory).  Criterion runs each test in its
 * own process, so every test starts from an empty table. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "../../guestmem/access.h"
#include "../../guestmem/vma.h"

#define P GM_PAGE
#define BASE 0x10000000UL /* table-only tests never dereference it */
#define RW (PROT_READ | PROT_WRITE)

static void expect_vma(size_t i, uintptr_t start, uintptr_t end, int prot)
{
    struct gm_vma vma;
    const struct gm_vma *v = gm_at(i, &vma) ? &vma : NULL;
    cr_assert_not_null(v, "no entry %zu (count %zu)", i, gm_count());
    cr_assert_eq(v->start, start, "entry %zu start %#lx", i, (unsigned long)v->start);
    cr_assert_eq(v->end, end, "entry %zu end %#lx", i, (unsigned long)v->end);
    cr_assert_eq(v->prot, prot, "entry %zu prot %d", i, v->prot);
}

static const struct gm_vma *at(size_t i)
{
    static struct gm_vma v;
    cr_assert(gm_at(i, &v), "no entry %zu", i);
    return &v;
}

static void setup(void) { cr_assert_eq(gm_count(), 0); }
TestSuite(vma, .init = setup);
TestSuite(access, .init = setup);

/* ---- the table ---- */

Test(vma, add_rounds_to_pages)
{
    gm_add(BASE + 10, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 1);
    expect_vma(0, BASE, BASE + 2 * P, PROT_READ);
}

Test(vma, adjacent_alike_merge)
{
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 2 * P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 2, "a hole keeps them apart");
    gm_add(BASE + P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 1, "filling the hole merges all three");
    expect_vma(0, BASE, BASE + 3 * P, RW);
}

Test(vma, adjacent_different_stay_apart)
{
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + P, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 2 * P, P, RW, 1, GM_ANON, 0, 0, 0, NULL);  /* shared */
    gm_add(BASE + 3 * P, P, RW, 1, GM_HEAP, 0, 0, 0, NULL);  /* other kind */
    cr_assert_eq(gm_count(), 4);
}

Test(vma, file_merge_needs_contiguous_offsets)
{
    const char *name = gm_intern("/usr/lib/libc.so.6");
    gm_add(BASE, P, PROT_READ, 0, GM_FILE, 0, 1, 2, name);
    gm_add(BASE + P, P, PROT_READ, 0, GM_FILE, 3 * P, 1, 2, name);
    cr_assert_eq(gm_count(), 2, "offset 0 then 3 pages: not one mapping");
    gm_add(BASE + P, P, PROT_READ, 0, GM_FILE, P, 1, 2, name);
    cr_assert_eq(gm_count(), 1, "offset 0 then 1 page: one mapping");
    cr_assert_eq(at(0)->offset, 0);
}

Test(vma, remove_middle_splits)
{
    const char *name = gm_intern("/bin/x");
    gm_add(BASE, 4 * P, PROT_READ, 0, GM_FILE, 0x10000, 7, 8, name);
    gm_remove(BASE + P, 2 * P);
    cr_assert_eq(gm_count(), 2);
    expect_vma(0, BASE, BASE + P, PROT_READ);
    expect_vma(1, BASE + 3 * P, BASE + 4 * P, PROT_READ);
    cr_assert_eq(at(1)->offset, 0x10000 + 3 * P, "the right part's file offset moves with it");
    cr_assert_eq(at(1)->name, name);
    cr_assert_eq(at(1)->ino, 8);
}

Test(vma, remove_spanning_several)
{
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 2 * P, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 4 * P, 2 * P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_remove(BASE + P / 2, 4 * P); /* rounds to [BASE, BASE+5P) */
    cr_assert_eq(gm_count(), 1);
    expect_vma(0, BASE + 5 * P, BASE + 6 * P, RW);
    gm_remove(BASE, 100 * P);
    cr_assert_eq(gm_count(), 0);
    gm_remove(BASE, P); /* removing nothing is fine */
    cr_assert_eq(gm_count(), 0);
}

Test(vma, add_over_existing_replaces)
{
    gm_add(BASE, 4 * P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + P, P, PROT_READ | PROT_EXEC, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 3);
    expect_vma(0, BASE, BASE + P, RW);
    expect_vma(1, BASE + P, BASE + 2 * P, PROT_READ | PROT_EXEC);
    expect_vma(2, BASE + 2 * P, BASE + 4 * P, RW);
}

Test(vma, add_across_several_keeps_the_rest)
{
    const char *name = gm_intern("/lib/y");
    gm_add(BASE, 3 * P, PROT_READ, 0, GM_FILE, 0x20000, 7, 9, name);
    gm_add(BASE + 4 * P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 8 * P, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    /* over the file's last page, the hole after it and all of the anonymous one */
    gm_add(BASE + 2 * P, 3 * P, PROT_READ | PROT_EXEC, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 3);
    expect_vma(0, BASE, BASE + 2 * P, PROT_READ);
    cr_assert_eq(at(0)->offset, 0x20000);
    expect_vma(1, BASE + 2 * P, BASE + 5 * P, PROT_READ | PROT_EXEC);
    expect_vma(2, BASE + 8 * P, BASE + 9 * P, PROT_READ);
    /* over the file's first page: what is left keeps its own offset */
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert_eq(gm_count(), 4);
    expect_vma(0, BASE, BASE + P, RW);
    expect_vma(1, BASE + P, BASE + 2 * P, PROT_READ);
    cr_assert_eq(at(1)->offset, 0x20000 + P, "the right part's file offset moves with it");
    cr_assert_eq(at(1)->name, name);
    expect_vma(3, BASE + 8 * P, BASE + 9 * P, PROT_READ);
}

Test(vma, protect_splits_then_merges_back)
{
    gm_add(BASE, 4 * P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_protect(BASE + P, P, PROT_READ);
    cr_assert_eq(gm_count(), 3);
    expect_vma(1, BASE + P, BASE + 2 * P, PROT_READ);
    cr_assert_eq(gm_check(BASE + P, 1, PROT_WRITE), 0);
    cr_assert_eq(gm_check(BASE + P, 1, PROT_READ), 1);
    gm_protect(BASE + P, P, RW);
    cr_assert_eq(gm_count(), 1, "same protection again: one mapping");
    expect_vma(0, BASE, BASE + 4 * P, RW);
}

Test(vma, protect_leaves_holes_unmapped)
{
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 2 * P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_protect(BASE, 3 * P, PROT_READ);
    cr_assert_eq(gm_count(), 2);
    expect_vma(0, BASE, BASE + P, PROT_READ);
    expect_vma(1, BASE + 2 * P, BASE + 3 * P, PROT_READ);
    cr_assert_eq(gm_covered(BASE + P, 1), 0, "the hole stays a hole");
}

Test(vma, check_and_covered)
{
    gm_add(BASE, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + P, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add(BASE + 2 * P, P, PROT_NONE, 0, GM_ANON, 0, 0, 0, NULL);
    /* gap at BASE+3P */
    gm_add(BASE + 4 * P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);

    cr_assert_eq(gm_check(BASE, 2 * P, PROT_READ), 1, "readable across two mappings");
    cr_assert_eq(gm_check(BASE, 2 * P, PROT_WRITE), 0, "second page is read-only");
    cr_assert_eq(gm_check(BASE + P - 1, 1, PROT_WRITE), 1, "last byte of the first page");
    cr_assert_eq(gm_check(BASE + P - 1, 2, PROT_WRITE), 0, "straddles into read-only");
    cr_assert_eq(gm_check(BASE + 2 * P, 1, PROT_READ), 0, "PROT_NONE");
    cr_assert_eq(gm_check(BASE + 2 * P, 1, PROT_NONE), 1, "no protection asked");
    cr_assert_eq(gm_check(BASE + 3 * P, 1, PROT_NONE), 0, "hole");
    cr_assert_eq(gm_check(BASE - 1, 2, PROT_READ), 0, "starts before the first mapping");
    cr_assert_eq(gm_check(BASE + 4 * P, P + 1, PROT_READ), 0, "runs past the last mapping");
    cr_assert_eq(gm_check(BASE + 3 * P, 0, PROT_READ), 1, "empty range");
    cr_assert_eq(gm_check(UINTPTR_MAX - 10, 100, PROT_READ), 0, "wraps around");

    cr_assert_eq(gm_covered(BASE, 3 * P), 1, "covered ignores protection");
    cr_assert_eq(gm_covered(BASE, 4 * P), 0, "but not holes");
    cr_assert_eq(gm_covered(BASE, 5 * P), 0);
}

/* Random adds, removes and protection changes over 512 pages against a page-by-page
 * model: the table's entries must be the model's maximal runs, in order.  Top-down
 * adds below many entries and splits in the middle move the entries above them
 * (vma.c's shift, both directions and none). */
Test(vma, random_changes_match_a_page_model)
{
    enum { PAGES = 512 };
    static int model[PAGES]; /* 0 unmapped, else prot + 1 */
    unsigned seed = 12345;
    for (int round = 0; round < 4000; round++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 8;
        size_t first = r % PAGES, n = 1 + (r >> 9) % 12;
        if (first + n > PAGES) n = PAGES - first;
        int prot = (int)((r >> 13) % 3); /* PROT_NONE, READ, RW: kept apart */
        if (prot == 2) prot = RW;
        int what = (int)((r >> 16) % 4);
        uintptr_t a = BASE + first * P;
        if (what <= 1) gm_add(a, n * P, prot, 0, GM_ANON, 0, 0, 0, NULL);
        else if (what == 2) gm_remove(a, n * P);
        else gm_protect(a, n * P, prot);
        for (size_t p = first; p < first + n; p++)
            if (what <= 1) model[p] = prot + 1;
            else if (what == 2) model[p] = 0;
            else if (model[p]) model[p] = prot + 1;
        size_t i = 0;
        for (size_t p = 0; p < PAGES;) {
            if (!model[p]) { p++; continue; }
            size_t q = p;
            while (q < PAGES && model[q] == model[p]) q++;
            struct gm_vma v;
            cr_assert(gm_at(i, &v), "round %d: no entry %zu", round, i);
            cr_assert(v.start == BASE + p * P && v.end == BASE + q * P && v.prot == model[p] - 1,
                      "round %d (%d at page %zu, %zu pages): entry %zu is [%#lx, %#lx) prot %d, the model's run [%#lx, %#lx) prot %d",
                      round, what, first, n, i, (unsigned long)v.start, (unsigned long)v.end, v.prot,
                      (unsigned long)(BASE + p * P), (unsigned long)(BASE + q * P), model[p] - 1);
            i++;
            p = q;
        }
        cr_assert_eq(gm_count(), i, "round %d: %zu entries, the model has %zu runs", round, gm_count(), i);
    }
}

Test(vma, find)
{
    gm_add(BASE + 2 * P, P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    struct gm_vma v;
    cr_assert(gm_find(BASE, &v));
    cr_assert_eq(v.start, BASE + 2 * P, "first mapping ending above addr");
    cr_assert(gm_find(BASE + 2 * P + 5, &v));
    cr_assert_eq(v.start, BASE + 2 * P);
    cr_assert_eq(gm_find(BASE + 3 * P, &v), 0);
}

Test(vma, intern_returns_one_copy)
{
    char a[] = "/lib/x.so";
    const char *p = gm_intern(a);
    a[1] = 'L';
    cr_assert_str_eq(p, "/lib/x.so", "interned copy, not the caller's buffer");
    cr_assert_eq(gm_intern("/lib/x.so"), p);
    cr_assert_null(gm_intern(NULL));
}

/* ---- access: real memory registered in the table ---- */

/* Four real pages: [0] RW, [1] RW, [2] read-only, [3] PROT_NONE for real and
 * never registered, so a stray access crashes the test instead of passing. */
static unsigned char *pages(void)
{
    unsigned char *m = mmap(NULL, 4 * P, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(m, MAP_FAILED);
    cr_assert_eq(mprotect(m + 2 * P, P, PROT_READ), 0);
    cr_assert_eq(mprotect(m + 3 * P, P, PROT_NONE), 0);
    gm_add((uintptr_t)m, 2 * P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    gm_add((uintptr_t)m + 2 * P, P, PROT_READ, 0, GM_ANON, 0, 0, 0, NULL);
    return m;
}

Test(access, copy_in_and_out)
{
    unsigned char *m = pages();
    const char msg[] = "guest data";
    cr_assert_eq(gm_copy_out((uintptr_t)m + 100, msg, sizeof msg), 0);
    cr_assert_str_eq((char *)m + 100, msg);
    char back[sizeof msg];
    cr_assert_eq(gm_copy_in(back, (uintptr_t)m + 100, sizeof back), 0);
    cr_assert_str_eq(back, msg);
    uint64_t v = 0x1122334455667788ULL, w = 0;
    cr_assert_eq(GM_PUT((uintptr_t)m + P - 4, v), 0, "a value straddling two pages");
    cr_assert_eq(GM_GET(w, (uintptr_t)m + P - 4), 0);
    cr_assert_eq(w, v);
}

Test(access, unmapped_is_efault)
{
    unsigned char *m = pages();
    char buf[16];
    memset(buf, 'z', sizeof buf);
    cr_assert_eq(gm_copy_in(buf, (uintptr_t)m + 3 * P, 8), -EFAULT, "unregistered page");
    cr_assert_eq(gm_copy_in(buf, (uintptr_t)m + 3 * P - 4, 8), -EFAULT, "runs into it");
    cr_assert_eq(gm_copy_in(buf, 0, 8), -EFAULT, "NULL");
    cr_assert_eq(gm_copy_in(buf, (uintptr_t)buf, 8), -EFAULT, "lxrun's own memory is not guest memory");
    cr_assert_eq(gm_copy_in(buf, UINTPTR_MAX - 3, 8), -EFAULT, "wraps");
    for (size_t i = 0; i < sizeof buf; i++) cr_assert_eq(buf[i], 'z', "a failed copy wrote byte %zu", i);
    cr_assert_eq(gm_copy_out(0, buf, 1), -EFAULT);
    cr_assert_eq(gm_copy_out((uintptr_t)m + 3 * P, buf, 1), -EFAULT);
}

Test(access, protection_respected)
{
    unsigned char *m = pages();
    char c = 'q';
    cr_assert_eq(gm_copy_out((uintptr_t)m + 2 * P, &c, 1), -EFAULT, "read-only page");
    cr_assert_eq(m[2 * P], 0, "nothing written");
    cr_assert_eq(gm_copy_out((uintptr_t)m + 2 * P - 1, "ab", 2), -EFAULT, "straddles into read-only");
    cr_assert_eq(m[2 * P - 1], 0, "not even the writable part");
    cr_assert_eq(gm_copy_in(&c, (uintptr_t)m + 2 * P, 1), 0, "read-only can be read");
    gm_protect((uintptr_t)m, P, PROT_NONE);
    cr_assert_eq(gm_copy_in(&c, (uintptr_t)m, 1), -EFAULT, "PROT_NONE in the table");
    gm_remove((uintptr_t)m + P, P);
    cr_assert_eq(gm_copy_in(&c, (uintptr_t)m + P, 1), -EFAULT, "removed from the table");
}

Test(access, lock)
{
    unsigned char *m = pages();
    cr_assert_eq(gm_lock_read((uintptr_t)m + 8, 16), m + 8);
    cr_assert_eq(gm_lock_write((uintptr_t)m + 8, 16), m + 8);
    cr_assert_eq(gm_lock_read((uintptr_t)m + 2 * P, 16), m + 2 * P);
    cr_assert_null(gm_lock_write((uintptr_t)m + 2 * P, 16));
    cr_assert_null(gm_lock_read((uintptr_t)m + 3 * P, 1));
    cr_assert_not_null(gm_lock_read(0, 0), "zero length always succeeds");
    cr_assert_not_null(gm_lock_write((uintptr_t)m + 3 * P, 0));
}

Test(access, string_in)
{
    unsigned char *m = pages();
    char out[64];
    strcpy((char *)m + 10, "hello");
    cr_assert_eq(gm_string_in(out, (uintptr_t)m + 10, sizeof out), 5);
    cr_assert_str_eq(out, "hello");
    m[20] = 0;
    cr_assert_eq(gm_string_in(out, (uintptr_t)m + 20, sizeof out), 0, "empty string");
    cr_assert_str_eq(out, "");
}

Test(access, string_crossing_pages)
{
    unsigned char *m = pages();
    char out[64];
    /* "abcdefgh" over the boundary between page 0 and page 1. */
    memcpy(m + P - 4, "abcdefgh", 9);
    cr_assert_eq(gm_string_in(out, (uintptr_t)m + P - 4, sizeof out), 8);
    cr_assert_str_eq(out, "abcdefgh");
    /* Into the read-only page: still readable. */
    cr_assert_eq(mprotect(m + 2 * P, P, RW), 0);
    memcpy(m + 2 * P - 3, "xyzw", 5);
    cr_assert_eq(mprotect(m + 2 * P, P, PROT_READ), 0);
    cr_assert_eq(gm_string_in(out, (uintptr_t)m + 2 * P - 3, sizeof out), 4);
    cr_assert_str_eq(out, "xyzw");
}

/* A string ending on the last byte before unmapped memory is fine; one byte
 * later (no NUL) is -EFAULT — and nothing past the mapping is ever read. */
Test(access, string_at_end_of_mapping)
{
    unsigned char *m = pages();
    char out[64];
    unsigned char *end = m + 3 * P; /* first unregistered, PROT_NONE byte */
    cr_assert_eq(mprotect(m + 2 * P, P, RW), 0); /* the table still says read-only */
    memcpy(end - 4, "abc", 4);
    cr_assert_eq(gm_string_in(out, (uintptr_t)end - 4, sizeof out), 3);
    cr_assert_str_eq(out, "abc");
    memcpy(end - 4, "abcd", 4); /* unterminated up to the hole */
    cr_assert_eq(gm_string_in(out, (uintptr_t)end - 4, sizeof out), -EFAULT);
    cr_assert_eq(gm_string_in(out, (uintptr_t)end, sizeof out), -EFAULT);
}

Test(access, string_too_long)
{
    unsigned char *m = pages();
    char out[16];
    memset(m, 'a', 100);
    m[100] = 0;
    cr_assert_eq(gm_string_in(out, (uintptr_t)m, sizeof out), -ENAMETOOLONG);
    m[15] = 0; /* 15 characters + NUL: exactly fits */
    cr_assert_eq(gm_string_in(out, (uintptr_t)m, sizeof out), 15);
    cr_assert_eq(strlen(out), 15);
    m[15] = 'a';
    m[16] = 0; /* 16 characters: no room for the NUL */
    cr_assert_eq(gm_string_in(out, (uintptr_t)m, sizeof out), -ENAMETOOLONG);
    /* Long and crossing a page boundary. */
    memset(m + P - 50, 'b', 100);
    m[P + 50] = 0;
    cr_assert_eq(gm_string_in(out, (uintptr_t)m + P - 50, sizeof out), -ENAMETOOLONG);
    char big[256];
    cr_assert_eq(gm_string_in(big, (uintptr_t)m + P - 50, sizeof big), 100);
}

/* gm_string_in_over: the same results as gm_string_in -- a short string, one
 * longer than its 256-byte pieces and crossing a page, one ending at the
 * mapping's end, the limit -- and dst's bytes written only where they differ
 * (a byte past the string left as it was). */
Test(access, string_in_over)
{
    unsigned char *m = pages();
    char out[700], want[700];
    const size_t lens[] = { 0, 1, 7, 8, 9, 255, 256, 257, 300, 600 };
    for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
        size_t n = lens[i];
        unsigned char *str = m + P - 100; /* longer ones cross into page 1 */
        for (size_t k = 0; k < n; k++) str[k] = (unsigned char)('a' + (k * 7 + i) % 26);
        str[n] = 0;
        memset(out, 'Z', sizeof out);
        cr_assert_eq(gm_string_in_over(out, (uintptr_t)str, sizeof out), (long)n, "length %zu", n);
        cr_assert_eq(memcmp(out, str, n + 1), 0, "length %zu: bytes", n);
        cr_assert_eq(out[n + 1], 'Z', "length %zu: a byte past the NUL written", n);
        cr_assert_eq(gm_string_in(want, (uintptr_t)str, sizeof want), (long)n);
    }
    memset(m, 'q', 32);
    cr_assert_eq(gm_string_in_over(out, (uintptr_t)m, 16), -ENAMETOOLONG, "no NUL within the limit");
    unsigned char *end = m + 3 * P;
    cr_assert_eq(mprotect(m + 2 * P, P, RW), 0);
    memcpy(end - 4, "abcd", 4); /* unterminated up to the hole */
    cr_assert_eq(gm_string_in_over(out, (uintptr_t)end - 4, sizeof out), -EFAULT);
    memcpy(end - 4, "abc", 4);
    cr_assert_eq(gm_string_in_over(out, (uintptr_t)end - 4, sizeof out), 3);
    cr_assert_str_eq(out, "abc");
    /* the same string again over a read-only copy of it: nothing written */
    char *ro = mmap(NULL, P, RW, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(ro, MAP_FAILED);
    strcpy(ro, "abc");
    cr_assert_eq(mprotect(ro, P, PROT_READ), 0);
    cr_assert_eq(gm_string_in_over(ro, (uintptr_t)end - 4, P), 3, "a write to the unchanged copy would fault");
}

/* The lock-free path of gm_check: a remembered mapping stops counting the moment
 * the table changes. */
Test(access, remembered_mapping_follows_changes)
{
    gm_add(BASE, 4 * P, RW, 0, GM_ANON, 0, 0, 0, NULL);
    cr_assert(gm_check(BASE + 10, 100, PROT_WRITE));
    cr_assert(gm_check(BASE + P, 100, PROT_READ), "served from the remembered range");
    gm_protect(BASE + P, P, PROT_READ);
    cr_assert_not(gm_check(BASE + P, 100, PROT_WRITE), "mprotect seen at once");
    cr_assert(gm_check(BASE, 100, PROT_WRITE));
    gm_remove(BASE, P);
    cr_assert_not(gm_check(BASE, 100, PROT_READ), "munmap seen at once");
    cr_assert_not(gm_check(BASE + 2 * P, 3 * P, PROT_READ), "past the end");
}

/* ---- the guarded copy (copy_guarded.S) ---- */

/* Every length from 0 past its rep movsb threshold (512), at odd alignments: what
 * memcpy copies, and not a byte more. */
Test(access, guarded_copy_every_length)
{
    static unsigned char src[1300], dst[1300];
    for (size_t i = 0; i < sizeof src; i++) src[i] = (unsigned char)(i * 7 + 3);
    for (size_t len = 0; len <= 1200; len += len < 100 ? 1 : 37)
        for (size_t a = 0; a < 3; a++) {
            memset(dst, 0xee, sizeof dst);
            cr_assert_eq(lx_copy_guarded(dst + 1 + a, src + 2 * a + 1, len), 0);
            cr_assert(memcmp(dst + 1 + a, src + 2 * a + 1, len) == 0, "len %zu alignment %zu", len, a);
            cr_assert_eq(dst[1 + a + len], 0xee, "a byte past the end at len %zu", len);
            cr_assert_eq(dst[a], 0xee, "a byte before the start at len %zu", len);
        }
}

static void fault_to_fixup(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    ucontext_t *uc = ucv;
    uintptr_t ip = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    if (gm_copy_fault_fixup(&ip)) uc->uc_mcontext.gregs[REG_RIP] = (greg_t)ip;
    else signal(sig, SIG_DFL); /* not the copy's: fault again, for real */
}

/* A copy that runs into an inaccessible page, reading and writing, in each part
 * of the copy (32-byte rounds, 8-byte steps, the byte tail, rep movsb): -EFAULT
 * through gm_copy_fault_fixup, as the trap's fault path takes it. */
Test(access, guarded_copy_fault_is_efault)
{
    struct sigaction sa = { .sa_sigaction = fault_to_fixup, .sa_flags = SA_SIGINFO };
    cr_assert_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    unsigned char *m = mmap(NULL, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert(m != MAP_FAILED);
    cr_assert_eq(mprotect(m + P, P, PROT_NONE), 0);
    static unsigned char buf[2048];
    static const struct { size_t before, len; } cases[] = {
        { 100, 300 },  /* faults in a 32-byte round */
        { 12, 20 },    /* in an 8-byte step */
        { 3, 5 },      /* in the byte tail */
        { 700, 1500 }, /* in rep movsb */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned char *edge = m + P - cases[i].before;
        cr_assert_eq(lx_copy_guarded(buf, edge, cases[i].len), -EFAULT, "reading, case %zu", i);
        cr_assert_eq(lx_copy_guarded(edge, buf, cases[i].len), -EFAULT, "writing, case %zu", i);
    }
    cr_assert_eq(lx_copy_guarded(buf, m + P - 64, 64), 0, "up to the edge is fine");
}
