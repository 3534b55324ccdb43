/* test_stack.c — loader/stack.c: the initial stack is walked exactly as a libc
 * _start walks it (argc, argv, NULL, envp, NULL, auxv, AT_NULL). */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>

#include "../../loader/stack.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

#define GUARD 256
#define CANARY 0xa5

static char *argv_in[] = { "/usr/bin/prog", "first arg", "", "x", NULL };
static char *envp_in[] = { "HOME=/root", "PATH=/usr/bin:/bin", "EMPTY=", NULL };

static struct stack_spec spec(int argc, int envc)
{
    struct stack_spec s = {
        .argc = argc, .argv = argv_in, .envc = envc, .envp = envp_in,
        .execfn = "./prog-as-typed",
        /* Distinct values everywhere, so a swapped field shows. */
        .phdr = 0x400040, .phent = 56, .phnum = 11, .base = 0x7f1234560000, .entry = 0x401020,
        .uid = 1001, .euid = 1002, .gid = 1003, .egid = 1004, .secure = 1,
        .hwcap = 0x178bfbff, .hwcap2 = 0x2, .minsigstksz = 3632, .clktck = 100,
    };
    for (int i = 0; i < 16; i++) s.random[i] = (unsigned char)(0xc0 + i * 3);
    return s;
}

/* A heap buffer [lo, lo+size) with canary bytes on both sides. */
struct area { unsigned char *raw; uintptr_t lo, top; size_t size; };

static struct area area_new(size_t size)
{
    struct area a = { .size = size };
    a.raw = malloc(size + 2 * GUARD);
    cr_assert_not_null(a.raw);
    memset(a.raw, CANARY, size + 2 * GUARD);
    a.lo = (uintptr_t)a.raw + GUARD;
    a.top = a.lo + size;
    return a;
}

static void area_check_guards(const struct area *a)
{
    for (size_t i = 0; i < GUARD; i++) {
        cr_assert_eq(a->raw[i], CANARY, "wrote %zu bytes below lo", GUARD - i);
        cr_assert_eq(a->raw[GUARD + a->size + i], CANARY, "wrote past top (+%zu)", i);
    }
}

static int inside(const struct area *a, uintptr_t p, size_t len)
{
    return p >= a->lo && p <= a->top && len <= a->top - p;
}

/* A string in the area, NUL included. */
static const char *str_at(const struct area *a, uint64_t p)
{
    cr_assert(inside(a, p, 1), "pointer %#lx outside the stack area", (unsigned long)p);
    const char *s = (const char *)p;
    size_t n = strnlen(s, a->top - p);
    cr_assert_lt(n, a->top - p, "string at %#lx runs off the area", (unsigned long)p);
    return s;
}

/* The NULL ending a pointer vector, checking each word is inside the area. */
static uint64_t *skip_vector(const struct area *a, uint64_t *p)
{
    for (;; p++) {
        cr_assert(inside(a, (uintptr_t)p, 8), "vector runs off the area");
        if (!*p) return p;
    }
}

/* The result of walking the stack from sp as _start does. */
struct walked {
    uint64_t argc;
    uint64_t *argv, *envp, *auxv;
    size_t nauxv;               /* pairs before AT_NULL */
    uintptr_t vectors_end;      /* first byte after AT_NULL's pair */
};

static struct walked walk(const struct area *a, uintptr_t sp)
{
    struct walked w = { 0 };
    cr_assert_neq(sp, 0, "stack_build failed");
    cr_assert_eq(sp % 16, 0, "sp %#lx not 16-byte aligned", (unsigned long)sp);
    uint64_t *p = (uint64_t *)sp;
    cr_assert(inside(a, sp, 8));
    w.argc = *p++;
    w.argv = p;
    p = skip_vector(a, p);
    cr_assert_eq((uint64_t)(p - w.argv), w.argc, "argv has %td entries, argc says %lu", p - w.argv,
                 (unsigned long)w.argc);
    p++;
    w.envp = p;
    p = skip_vector(a, p);
    p++;
    w.auxv = p;
    for (;; p += 2) {
        cr_assert(inside(a, (uintptr_t)p, 16), "auxv runs off the area");
        if (p[0] == AT_NULL) break;
    }
    w.nauxv = (size_t)(p - w.auxv) / 2;
    w.vectors_end = (uintptr_t)(p + 2);
    return w;
}

/* The value of one auxv key; fails the test unless it appears exactly once. */
static uint64_t aux(const struct walked *w, uint64_t key)
{
    int seen = 0;
    uint64_t v = 0;
    for (size_t i = 0; i < w->nauxv; i++)
        if (w->auxv[2 * i] == key) { seen++; v = w->auxv[2 * i + 1]; }
    cr_assert_eq(seen, 1, "auxv key %lu appears %d times", (unsigned long)key, seen);
    return v;
}

Test(stack, argv_envp_as_start_reads_them)
{
    struct area a = area_new(64 << 10);
    struct stack_spec s = spec(4, 3);
    struct walked w = walk(&a, stack_build(a.lo, a.top, &s));
    cr_assert_eq(w.argc, 4);
    for (int i = 0; i < 4; i++) cr_assert_str_eq(str_at(&a, w.argv[i]), argv_in[i]);
    cr_assert_eq(w.argv[4], 0);
    for (int i = 0; i < 3; i++) cr_assert_str_eq(str_at(&a, w.envp[i]), envp_in[i]);
    cr_assert_eq(w.envp[3], 0);
    area_check_guards(&a);
    free(a.raw);
}

Test(stack, auxv_has_every_required_entry)
{
    struct area a = area_new(64 << 10);
    struct stack_spec s = spec(2, 1);
    struct walked w = walk(&a, stack_build(a.lo, a.top, &s));
    cr_assert_eq(aux(&w, AT_PHDR), 0x400040);
    cr_assert_eq(aux(&w, AT_PHENT), 56);
    cr_assert_eq(aux(&w, AT_PHNUM), 11);
    cr_assert_eq(aux(&w, AT_PAGESZ), 4096);
    cr_assert_eq(aux(&w, AT_BASE), 0x7f1234560000);
    cr_assert_eq(aux(&w, AT_FLAGS), 0);
    cr_assert_eq(aux(&w, AT_ENTRY), 0x401020);
    cr_assert_eq(aux(&w, AT_UID), 1001);
    cr_assert_eq(aux(&w, AT_EUID), 1002);
    cr_assert_eq(aux(&w, AT_GID), 1003);
    cr_assert_eq(aux(&w, AT_EGID), 1004);
    cr_assert_eq(aux(&w, AT_SECURE), 1);
    cr_assert_eq(aux(&w, AT_HWCAP), 0x178bfbff);
    cr_assert_eq(aux(&w, AT_HWCAP2), 0x2);
    cr_assert_eq(aux(&w, AT_CLKTCK), 100);
    cr_assert_eq(aux(&w, AT_MINSIGSTKSZ), 3632);

    uint64_t rnd = aux(&w, AT_RANDOM);
    cr_assert(inside(&a, rnd, 16), "AT_RANDOM outside the stack");
    cr_assert_arr_eq((void *)rnd, s.random, 16);
    cr_assert_str_eq(str_at(&a, aux(&w, AT_EXECFN)), "./prog-as-typed");
    cr_assert_str_eq(str_at(&a, aux(&w, AT_PLATFORM)), "x86_64");

    /* no vDSO offered (sysinfo_ehdr 0): none advertised, or libc would call into nothing */
    for (size_t i = 0; i < w.nauxv; i++)
        cr_assert_neq(w.auxv[2 * i], AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR present");
    cr_assert_eq(w.auxv[2 * w.nauxv + 1], 0, "AT_NULL carries a value");
    area_check_guards(&a);
    free(a.raw);
}

/* Strings and random bytes live above the vectors, never under them. */
Test(stack, strings_inside_and_above_vectors)
{
    struct area a = area_new(64 << 10);
    struct stack_spec s = spec(4, 3);
    struct walked w = walk(&a, stack_build(a.lo, a.top, &s));
    uint64_t ptrs[] = { w.argv[0], w.argv[1], w.argv[2], w.argv[3], w.envp[0], w.envp[1], w.envp[2],
                        aux(&w, AT_EXECFN), aux(&w, AT_PLATFORM), aux(&w, AT_RANDOM) };
    for (size_t i = 0; i < sizeof ptrs / sizeof ptrs[0]; i++) {
        cr_assert(inside(&a, ptrs[i], 1), "pointer %zu outside", i);
        cr_assert_geq(ptrs[i], w.vectors_end, "pointer %zu overlaps the vectors", i);
    }
    free(a.raw);
}

Test(stack, empty_argv_and_envp)
{
    struct area a = area_new(16 << 10);
    struct stack_spec s = spec(0, 0);
    struct walked w = walk(&a, stack_build(a.lo, a.top, &s));
    cr_assert_eq(w.argc, 0);
    cr_assert_eq(w.argv[0], 0);
    cr_assert_eq(w.envp[0], 0);
    cr_assert_str_eq(str_at(&a, aux(&w, AT_EXECFN)), "./prog-as-typed");
    area_check_guards(&a);
    free(a.raw);
}

/* Every parity of the vector count and every misalignment of top. */
Test(stack, sp_aligned_for_all_shapes)
{
    struct area a = area_new(16 << 10);
    for (int argc = 0; argc <= 4; argc++)
        for (int envc = 0; envc <= 3; envc++)
            for (uintptr_t skew = 0; skew < 16; skew++) {
                struct stack_spec s = spec(argc, envc);
                uintptr_t sp = stack_build(a.lo, a.top - skew, &s);
                cr_assert_neq(sp, 0, "argc %d envc %d skew %lu", argc, envc, (unsigned long)skew);
                cr_assert_eq(sp % 16, 0, "argc %d envc %d skew %lu", argc, envc, (unsigned long)skew);
                struct walked w = walk(&a, sp);
                cr_assert_eq(w.argc, (uint64_t)argc);
            }
    area_check_guards(&a);
    free(a.raw);
}

/* Below the exact size needed, every size fails with 0 and writes nothing
 * outside [lo, top); from that size on, every size works. */
Test(stack, too_small_returns_zero)
{
    struct stack_spec s = spec(4, 3);
    size_t strings = 0;
    for (int i = 0; i < 4; i++) strings += strlen(argv_in[i]) + 1;
    for (int i = 0; i < 3; i++) strings += strlen(envp_in[i]) + 1;
    strings += strlen(s.execfn) + 1 + sizeof "x86_64" + 16;
    size_t vectors = 8 * (1 + 5 + 4) + 16 * 2; /* argc, argv+NULL, envp+NULL, two aux pairs at least */

    size_t need = 0;
    for (size_t size = 0; size < 4096 && !need; size++) {
        struct area a = area_new(size);
        uintptr_t sp = stack_build(a.lo, a.top, &s);
        if (sp) {
            need = size;
            walk(&a, sp);
        }
        area_check_guards(&a);
        free(a.raw);
    }
    cr_assert_neq(need, 0, "never fit in 4 KiB");
    cr_assert_gt(need, strings + vectors, "fit in %zu bytes: something was not written", need);
    size_t small[] = { 0, 1, 8, 16, 64, need / 2, need - 8, need - 1 };
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        struct area a = area_new(small[i]);
        cr_assert_eq(stack_build(a.lo, a.top, &s), 0, "size %zu accepted", small[i]);
        area_check_guards(&a);
        free(a.raw);
    }
    for (size_t size = need; size < need + 64; size++) {
        struct area a = area_new(size);
        walk(&a, stack_build(a.lo, a.top, &s));
        area_check_guards(&a);
        free(a.raw);
    }
}
