/* decode.h — turning one syscall argument or result into strace-style text.
 * Guest memory is read only through guestmem/access.h: a bad pointer prints as
 * its address, as strace does, and never faults. */
#ifndef LXRUN_DECODE_H
#define LXRUN_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "../syscalls/argkind.h"

/* A bounded text buffer: appends never overflow; `len` may exceed `cap` (truncated). */
struct lx_text {
    char *buf;
    size_t cap, len;
};

void text_putc(struct lx_text *t, char c);
void text_puts(struct lx_text *t, const char *s);
void text_printf(struct lx_text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A byte string, quoted and escaped like strace; at most `max` bytes shown, then "...". */
void decode_bytes(struct lx_text *t, const unsigned char *p, size_t n, size_t max, int truncated);
/* A guest NUL-terminated string, or its address when unreadable. */
void decode_guest_str(struct lx_text *t, uint64_t addr, size_t max);
/* A guest buffer of n bytes. */
void decode_guest_buf(struct lx_text *t, uint64_t addr, size_t n, size_t max);
/* A guest iovec array of count elements holding at most `data` bytes in all. */
void decode_guest_iovec(struct lx_text *t, uint64_t addr, uint64_t count, uint64_t data, size_t max);

/* Flag sets and enumerations. */
void decode_open_flags(struct lx_text *t, uint64_t v);
void decode_at_flags(struct lx_text *t, uint64_t v);
void decode_prot(struct lx_text *t, uint64_t v);
void decode_mmap_flags(struct lx_text *t, uint64_t v);
void decode_clone_flags(struct lx_text *t, uint64_t v);
void decode_signal(struct lx_text *t, uint64_t v);
void decode_sigset(struct lx_text *t, uint64_t addr);
void decode_fcntl_cmd(struct lx_text *t, uint64_t v);
void decode_ioctl_req(struct lx_text *t, uint64_t v);
void decode_clock(struct lx_text *t, uint64_t v);
void decode_whence(struct lx_text *t, uint64_t v);
void decode_mode(struct lx_text *t, uint64_t v);
void decode_dirfd(struct lx_text *t, uint64_t v);

/* struct stat and struct timespec in guest memory, strace's abbreviated form. */
void decode_stat(struct lx_text *t, uint64_t addr);
void decode_timespec(struct lx_text *t, uint64_t addr);

/* The name of an errno value ("ENOENT"), or NULL. */
const char *errno_name(int e);
/* The name of a signal ("SIGINT"), or NULL. */
const char *signal_name(int s);
struct linux_siginfo;
void decode_siginfo(struct lx_text *t, const struct linux_siginfo *si);

#endif
