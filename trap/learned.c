/* learned.c — what lxrun learns about programs, shared by every session of the
 * user: the site table (site_cache.c), the CPUID answers and sites
 * (cpuid_sites.c), the interpreter's planted pages (plant_cache.c) and the
 * names of files (redox/host-linux.c, names_map) live in a file of the user's
 * cache directory, mapped by each session (rx_learned_open).
 *
 * Each `lxrun PROGRAM` is a session of its own, and its first program paid for
 * everything a session learns: ld.so's ~27 calls each through the trap before its
 * sites are known, its ~40-70 CPUIDs run by the CPU (each a VM exit in a VM)
 * before the answers are -- 29 traps in /bin/true, 57 in git --version.  With the
 * file, the first program of a session starts as a session's later ones do.
 *
 * The file is keyed (and named) by lxrun's build (its GNU build ID: the kept
 * part's layout, the trampolines' code), the boot (the CPUID answers are the
 * machine's: a VM may boot again on another CPU or with another topology) and
 * whether CPUID is served (a session that runs the CPU's must not map another's
 * detours).  Opened once, by the session's first lxrun, before any kept part is
 * carved; the sessions of one build, boot and mode then share it as the
 * processes of one session share their memory. */
#include "learned.h"

#include <elf.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "../redox/rx.h"
#include "trap.h"

#define BUILD_ID_MAX 32
/* Another build's file of this boot unused (neither changed nor mapped) this long
 * goes when a session makes a new one: that build is most likely gone, and if not,
 * it learns again. */
#define UNUSED_DROPPED_S (7 * 24 * 3600L)

static char dir_[4000] RX_START_WRITTEN, path[4096] RX_START_WRITTEN;
static struct {
    uint8_t build[BUILD_ID_MAX];
    uint8_t boot[16];
    uint8_t serving;
} key RX_START_WRITTEN;
static int state RX_EXEC_READ; /* 0 none, 1 chosen, 2 an earlier session's file, 3 a new one */

extern const Elf64_Ehdr __ehdr_start;

/* lxrun's own GNU build ID from its program headers: its length, or 0. */
static size_t build_id(uint8_t *out)
{
    const Elf64_Ehdr *eh = &__ehdr_start;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
    uintptr_t bias = (uintptr_t)eh; /* a position-independent lxrun's header is at its vaddr 0 */
    for (int i = 0; i < eh->e_phnum; i++)
        if (ph[i].p_type == PT_PHDR) bias = (uintptr_t)ph - ph[i].p_vaddr;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type != PT_NOTE) continue;
        const char *p = (const char *)(bias + ph[i].p_vaddr), *end = p + ph[i].p_memsz;
        while (p + sizeof(Elf64_Nhdr) <= end) {
            const Elf64_Nhdr *n = (const Elf64_Nhdr *)p;
            const char *name = p + sizeof *n, *desc = name + ((n->n_namesz + 3) & ~3u);
            if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 && !memcmp(name, "GNU", 4) &&
                n->n_descsz <= BUILD_ID_MAX && desc + n->n_descsz <= end) {
                memcpy(out, desc, n->n_descsz);
                return n->n_descsz;
            }
            p = desc + ((n->n_descsz + 3) & ~3u);
        }
    }
    return 0;
}

void lx_learned_choose(const char *dir)
{
    state = 0;
    if (!dir || dir[0] != '/' || strlen(dir) >= sizeof dir_ || !build_id(key.build) || rx_boot_id(key.boot) < 0) return;
    strcpy(dir_, dir);
    state = 1;
}

/* path: the file's for the key with serving: named by the key, two builds, boots
 * or CPUID modes never take turns at one file */
static void name_for(int serving)
{
    key.serving = (uint8_t)serving;
    uint64_t h = lx_bytes_hash(&key, sizeof key);
    static const char hex[] = "0123456789abcdef";
    char name[] = "/learned-0000000000000000";
    for (int i = 0; i < 16; i++) name[9 + i] = hex[h >> (60 - 4 * i) & 15];
    strcpy(path, dir_);
    strcat(path, name);
}

int lx_learned_exists(int serving)
{
    if (state != 1) return 0;
    name_for(serving);
    return rx_learned_exists(path) == 1;
}

int lx_learned_open(int serving)
{
    if (state != 1) return 0;
    name_for(serving);
    long r = rx_learned_open(path, &key, sizeof key);
    state = r == 1 ? 2 : r == 2 ? 3 : 0;
    if (state == 3)
        rx_learned_drop_others(path, &key, sizeof key, offsetof(__typeof__(key), boot), sizeof key.boot, UNUSED_DROPPED_S);
    return state >= 2;
}

const char *lx_learned_path(void) { return state >= 2 ? path : NULL; }

__attribute__((no_stack_protector)) int lx_learned_earlier(void) { return state == 2; }

void lx_learned_corrupt(void)
{
    rx_learned_drop();
    state = 0;
}
