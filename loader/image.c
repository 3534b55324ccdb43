/* image.c — open, validate and map an ELF the way the kernel's binfmt_elf does. */
#include "image.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../abi/linux_errno.h"
#include "../abi/linux_mman.h"
#include "../guestmem/vma.h"
#include "../redox/rx.h"
#include "../vfs-map/vfs.h"
#include "elf_check.h"

#define PIE_BASE_HINT 0x555555554000UL

static int fail_errno(struct lx_exec_error *err, int status, int errnum, const char *msg)
{
    err->status = status;
    err->errnum = errnum;
    snprintf(err->msg, sizeof err->msg, "%s", msg);
    return -1;
}

/* What the kernel says of a file it cannot run as an ELF image. */
static int fail(struct lx_exec_error *err, int status, const char *msg)
{
    return fail_errno(err, status, ENOEXEC, msg);
}

/* The first bytes of a file, where the ELF header is and, in most programs, the
 * program headers and the interpreter's path after it: one read, not three. */
#define HEAD_READ 1024

/* What the opening (its status) and the look for a script (the head, read whole)
 * learnt of one handle, for the check that follows on it: one use, so a later
 * check of another file on the same number reads again.  While the checks keep
 * handles for the load (lx_image_open_kept), the kept copy's number is noted
 * too, and the load's check of that copy takes the same once: an exec reads each
 * file's head and status once, as the kernel's does (a vfork's waiting child
 * checks and loads: two calls fewer a file).  Zeroes (a fork's child): nothing. */
struct handle_known {
    int valid, fd, has_st;
    int has_kept, kept; /* the kept copy of fd, for the load */
    long head_n;        /* bytes of head read, or -1 */
    struct rx_stat st;
    unsigned char head[HEAD_READ];
};

/* Large; loading and checking are single-threaded.  One elf_info for both: an
 * exec in place writes one page of it, not two.  Scratch a fork does not copy: a
 * shell's lxrun checks each program it runs just before forking, and would
 * otherwise copy these pages again at its next check while the child lives.
 * The opening's target too: on the stack, its 4 KiB took the checks a page
 * deeper, one more copied after each fork.  (Its first page is named to the
 * host as one a fork had better copy: check_scratch.) */
struct check_scratch {
    /* first, with ei's header and first program headers: one page.  Two: a
     * program and its interpreter (a script's third file reads again). */
    struct handle_known known[2];
    struct elf_info ei;
    struct lx_image probe;
    struct vfs_target open;
    char probe_interp[LX_INTERP_ROOM];
    char url_and_path[2 * 4096 + 16]; /* an image's name found (image_name) */
};
_Static_assert(offsetof(struct check_scratch, ei.ph) + 16 * sizeof(Elf64_Phdr) <= 4096,
               "the handles' heads, ei's header and its first program headers on one page");

static struct check_scratch *check_scratch(void)
{
    static struct check_scratch fallback, *s RX_EXEC_READ;
    if (!s) {
        s = rx_alloc_unforked(sizeof *s);
        /* populated: a load writes its first page, the opening's target and the
         * name's room (three faults otherwise) */
        if (s) rx_madvise((uintptr_t)s, sizeof *s, RX_MADV_POPULATE_WRITE);
        /* its first page (the heads, ei's header), copied into a fork where the host
         * can: a vfork window's child loads the files its parent checked without
         * reading their heads and status again, and takes no fault for the page */
        if (s) rx_fork_copies(s, 4096);
        else s = &fallback;
    }
    return s;
}

static struct elf_info *elf_scratch(void) { return &check_scratch()->ei; }

static struct vfs_target *open_scratch(void) { return &check_scratch()->open; }

/* The record of handle fd: its own (once), or the one whose kept copy it is. */
static struct handle_known *known_of(struct check_scratch *s, int fd)
{
    for (int i = 0; i < 2; i++)
        if ((s->known[i].valid && s->known[i].fd == fd) || (s->known[i].has_kept && s->known[i].kept == fd))
            return &s->known[i];
    return NULL;
}

/* A record for a handle just opened, nothing known yet: one not holding a kept
 * copy's if there is one (the program's stays while its interpreter is checked). */
static struct handle_known *known_new(struct check_scratch *s, int fd)
{
    static unsigned turn; /* both hold kept copies (a script's chain): the older goes */
    struct handle_known *k = !s->known[0].has_kept ? &s->known[0] : !s->known[1].has_kept ? &s->known[1]
                                                                                       : &s->known[turn++ & 1];
    for (int i = 0; i < 2; i++)
        if (s->known[i].fd == fd) s->known[i].valid = 0; /* an earlier handle's, never checked */
    k->valid = 1, k->fd = fd, k->has_st = 0, k->has_kept = 0, k->head_n = -1;
    return k;
}

/* A handle we can read from: an O_PATH one (fexecve accepts those) opened again. */
static long readable_copy(int fd)
{
    long d = rx_dup(fd, "");
    char probe;
    if (d < 0 || rx_pread((int)d, &probe, 0, 0) != -EBADF) return d;
    rx_close((int)d);
    char url[4096 + 16];
    long r = rx_fpath(fd, url, sizeof url);
    return r < 0 ? r : rx_openat(RX_AT_CWD, url, RX_O_RDONLY | RX_O_CLOEXEC | RX_O_NONBLOCK, 0);
}

/* The execute bit that applies to the caller; root needs any (checked before).
 * With all three set, whoever the caller is (no identity asked: two calls an
 * exec of each file, most of them 0755). */
static int may_execute(const struct rx_stat *st)
{
    if ((st->mode & 0111) == 0111) return 1;
    long euid = rx_geteuid();
    return euid == 0 || (rx_mode_bits_for(st->mode, st->uid, st->gid, (uint32_t)euid, (uint32_t)rx_getegid()) & 1);
}

int lx_image_open_at(int dirfd, const char *guest_path, struct lx_exec_error *err)
{
    long fd;
    if (!guest_path[0]) {
        fd = readable_copy(dirfd);
    } else {
        struct vfs_target *t = open_scratch();
        int r = vfs_resolve(dirfd, guest_path, t);
        /* RX_O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below. */
        fd = r < 0 ? r : vfs_open(t, RX_O_RDONLY | RX_O_CLOEXEC | RX_O_NONBLOCK, 0);
    }
    if (fd < 0) {
        fail_errno(err, fd == -ENOENT || fd == -ENOTDIR ? 127 : 126, (int)-fd, abi_errno_text((int)-fd));
        return -1;
    }
    struct rx_stat st;
    const char *why = NULL;
    if (rx_fstat((int)fd, &st) < 0) why = "cannot stat";
    else if (RX_MODE_IS(st.mode, RX_MODE_DIR)) why = "Is a directory";
    else if (!RX_MODE_IS(st.mode, RX_MODE_FILE)) why = "not a regular file";
    else if (!(st.mode & 0111)) why = "Permission denied";
    else if (!may_execute(&st)) why = "Permission denied";
    if (why) {
        rx_close((int)fd);
        fail_errno(err, 126, EACCES, why);
        return -1;
    }
    struct handle_known *k = known_new(check_scratch(), (int)fd);
    k->has_st = 1, k->st = st;
    return (int)fd;
}

int lx_image_open(const char *guest_path, struct lx_exec_error *err)
{
    return lx_image_open_at(RX_AT_CWD, guest_path, err);
}

static uint64_t kept_key(int dirfd, const char *path)
{
    uint64_t h = 1469598103934665603ULL ^ (uint32_t)dirfd; /* FNV-1a */
    for (; *path; path++) h = (h ^ (unsigned char)*path) * 1099511628211ULL;
    return h;
}

static const char *image_name(int fd, const struct rx_stat *st, const char *guest_path);

int lx_image_open_kept(struct lx_image_kept *k, int dirfd, const char *guest_path, struct lx_exec_error *err)
{
    if (!k || !k->floor) {
        if (k) k->taken_name = NULL;
        return lx_image_open_at(dirfd, guest_path, err);
    }
    uint64_t key = kept_key(dirfd, guest_path);
    if (!k->recording) {
        if (k->taken < k->n && k->key[k->taken] == key) {
            k->taken_name = k->name[k->taken];
            return k->fd[k->taken++];
        }
        lx_image_kept_close(k); /* not the files checked: none is taken after */
        k->taken_name = NULL;
        return lx_image_open_at(dirfd, guest_path, err);
    }
    int fd = lx_image_open_at(dirfd, guest_path, err);
    if (fd >= 0 && k->n < LX_IMAGE_KEPT_MAX) {
        long high = rx_fcntl(fd, RX_F_DUPFD_CLOEXEC, k->floor);
        if (high >= 0) {
            struct check_scratch *s = check_scratch();
            struct handle_known *h = known_of(s, fd); /* the opening's: its status */
            k->name[k->n] = image_name(fd, h && h->has_st ? &h->st : NULL, guest_path);
            k->key[k->n] = key, k->fd[k->n++] = (int)high;
            for (int i = 0; i < 2; i++)
                if (s->known[i].has_kept && s->known[i].kept == high) s->known[i].has_kept = 0; /* a number again */
            if (h) h->has_kept = 1, h->kept = (int)high;
        }
    }
    return fd;
}

void lx_image_kept_close(struct lx_image_kept *k)
{
    if (!k) return;
    struct check_scratch *s = check_scratch();
    s->known[0].has_kept = s->known[1].has_kept = 0;
    for (; k->taken < k->n; k->taken++) rx_close(k->fd[k->taken]);
    k->n = k->taken = 0;
}

long lx_image_head(int fd, char *buf, unsigned long len)
{
    if (len > HEAD_READ) len = HEAD_READ;
    struct check_scratch *s = check_scratch();
    struct handle_known *k = known_of(s, fd);
    if (!k) k = known_new(s, fd);
    if (k->head_n < 0) {
        long n = rx_pread(fd, k->head, HEAD_READ, 0); /* as much as the check reads: it need not read again */
        if (n < 0) return n;
        k->head_n = n;
    }
    long n = k->head_n > (long)len ? (long)len : k->head_n;
    memcpy(buf, k->head, (size_t)n);
    return n;
}

/* The guest's view of a segment's protection (Linux's PROT_*, as guestmem keeps it). */
static int prot_of(uint32_t pf)
{
    return (pf & PF_R ? LINUX_PROT_READ : 0) | (pf & PF_W ? LINUX_PROT_WRITE : 0) | (pf & PF_X ? LINUX_PROT_EXEC : 0);
}

/* Maps one PT_LOAD: file pages, the zeroed tail of the last file page, anonymous bss. */
static int map_segment(int fd, const Elf64_Phdr *p, uintptr_t bias, const struct rx_stat *st,
                       const char *name)
{
    int prot = prot_of(p->p_flags);
    uintptr_t start = GM_PAGE_DOWN(bias + p->p_vaddr);
    uintptr_t file_end = bias + p->p_vaddr + p->p_filesz;
    uintptr_t mem_end = GM_PAGE_UP(bias + p->p_vaddr + p->p_memsz);
    uint64_t off = GM_PAGE_DOWN(p->p_offset);
    uintptr_t map_end = p->p_filesz ? GM_PAGE_UP(file_end) : start;

    if (map_end > start) {
        long r = rx_mmap(start, map_end - start,
                         abi_prot_to_rx(prot | (p->p_memsz > p->p_filesz ? LINUX_PROT_WRITE : 0)),
                         RX_MAP_PRIVATE | RX_MAP_FIXED, fd, (int64_t)off);
        if (r < 0) return (int)r;
        if (p->p_memsz > p->p_filesz && (file_end & (GM_PAGE - 1)))
            memset((void *)file_end, 0, map_end - file_end);
        if (p->p_memsz > p->p_filesz && !(prot & LINUX_PROT_WRITE))
            rx_mprotect(start, map_end - start, abi_prot_to_rx(prot));
        gm_add(start, map_end - start, prot, 0, GM_FILE, off, st->dev, st->ino, name);
    }
    if (mem_end > map_end) {
        long r = rx_mmap(map_end, mem_end - map_end, abi_prot_to_rx(prot), RX_MAP_PRIVATE | RX_MAP_FIXED | RX_MAP_ANONYMOUS,
                         -1, 0);
        if (r < 0) return (int)r;
        gm_add(map_end, mem_end - map_end, prot, 0, GM_ANON, 0, 0, 0, NULL);
    }
    return 0;
}

/* n bytes at off into to: from head (len bytes read at 0) when they are there. */
static long read_at(int fd, const unsigned char *head, long len, void *to, size_t n, uint64_t off)
{
    if (len >= 0 && off <= (uint64_t)len && n <= (uint64_t)len - off) {
        memcpy(to, head + off, n);
        return (long)n;
    }
    return rx_pread(fd, to, n, (int64_t)off);
}

/* Everything the kernel's exec checks before mapping; fills ei and the interpreter. */
static int check_image(int fd, int is_interp, struct elf_info *ei, struct rx_stat *st, struct lx_image *img,
                       struct lx_exec_error *err)
{
    struct check_scratch *s = check_scratch();
    const char *why;
    struct handle_known *k = known_of(s, fd);
    if (!k) k = known_new(s, fd);
    if (k->valid && k->fd == fd) k->valid = 0; /* once: the number may name another file next */
    else k->has_kept = 0;                      /* the kept copy's, once: the load's check */
    unsigned char *head = k->head;
    if (k->has_st) *st = k->st;
    else if (rx_fstat(fd, st) < 0) return fail(err, 126, "cannot stat");
    else k->st = *st, k->has_st = 1; /* for the kept copy's check */
    long n = k->head_n >= 0 ? k->head_n : rx_pread(fd, head, HEAD_READ, 0);
    if (n < 0) return fail(err, 126, abi_errno_text((int)-n));
    k->head_n = n;
    if (elf_check_ehdr(head, (size_t)n, (uint64_t)st->size, ei, &why) < 0) return fail(err, 126, why);
    size_t phsize = ei->eh.e_phnum * sizeof(Elf64_Phdr);
    if (read_at(fd, head, n, ei->ph, phsize, ei->eh.e_phoff) != (long)phsize)
        return fail(err, 126, "cannot read program headers");
    if (elf_check_phdrs(ei, (uint64_t)st->size, &why) < 0) return fail(err, 126, why);
    if ((is_interp || !img->interp) && ei->interp_index >= 0)
        return fail(err, 126, "the interpreter itself asks for an interpreter");

    lx_image_clear(img);
    if (ei->interp_index >= 0) {
        const Elf64_Phdr *p = &ei->ph[ei->interp_index];
        /* As Linux: the segment must end in a NUL and the path is the string up
         * to the first NUL (NUL padding after it, as left by in-place edits, is fine). */
        if (read_at(fd, head, n, img->interp, p->p_filesz, p->p_offset) != (long)p->p_filesz ||
            img->interp[p->p_filesz - 1] != 0 || img->interp[0] == 0)
            return fail(err, 126, "malformed interpreter path");
        img->has_interp = 1;
    }
    return 0;
}

/* A static program without PT_GNU_EH_FRAME (busybox-static: ld -static drops the
 * search table) still has .eh_frame, which cpuid_sites.c needs to bound the
 * functions of glibc's CPU probing; only the section headers say where it is.
 * 0 when there are none, or it is not inside a loaded segment.  Read a few
 * headers at a time into a small frame: this runs deep in an exec's trap stack,
 * where 5 KiB of buffers took a page more (a fault in every exec'd child). */
#define SHDRS_MAX 64
#define SHDRS_BATCH 16
static int is_eh_frame(const Elf64_Shdr *sh, const char *names, size_t len)
{
    return sh->sh_name < len && len - sh->sh_name >= sizeof ".eh_frame" &&
           memcmp(names + sh->sh_name, ".eh_frame", sizeof ".eh_frame") == 0 && sh->sh_type == SHT_PROGBITS &&
           (sh->sh_flags & SHF_ALLOC);
}

static int eh_frame_loaded(const Elf64_Shdr *sh, const struct elf_info *e, struct lx_image *img)
{
    for (int k = 0; k < e->eh.e_phnum; k++) {
        const Elf64_Phdr *p = &e->ph[k];
        if (p->p_type == PT_LOAD && (p->p_flags & PF_R) && sh->sh_addr >= p->p_vaddr &&
            sh->sh_addr + sh->sh_size <= p->p_vaddr + p->p_filesz && sh->sh_addr + sh->sh_size > sh->sh_addr) {
            img->eh_frame = img->bias + sh->sh_addr;
            img->eh_frame_len = sh->sh_size;
            return 1;
        }
    }
    return 0;
}

static void find_eh_frame(int fd, const struct elf_info *e, struct lx_image *img)
{
    for (int i = 0; i < e->eh.e_phnum; i++)
        if (e->ph[i].p_type == PT_GNU_EH_FRAME) return;
    Elf64_Shdr sh[SHDRS_BATCH], str;
    unsigned n = e->eh.e_shnum;
    if (!e->eh.e_shoff || e->eh.e_shentsize != sizeof sh[0] || n == 0 || n > SHDRS_MAX || e->eh.e_shstrndx >= n)
        return;
    if (rx_pread(fd, &str, sizeof str, (int64_t)(e->eh.e_shoff + e->eh.e_shstrndx * sizeof str)) != (long)sizeof str)
        return;
    char names[1024];
    size_t len = str.sh_size < sizeof names ? str.sh_size : sizeof names;
    if (str.sh_type != SHT_STRTAB || rx_pread(fd, names, len, (int64_t)str.sh_offset) != (long)len) return;
    for (unsigned from = 0; from < n; from += SHDRS_BATCH) {
        unsigned k = n - from < SHDRS_BATCH ? n - from : SHDRS_BATCH;
        if (rx_pread(fd, sh, k * sizeof sh[0], (int64_t)(e->eh.e_shoff + from * sizeof sh[0])) != (long)(k * sizeof sh[0]))
            return;
        for (unsigned i = 0; i < k; i++)
            if (is_eh_frame(&sh[i], names, len) && eh_frame_loaded(&sh[i], e, img)) return;
    }
}

/* Named as Linux's maps names it: the file's own path, links resolved. */
static const char *image_name(int fd, const struct rx_stat *st, const char *guest_path)
{
    struct check_scratch *s = check_scratch();
    const char *canon = vfs_fd_guest_path(fd, st, s->url_and_path, sizeof s->url_and_path);
    return gm_intern(canon ? canon : guest_path);
}

struct lx_image *lx_image_probe_scratch(void)
{
    struct check_scratch *s = check_scratch();
    s->probe.interp = s->probe_interp; /* each time: a fork's child has zeroes here */
    return &s->probe;
}

int lx_image_check(int fd, struct lx_image *img, struct lx_exec_error *err)
{
    struct rx_stat st;
    return check_image(fd, 0, elf_scratch(), &st, img, err);
}

int lx_image_map(int fd, const char *guest_path, const char *name, int is_interp, struct lx_image *img,
                 struct lx_exec_error *err)
{
    struct rx_stat st;
    struct elf_info *ei = elf_scratch();
    if (check_image(fd, is_interp, ei, &st, img, err) < 0) return -1;
    img->dev = st.dev;
    img->ino = st.ino;
    img->size = st.size;
    img->ctime_ns = rx_stat_ctime_ns(&st);

    size_t span = ei->hi - ei->lo;
    uintptr_t bias = 0;
    if (ei->eh.e_type == ET_DYN) {
        long r = rx_mmap(is_interp ? 0 : PIE_BASE_HINT, span, RX_PROT_NONE,
                         RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_NORESERVE, -1, 0);
        if (r < 0) return fail_errno(err, 126, ENOMEM, "out of address space");
        bias = (uintptr_t)r - ei->lo;
    } else {
        long r = rx_mmap(ei->lo, span, RX_PROT_NONE,
                         RX_MAP_PRIVATE | RX_MAP_ANONYMOUS | RX_MAP_X_NORESERVE | RX_MAP_FIXED_NOREPLACE, -1, 0);
        if (r < 0 || (uintptr_t)r != ei->lo) return fail_errno(err, 126, ENOMEM, "its fixed load address is in use by lxrun");
    }
    gm_add(bias + ei->lo, span, LINUX_PROT_NONE, 0, GM_ANON, 0, 0, 0, NULL);

    if (!name) name = image_name(fd, &st, guest_path);
    for (int i = 0; i < ei->eh.e_phnum; i++) {
        if (ei->ph[i].p_type != PT_LOAD) continue;
        int r = map_segment(fd, &ei->ph[i], bias, &st, name);
        if (r < 0) return fail_errno(err, 126, -r, abi_errno_text(-r));
    }
    img->name = name;
    img->bias = bias;
    img->entry = bias + ei->eh.e_entry;
    img->phdr = bias + (ei->phdr_vaddr ? ei->phdr_vaddr : ei->lo + ei->eh.e_phoff);
    img->phnum = ei->eh.e_phnum;
    img->end = bias + ei->hi;
    img->exec_stack = ei->exec_stack;
    if (!is_interp && !img->has_interp) find_eh_frame(fd, ei, img);
    return 0;
}
