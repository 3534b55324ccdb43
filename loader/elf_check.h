/* elf_check.h — validation of an ELF image's headers before anything is mapped.
 * Pure functions over bytes already read: unit-tested with hostile headers. */
#ifndef LXRUN_ELF_CHECK_H
#define LXRUN_ELF_CHECK_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_PHNUM 256
#define ELF_MAX_SPAN (1ULL << 40)          /* 1 TiB of address space at most */
#define ELF_USER_TOP 0x7ffffffff000ULL    /* end of the 47-bit user half */
#define ELF_MIN_VADDR 0x10000ULL          /* fixed images below this are refused */

/* ph last: a usual program's headers and the rest share the first page (each
 * page first written in a forked child is a copy-on-write fault) */
struct elf_info {
    int nload;
    uint64_t lo, hi;            /* page-rounded span of the PT_LOAD segments */
    int interp_index;           /* index of PT_INTERP in ph, or -1 */
    int exec_stack;             /* PT_GNU_STACK asks for an executable stack */
    uint64_t phdr_vaddr;        /* where the program headers are in memory, 0 if not loaded */
    Elf64_Ehdr eh;
    Elf64_Phdr ph[ELF_MAX_PHNUM];
};

/* Checks the ELF header; `why` gets a one-line reason on failure (return -1). */
int elf_check_ehdr(const unsigned char *buf, size_t len, uint64_t file_size, struct elf_info *ei,
                   const char **why);
/* Checks program headers already copied into ei->ph (e_phnum of them). */
int elf_check_phdrs(struct elf_info *ei, uint64_t file_size, const char **why);

#endif
