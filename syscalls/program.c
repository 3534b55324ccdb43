/* program.c — a program image becoming the process's (program.h). */
#include "program.h"

#include "../process/process.h"
#include "../process/ptable.h"
#include "../procfs/procfs.h"
#include "../redox/rx.h"
#include "../report/report.h"
#include "../trap/trap.h"
#include "../vfs-map/vfs.h"

/* An image the loader mapped, for the rewriter's known sites (trap/site_cache.c). */
static void image_mapped(const struct lx_image *img, int interp)
{
    struct lx_file_id id = { img->dev, img->ino, img->size, img->ctime_ns };
    lx_trap_image_mapped(&id, interp);
}

/* Where glibc asks its CPUIDs and ld.so makes its calls: ld.so, or a program
 * without one (trap/cpuid_sites.c, plant_cache.c; a large program's text is not
 * searched for the few CPUIDs it may hold). */
static void image_plant(const struct lx_image *img, int interp)
{
    struct lx_file_id id = { img->dev, img->ino, img->size, img->ctime_ns };
    lx_trap_image_plant(img->bias, img->phdr, img->phnum, img->eh_frame, img->eh_frame_len, &id, interp);
}

int lx_program_load(const struct lx_program *p, struct lx_start *st, struct lx_exec_error *err)
{
    struct lx_ids id;
    lx_process_ids(&id);
    struct lx_exec_view view = { .hwcap2_hidden = lx_trap_hwcap2_hidden(), .uid = id.uid, .euid = id.euid,
                                 .gid = id.gid, .egid = id.egid, .vdso_counting = lx_report.observe };
    if (lx_exec_prepare_at(p->dirfd, p->prog, p->execfn, p->argc, p->argv, p->envp, &view, p->kept, st, err) < 0)
        return -1;
    /* first: the program's stamp keys its files' sites; a program without an
     * interpreter has its own known by its file alone, as ld.so's (plant_cache.c) */
    image_mapped(&st->prog, !st->prog.has_interp);
    if (st->prog.has_interp) image_mapped(&st->interp, 1);
    image_plant(st->prog.has_interp ? &st->interp : &st->prog, st->prog.has_interp);
    lx_process_start(st->brk, p->execfn);
    const char *exe = st->prog.name ? st->prog.name : p->prog; /* the file's own path, links resolved */
    lx_process_image(exe, st->stack.sp, st->stack.arg_start, st->stack.arg_end, st->stack.env_start, st->stack.env_end,
                     st->stack.auxv, st->stack.auxv_len);
    static char cwd[LX_PT_PATH] RX_START_WRITTEN;
    if (!p->in_place && vfs_getcwd(cwd, sizeof cwd) >= 0) lx_ptable_set_cwd(cwd);
    lx_ptable_set_text(st->prog.dev, st->prog.ino, st->prog.has_interp ? st->interp.dev : 0,
                       st->prog.has_interp ? st->interp.ino : 0);
    lx_ptable_answering(procfs_answer); /* what only this process knows, for its siblings' /proc */
    lx_report.program = p->execfn;
    return 0;
}
