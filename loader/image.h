/* image.h — one ELF file mapped into guest memory: the program or its interpreter. */
#ifndef LXRUN_IMAGE_H
#define LXRUN_IMAGE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Why a program could not be started: the message lxrun prints after
 * "lxrun: PATH: ", and the shell-like exit status (126 cannot execute, 127 not found). */
struct lx_exec_error {
    int status;
    int errnum;    /* what Linux's execve would return (ENOENT, EACCES, ENOEXEC, ...) */
    char msg[256];
};

struct lx_image {
    uintptr_t bias;        /* load address minus link address (0 for ET_EXEC) */
    uintptr_t entry;       /* in memory */
    uintptr_t phdr;        /* program headers in memory */
    uint64_t phnum;
    uintptr_t end;         /* first page after the highest segment */
    int exec_stack;
    int has_interp;
    uint64_t dev, ino;     /* the file it was mapped from */
    int64_t size, ctime_ns; /* and its size and change time then (no one sets a ctime) */
    const char *name;      /* its path as /proc/self/maps names it (interned: gm_intern) */
    uintptr_t eh_frame;    /* a program without an interpreter nor PT_GNU_EH_FRAME: its */
    uint64_t eh_frame_len; /* .eh_frame in memory, from the section headers (0: none) */
    /* PT_INTERP path, as written in the file, in LX_INTERP_ROOM bytes the image's
     * holder gives (NULL: an interpreter's image, which may not name one).  Kept
     * out of the image, so a holder's fields share a page (each page first written
     * in a forked child is a copy-on-write fault).  Last (lx_image_clear). */
    char *interp;
};
#define LX_INTERP_ROOM 4097

/* Every field zero and interp empty, without writing the rest of interp. */
static inline void lx_image_clear(struct lx_image *img)
{
    memset(img, 0, offsetof(struct lx_image, interp));
    if (img->interp) img->interp[0] = 0;
}

/* Opens a guest path for execution: a regular file we may execute, or an error
 * with status 126/127.  Returns the fd or -1. */
int lx_image_open(const char *guest_path, struct lx_exec_error *err);
/* The same relative to dirfd (RX_AT_CWD or a directory); an empty path means
 * dirfd itself is the file (execveat's AT_EMPTY_PATH). */
int lx_image_open_at(int dirfd, const char *guest_path, struct lx_exec_error *err);
/* The files an exec's checks opened (lx_exec_probe), kept above lxrun's fd
 * floor for its load, in the order the load opens them: each script of a
 * chain, the ELF, its interpreter.  The file checked is then the file run (Linux's
 * execve opens each once), and the exec of a vfork's child in a fork opens
 * nothing again. */
#define LX_IMAGE_KEPT_MAX 6
struct lx_image_kept {
    int floor;       /* where kept handles go; 0: nothing is kept */
    int recording;   /* the checks run: each file opened is kept */
    int n, taken;
    int fd[LX_IMAGE_KEPT_MAX];
    uint64_t key[LX_IMAGE_KEPT_MAX]; /* dirfd and path hashed: a load asking for another file opens it itself */
    /* each file's name as /proc/self/maps shows it (interned: gm_intern), found
     * by the checks: a vfork window's fork then loads without finding it again
     * (a name interned afresh was a heap block and the table's page written in
     * every child, and the name cache's page read) */
    const char *name[LX_IMAGE_KEPT_MAX];
    const char *taken_name; /* the last handle taken's; NULL when it was opened afresh */
};
/* lx_image_open_at, through k (NULL: none): while recording, a copy of each
 * handle opened is kept, with its name; else the next kept one is taken when it
 * is for the same dirfd and path (the caller closes it as one it opened). */
int lx_image_open_kept(struct lx_image_kept *k, int dirfd, const char *guest_path, struct lx_exec_error *err);
/* The name of the handle lx_image_open_kept just returned, when it was a kept
 * one; else NULL (lx_image_map finds it). */
static inline const char *lx_image_kept_name(const struct lx_image_kept *k) { return k ? k->taken_name : NULL; }
/* Closes the handles not taken; k keeps nothing after. */
void lx_image_kept_close(struct lx_image_kept *k);
/* Validates and maps an opened ELF; name: its name for /proc/self/maps when
 * known (lx_image_kept_name), else NULL.  -1 with err filled on failure. */
int lx_image_map(int fd, const char *guest_path, const char *name, int is_interp, struct lx_image *img,
                 struct lx_exec_error *err);
/* Validates an opened ELF as lx_image_map would, without mapping it; fills
 * img->interp.  0, or -1 with err. */
int lx_image_check(int fd, struct lx_image *img, struct lx_exec_error *err);
/* An image record for exec's checks, in scratch memory a fork does not copy
 * (rx_alloc_unforked): its contents last until the next check. */
struct lx_image *lx_image_probe_scratch(void);
/* Reads the first bytes of an opened file (for "#!" and ELF magic), at most 1024
 * (all the check that follows on the handle reads: lx_image_check, lx_image_map). */
long lx_image_head(int fd, char *buf, unsigned long len);

#endif
