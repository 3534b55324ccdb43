/* elf_fixture.c — see elf_fixture.h. */
#include "elf_fixture.h"

#include <string.h>

void elf_fx_init(struct elf_fx *fx)
{
    memset(fx, 0, sizeof *fx);
    fx->file_size = ELF_FX_FILE_SIZE;
    Elf64_Ehdr *e = elf_fx_eh(fx);
    memcpy(e->e_ident, ELFMAG, SELFMAG);
    e->e_ident[EI_CLASS] = ELFCLASS64;
    e->e_ident[EI_DATA] = ELFDATA2LSB;
    e->e_ident[EI_VERSION] = EV_CURRENT;
    e->e_type = ET_EXEC;
    e->e_machine = EM_X86_64;
    e->e_version = EV_CURRENT;
    e->e_entry = 0x400100;
    e->e_phoff = sizeof(Elf64_Ehdr);
    e->e_ehsize = sizeof(Elf64_Ehdr);
    e->e_phentsize = sizeof(Elf64_Phdr);
    e->e_phnum = ELF_FX_PHNUM;

    *elf_fx_ph(fx, 0) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0,
                                      .p_vaddr = 0x400000, .p_paddr = 0x400000, .p_filesz = 0x1000,
                                      .p_memsz = 0x1000, .p_align = 0x1000 };
    *elf_fx_ph(fx, 1) = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x1000,
                                      .p_vaddr = 0x401000, .p_paddr = 0x401000, .p_filesz = 0x800,
                                      .p_memsz = 0x2000, .p_align = 0x1000 };
    *elf_fx_ph(fx, 2) = (Elf64_Phdr){ .p_type = PT_INTERP, .p_flags = PF_R, .p_offset = 0x200,
                                      .p_vaddr = 0x400200, .p_filesz = sizeof ELF_FX_INTERP,
                                      .p_memsz = sizeof ELF_FX_INTERP, .p_align = 1 };
    *elf_fx_ph(fx, 3) = (Elf64_Phdr){ .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W, .p_align = 16 };
    memcpy(fx->file + 0x200, ELF_FX_INTERP, sizeof ELF_FX_INTERP);
}

int elf_fx_check(const unsigned char *file, size_t len, uint64_t file_size, struct elf_info *ei,
                 const char **why)
{
    *why = NULL;
    if (elf_check_ehdr(file, len, file_size, ei, why) < 0) return -1;
    /* elf_check_ehdr promised the headers lie inside file_size; only copy what
     * the buffer really holds (a test may claim a larger file than it built). */
    size_t want = (size_t)ei->eh.e_phnum * sizeof(Elf64_Phdr);
    memset(ei->ph, 0, want);
    if (ei->eh.e_phoff < len) {
        size_t have = len - (size_t)ei->eh.e_phoff;
        memcpy(ei->ph, file + ei->eh.e_phoff, have < want ? have : want);
    }
    return elf_check_phdrs(ei, file_size, why);
}
