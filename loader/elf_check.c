/* elf_check.c — what the kernel's exec would refuse, refused with a reason. */
#include "elf_check.h"

#include <string.h>

#define PAGE 4096ULL
#define FAIL(msg) do { *why = (msg); return -1; } while (0)

static const char *machine_name(unsigned m)
{
    switch (m) {
    case EM_386: return "an i386 (32-bit x86) program, not x86-64";
    case EM_AARCH64: return "an aarch64 (ARM 64-bit) program, not x86-64";
    case EM_ARM: return "an ARM (32-bit) program, not x86-64";
    case EM_RISCV: return "a RISC-V program, not x86-64";
    case EM_PPC64: return "a PowerPC 64 program, not x86-64";
    case EM_S390: return "an s390 program, not x86-64";
    default: return "a program for another machine, not x86-64";
    }
}

int elf_check_ehdr(const unsigned char *buf, size_t len, uint64_t file_size, struct elf_info *ei,
                   const char **why)
{
    if (len < 4 || memcmp(buf, ELFMAG, SELFMAG) != 0) FAIL("not an ELF executable (exec format error)");
    if (len < EI_NIDENT) FAIL("truncated ELF header");
    if (buf[EI_CLASS] != ELFCLASS64) {
        if (buf[EI_CLASS] == ELFCLASS32) {
            /* e_machine sits at the same offset in both classes. */
            if (len >= 20 && (buf[18] | buf[19] << 8) == EM_386) FAIL("32-bit i386 program: only x86-64 is supported");
            FAIL("32-bit ELF program: only x86-64 is supported");
        }
        FAIL("invalid ELF class");
    }
    if (buf[EI_DATA] != ELFDATA2LSB) FAIL("big-endian ELF: only x86-64 is supported");
    if (len < sizeof(Elf64_Ehdr) || file_size < sizeof(Elf64_Ehdr)) FAIL("truncated ELF header");
    memcpy(&ei->eh, buf, sizeof ei->eh);
    const Elf64_Ehdr *e = &ei->eh;
    if (e->e_machine != EM_X86_64) FAIL(machine_name(e->e_machine));
    if (buf[EI_VERSION] != EV_CURRENT || e->e_version != EV_CURRENT) FAIL("unknown ELF version");
    if (e->e_type == ET_REL) FAIL("relocatable object file, not an executable");
    if (e->e_type == ET_CORE) FAIL("core dump, not an executable");
    if (e->e_type != ET_EXEC && e->e_type != ET_DYN) FAIL("unknown ELF file type");
    if (e->e_ehsize != sizeof(Elf64_Ehdr)) FAIL("inconsistent ELF header size");
    if (e->e_phentsize != sizeof(Elf64_Phdr)) FAIL("inconsistent program header size");
    if (e->e_phnum == 0) FAIL("no program headers");
    if (e->e_phnum > ELF_MAX_PHNUM) FAIL("too many program headers");
    if (e->e_phoff > file_size || (uint64_t)e->e_phnum * sizeof(Elf64_Phdr) > file_size - e->e_phoff)
        FAIL("truncated file: program headers lie past its end");
    return 0;
}

int elf_check_phdrs(struct elf_info *ei, uint64_t file_size, const char **why)
{
    const Elf64_Ehdr *e = &ei->eh;
    uint64_t prev_end = 0;
    ei->nload = 0;
    ei->interp_index = -1;
    ei->exec_stack = 0;
    ei->phdr_vaddr = 0;
    ei->lo = UINT64_MAX;
    ei->hi = 0;
    for (int i = 0; i < e->e_phnum; i++) {
        const Elf64_Phdr *p = &ei->ph[i];
        switch (p->p_type) {
        case PT_LOAD:
            if (p->p_filesz > p->p_memsz) FAIL("segment larger in the file than in memory");
            if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
                FAIL("truncated file: a segment lies past its end");
            if ((p->p_vaddr - p->p_offset) % PAGE != 0) FAIL("segment address and file offset disagree modulo the page size");
            if (p->p_memsz > ELF_MAX_SPAN || p->p_vaddr > ELF_USER_TOP ||
                p->p_memsz > ELF_USER_TOP - p->p_vaddr)
                FAIL("segment outside the user address space");
            if (ei->nload > 0 && p->p_vaddr < prev_end) FAIL("overlapping or unordered segments");
            prev_end = p->p_vaddr + p->p_memsz;
            if (p->p_vaddr / PAGE * PAGE < ei->lo) ei->lo = p->p_vaddr / PAGE * PAGE;
            if ((prev_end + PAGE - 1) / PAGE * PAGE > ei->hi) ei->hi = (prev_end + PAGE - 1) / PAGE * PAGE;
            if (e->e_phoff >= p->p_offset && e->e_phoff - p->p_offset < p->p_filesz &&
                (uint64_t)e->e_phnum * sizeof(Elf64_Phdr) <= p->p_filesz - (e->e_phoff - p->p_offset))
                ei->phdr_vaddr = p->p_vaddr + (e->e_phoff - p->p_offset);
            ei->nload++;
            break;
        case PT_INTERP:
            if (ei->interp_index >= 0) FAIL("more than one interpreter");
            if (p->p_filesz < 2 || p->p_filesz > 4096) FAIL("invalid interpreter path length");
            if (p->p_offset > file_size || p->p_filesz > file_size - p->p_offset)
                FAIL("truncated file: interpreter path lies past its end");
            ei->interp_index = i;
            break;
        case PT_GNU_STACK:
            ei->exec_stack = (p->p_flags & PF_X) != 0;
            break;
        case PT_PHDR:
            ei->phdr_vaddr = p->p_vaddr;
            break;
        }
    }
    if (ei->nload == 0) FAIL("no loadable segments");
    if (ei->hi - ei->lo > ELF_MAX_SPAN) FAIL("segments span an absurd address range");
    if (e->e_type == ET_EXEC && ei->lo < ELF_MIN_VADDR) FAIL("fixed-address program mapped below the lowest allowed address");
    if (e->e_entry < ei->lo || e->e_entry >= ei->hi) FAIL("entry point outside the loadable segments");
    return 0;
}
