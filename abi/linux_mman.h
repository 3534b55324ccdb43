/* linux_mman.h — Linux's x86-64 memory-mapping values as the guest passes them
 * (include/uapi/asm-generic/mman-common.h, arch/x86/include/uapi/asm/mman.h,
 * include/uapi/linux/mman.h), and their conversion to rx.h's (Redox's).  The
 * guest's address-space record (guestmem/) keeps Linux's PROT_* values. */
#ifndef LXRUN_ABI_LINUX_MMAN_H
#define LXRUN_ABI_LINUX_MMAN_H

#define LINUX_PROT_NONE 0x0
#define LINUX_PROT_READ 0x1
#define LINUX_PROT_WRITE 0x2
#define LINUX_PROT_EXEC 0x4
#define LINUX_PROT_GROWSDOWN 0x01000000
#define LINUX_PROT_GROWSUP 0x02000000

#define LINUX_MAP_SHARED 0x01
#define LINUX_MAP_PRIVATE 0x02
#define LINUX_MAP_SHARED_VALIDATE 0x03
#define LINUX_MAP_TYPE 0x0f
#define LINUX_MAP_FIXED 0x10
#define LINUX_MAP_ANONYMOUS 0x20
#define LINUX_MAP_32BIT 0x40
#define LINUX_MAP_GROWSDOWN 0x0100
#define LINUX_MAP_DENYWRITE 0x0800
#define LINUX_MAP_EXECUTABLE 0x1000
#define LINUX_MAP_LOCKED 0x2000
#define LINUX_MAP_NORESERVE 0x4000
#define LINUX_MAP_POPULATE 0x8000
#define LINUX_MAP_NONBLOCK 0x10000
#define LINUX_MAP_STACK 0x20000
#define LINUX_MAP_HUGETLB 0x40000
#define LINUX_MAP_SYNC 0x80000
#define LINUX_MAP_FIXED_NOREPLACE 0x100000
#define LINUX_MAP_UNINITIALIZED 0x4000000
#define LINUX_MAP_HUGE_SHIFT 26
#define LINUX_MAP_HUGE_MASK 0x3f

#define LINUX_MREMAP_MAYMOVE 1
#define LINUX_MREMAP_FIXED 2
#define LINUX_MREMAP_DONTUNMAP 4

/* madvise advice (the numbers of asm-generic/mman-common.h) */
#define LINUX_MADV_NORMAL 0
#define LINUX_MADV_RANDOM 1
#define LINUX_MADV_SEQUENTIAL 2
#define LINUX_MADV_WILLNEED 3
#define LINUX_MADV_DONTNEED 4
#define LINUX_MADV_FREE 8
#define LINUX_MADV_REMOVE 9
#define LINUX_MADV_DONTFORK 10
#define LINUX_MADV_DOFORK 11
#define LINUX_MADV_MERGEABLE 12
#define LINUX_MADV_UNMERGEABLE 13
#define LINUX_MADV_HUGEPAGE 14
#define LINUX_MADV_NOHUGEPAGE 15
#define LINUX_MADV_DONTDUMP 16
#define LINUX_MADV_DODUMP 17
#define LINUX_MADV_WIPEONFORK 18
#define LINUX_MADV_KEEPONFORK 19
#define LINUX_MADV_COLD 20
#define LINUX_MADV_PAGEOUT 21
#define LINUX_MADV_POPULATE_READ 22
#define LINUX_MADV_POPULATE_WRITE 23
#define LINUX_MADV_DONTNEED_LOCKED 24
#define LINUX_MADV_COLLAPSE 25

#define LINUX_MS_ASYNC 1
#define LINUX_MS_INVALIDATE 2
#define LINUX_MS_SYNC 4
/* mlock2's and mlockall's flags */
#define LINUX_MLOCK_ONFAULT 1
#define LINUX_MCL_CURRENT 1
#define LINUX_MCL_FUTURE 2
#define LINUX_MCL_ONFAULT 4
/* memfd_create's flags */
#define LINUX_MFD_CLOEXEC 0x1
#define LINUX_MFD_ALLOW_SEALING 0x2
#define LINUX_MFD_HUGETLB 0x4
#define LINUX_MFD_NOEXEC_SEAL 0x8
#define LINUX_MFD_EXEC 0x10
#define LINUX_MFD_NAME_MAX 249 /* NAME_MAX less "memfd:" */

/* PROT_* to rx.h's; the GROWS bits are the caller's to handle first. */
int abi_prot_to_rx(int linux_prot);
/* mmap flags to rx.h's, the mapping type included (SHARED_VALIDATE → SHARED).
 * Flags Linux accepts and ignores (DENYWRITE, EXECUTABLE, UNINITIALIZED) are
 * dropped; *unknown gets the bits Linux does not define (MAP_SHARED_VALIDATE
 * refuses those with EOPNOTSUPP). */
int abi_mmap_flags_to_rx(int linux_flags, int *unknown);
/* madvise advice to rx.h's RX_MADV_*, or -1 for advice lxrun does not know or
 * serve (the memory-failure injections, which need CAP_SYS_ADMIN and would poison
 * lxrun's own pages). */
int abi_madvise_to_rx(int linux_advice);
/* msync flags to rx.h's. */
int abi_msync_flags_to_rx(int linux_flags);

/* The end of user address space with 4-level paging: Linux refuses FS/GS bases
 * (arch_prctl, CLONE_SETTLS) from here up. */
#define LINUX_TASK_SIZE_MAX 0x7ffffffff000ULL

#endif
