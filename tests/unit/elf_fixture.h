/* elf_fixture.h — a small, valid ELF image in memory that tests then break.
 *
 * Layout (ET_EXEC, file of ELF_FX_FILE_SIZE bytes):
 *   ph[0] PT_LOAD   off 0      vaddr 0x400000 filesz 0x1000 memsz 0x1000  R X
 *   ph[1] PT_LOAD   off 0x1000 vaddr 0x401000 filesz 0x800  memsz 0x2000  R W
 *   ph[2] PT_INTERP off 0x200  filesz 28 ("/lib64/ld-linux-x86-64.so.2")
 *   ph[3] PT_GNU_STACK (not executable)
 *   entry 0x400100, program headers at file offset 64 (inside ph[0]). */
#ifndef LXRUN_TEST_ELF_FIXTURE_H
#define LXRUN_TEST_ELF_FIXTURE_H

#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "../../loader/elf_check.h"

#define ELF_FX_FILE_SIZE 0x2000u
#define ELF_FX_PHNUM 4
#define ELF_FX_INTERP "/lib64/ld-linux-x86-64.so.2"

struct elf_fx {
    unsigned char file[ELF_FX_FILE_SIZE];
    uint64_t file_size;        /* what the checks are told; tests may lie */
};

/* Fills fx with the valid image above. */
void elf_fx_init(struct elf_fx *fx);
static inline Elf64_Ehdr *elf_fx_eh(struct elf_fx *fx) { return (Elf64_Ehdr *)fx->file; }
/* Program header i as it sits in the file (only valid while e_phoff is 64). */
static inline Elf64_Phdr *elf_fx_ph(struct elf_fx *fx, int i)
{
    return (Elf64_Phdr *)(fx->file + sizeof(Elf64_Ehdr)) + i;
}

/* Runs elf_check_ehdr and, if it passes, copies the program headers out of the
 * file the way loader/image.c reads them, then runs elf_check_phdrs.  Returns
 * 0 or -1; *why is the reason on failure. */
int elf_fx_check(const unsigned char *file, size_t len, uint64_t file_size, struct elf_info *ei,
                 const char **why);

#endif
