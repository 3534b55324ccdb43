/* elf_facts.h — what a program file says about itself, read with libelf:
 * for the JSON report's program identity and for --check. */
#ifndef LXRUN_ELF_FACTS_H
#define LXRUN_ELF_FACTS_H

#define ELF_FACTS_MAX_NEEDED 64

struct elf_facts {
    const char *type;            /* "EXEC", "DYN" */
    int pie;                     /* ET_DYN with an entry point meant to run */
    int is_static;               /* no PT_INTERP */
    char interp[256];
    int nneeded;
    char needed[ELF_FACTS_MAX_NEEDED][128];
    char runpath[512];           /* DT_RUNPATH, else DT_RPATH */
    char max_glibc[32];          /* highest GLIBC_x.y version required, "" if none */
    long syscall_sites;          /* `syscall` instructions (0f 05) in executable sections */
};

/* 0, or -1 with a one-line reason. */
int elf_facts_read(const char *path, struct elf_facts *f, const char **why);

#endif
