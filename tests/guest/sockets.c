/* sockets.c — AF_UNIX socket pairs: stream bytes both ways, peeking, non-blocking
 * reads, shutdown, EPIPE with MSG_NOSIGNAL, datagram boundaries and truncation,
 * scatter/gather through sendmsg/recvmsg, the SOL_SOCKET options, how /proc and
 * fstat show a socket, and the errors Linux gives. */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>

#include "check.h"

static void stream_pair(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
    CHECK(fcntl(sv[0], F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(write(sv[0], "hello", 5), 5);
    char buf[16] = { 0 };
    CHECK_EQ(recv(sv[1], buf, 3, MSG_PEEK), 3);
    CHECK(memcmp(buf, "hel", 3) == 0);
    CHECK_EQ(read(sv[1], buf, sizeof buf), 5);
    CHECK(memcmp(buf, "hello", 5) == 0);
    CHECK_ERR(recv(sv[1], buf, 1, MSG_DONTWAIT), EAGAIN);
    CHECK_EQ(send(sv[1], "back", 4, 0), 4);
    struct sockaddr_storage from;
    socklen_t fl = sizeof from;
    memset(&from, 0xff, sizeof from);
    CHECK_EQ(recvfrom(sv[0], buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 4);
    CHECK_EQ(fl, 0); /* an unnamed peer: no address */

    struct pollfd p = { sv[0], POLLIN, 0 };
    CHECK_EQ(poll(&p, 1, 0), 0);
    CHECK_OK(shutdown(sv[1], SHUT_WR));
    CHECK_EQ(poll(&p, 1, 1000), 1);
    CHECK_EQ(read(sv[0], buf, sizeof buf), 0); /* the peer's end of stream */
    close(sv[1]);
    signal(SIGPIPE, SIG_IGN);
    CHECK_ERR(send(sv[0], "x", 1, MSG_NOSIGNAL), EPIPE);
    signal(SIGPIPE, SIG_DFL);
    close(sv[0]);
}

static void datagrams(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv));
    CHECK_EQ(send(sv[0], "one", 3, 0), 3);
    CHECK_EQ(send(sv[0], "second", 6, 0), 6);
    char buf[16];
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 3); /* boundaries kept */
    struct iovec iov[2] = { { buf, 2 }, { buf + 2, 2 } };
    struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };
    CHECK_EQ(recvmsg(sv[1], &m, 0), 4);
    CHECK(m.msg_flags & MSG_TRUNC); /* "second" did not fit in 4 bytes */
    CHECK(memcmp(buf, "seco", 4) == 0);
    CHECK_EQ(m.msg_controllen, 0);

    struct iovec out[3] = { { "ab", 2 }, { "cd", 2 }, { "ef", 2 } };
    struct msghdr sm = { .msg_iov = out, .msg_iovlen = 3 };
    CHECK_EQ(sendmsg(sv[0], &sm, 0), 6);
    CHECK_EQ(recv(sv[1], buf, sizeof buf, 0), 6);
    CHECK(memcmp(buf, "abcdef", 6) == 0);
    close(sv[0]);
    close(sv[1]);
}

static void options_and_errors(void)
{
    int sv[2];
    CHECK_OK(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv));
    CHECK(fcntl(sv[0], F_GETFL) & O_NONBLOCK);
    int v = 0;
    socklen_t l = sizeof v;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &l));
    CHECK(v == SOCK_SEQPACKET && l == sizeof v);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &l));
    CHECK_EQ(v, AF_UNIX);
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_ERROR, &v, &l));
    CHECK_EQ(v, 0);
    struct ucred cr;
    socklen_t cl = sizeof cr;
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, &cr, &cl));
    CHECK(cr.pid == getpid() && cr.uid == getuid() && cl == sizeof cr);
    v = 65536;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, sizeof v));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &v, &l));
    CHECK(v >= 65536); /* Linux doubles it */
    struct timeval tv = { 1, 500000 }, got;
    socklen_t tl = sizeof got;
    CHECK_OK(setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    CHECK_OK(getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &tl));
    CHECK(got.tv_sec == 1 && got.tv_usec == 500000);

    struct stat st;
    CHECK_OK(fstat(sv[0], &st));
    CHECK(S_ISSOCK(st.st_mode));
    char path[64], target[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
    ssize_t n = readlink(path, target, sizeof target - 1);
    CHECK(n > 8 && memcmp(target, "socket:[", 8) == 0);

    int bad[2];
    CHECK_ERR(socketpair(AF_INET, SOCK_STREAM, 0, bad), EOPNOTSUPP);
    CHECK_ERR(socketpair(AF_UNIX, 9, 0, bad), ESOCKTNOSUPPORT);
    CHECK_ERR(socketpair(AF_UNIX, SOCK_STREAM, 7, bad), EPROTONOSUPPORT);
    CHECK_ERR(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, (void *)8), EFAULT);
    CHECK_ERR(shutdown(sv[1], 7), EINVAL);
    CHECK_ERR(send(999, "x", 1, 0), EBADF);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    check_prog = "sockets";
    RUN(stream_pair);
    RUN(datagrams);
    RUN(options_and_errors);
    return check_done();
}
