/* net.c — named sockets on loopback only: TCP and UDP over IPv4 and IPv6, unix
 * stream, datagram and seqpacket sockets with path, abstract and unnamed
 * addresses, the names getsockname/getpeername/accept/recvfrom give, handles and
 * credentials passed with SCM_RIGHTS/SCM_CREDENTIALS, SO_PEERCRED, non-blocking
 * connect (EINPROGRESS, then SO_ERROR), refused connections, the options
 * programs set, sendmmsg/recvmmsg, receive timeouts, a 200-connection load
 * whose every byte is checked, and the loopback interface as the interface
 * ioctls (SIOCGIF*), getifaddrs and if_nameindex (both netlink) show it. */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stddef.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <time.h>

#include "check.h"

/* A listening TCP socket on the loopback of family af (port chosen by the
 * system): addr and len get its name. */
static int tcp_listener(int af, struct sockaddr_storage *addr, socklen_t *len)
{
    int s = socket(af, SOCK_STREAM | SOCK_CLOEXEC, 0);
    REQUIRE(s >= 0);
    int one = 1;
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one));
    memset(addr, 0, sizeof *addr);
    if (af == AF_INET) {
        struct sockaddr_in *a = (struct sockaddr_in *)addr;
        a->sin_family = AF_INET;
        a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        *len = sizeof *a;
    } else {
        struct sockaddr_in6 *a = (struct sockaddr_in6 *)addr;
        a->sin6_family = AF_INET6;
        a->sin6_addr = in6addr_loopback;
        *len = sizeof *a;
    }
    REQUIRE(bind(s, (struct sockaddr *)addr, *len) == 0);
    REQUIRE(listen(s, 16) == 0);
    socklen_t l = sizeof *addr;
    REQUIRE(getsockname(s, (struct sockaddr *)addr, &l) == 0);
    CHECK_EQ(l, *len);
    return s;
}

static unsigned port_of(const struct sockaddr_storage *a)
{
    return ntohs(a->ss_family == AF_INET ? ((const struct sockaddr_in *)a)->sin_port
                                         : ((const struct sockaddr_in6 *)a)->sin6_port);
}

static void tcp_echo(int af)
{
    struct sockaddr_storage la, ca, pa, got;
    socklen_t ll, cl = sizeof ca, pl = sizeof pa, gl = sizeof got;
    int ls = tcp_listener(af, &la, &ll);
    CHECK(port_of(&la) != 0);
    int acc = 0;
    socklen_t al = sizeof acc;
    CHECK_OK(getsockopt(ls, SOL_SOCKET, SO_ACCEPTCONN, &acc, &al));
    CHECK_EQ(acc, 1);

    int c = socket(af, SOCK_STREAM, 0);
    REQUIRE(c >= 0);
    CHECK_OK(connect(c, (struct sockaddr *)&la, ll));
    CHECK_OK(getsockname(c, (struct sockaddr *)&ca, &cl));
    CHECK_OK(getpeername(c, (struct sockaddr *)&pa, &pl));
    CHECK_EQ(pl, ll);
    CHECK(memcmp(&pa, &la, ll) == 0);

    int s = accept4(ls, (struct sockaddr *)&got, &gl, SOCK_CLOEXEC | SOCK_NONBLOCK);
    REQUIRE(s >= 0);
    CHECK(fcntl(s, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(s, F_GETFL) & O_NONBLOCK);
    CHECK_EQ(gl, cl);
    CHECK(memcmp(&got, &ca, cl) == 0); /* accept names the connecting socket */
    CHECK_EQ(port_of(&got), port_of(&ca));

    int one = 1, v = 0;
    socklen_t vl = sizeof v;
    CHECK_OK(setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one));
    CHECK_OK(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &v, &vl));
    CHECK(v != 0);
    CHECK_OK(setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one));
    vl = sizeof v;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v, &vl));
    CHECK_EQ(v, 1);
    vl = sizeof v;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_DOMAIN, &v, &vl));
    CHECK_EQ(v, af);
    struct linger lg = { 1, 0 }, lg2;
    socklen_t lgl = sizeof lg2;
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &lgl));
    CHECK_EQ(lg2.l_onoff, 1);
    CHECK_EQ(lgl, sizeof lg2);
    lg.l_onoff = 0;
    CHECK_OK(setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));

    char buf[64];
    CHECK_ERR(recv(s, buf, sizeof buf, 0), EAGAIN);
    CHECK_EQ(send(c, "ping over tcp", 13, 0), 13);
    struct pollfd p = { s, POLLIN, 0 };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(recv(s, buf, 4, MSG_PEEK), 4);
    CHECK_EQ(recv(s, buf, sizeof buf, 0), 13);
    CHECK(memcmp(buf, "ping over tcp", 13) == 0);
    CHECK_EQ(write(s, "pong", 4), 4);
    memset(&got, 0xee, sizeof got);
    gl = sizeof got;
    CHECK_EQ(recvfrom(c, buf, 4, MSG_WAITALL, (struct sockaddr *)&got, &gl), 4);
    CHECK_EQ(gl, 0); /* a stream gives no source */
    CHECK_OK(shutdown(c, SHUT_WR));
    p.revents = 0;
    CHECK_EQ(poll(&p, 1, 5000), 1);
    CHECK_EQ(read(s, buf, sizeof buf), 0);
    close(s);
    close(c);
    close(ls);
}

static void tcp_refused_and_nonblocking(void)
{
    struct sockaddr_storage la;
    socklen_t ll;
    int ls = tcp_listener(AF_INET, &la, &ll);
    int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    int r = connect(c, (struct sockaddr *)&la, ll);
    CHECK(r == 0 || errno == EINPROGRESS);
    struct pollfd p = { c, POLLOUT, 0 };
    CHECK_EQ(poll(&p, 1, 5000), 1);
    int err = -1;
    socklen_t el = sizeof err;
    CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el));
    CHECK_EQ(err, 0);
    close(c);
    close(ls); /* nothing listens there now */

    c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    r = connect(c, (struct sockaddr *)&la, ll);
    CHECK(r == -1 && (errno == EINPROGRESS || errno == ECONNREFUSED));
    if (r == -1 && errno == EINPROGRESS) {
        p = (struct pollfd){ c, POLLOUT, 0 };
        CHECK_EQ(poll(&p, 1, 5000), 1);
        CHECK_OK(getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &el));
        CHECK_EQ(err, ECONNREFUSED);
    }
    close(c);
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&la, ll), ECONNREFUSED);
    close(c);

    /* addresses Linux refuses */
    struct sockaddr_in short_addr = { .sin_family = AF_INET };
    c = socket(AF_INET, SOCK_STREAM, 0);
    CHECK_ERR(bind(c, (struct sockaddr *)&short_addr, 8), EINVAL);
    CHECK_ERR(connect(c, (struct sockaddr *)1, sizeof short_addr), EFAULT);
    CHECK_ERR(getsockname(c, (struct sockaddr *)&la, (socklen_t *)1), EFAULT);
    CHECK_ERR(getpeername(c, (struct sockaddr *)&la, &ll), ENOTCONN);
    CHECK_ERR(listen(99, 1), EBADF);
    int fd = open("/dev/null", O_RDONLY);
    CHECK_ERR(listen(fd, 1), ENOTSOCK);
    close(fd);
    close(c);
    CHECK_ERR(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT);
    CHECK_ERR(socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT);
    CHECK_ERR(socket(AF_INET, SOCK_SEQPACKET, 0), ESOCKTNOSUPPORT);
}

static void udp(int af)
{
    int a = socket(af, SOCK_DGRAM, 0), b = socket(af, SOCK_DGRAM, 0);
    REQUIRE(a >= 0 && b >= 0);
    struct sockaddr_storage aa = { 0 }, ba, from;
    socklen_t al, bl = sizeof ba, fl = sizeof from;
    if (af == AF_INET) {
        struct sockaddr_in *x = (struct sockaddr_in *)&aa;
        x->sin_family = AF_INET;
        x->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        al = sizeof *x;
    } else {
        int one = 1;
        CHECK_OK(setsockopt(a, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one));
        struct sockaddr_in6 *x = (struct sockaddr_in6 *)&aa;
        x->sin6_family = AF_INET6;
        x->sin6_addr = in6addr_loopback;
        al = sizeof *x;
    }
    CHECK_OK(bind(a, (struct sockaddr *)&aa, al));
    socklen_t gl = sizeof aa;
    CHECK_OK(getsockname(a, (struct sockaddr *)&aa, &gl));
    CHECK_EQ(sendto(b, "datagram", 8, 0, (struct sockaddr *)&aa, al), 8);
    CHECK_OK(getsockname(b, (struct sockaddr *)&ba, &bl)); /* bound by the send */
    char buf[32];
    CHECK_EQ(recvfrom(a, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl), 8);
    CHECK(memcmp(buf, "datagram", 8) == 0);
    CHECK_EQ(fl, bl);
    CHECK_EQ(port_of(&from), port_of(&ba));

    /* truncation, connected datagram sockets, AF_UNSPEC dissolving the association */
    CHECK_OK(connect(b, (struct sockaddr *)&aa, al));
    CHECK_EQ(send(b, "0123456789", 10, 0), 10);
    struct iovec iov = { buf, 4 };
    struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof from, .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(a, &m, 0), 4);
    CHECK(m.msg_flags & MSG_TRUNC);
    CHECK_EQ(m.msg_namelen, bl);
    struct sockaddr_storage pa;
    socklen_t pl = sizeof pa;
    CHECK_OK(getpeername(b, (struct sockaddr *)&pa, &pl));
    CHECK_EQ(port_of(&pa), port_of(&aa));
    struct sockaddr unspec = { .sa_family = AF_UNSPEC };
    CHECK_OK(connect(b, &unspec, sizeof unspec));
    pl = sizeof pa;
    CHECK_ERR(getpeername(b, (struct sockaddr *)&pa, &pl), ENOTCONN);

    /* sendmmsg / recvmmsg */
    CHECK_OK(connect(b, (struct sockaddr *)&aa, al));
    struct iovec sv[3] = { { "one", 3 }, { "two!", 4 }, { "three", 5 } };
    struct mmsghdr sm[3];
    memset(sm, 0, sizeof sm);
    for (int i = 0; i < 3; i++) sm[i].msg_hdr.msg_iov = &sv[i], sm[i].msg_hdr.msg_iovlen = 1;
    CHECK_EQ(sendmmsg(b, sm, 3, 0), 3);
    CHECK_EQ(sm[1].msg_len, 4);
    char rb[3][16];
    struct iovec rv[3];
    struct mmsghdr rm[3];
    memset(rm, 0, sizeof rm);
    for (int i = 0; i < 3; i++) {
        rv[i] = (struct iovec){ rb[i], sizeof rb[i] };
        rm[i].msg_hdr.msg_iov = &rv[i];
        rm[i].msg_hdr.msg_iovlen = 1;
    }
    CHECK_EQ(recvmmsg(a, rm, 3, MSG_WAITFORONE, NULL), 3);
    CHECK_EQ(rm[2].msg_len, 5);
    CHECK(memcmp(rb[2], "three", 5) == 0);
    CHECK_ERR(recvmmsg(a, rm, 3, MSG_DONTWAIT, NULL), EAGAIN);

    /* a receive timeout */
    struct timeval tv = { 0, 50000 };
    CHECK_OK(setsockopt(a, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv));
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_ERR(recv(a, buf, sizeof buf, 0), EAGAIN);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    CHECK((t1.tv_sec - t0.tv_sec) * 1000000000L + (t1.tv_nsec - t0.tv_nsec) >= 40000000L);
    close(a);
    close(b);
}

/* The unix path (relative: each test runs in a fresh directory) and its absolute form. */
static void unix_paths(void)
{
    char cwd[4096], abs_path[4200];
    REQUIRE(getcwd(cwd, sizeof cwd));
    snprintf(abs_path, sizeof abs_path, "%s/srv.sock", cwd);
    int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    strcpy(a.sun_path, "srv.sock");
    socklen_t al = offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1;
    CHECK_OK(bind(ls, (struct sockaddr *)&a, al));
    CHECK_ERR(bind(socket(AF_UNIX, SOCK_STREAM, 0), (struct sockaddr *)&a, al), EADDRINUSE);
    struct stat st;
    CHECK_OK(stat("srv.sock", &st));
    CHECK(S_ISSOCK(st.st_mode));
    CHECK_OK(listen(ls, 4));

    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un ca = { .sun_family = AF_UNIX };
    strcpy(ca.sun_path, abs_path);
    CHECK_OK(connect(c, (struct sockaddr *)&ca, sizeof ca));
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    int s = accept(ls, (struct sockaddr *)&got, &gl);
    REQUIRE(s >= 0);
    CHECK_EQ(gl, offsetof(struct sockaddr_un, sun_path)); /* the client is unnamed */
    gl = sizeof got;
    CHECK_OK(getpeername(c, (struct sockaddr *)&got, &gl));
    CHECK(strcmp(got.sun_path, abs_path) == 0 || strcmp(got.sun_path, "srv.sock") == 0);
    gl = sizeof got;
    CHECK_OK(getsockname(c, (struct sockaddr *)&got, &gl));
    CHECK_EQ(gl, offsetof(struct sockaddr_un, sun_path));

    /* SO_PEERCRED on both ends */
    struct ucred cr;
    socklen_t crl = sizeof cr;
    CHECK_OK(getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &crl));
    CHECK_EQ(cr.pid, getpid());
    CHECK_EQ(cr.uid, getuid());
    CHECK_EQ(cr.gid, getgid());
    close(s);
    close(c);
    close(ls);
    CHECK_OK(unlink("srv.sock"));

    /* a path too long for sun_path */
    memset(a.sun_path, 'x', sizeof a.sun_path);
    c = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(connect(c, (struct sockaddr *)&a, sizeof a), ENOENT);
    close(c);
    strcpy(a.sun_path, "no-such-dir/s");
    c = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_ERR(bind(c, (struct sockaddr *)&a, sizeof a), ENOENT);
    close(c);
}

static void unix_abstract_and_dgram(void)
{
    char name[64];
    int n = snprintf(name, sizeof name, "lxrun-net-%d", getpid());
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    memcpy(a.sun_path + 1, name, (size_t)n);
    socklen_t al = offsetof(struct sockaddr_un, sun_path) + 1 + (socklen_t)n;
    int srv = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(bind(srv, (struct sockaddr *)&a, al));
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    CHECK_OK(getsockname(srv, (struct sockaddr *)&got, &gl));
    CHECK_EQ(gl, al);
    CHECK(got.sun_path[0] == 0 && memcmp(got.sun_path + 1, name, (size_t)n) == 0);

    int cli = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un ca = { .sun_family = AF_UNIX };
    strcpy(ca.sun_path, "client.sock");
    socklen_t cal = offsetof(struct sockaddr_un, sun_path) + strlen(ca.sun_path) + 1;
    CHECK_OK(bind(cli, (struct sockaddr *)&ca, cal));
    CHECK_EQ(sendto(cli, "to abstract", 11, 0, (struct sockaddr *)&a, al), 11);
    char buf[32];
    gl = sizeof got;
    CHECK_EQ(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&got, &gl), 11);
    CHECK_EQ(gl, cal);
    CHECK(strcmp(got.sun_path, "client.sock") == 0 || strstr(got.sun_path, "/client.sock") != NULL);
    CHECK_EQ(sendto(srv, "reply", 5, 0, (struct sockaddr *)&got, gl), 5);
    CHECK_EQ(recv(cli, buf, sizeof buf, 0), 5);

    /* from an unnamed sender, recvfrom gives no address */
    int anon = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_EQ(sendto(anon, "x", 1, 0, (struct sockaddr *)&a, al), 1);
    gl = sizeof got;
    CHECK_EQ(recvfrom(srv, buf, sizeof buf, 0, (struct sockaddr *)&got, &gl), 1);
    CHECK_EQ(gl, 0);
    close(anon);
    close(cli);
    close(srv);
    unlink("client.sock");

    /* seqpacket keeps boundaries over a named connection */
    int ls = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    a.sun_path[1] = 'S';
    CHECK_OK(bind(ls, (struct sockaddr *)&a, al));
    CHECK_OK(listen(ls, 1));
    int c = socket(AF_UNIX, SOCK_SEQPACKET, 0);
    CHECK_OK(connect(c, (struct sockaddr *)&a, al));
    int s = accept(ls, NULL, NULL);
    CHECK_EQ(send(c, "rec1", 4, 0), 4);
    CHECK_EQ(send(c, "record2", 7, 0), 7);
    CHECK_EQ(recv(s, buf, sizeof buf, 0), 4);
    CHECK_EQ(recv(s, buf, sizeof buf, 0), 7);
    close(s);
    close(c);
    close(ls);
}

/* SCM_RIGHTS and SCM_CREDENTIALS */
static void ancillary(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    int one = 1;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    int p[2];
    REQUIRE(pipe(p) == 0);
    char data = 'D';
    struct iovec iov = { &data, 1 };
    union { char buf[CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(cm), p, 2 * sizeof(int));
    CHECK_EQ(sendmsg(sv[0], &m, 0), 1);

    union { char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(2 * sizeof(int))]; struct cmsghdr align; } r;
    char got = 0;
    iov = (struct iovec){ &got, 1 };
    struct msghdr rm = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = r.buf, .msg_controllen = sizeof r.buf };
    CHECK_EQ(recvmsg(sv[1], &rm, MSG_CMSG_CLOEXEC), 1);
    CHECK_EQ(got, 'D');
    CHECK_EQ(rm.msg_flags & MSG_CTRUNC, 0);
    int fds[2] = { -1, -1 }, saw_cred = 0, saw_rights = 0, order_ok = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&rm); c; c = CMSG_NXTHDR(&rm, c)) {
        if (c->cmsg_type == SCM_CREDENTIALS) {
            struct ucred cr;
            memcpy(&cr, CMSG_DATA(c), sizeof cr);
            CHECK_EQ(cr.pid, getpid());
            CHECK_EQ(cr.uid, getuid());
            saw_cred = 1;
            order_ok = !saw_rights; /* Linux puts credentials first */
        } else if (c->cmsg_type == SCM_RIGHTS) {
            CHECK_EQ(c->cmsg_len, CMSG_LEN(2 * sizeof(int)));
            memcpy(fds, CMSG_DATA(c), sizeof fds);
            saw_rights = 1;
        }
    }
    CHECK(saw_cred && saw_rights && order_ok);
    CHECK(fds[0] >= 0 && fds[0] != p[0] && fds[1] >= 0);
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    CHECK_EQ(write(fds[1], "via passed fd", 13), 13); /* the received write end feeds the original read end */
    char buf[32];
    CHECK_EQ(read(p[0], buf, sizeof buf), 13);
    close(fds[0]);
    close(fds[1]);

    /* no room for the handles: MSG_CTRUNC and nothing installed */
    memset(&u, 0, sizeof u);
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &p[0], sizeof(int));
    iov = (struct iovec){ &data, 1 };
    CHECK_EQ(sendmsg(sv[0], &m, 0), 1);
    one = 0;
    CHECK_OK(setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &one, sizeof one));
    iov = (struct iovec){ &got, 1 };
    rm = (struct msghdr){ .msg_iov = &iov, .msg_iovlen = 1 };
    CHECK_EQ(recvmsg(sv[1], &rm, 0), 1);
    CHECK(rm.msg_flags & MSG_CTRUNC);

    /* a bad handle and a bad control message */
    memset(&u, 0, sizeof u);
    m.msg_control = u.buf;
    m.msg_controllen = CMSG_SPACE(sizeof(int));
    cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    int bad = 999;
    memcpy(CMSG_DATA(cm), &bad, sizeof bad);
    CHECK_ERR(sendmsg(sv[0], &m, 0), EBADF);
    cm->cmsg_len = 1000;
    CHECK_ERR(sendmsg(sv[0], &m, 0), EINVAL);
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

/* 200 connections, each sending a distinct 4 KiB pattern that the server
 * echoes; every byte compared. */
#define LOAD_CONNS 200
#define LOAD_BYTES 4096
static struct sockaddr_storage load_addr;
static socklen_t load_len;

static void *load_server(void *arg)
{
    int ls = *(int *)arg;
    for (int i = 0; i < LOAD_CONNS; i++) {
        int s = accept(ls, NULL, NULL);
        if (s < 0) return (void *)1;
        char buf[LOAD_BYTES];
        size_t got = 0;
        while (got < LOAD_BYTES) {
            ssize_t n = read(s, buf + got, LOAD_BYTES - got);
            if (n <= 0) break;
            got += (size_t)n;
        }
        if (got != LOAD_BYTES || write(s, buf, got) != (ssize_t)got) return (void *)2;
        close(s);
    }
    return NULL;
}

static void load(void)
{
    int ls = tcp_listener(AF_INET, &load_addr, &load_len);
    pthread_t t;
    REQUIRE(pthread_create(&t, NULL, load_server, &ls) == 0);
    int bad = 0;
    for (int i = 0; i < LOAD_CONNS; i++) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (c < 0 || connect(c, (struct sockaddr *)&load_addr, load_len) < 0) { bad++; break; }
        unsigned char out[LOAD_BYTES], in[LOAD_BYTES];
        for (int k = 0; k < LOAD_BYTES; k++) out[k] = (unsigned char)(i * 7 + k * 13);
        if (write(c, out, sizeof out) != (ssize_t)sizeof out) bad++;
        size_t got = 0;
        while (got < sizeof in) {
            ssize_t n = read(c, in + got, sizeof in - got);
            if (n <= 0) break;
            got += (size_t)n;
        }
        if (got != sizeof in || memcmp(in, out, sizeof in)) bad++;
        close(c);
    }
    void *res;
    pthread_join(t, &res);
    CHECK_EQ(bad, 0);
    CHECK(res == NULL);
    close(ls);
}

static void interfaces(void)
{
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    REQUIRE(s >= 0);
    struct ifreq r;
    memset(&r, 0, sizeof r);
    strcpy(r.ifr_name, "lo");
    CHECK_OK(ioctl(s, SIOCGIFINDEX, &r));
    int idx = r.ifr_ifindex;
    CHECK(idx > 0);
    CHECK_EQ(if_nametoindex("lo"), idx);
    memset(&r, 0, sizeof r);
    r.ifr_ifindex = idx;
    CHECK_OK(ioctl(s, SIOCGIFNAME, &r));
    CHECK(strcmp(r.ifr_name, "lo") == 0);
    CHECK_OK(ioctl(s, SIOCGIFFLAGS, &r));
    CHECK((r.ifr_flags & (IFF_UP | IFF_LOOPBACK)) == (IFF_UP | IFF_LOOPBACK));
    CHECK_OK(ioctl(s, SIOCGIFADDR, &r));
    CHECK_EQ(((struct sockaddr_in *)&r.ifr_addr)->sin_addr.s_addr, htonl(INADDR_LOOPBACK));
    CHECK_OK(ioctl(s, SIOCGIFNETMASK, &r));
    CHECK_EQ(((struct sockaddr_in *)&r.ifr_netmask)->sin_addr.s_addr, htonl(0xff000000));
    CHECK_OK(ioctl(s, SIOCGIFMTU, &r));
    CHECK(r.ifr_mtu > 0);
    CHECK_OK(ioctl(s, SIOCGIFHWADDR, &r));
    CHECK_EQ(r.ifr_hwaddr.sa_family, 772); /* ARPHRD_LOOPBACK */
    strcpy(r.ifr_name, "no-such-if");
    CHECK_ERR(ioctl(s, SIOCGIFINDEX, &r), ENODEV);
    struct ifreq list[32];
    struct ifconf ic = { .ifc_len = sizeof list, .ifc_req = list };
    CHECK_OK(ioctl(s, SIOCGIFCONF, &ic));
    int found = 0;
    for (unsigned i = 0; i < ic.ifc_len / sizeof list[0]; i++)
        found |= strcmp(list[i].ifr_name, "lo") == 0 &&
                 ((struct sockaddr_in *)&list[i].ifr_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
    CHECK(found);
    struct ifconf probe = { .ifc_len = 0, .ifc_buf = NULL };
    CHECK_OK(ioctl(s, SIOCGIFCONF, &probe));
    CHECK_EQ(probe.ifc_len, ic.ifc_len); /* the size needed, asked with no buffer */
    int fd = open("/dev/null", O_RDONLY);
    CHECK_ERR(ioctl(fd, SIOCGIFINDEX, &r), ENOTTY);
    close(fd);
    close(s);

    struct ifaddrs *all;
    REQUIRE(getifaddrs(&all) == 0);
    int v4 = 0, v6 = 0;
    for (struct ifaddrs *a = all; a; a = a->ifa_next) {
        if (strcmp(a->ifa_name, "lo") || !a->ifa_addr) continue;
        CHECK(a->ifa_flags & IFF_LOOPBACK);
        if (a->ifa_addr->sa_family == AF_INET)
            v4 |= ((struct sockaddr_in *)a->ifa_addr)->sin_addr.s_addr == htonl(INADDR_LOOPBACK);
        if (a->ifa_addr->sa_family == AF_INET6)
            v6 |= IN6_IS_ADDR_LOOPBACK(&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr);
    }
    freeifaddrs(all);
    CHECK(v4 && v6);
    struct if_nameindex *ni = if_nameindex();
    REQUIRE(ni);
    found = 0;
    for (struct if_nameindex *p = ni; p->if_index; p++) found |= p->if_index == (unsigned)idx && !strcmp(p->if_name, "lo");
    if_freenameindex(ni);
    CHECK(found);
}

/* "bind-unix PATH": binds a unix socket at PATH and prints the name
 * getsockname gives (tests/net's unix_root checks where it landed). */
static int bind_unix(const char *path)
{
    int s = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    snprintf(a.sun_path, sizeof a.sun_path, "%s", path);
    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) < 0) {
        perror("bind");
        return 1;
    }
    struct sockaddr_un got;
    socklen_t gl = sizeof got;
    if (getsockname(s, (struct sockaddr *)&got, &gl) < 0) return 1;
    printf("%s\n", got.sun_path);
    return 0;
}

/* Messages past what lxrun keeps on its stack (socket_msg.c: 8 buffers, 512
 * bytes of control): 20 buffers gathered and scattered, and 150 handles in one
 * SCM_RIGHTS (608 bytes), each received handle one of the pipes sent. */
#define MANY_IOV 20
#define MANY_FDS 150
static void large_messages(void)
{
    int sv[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
    char out[MANY_IOV][3], in[MANY_IOV][3];
    struct iovec ov[MANY_IOV], iv[MANY_IOV];
    for (int i = 0; i < MANY_IOV; i++) {
        out[i][0] = (char)('a' + i), out[i][1] = (char)('A' + i), out[i][2] = (char)i;
        ov[i] = (struct iovec){ out[i], 3 }, iv[i] = (struct iovec){ in[i], 3 };
    }
    int p[2];
    REQUIRE(pipe(p) == 0);
    int fds[MANY_FDS];
    for (int i = 0; i < MANY_FDS; i++) fds[i] = p[i % 2];
    static union { char buf[CMSG_SPACE(MANY_FDS * sizeof(int))]; struct cmsghdr align; } u, r;
    struct msghdr m = { .msg_iov = ov, .msg_iovlen = MANY_IOV, .msg_control = u.buf, .msg_controllen = sizeof u.buf };
    struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(MANY_FDS * sizeof(int));
    memcpy(CMSG_DATA(cm), fds, sizeof fds);
    CHECK_EQ(sendmsg(sv[0], &m, 0), 3 * MANY_IOV);
    memset(in, 0, sizeof in);
    struct msghdr rm = { .msg_iov = iv, .msg_iovlen = MANY_IOV, .msg_control = r.buf, .msg_controllen = sizeof r.buf };
    CHECK_EQ(recvmsg(sv[1], &rm, MSG_WAITALL), 3 * MANY_IOV);
    CHECK(!memcmp(in, out, sizeof in));
    CHECK_EQ(rm.msg_flags & MSG_CTRUNC, 0);
    struct cmsghdr *c = CMSG_FIRSTHDR(&rm);
    CHECK(c && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(MANY_FDS * sizeof(int)));
    int got[MANY_FDS];
    if (c) memcpy(got, CMSG_DATA(c), sizeof got);
    struct stat ps[2];
    CHECK_OK(fstat(p[0], &ps[0]));
    CHECK_OK(fstat(p[1], &ps[1]));
    for (int i = 0; c && i < MANY_FDS; i++) {
        struct stat st;
        CHECK_OK(fstat(got[i], &st));
        CHECK(st.st_ino == ps[i % 2].st_ino && (fcntl(got[i], F_GETFL) & O_ACCMODE) == (i % 2 ? O_WRONLY : O_RDONLY));
        close(got[i]);
    }
    close(p[0]);
    close(p[1]);
    close(sv[0]);
    close(sv[1]);
}

int main(int argc, char **argv)
{
    if (argc > 2 && strcmp(argv[1], "bind-unix") == 0) return bind_unix(argv[2]);
    check_prog = "net";
    RUN(interfaces);
    signal(SIGPIPE, SIG_IGN);
    RUN(tcp_refused_and_nonblocking);
    check_section = "tcp_echo(AF_INET)", tcp_echo(AF_INET);
    check_section = "tcp_echo(AF_INET6)", tcp_echo(AF_INET6);
    check_section = "udp(AF_INET)", udp(AF_INET);
    check_section = "udp(AF_INET6)", udp(AF_INET6);
    RUN(unix_paths);
    RUN(unix_abstract_and_dgram);
    RUN(ancillary);
    RUN(large_messages);
    RUN(load);
    return check_done();
}
