/* host-linux-vdso.c — rx_guest_time on Linux: the host kernel's vDSO behind each
 * function, found by its versioned symbols (LINUX_2.6) in the image the kernel
 * mapped into lxrun's process.  The functions run in the guest's context (rx.h):
 * no TLS, no errno, nothing but the host vDSO's code and their out-arguments, and no
 * vector register (rx.h's RX_GUEST_CALLABLE; the inline helpers they use with them). */
#pragma GCC target("general-regs-only")
#include "rx.h"
#include "host-linux.h"

#include <elf.h>
#include <string.h>
#include <sys/auxv.h>

typedef long (*host_clock_fn)(clockid_t, struct timespec *);
typedef long (*host_getcpu_fn)(unsigned *, unsigned *, void *);

static host_clock_fn host_gettime, host_getres;
static host_getcpu_fn host_getcpu;
static uintptr_t host_lo, host_hi; /* the host vDSO's image */

/* The CPU-time clocks: the host vDSO answers them with a call of its own. */
__attribute__((always_inline)) static inline int answered_by_a_call(clockid_t h)
{
    return h == (clockid_t)-1 || h == CLOCK_PROCESS_CPUTIME_ID || h == CLOCK_THREAD_CPUTIME_ID;
}

/* One of the host's clock functions on an rx clock; inlined in each caller, so
 * it stays in their section. */
__attribute__((always_inline)) static inline long host_read(host_clock_fn f, int clock, struct rx_timespec *ts)
{
    clockid_t h = host_clock(clock);
    if (answered_by_a_call(h)) return -ENOSYS;
    struct timespec t;
    long r = f(h, &t);
    if (r == 0) ts->sec = t.tv_sec, ts->nsec = t.tv_nsec;
    return r;
}

RX_GUEST_CALLABLE static long guest_clock_gettime(int clock, struct rx_timespec *ts)
{
    return host_read(host_gettime, clock, ts);
}

RX_GUEST_CALLABLE static long guest_clock_getres(int clock, struct rx_timespec *ts)
{
    return host_read(host_getres, clock, ts);
}

RX_GUEST_CALLABLE static long guest_getcpu(unsigned *cpu, unsigned *node) { return host_getcpu(cpu, node, NULL); }

/* The address of a LINUX_2.6 symbol of the image at ehdr, or 0.  Its dynamic
 * section holds link-time addresses; the image is linked at its first PT_LOAD. */
static uintptr_t vdso_symbol(const Elf64_Ehdr *e, const char *name)
{
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)e + e->e_phoff);
    uintptr_t base = 0;
    const Elf64_Dyn *dyn = NULL;
    int have_load = 0;
    for (int i = 0; i < e->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD && !have_load) base = (uintptr_t)e + ph[i].p_offset - ph[i].p_vaddr, have_load = 1;
        if (ph[i].p_type == PT_DYNAMIC) dyn = (const Elf64_Dyn *)((const char *)e + ph[i].p_offset);
    }
    if (!have_load || !dyn) return 0;
    const Elf64_Sym *sym = NULL;
    const char *str = NULL;
    const Elf64_Word *hash = NULL;
    const Elf64_Half *versym = NULL;
    const Elf64_Verdef *verdef = NULL;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t at = base + dyn->d_un.d_ptr;
        switch (dyn->d_tag) {
        case DT_SYMTAB: sym = (const Elf64_Sym *)at; break;
        case DT_STRTAB: str = (const char *)at; break;
        case DT_HASH: hash = (const Elf64_Word *)at; break;
        case DT_VERSYM: versym = (const Elf64_Half *)at; break;
        case DT_VERDEF: verdef = (const Elf64_Verdef *)at; break;
        }
    }
    if (!sym || !str || !hash) return 0;
    for (Elf64_Word i = 1; i < hash[1]; i++) { /* nchain: the number of symbols */
        if (strcmp(str + sym[i].st_name, name) != 0 || sym[i].st_shndx == SHN_UNDEF) continue;
        if (versym && verdef) { /* the version named LINUX_2.6, as the kernel's */
            const Elf64_Verdef *d = verdef;
            int ok = 0;
            for (;;) {
                const Elf64_Verdaux *aux = (const Elf64_Verdaux *)((const char *)d + d->vd_aux);
                if ((d->vd_ndx & 0x7fff) == (versym[i] & 0x7fff)) ok = strcmp(str + aux->vda_name, "LINUX_2.6") == 0;
                if (ok || !d->vd_next) break;
                d = (const Elf64_Verdef *)((const char *)d + d->vd_next);
            }
            if (!ok) continue;
        }
        return base + sym[i].st_value;
    }
    return 0;
}

long rx_guest_time(struct rx_guest_time *out)
{
    memset(out, 0, sizeof *out);
    const Elf64_Ehdr *e = (const Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
    if (!e || memcmp(e->e_ident, ELFMAG, SELFMAG) != 0) return -ENOSYS;
    host_gettime = (host_clock_fn)vdso_symbol(e, "__vdso_clock_gettime");
    host_getres = (host_clock_fn)vdso_symbol(e, "__vdso_clock_getres");
    host_getcpu = (host_getcpu_fn)vdso_symbol(e, "__vdso_getcpu");
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)e + e->e_phoff);
    host_lo = host_hi = (uintptr_t)e;
    for (int i = 0; i < e->e_phnum; i++)
        if (ph[i].p_type == PT_LOAD && (uintptr_t)e + ph[i].p_vaddr + ph[i].p_memsz > host_hi)
            host_hi = (uintptr_t)e + ph[i].p_vaddr + ph[i].p_memsz; /* the kernel's image is linked at 0 */
    if (host_gettime) out->clock_gettime = guest_clock_gettime;
    if (host_getres) out->clock_getres = guest_clock_getres;
    if (host_getcpu) out->getcpu = guest_getcpu;
    return 0;
}

int rx_guest_time_made(uintptr_t pc) { return pc >= host_lo && pc < host_hi; }
