/* test_elf_check.c — loader/elf_check.c: a valid image passes with the right
 * summary, and each broken or hostile header is refused for its own reason. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "elf_fixture.h"

static struct elf_fx fx;
static struct elf_info ei;

static void setup(void) { elf_fx_init(&fx); }
TestSuite(elf_check, .init = setup);

/* Runs both checks on fx and requires a failure whose reason contains `needle`. */
static const char *expect_fail(const char *needle)
{
    const char *why = NULL;
    int r = elf_fx_check(fx.file, sizeof fx.file, fx.file_size, &ei, &why);
    cr_assert_eq(r, -1, "accepted, expected a failure mentioning \"%s\"", needle);
    cr_assert_not_null(why, "failure without a reason");
    cr_assert(strstr(why, needle) != NULL, "reason \"%s\" does not mention \"%s\"", why, needle);
    return why;
}

static void expect_pass(void)
{
    const char *why = NULL;
    int r = elf_fx_check(fx.file, sizeof fx.file, fx.file_size, &ei, &why);
    cr_assert_eq(r, 0, "refused: %s", why ? why : "(no reason)");
}

/* ---- the valid image ---- */

Test(elf_check, valid_exec_passes_with_summary)
{
    expect_pass();
    cr_assert_eq(ei.nload, 2);
    cr_assert_eq(ei.lo, 0x400000);
    cr_assert_eq(ei.hi, 0x403000);
    cr_assert_eq(ei.interp_index, 2);
    cr_assert_eq(ei.exec_stack, 0);
    cr_assert_eq(ei.phdr_vaddr, 0x400040, "headers at offset 64 of the first segment");
    cr_assert_eq(ei.eh.e_entry, 0x400100);
}

Test(elf_check, valid_pie_at_zero_passes)
{
    elf_fx_eh(&fx)->e_type = ET_DYN;
    elf_fx_eh(&fx)->e_entry = 0x100;
    elf_fx_ph(&fx, 0)->p_vaddr = 0;
    elf_fx_ph(&fx, 1)->p_vaddr = 0x1000;
    expect_pass();
    cr_assert_eq(ei.lo, 0);
    cr_assert_eq(ei.hi, 0x3000);
}

Test(elf_check, executable_stack_flag)
{
    elf_fx_ph(&fx, 3)->p_flags |= PF_X;
    expect_pass();
    cr_assert_eq(ei.exec_stack, 1);
}

Test(elf_check, pt_phdr_gives_header_address)
{
    elf_fx_ph(&fx, 3)->p_type = PT_PHDR;
    elf_fx_ph(&fx, 3)->p_vaddr = 0x400040;
    expect_pass();
    cr_assert_eq(ei.phdr_vaddr, 0x400040);
}

Test(elf_check, no_interpreter_is_static)
{
    elf_fx_ph(&fx, 2)->p_type = PT_NOTE;
    expect_pass();
    cr_assert_eq(ei.interp_index, -1);
}

/* A real distro binary, read whole, passes both checks. */
Test(elf_check, usr_bin_true_passes)
{
    FILE *f = fopen("/usr/bin/true", "rb");
    cr_assert_not_null(f);
    static unsigned char buf[4 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    const char *why = NULL;
    cr_assert_eq(elf_fx_check(buf, n, n, &ei, &why), 0, "refused: %s", why ? why : "");
    cr_assert_geq(ei.nload, 1);
    cr_assert_lt(ei.lo, ei.hi);
}

/* ---- the ELF header ---- */

Test(elf_check, not_elf_bytes)
{
    memcpy(fx.file, "hello world, I am a text file\n", 30);
    expect_fail("not an ELF");
}

Test(elf_check, script_bytes_are_not_elf)
{
    memcpy(fx.file, "#!/bin/sh\n", 10);
    expect_fail("not an ELF");
}

/* Every prefix shorter than the header fails cleanly.  The prefix is placed
 * right before an inaccessible page, so reading past `len` would crash. */
Test(elf_check, every_truncation_fails)
{
    long pg = 4096;
    unsigned char *area = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    cr_assert_neq(area, MAP_FAILED);
    cr_assert_eq(mprotect(area + pg, pg, PROT_NONE), 0);
    for (size_t len = 0; len < sizeof(Elf64_Ehdr); len++) {
        unsigned char *p = area + pg - len;
        memcpy(p, fx.file, len);
        const char *why = NULL;
        int r = elf_check_ehdr(p, len, len, &ei, &why);
        cr_assert_eq(r, -1, "a %zu-byte header was accepted", len);
        cr_assert_not_null(why);
        const char *want = len < SELFMAG ? "not an ELF" : "truncated";
        cr_assert(strstr(why, want), "len %zu: reason \"%s\" lacks \"%s\"", len, why, want);
        /* The buffer may hold a full header while the file is shorter. */
        r = elf_check_ehdr(fx.file, sizeof(Elf64_Ehdr), len, &ei, &why);
        cr_assert_eq(r, -1, "file size %zu accepted", len);
    }
    munmap(area, 2 * pg);
}

Test(elf_check, class32_i386)
{
    fx.file[EI_CLASS] = ELFCLASS32;
    fx.file[18] = EM_386; fx.file[19] = 0;
    expect_fail("i386");
}

Test(elf_check, class32_other_machine)
{
    fx.file[EI_CLASS] = ELFCLASS32;
    fx.file[18] = EM_ARM; fx.file[19] = 0;
    const char *why = expect_fail("32-bit");
    cr_assert_null(strstr(why, "i386"), "an ARM program called i386: %s", why);
}

Test(elf_check, invalid_class)
{
    fx.file[EI_CLASS] = ELFCLASSNONE;
    expect_fail("invalid ELF class");
}

Test(elf_check, aarch64)
{
    elf_fx_eh(&fx)->e_machine = EM_AARCH64;
    expect_fail("aarch64");
}

Test(elf_check, unknown_machine)
{
    elf_fx_eh(&fx)->e_machine = 0x7777;
    expect_fail("another machine");
}

Test(elf_check, big_endian)
{
    fx.file[EI_DATA] = ELFDATA2MSB;
    expect_fail("big-endian");
}

Test(elf_check, bad_version)
{
    elf_fx_eh(&fx)->e_version = 2;
    expect_fail("version");
}

Test(elf_check, relocatable_object)
{
    elf_fx_eh(&fx)->e_type = ET_REL;
    expect_fail("relocatable");
}

Test(elf_check, core_dump)
{
    elf_fx_eh(&fx)->e_type = ET_CORE;
    expect_fail("core dump");
}

Test(elf_check, unknown_type)
{
    elf_fx_eh(&fx)->e_type = 0x1234;
    expect_fail("unknown ELF file type");
}

Test(elf_check, bad_ehsize)
{
    elf_fx_eh(&fx)->e_ehsize = 52;
    expect_fail("header size");
}

Test(elf_check, bad_phentsize)
{
    elf_fx_eh(&fx)->e_phentsize = 32;
    expect_fail("program header size");
}

Test(elf_check, phnum_zero)
{
    elf_fx_eh(&fx)->e_phnum = 0;
    expect_fail("no program headers");
}

Test(elf_check, phnum_huge)
{
    elf_fx_eh(&fx)->e_phnum = 0xffff;
    expect_fail("too many program headers");
    elf_fx_eh(&fx)->e_phnum = ELF_MAX_PHNUM + 1;
    expect_fail("too many program headers");
}

Test(elf_check, phoff_past_eof)
{
    elf_fx_eh(&fx)->e_phoff = ELF_FX_FILE_SIZE + 64;
    expect_fail("program headers lie past");
}

Test(elf_check, phoff_straddles_eof)
{
    elf_fx_eh(&fx)->e_phoff = ELF_FX_FILE_SIZE - 100; /* 4 headers need 224 bytes */
    expect_fail("program headers lie past");
}

Test(elf_check, phoff_overflow)
{
    elf_fx_eh(&fx)->e_phoff = UINT64_MAX - 10;
    expect_fail("program headers lie past");
}

/* ---- program headers ---- */

Test(elf_check, filesz_above_memsz)
{
    elf_fx_ph(&fx, 1)->p_filesz = 0x3000;
    expect_fail("larger in the file than in memory");
}

Test(elf_check, segment_offset_past_eof)
{
    elf_fx_ph(&fx, 1)->p_offset = ELF_FX_FILE_SIZE + 0x1000;
    elf_fx_ph(&fx, 1)->p_vaddr = 0x402000 + ELF_FX_FILE_SIZE; /* keep congruent */
    expect_fail("segment lies past");
}

Test(elf_check, segment_filesz_past_eof)
{
    elf_fx_ph(&fx, 1)->p_filesz = 0x1800;
    expect_fail("segment lies past");
}

Test(elf_check, segment_offset_overflow)
{
    elf_fx_ph(&fx, 1)->p_offset = UINT64_MAX - 0xfff;
    elf_fx_ph(&fx, 1)->p_filesz = 0x1000;
    elf_fx_ph(&fx, 1)->p_memsz = 0x1000;
    expect_fail("segment lies past");
}

Test(elf_check, vaddr_offset_misaligned)
{
    elf_fx_ph(&fx, 1)->p_vaddr = 0x401010;
    expect_fail("modulo the page size");
}

Test(elf_check, offset_misaligned)
{
    elf_fx_ph(&fx, 1)->p_offset = 0x1008;
    expect_fail("modulo the page size");
}

Test(elf_check, overlapping_segments)
{
    elf_fx_ph(&fx, 1)->p_vaddr = 0x400000; /* same page as ph[0] */
    expect_fail("overlapping or unordered");
}

Test(elf_check, unordered_segments)
{
    Elf64_Phdr a = *elf_fx_ph(&fx, 0);
    *elf_fx_ph(&fx, 0) = *elf_fx_ph(&fx, 1);
    *elf_fx_ph(&fx, 1) = a;
    expect_fail("overlapping or unordered");
}

Test(elf_check, vaddr_near_2_64)
{
    elf_fx_ph(&fx, 1)->p_vaddr = 0xfffffffffffff000ULL;
    expect_fail("outside the user address space");
}

Test(elf_check, vaddr_plus_memsz_wraps)
{
    elf_fx_ph(&fx, 1)->p_vaddr = ELF_USER_TOP - 0x1000;
    elf_fx_ph(&fx, 1)->p_memsz = UINT64_MAX - 0x500;
    elf_fx_ph(&fx, 1)->p_filesz = 0x800;
    expect_fail("outside the user address space");
}

Test(elf_check, segment_crosses_user_top)
{
    elf_fx_ph(&fx, 1)->p_vaddr = ELF_USER_TOP - 0x1000;
    expect_fail("outside the user address space");
}

Test(elf_check, segment_above_user_top)
{
    elf_fx_ph(&fx, 1)->p_vaddr = ELF_USER_TOP + 0x1000;
    expect_fail("outside the user address space");
}

Test(elf_check, one_huge_segment)
{
    elf_fx_ph(&fx, 1)->p_memsz = ELF_MAX_SPAN + 0x1000;
    expect_fail("outside the user address space");
}

Test(elf_check, absurd_span)
{
    elf_fx_ph(&fx, 1)->p_vaddr = 0x401000 + (ELF_MAX_SPAN << 1);
    expect_fail("absurd");
}

Test(elf_check, exec_below_min_vaddr)
{
    elf_fx_ph(&fx, 0)->p_vaddr = 0x1000;
    elf_fx_ph(&fx, 1)->p_vaddr = 0x2000;
    elf_fx_eh(&fx)->e_entry = 0x1100;
    expect_fail("lowest allowed");
}

Test(elf_check, entry_outside_segments)
{
    elf_fx_eh(&fx)->e_entry = 0x10;
    expect_fail("entry point");
    elf_fx_eh(&fx)->e_entry = 0x403000; /* first byte past the span */
    expect_fail("entry point");
}

Test(elf_check, two_interpreters)
{
    *elf_fx_ph(&fx, 3) = *elf_fx_ph(&fx, 2);
    expect_fail("more than one interpreter");
}

Test(elf_check, interp_too_long)
{
    elf_fx_ph(&fx, 2)->p_filesz = 4097;
    expect_fail("interpreter path length");
}

Test(elf_check, interp_too_short)
{
    elf_fx_ph(&fx, 2)->p_filesz = 1;
    expect_fail("interpreter path length");
    elf_fx_ph(&fx, 2)->p_filesz = 0;
    expect_fail("interpreter path length");
}

Test(elf_check, interp_past_eof)
{
    elf_fx_ph(&fx, 2)->p_offset = ELF_FX_FILE_SIZE - 4;
    expect_fail("interpreter path lies past");
}

Test(elf_check, no_load_segment)
{
    elf_fx_ph(&fx, 0)->p_type = PT_NOTE;
    elf_fx_ph(&fx, 1)->p_type = PT_NOTE;
    expect_fail("no loadable segments");
}
