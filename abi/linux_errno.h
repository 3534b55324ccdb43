/* linux_errno.h — Linux's error numbers as messages name them. */
#ifndef LXRUN_LINUX_ERRNO_H
#define LXRUN_LINUX_ERRNO_H

/* glibc's strerror() text for Linux errno e ("No such file or directory"). */
const char *abi_errno_text(int e);

#endif
