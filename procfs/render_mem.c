/* render_mem.c — /proc/meminfo and /proc/vmstat.
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

/* /proc/vmstat: mm/vmstat.c's names in its order (a 6.x kernel without NUMA, as
 * lxrun's /sys shows none), the page counts from the same facts as meminfo's in
 * pages, every event counter 0 (Redox counts none: as a kernel whose counter
 * never moved).  procps' vmstat -s and vmstat read it; without it they stop. */
void render_vmstat(struct procfs_out *o, const struct procfs_facts *f, unsigned cpu)
{
    (void)cpu;
    const uint64_t free_pages = f->mem_free_kb / 4, file_pages = (f->cached_kb + f->buffers_kb) / 4;
    /* Linux's dirty limits with vm.dirty_ratio 20 and dirty_background_ratio 10, of
     * the memory a writer could dirty (free and page cache) */
    const uint64_t dirtyable = free_pages + file_pages;
    const struct { const char *key; uint64_t value; } lines[] = {
        { "nr_free_pages", free_pages }, { "nr_zone_inactive_anon", 0 }, { "nr_zone_active_anon", 0 },
        { "nr_zone_inactive_file", 0 }, { "nr_zone_active_file", 0 }, { "nr_zone_unevictable", 0 },
        { "nr_zone_write_pending", 0 }, { "nr_mlock", 0 }, { "nr_zspages", 0 }, { "nr_free_cma", 0 },
        { "nr_inactive_anon", 0 }, { "nr_active_anon", 0 }, { "nr_inactive_file", 0 }, { "nr_active_file", 0 },
        { "nr_unevictable", 0 }, { "nr_slab_reclaimable", 0 }, { "nr_slab_unreclaimable", 0 },
        { "nr_isolated_anon", 0 }, { "nr_isolated_file", 0 }, { "workingset_nodes", 0 },
        { "workingset_refault_anon", 0 }, { "workingset_refault_file", 0 }, { "workingset_activate_anon", 0 },
        { "workingset_activate_file", 0 }, { "workingset_restore_anon", 0 }, { "workingset_restore_file", 0 },
        { "workingset_nodereclaim", 0 }, { "nr_anon_pages", 0 }, { "nr_mapped", 0 }, { "nr_file_pages", file_pages },
        { "nr_dirty", 0 }, { "nr_writeback", 0 }, { "nr_shmem", f->shmem_kb / 4 }, { "nr_shmem_hugepages", 0 },
        { "nr_shmem_pmdmapped", 0 }, { "nr_file_hugepages", 0 }, { "nr_file_pmdmapped", 0 },
        { "nr_anon_transparent_hugepages", 0 }, { "nr_vmscan_write", 0 }, { "nr_vmscan_immediate_reclaim", 0 },
        { "nr_dirtied", 0 }, { "nr_written", 0 }, { "nr_throttled_written", 0 }, { "nr_kernel_misc_reclaimable", 0 },
        { "nr_foll_pin_acquired", 0 }, { "nr_foll_pin_released", 0 }, { "nr_kernel_stack", 0 },
        { "nr_page_table_pages", 0 }, { "nr_sec_page_table_pages", 0 }, { "nr_swapcached", 0 },
        { "nr_dirty_threshold", dirtyable / 5 }, { "nr_dirty_background_threshold", dirtyable / 10 },
        { "pgpgin", 0 }, { "pgpgout", 0 }, { "pswpin", 0 }, { "pswpout", 0 }, { "pgalloc_dma", 0 },
        { "pgalloc_dma32", 0 }, { "pgalloc_normal", 0 }, { "pgalloc_movable", 0 }, { "allocstall_dma", 0 },
        { "allocstall_dma32", 0 }, { "allocstall_normal", 0 }, { "allocstall_movable", 0 }, { "pgskip_dma", 0 },
        { "pgskip_dma32", 0 }, { "pgskip_normal", 0 }, { "pgskip_movable", 0 }, { "pgfree", 0 }, { "pgactivate", 0 },
        { "pgdeactivate", 0 }, { "pglazyfree", 0 }, { "pgfault", 0 }, { "pgmajfault", 0 }, { "pglazyfreed", 0 },
        { "pgrefill", 0 }, { "pgreuse", 0 }, { "pgsteal_kswapd", 0 }, { "pgsteal_direct", 0 },
        { "pgsteal_khugepaged", 0 }, { "pgscan_kswapd", 0 }, { "pgscan_direct", 0 }, { "pgscan_khugepaged", 0 },
        { "pgscan_direct_throttle", 0 }, { "pgscan_anon", 0 }, { "pgscan_file", 0 }, { "pgsteal_anon", 0 },
        { "pgsteal_file", 0 }, { "pginodesteal", 0 }, { "slabs_scanned", 0 }, { "kswapd_inodesteal", 0 },
        { "kswapd_low_wmark_hit_quickly", 0 }, { "kswapd_high_wmark_hit_quickly", 0 }, { "pageoutrun", 0 },
        { "pgrotated", 0 }, { "drop_pagecache", 0 }, { "drop_slab", 0 }, { "oom_kill", 0 }, { "pgmigrate_success", 0 },
        { "pgmigrate_fail", 0 }, { "unevictable_pgs_culled", 0 }, { "unevictable_pgs_scanned", 0 },
        { "unevictable_pgs_rescued", 0 }, { "unevictable_pgs_mlocked", 0 }, { "unevictable_pgs_munlocked", 0 },
        { "unevictable_pgs_cleared", 0 }, { "unevictable_pgs_stranded", 0 }, { "swap_ra", 0 }, { "swap_ra_hit", 0 },
        { "nr_unstable", 0 },
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        out_printf(o, "%s %llu\n", lines[i].key, (unsigned long long)lines[i].value);
}
