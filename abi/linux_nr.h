/* linux_nr.h — the range of Linux's x86-64 system call numbers
 * (arch/x86/entry/syscalls/syscall_64.tbl: 0..334 and 424..469). */
#ifndef LXRUN_ABI_LINUX_NR_H
#define LXRUN_ABI_LINUX_NR_H

#define LX_NR_MAX 469

#endif
