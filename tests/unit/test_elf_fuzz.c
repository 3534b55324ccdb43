/* test_elf_fuzz.c — random mutations of a real binary's first 4 KiB through both
 * ELF checks: they must never crash, and whatever they accept must be sane. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "elf_fixture.h"

#define HEAD 4096
#define ROUNDS 20000

/* xorshift64*: deterministic, so a failure can be replayed from the round number. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 2685821657736338717ULL;
}

/* Values that sit on the edges the checks guard. */
static const uint64_t edgy[] = {
    0, 1, 7, 0x40, 0x1000, 0xfff, 0x10000, 0x400000, ELF_MIN_VADDR - 1, ELF_USER_TOP,
    ELF_USER_TOP - 0x1000, ELF_MAX_SPAN, ELF_MAX_SPAN + 1, 0x7fffffffffffffffULL,
    0x8000000000000000ULL, UINT64_MAX - 10, UINT64_MAX - 0xfff, UINT64_MAX,
};

static void mutate(unsigned char *b, uint64_t phoff)
{
    int n = 1 + (int)(rnd() % 8);
    for (int k = 0; k < n; k++) {
        /* Aim most mutations at the ELF header and the program header table. */
        size_t at;
        switch (rnd() % 4) {
        case 0: at = rnd() % sizeof(Elf64_Ehdr); break;
        case 1: at = phoff < HEAD ? phoff + rnd() % (HEAD - phoff < 13 * 56 ? HEAD - phoff : 13 * 56) : 0; break;
        default: at = rnd() % HEAD; break;
        }
        switch (rnd() % 5) {
        case 0: b[at] = (unsigned char)rnd(); break;
        case 1: b[at] ^= (unsigned char)(1u << (rnd() % 8)); break;
        case 2: b[at] = 0; break;
        default: {
            uint64_t v = edgy[rnd() % (sizeof edgy / sizeof edgy[0])];
            int w = 1 << (rnd() % 4); /* 1, 2, 4 or 8 bytes */
            at &= ~(size_t)(w - 1);
            if (at + (size_t)w <= HEAD) memcpy(b + at, &v, (size_t)w);
        }
        }
    }
}

Test(elf_fuzz, mutated_usr_bin_true_never_crashes)
{
    static unsigned char orig[HEAD];
    FILE *f = fopen("/usr/bin/true", "rb");
    cr_assert_not_null(f, "needs /usr/bin/true");
    size_t got = fread(orig, 1, HEAD, f);
    fseek(f, 0, SEEK_END);
    uint64_t real_size = (uint64_t)ftell(f);
    fclose(f);
    cr_assert_eq(got, HEAD);

    /* The mutated copy ends where an inaccessible page begins: an over-read crashes. */
    unsigned char *area = mmap(NULL, 2 * HEAD, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(area, MAP_FAILED);
    cr_assert_eq(mprotect(area + HEAD, HEAD, PROT_NONE), 0);
    unsigned char *buf = area;
    static struct elf_info ei;
    uint64_t phoff = ((const Elf64_Ehdr *)orig)->e_phoff;
    int accepted = 0;

    for (int round = 0; round < ROUNDS; round++) {
        memcpy(buf, orig, HEAD);
        mutate(buf, phoff);
        /* Sometimes the file is just these 4 KiB, sometimes the real size, sometimes a lie. */
        uint64_t sizes[] = { HEAD, real_size, rnd() % (2 * real_size), edgy[rnd() % (sizeof edgy / sizeof edgy[0])] };
        uint64_t file_size = sizes[rnd() % 4];
        size_t len = rnd() % 16 == 0 ? rnd() % HEAD : HEAD; /* short reads too */
        const char *why = NULL;
        int r = elf_fx_check(buf, len, file_size, &ei, &why);
        if (r < 0) {
            cr_assert(why && *why, "round %d: failure without a reason", round);
            continue;
        }
        cr_assert_eq(r, 0, "round %d: returned %d", round, r);
        accepted++;
        /* What passes must be loadable without further checks. */
        cr_assert_geq(ei.nload, 1, "round %d", round);
        cr_assert_lt(ei.lo, ei.hi, "round %d", round);
        cr_assert_leq(ei.hi - ei.lo, ELF_MAX_SPAN, "round %d", round);
        cr_assert_leq(ei.hi, ELF_USER_TOP + 0x1000, "round %d", round);
        cr_assert(ei.eh.e_entry >= ei.lo && ei.eh.e_entry < ei.hi, "round %d: entry outside", round);
        cr_assert(ei.eh.e_phnum >= 1 && ei.eh.e_phnum <= ELF_MAX_PHNUM, "round %d", round);
        cr_assert_leq(ei.eh.e_phoff + ei.eh.e_phnum * sizeof(Elf64_Phdr), file_size, "round %d", round);
    }
    /* Light mutations of a valid binary must often stay valid, or the fuzzing
     * never reached elf_check_phdrs' later checks. */
    cr_log_info("%d of %d mutants accepted", accepted, ROUNDS);
    cr_assert_gt(accepted, ROUNDS / 100, "only %d of %d mutants accepted", accepted, ROUNDS);
    munmap(area, 2 * HEAD);
}
