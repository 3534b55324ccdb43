/* render_mem.c — /proc/meminfo.
 *
 * fs/proc/meminfo.c's keys in its order, as an x86-64 6.x kernel built without
 * HIGHMEM, CMA or MEMORY_FAILURE prints them.  Redox (and rx.h) knows total,
 * free, shared and buffer memory and swap; the page-cache and slab breakdowns
 * have no source and print 0, which is also what a kernel prints for a counter
 * that never moved. */
#include "render.h"

/* Linux's VMALLOC_TOTAL with 4-level paging, in kB. */
#define VMALLOC_TOTAL_KB 34359738367ull

/* Linux's default vm.overcommit_ratio. */
#define OVERCOMMIT_RATIO 50

enum meminfo_form {
    KB,    /* show_val_kb(): key padded to 16 columns, "%8lu kB" */
    COUNT, /* the HugePages_ counters: key padded to 19 columns, "%5lu" */
};

struct meminfo_line {
    const char *key;
    enum meminfo_form form;
    uint64_t value;
};

void render_meminfo(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    uint64_t commit_limit = f->mem_total_kb * OVERCOMMIT_RATIO / 100 + f->swap_total_kb;
    const struct meminfo_line lines[] = {
        { "MemTotal:", KB, f->mem_total_kb },
        { "MemFree:", KB, f->mem_free_kb },
        { "MemAvailable:", KB, f->mem_available_kb },
        { "Buffers:", KB, f->buffers_kb },
        { "Cached:", KB, f->cached_kb },
        { "SwapCached:", KB, 0 },
        { "Active:", KB, 0 },
        { "Inactive:", KB, 0 },
        { "Active(anon):", KB, 0 },
        { "Inactive(anon):", KB, 0 },
        { "Active(file):", KB, 0 },
        { "Inactive(file):", KB, 0 },
        { "Unevictable:", KB, 0 },
        { "Mlocked:", KB, 0 },
        { "SwapTotal:", KB, f->swap_total_kb },
        { "SwapFree:", KB, f->swap_free_kb },
        { "Zswap:", KB, 0 },
        { "Zswapped:", KB, 0 },
        { "Dirty:", KB, 0 },
        { "Writeback:", KB, 0 },
        { "AnonPages:", KB, 0 },
        { "Mapped:", KB, 0 },
        { "Shmem:", KB, f->shmem_kb },
        { "KReclaimable:", KB, 0 },
        { "Slab:", KB, 0 },
        { "SReclaimable:", KB, 0 },
        { "SUnreclaim:", KB, 0 },
        { "KernelStack:", KB, 0 },
        { "PageTables:", KB, 0 },
        { "SecPageTables:", KB, 0 },
        { "NFS_Unstable:", KB, 0 },
        { "Bounce:", KB, 0 },
        { "WritebackTmp:", KB, 0 },
        { "CommitLimit:", KB, commit_limit },
        { "Committed_AS:", KB, 0 },
        { "VmallocTotal:", KB, VMALLOC_TOTAL_KB },
        { "VmallocUsed:", KB, 0 },
        { "VmallocChunk:", KB, 0 },
        { "Percpu:", KB, 0 },
        { "AnonHugePages:", KB, 0 },
        { "ShmemHugePages:", KB, 0 },
        { "ShmemPmdMapped:", KB, 0 },
        { "FileHugePages:", KB, 0 },
        { "FilePmdMapped:", KB, 0 },
        { "Balloon:", KB, 0 },
        { "HugePages_Total:", COUNT, 0 },
        { "HugePages_Free:", COUNT, 0 },
        { "HugePages_Rsvd:", COUNT, 0 },
        { "HugePages_Surp:", COUNT, 0 },
        { "Hugepagesize:", KB, f->hugepage_size_kb },
        { "Hugetlb:", KB, 0 },
        { "DirectMap4k:", KB, 0 },
        { "DirectMap2M:", KB, 0 },
        { "DirectMap1G:", KB, 0 },
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        unsigned long long v = lines[i].value;
        if (lines[i].form == KB) out_printf(o, "%-16s%8llu kB\n", lines[i].key, v);
        else out_printf(o, "%-19s%5llu\n", lines[i].key, v);
    }
}
