/* elf_facts.c — libelf walks the sections: .dynamic for DT_NEEDED/RUNPATH,
 * .gnu.version_r for required symbol versions, executable sections for
 * syscall instruction sites.  The file is opened through rx.h. */
#include "elf_facts.h"

#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../redox/rx.h"
#include "../vfs-map/vfs.h"

/* Compares "GLIBC_2.34" style versions numerically. */
static int version_newer(const char *a, const char *b)
{
    int a1 = 0, a2 = 0, a3 = 0, b1 = 0, b2 = 0, b3 = 0;
    sscanf(a, "GLIBC_%d.%d.%d", &a1, &a2, &a3);
    sscanf(b, "GLIBC_%d.%d.%d", &b1, &b2, &b3);
    if (a1 != b1) return a1 > b1;
    if (a2 != b2) return a2 > b2;
    return a3 > b3;
}

static void read_dynamic(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, struct elf_facts *f, int *df1_pie)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || !sh->sh_entsize) return;
    size_t n = sh->sh_size / sh->sh_entsize;
    for (size_t i = 0; i < n; i++) {
        GElf_Dyn dyn;
        if (!gelf_getdyn(d, (int)i, &dyn)) break;
        const char *s = NULL;
        if (dyn.d_tag == DT_FLAGS_1 && (dyn.d_un.d_val & DF_1_PIE)) *df1_pie = 1;
        if (dyn.d_tag == DT_NEEDED || dyn.d_tag == DT_RUNPATH || dyn.d_tag == DT_RPATH)
            s = elf_strptr(e, sh->sh_link, dyn.d_un.d_val);
        if (!s) continue;
        if (dyn.d_tag == DT_NEEDED && f->nneeded < ELF_FACTS_MAX_NEEDED)
            snprintf(f->needed[f->nneeded++], sizeof f->needed[0], "%s", s);
        else if (dyn.d_tag == DT_RUNPATH || (dyn.d_tag == DT_RPATH && !f->runpath[0]))
            snprintf(f->runpath, sizeof f->runpath, "%s", s);
    }
}

static void read_verneed(Elf *e, Elf_Scn *scn, GElf_Shdr *sh, struct elf_facts *f)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d) return;
    size_t off = 0;
    for (unsigned i = 0; i < sh->sh_info && off + sizeof(GElf_Verneed) <= d->d_size; i++) {
        GElf_Verneed vn;
        if (!gelf_getverneed(d, (int)off, &vn)) break;
        size_t aoff = off + vn.vn_aux;
        for (unsigned j = 0; j < vn.vn_cnt && aoff + sizeof(GElf_Vernaux) <= d->d_size; j++) {
            GElf_Vernaux va;
            if (!gelf_getvernaux(d, (int)aoff, &va)) break;
            const char *name = elf_strptr(e, sh->sh_link, va.vna_name);
            if (name && !strncmp(name, "GLIBC_", 6) && name[6] >= '0' && name[6] <= '9' &&
                (!f->max_glibc[0] || version_newer(name, f->max_glibc)))
                snprintf(f->max_glibc, sizeof f->max_glibc, "%s", name);
            if (!va.vna_next) break;
            aoff += va.vna_next;
        }
        if (!vn.vn_next) break;
        off += vn.vn_next;
    }
}

static long count_syscall_sites(Elf_Scn *scn)
{
    Elf_Data *d = elf_getdata(scn, NULL);
    if (!d || !d->d_buf) return 0;
    const unsigned char *p = d->d_buf;
    long n = 0;
    for (size_t i = 0; i + 1 < d->d_size; i++)
        if (p[i] == 0x0f && p[i + 1] == 0x05) n++;
    return n;
}

int elf_facts_read(const char *path, struct elf_facts *f, const char **why)
{
    memset(f, 0, sizeof *f);
    struct vfs_target t;
    long fd = vfs_resolve(RX_AT_CWD, path, &t);
    if (fd >= 0) fd = vfs_open(&t, RX_O_RDONLY | RX_O_CLOEXEC, 0);
    if (fd < 0) { *why = "cannot open"; return -1; }
    /* libelf reads through its own fd; ELF_C_READ_MMAP keeps it to one mapping. */
    elf_version(EV_CURRENT);
    Elf *e = elf_begin((int)fd, ELF_C_READ_MMAP, NULL);
    GElf_Ehdr eh;
    if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh)) {
        if (e) elf_end(e);
        rx_close((int)fd);
        *why = "not an ELF file";
        return -1;
    }
    f->type = eh.e_type == ET_EXEC ? "EXEC" : eh.e_type == ET_DYN ? "DYN" : eh.e_type == ET_REL ? "REL" : "OTHER";
    size_t nph = 0;
    elf_getphdrnum(e, &nph);
    f->is_static = 1;
    for (size_t i = 0; i < nph; i++) {
        GElf_Phdr ph;
        if (!gelf_getphdr(e, (int)i, &ph) || ph.p_type != PT_INTERP) continue;
        f->is_static = 0;
        size_t size;
        char *img = elf_rawfile(e, &size);
        if (img && ph.p_offset < size && ph.p_filesz < sizeof f->interp && ph.p_filesz <= size - ph.p_offset)
            snprintf(f->interp, sizeof f->interp, "%.*s", (int)ph.p_filesz, img + ph.p_offset);
    }
    int df1_pie = 0;
    for (Elf_Scn *scn = NULL; (scn = elf_nextscn(e, scn));) {
        GElf_Shdr sh;
        if (!gelf_getshdr(scn, &sh)) continue;
        if (sh.sh_type == SHT_DYNAMIC) read_dynamic(e, scn, &sh, f, &df1_pie);
        else if (sh.sh_type == SHT_GNU_verneed) read_verneed(e, scn, &sh, f);
        else if (sh.sh_type == SHT_PROGBITS && (sh.sh_flags & SHF_EXECINSTR)) f->syscall_sites += count_syscall_sites(scn);
    }
    /* A shared library has no interpreter and is not run: only a DYN with an
     * interpreter, or a static-pie (DF_1_PIE), counts as PIE here. */
    f->pie = eh.e_type == ET_DYN && (!f->is_static || df1_pie);
    elf_end(e);
    rx_close((int)fd);
    return 0;
}
