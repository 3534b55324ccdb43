/* tty.c — ioctl: terminal requests on things that are not terminals, the
 * generic fd requests (FIONREAD, FIONBIO, FIOCLEX/FIONCLEX), unknown requests.
 * On a terminal (the .pty runs, under script(1)), the terminal requests.  A
 * pseudo-terminal of its own: /dev/ptmx, TIOCGPTN/ptsname, the lock, the slave by
 * name and by TIOCGPTPEER, data both ways, /proc/self/fd and ttyname, a child
 * that makes the slave its controlling terminal, and SIGWINCH on a size change. */
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>

#include "check.h"

static void not_a_terminal(void)
{
    put_file("file", "0123456789", 10);
    int fd = CHECK_OK(open("file", O_RDWR));
    struct termios t;
    struct winsize w;
    CHECK_ERR(ioctl(fd, TCGETS, &t), ENOTTY);
    CHECK_ERR(ioctl(fd, TIOCGWINSZ, &w), ENOTTY);
    CHECK_ERR(tcgetattr(fd, &t), ENOTTY);
    errno = 0;
    CHECK(isatty(fd) == 0 && errno == ENOTTY);
    CHECK_ERR(ioctl(fd, TIOCGPGRP, &(pid_t){ 0 }), ENOTTY);
    CHECK_ERR(ioctl(fd, 0x12345678, 0), ENOTTY); /* unknown request */
    CHECK_ERR(ioctl(999, TCGETS, &t), EBADF);
    CHECK_ERR(ioctl(999, 0x12345678, 0), EBADF);

    int p[2];
    CHECK_OK(pipe(p));
    CHECK_ERR(ioctl(p[0], TCGETS, &t), ENOTTY);
    CHECK(!isatty(p[1]));
    close(p[0]);
    close(p[1]);
    int null = CHECK_OK(open("/dev/null", O_RDWR));
    CHECK_ERR(ioctl(null, TCGETS, &t), ENOTTY);
    close(null);
    close(fd);
}

static void generic_requests(void)
{
    int p[2], n = -1;
    char buf[16];
    CHECK_OK(pipe(p));
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 0);
    CHECK_EQ(write(p[1], "1234567", 7), 7);
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 7);
    CHECK_EQ(read(p[0], buf, 3), 3);
    CHECK_OK(ioctl(p[0], FIONREAD, &n));
    CHECK_EQ(n, 4);
    CHECK_EQ(read(p[0], buf, sizeof buf), 4);

    /* FIONREAD on a regular file: the bytes left after the offset. */
    put_file("f", "0123456789", 10);
    int fd = CHECK_OK(open("f", O_RDONLY));
    CHECK_EQ(lseek(fd, 3, SEEK_SET), 3);
    CHECK_OK(ioctl(fd, FIONREAD, &n));
    CHECK_EQ(n, 7);

    /* FIONBIO is O_NONBLOCK by another name. */
    int on = 1, off = 0;
    CHECK_OK(ioctl(p[0], FIONBIO, &on));
    CHECK(fcntl(p[0], F_GETFL) & O_NONBLOCK);
    CHECK_ERR(read(p[0], buf, 1), EAGAIN);
    CHECK_OK(ioctl(p[0], FIONBIO, &off));
    CHECK_EQ(fcntl(p[0], F_GETFL) & O_NONBLOCK, 0);

    CHECK_OK(ioctl(fd, FIOCLEX));
    CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    CHECK_OK(ioctl(fd, FIONCLEX));
    CHECK_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
    CHECK_ERR(ioctl(999, FIONREAD, &n), EBADF);
    close(fd);
    close(p[0]);
    close(p[1]);
}

/* On a terminal (the pty runs give one, as script(1) does): settings, size,
 * foreground group, session, flush and drain, and the controlling-terminal
 * requests from processes of this session and of a new one. */
static void real_terminal(void)
{
    if (!isatty(0)) {
        CHECK(getenv("GUEST_EXPECT_TTY") == NULL); /* the pty runs must have one */
        return;
    }
    struct termios t, t2;
    CHECK_OK(tcgetattr(0, &t));
    t2 = t;
    t2.c_lflag &= ~(tcflag_t)(ECHO | ICANON);
    t2.c_cc[VMIN] = 3;
    CHECK_OK(tcsetattr(0, TCSANOW, &t2));
    memset(&t2, 0, sizeof t2);
    CHECK_OK(tcgetattr(0, &t2));
    CHECK_EQ(t2.c_lflag & (ECHO | ICANON), 0);
    CHECK_EQ(t2.c_cc[VMIN], 3);
    CHECK_OK(tcsetattr(0, TCSADRAIN, &t));
    CHECK_OK(tcsetattr(0, TCSAFLUSH, &t));
    CHECK_OK(tcgetattr(0, &t2));
    CHECK_EQ(t2.c_lflag, t.c_lflag);
    CHECK_EQ(t2.c_cflag, t.c_cflag);
    /* the line speed survives a set of the other fields (it lives in c_cflag) */
    CHECK_OK(cfsetospeed(&t2, B9600));
    CHECK_OK(cfsetispeed(&t2, B9600));
    CHECK_OK(tcsetattr(0, TCSANOW, &t2));
    memset(&t2, 0, sizeof t2);
    CHECK_OK(tcgetattr(0, &t2));
    CHECK_EQ(cfgetospeed(&t2), B9600);
    CHECK_EQ(cfgetispeed(&t2), B9600);
    t2.c_cc[VMIN] = 2;
    CHECK_OK(tcsetattr(0, TCSANOW, &t2));
    CHECK_OK(tcgetattr(0, &t2));
    CHECK_EQ(cfgetospeed(&t2), B9600);
    CHECK_OK(tcsetattr(0, TCSANOW, &t));

    struct winsize w, w2 = { .ws_row = 41, .ws_col = 101 }, w3;
    CHECK_OK(ioctl(0, TIOCGWINSZ, &w));
    CHECK_OK(ioctl(0, TIOCSWINSZ, &w2));
    CHECK_OK(ioctl(0, TIOCGWINSZ, &w3));
    CHECK_EQ(w3.ws_row, 41);
    CHECK_EQ(w3.ws_col, 101);
    CHECK_OK(ioctl(0, TIOCSWINSZ, &w));

    CHECK_EQ(tcgetpgrp(0), getpgrp());
    CHECK_OK(tcsetpgrp(0, getpgrp()));
    CHECK_ERR(ioctl(0, TIOCSPGRP, &(pid_t){ -5 }), EINVAL);
    CHECK_EQ(tcgetsid(0), getsid(0));
    if (getsid(0) == getpid())
        CHECK_OK(ioctl(0, TIOCSCTTY, 0)); /* already this session's terminal */
    else
        CHECK_ERR(ioctl(0, TIOCSCTTY, 0), EPERM); /* only the session leader may ask */
    CHECK_OK(tcflush(0, TCIFLUSH));
    CHECK_OK(tcflush(0, TCIOFLUSH));
    CHECK_ERR(tcflush(0, 7), EINVAL);
    CHECK_OK(tcdrain(1));
    CHECK_ERR(ioctl(0, TCGETS, (void *)8), EFAULT);

    /* a new session: the terminal is not its controlling one, and may not be taken */
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        int bad = setsid() < 0;
        errno = 0;
        bad |= tcgetpgrp(0) != -1 || errno != ENOTTY;
        errno = 0;
        bad |= tcgetsid(0) != -1 || errno != ENOTTY;
        errno = 0;
        bad |= ioctl(0, TIOCSCTTY, 0) != -1 || errno != EPERM;
        _exit(bad);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(st, 0);
    /* a process that gives up its controlling terminal has none after */
    pid = CHECK_OK(fork());
    if (pid == 0) {
        int bad = ioctl(0, TIOCNOTTY) != 0;
        errno = 0;
        bad |= tcgetpgrp(0) != -1 || errno != ENOTTY;
        _exit(bad);
    }
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK_EQ(st, 0);
}

static volatile sig_atomic_t winched;
static void on_winch(int s) { (void)s; winched = 1; }

static void pseudo_terminal(void)
{
    int m = CHECK_OK(posix_openpt(O_RDWR | O_NOCTTY));
    unsigned n = 999;
    CHECK_OK(ioctl(m, TIOCGPTN, &n));
    char name[64], want[64];
    snprintf(want, sizeof want, "/dev/pts/%u", n);
    CHECK_RC(ptsname_r(m, name, sizeof name), 0);
    CHECK(strcmp(name, want) == 0);
    int lock = 0;
    CHECK_OK(ioctl(m, TIOCGPTLCK, &lock));
    CHECK_EQ(lock, 1); /* locked until unlockpt */
    CHECK_ERR(open(name, O_RDWR | O_NOCTTY), EIO);
    CHECK_OK(grantpt(m));
    CHECK_OK(unlockpt(m));
    CHECK_OK(ioctl(m, TIOCGPTLCK, &lock));
    CHECK_EQ(lock, 0);
    struct stat st, st2;
    CHECK_OK(stat(name, &st));
    CHECK(S_ISCHR(st.st_mode));
    CHECK_OK(stat("/dev/ptmx", &st2));
    CHECK(S_ISCHR(st2.st_mode));
    int s = CHECK_OK(open(name, O_RDWR | O_NOCTTY));
    CHECK(isatty(s));
    CHECK_OK(fstat(s, &st2));
    CHECK_EQ(st2.st_rdev, st.st_rdev);
    char link[64], path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", s);
    ssize_t l = readlink(path, link, sizeof link - 1);
    CHECK(l > 0 && (link[l] = 0, strcmp(link, name) == 0));
    snprintf(path, sizeof path, "/proc/self/fd/%d", m);
    l = readlink(path, link, sizeof link - 1);
    CHECK(l > 0 && (link[l] = 0, strcmp(link, "/dev/ptmx") == 0 || strcmp(link, "/dev/pts/ptmx") == 0));
    char tn[64];
    CHECK_RC(ttyname_r(s, tn, sizeof tn), 0);
    CHECK(strcmp(tn, name) == 0);

    struct termios t;
    CHECK_OK(tcgetattr(s, &t));
    cfmakeraw(&t);
    CHECK_OK(tcsetattr(s, TCSANOW, &t));
    CHECK_EQ(write(m, "to slave", 8), 8);
    char buf[32];
    CHECK_EQ(read(s, buf, sizeof buf), 8);
    CHECK_EQ(write(s, "to master", 9), 9);
    CHECK_EQ(read(m, buf, sizeof buf), 9);
    CHECK(memcmp(buf, "to master", 9) == 0);

    int peer = CHECK_OK(ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC));
    CHECK(fcntl(peer, F_GETFD) & FD_CLOEXEC);
    CHECK_OK(fstat(peer, &st2));
    CHECK_EQ(st2.st_rdev, st.st_rdev);
    close(peer);

    /* a child in a session of its own takes the slave as its controlling terminal
     * and is told of a size change */
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    pid_t pid = CHECK_OK(fork());
    if (pid == 0) {
        signal(SIGWINCH, on_winch);
        int bad = setsid() < 0;
        bad |= (ioctl(s, TIOCSCTTY, 0) != 0) << 1;
        bad |= (tcgetsid(s) != getpid()) << 2;
        bad |= (tcsetpgrp(s, getpid()) != 0) << 3;
        int t2 = open("/dev/tty", O_RDWR);
        bad |= (t2 < 0) << 4;
        if (write(ready[1], "r", 1) != 1) bad = 1;
        for (int i = 0; i < 500 && !winched; i++) usleep(10000);
        struct winsize w;
        bad |= !winched << 5;
        bad |= (ioctl(t2, TIOCGWINSZ, &w) != 0 || w.ws_row != 33 || w.ws_col != 77) << 6;
        _exit(bad);
    }
    char c;
    CHECK_EQ(read(ready[0], &c, 1), 1);
    struct winsize w = { .ws_row = 33, .ws_col = 77 };
    CHECK_OK(ioctl(m, TIOCSWINSZ, &w));
    int wst;
    CHECK_EQ(waitpid(pid, &wst, 0), pid);
    CHECK(WIFEXITED(wst));
    CHECK_EQ(WEXITSTATUS(wst), 0); /* bits: setsid, TIOCSCTTY, tcgetsid, tcsetpgrp, /dev/tty, SIGWINCH, size */
    close(ready[0]);
    close(ready[1]);
    close(s);
    close(m);
    CHECK_ERR(open("/dev/pts/999999", O_RDWR), ENOENT);
}

int main(void)
{
    check_prog = "tty";
    RUN(pseudo_terminal);
    RUN(not_a_terminal);
    RUN(generic_requests);
    RUN(real_terminal);
    return check_done();
}
