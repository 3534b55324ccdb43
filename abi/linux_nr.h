/* linux_nr.h — the range of Linux's x86-64 system call numbers
 * (arch/x86/entry/syscalls/syscall_64.tbl: 0..334 and 424..469). */
#ifndef LXRUN_ABI_LINUX_NR_H
#define LXRUN_ABI_LINUX_NR_H

#define LX_NR_MAX 469
/* the numbers code names apart from the table's lines (syscalls/table.def) */
#define LINUX_NR_clone 56

#endif
