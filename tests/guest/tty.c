/* tty.c — ioctl: terminal requests on things that are not terminals, the
 * generic fd requests (FIONREAD, FIONBIO, FIOCLEX/FIONCLEX), unknown requests.
 * On a terminal (the .pty runs, under script(1)), the terminal requests. */
#include <sys/ioctl.h>
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

int main(void)
{
    check_prog = "tty";
    RUN(not_a_terminal);
    RUN(generic_requests);
    RUN(real_terminal);
    return check_done();
}
