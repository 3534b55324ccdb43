#!/usr/bin/python3
"""net_e2e.py — real network programs on loopback, each side natively and under
lxrun, compared with the all-native run.

  http_server   python3 -m http.server, natively and under lxrun, on one directory;
                native curl fetches a file and the directory listing from each
                (IPv4 and IPv6): the bodies must be the same.
  http_client   a native http.server; curl (IPv4, IPv6) and wget natively and under
                lxrun fetch the same URLs: output and exit status the same, plus a
                refused connection (curl's exit 7 both ways).
  asyncio       an asyncio echo server and client (tests/net/asyncio_echo.py): the
                server under lxrun with a native client, then the reverse; the
                transcripts must equal the all-native one.
  openssl       openssl s_server -www under lxrun queried by a native s_client, and
                the reverse: the TLS handshake completes and the status page arrives.
  tail_follow   tail -f under lxrun (-c) on a file appended to natively: each line
                shows up, and tail waited through inotify (its summary lists
                inotify_add_watch without errors), not by polling.
  ss            sockets a guest holds (TCP over IPv4 and IPv6, UDP, a unix listener)
                as ss -tln/-uln/-xl and /proc/net/* show them, natively and under
                lxrun; ss -tlnp in the guest's session names the guest process.
  ip            ip addr, ip link, ip route, ip -6 route, /proc/net/route and the
                interface names of /proc/net/dev and if_inet6, natively and under lxrun.
  timerfd_cancel  a timerfd armed with TFD_TIMER_CANCEL_ON_SET (tests/guest/events.c
                cancel-wait), natively and under lxrun: setting the realtime clock (to
                itself, a jump back of microseconds) ends its read with ECANCELED.
  unix_root     under --root R, a unix socket the guest binds at /tmp/s.sock is the node
                R/tmp/s.sock on the host, and getsockname shows the guest's path
                (tests/guest/net.c bind-unix, static musl, copied into R).
  names         getaddrinfo (getent hosts/ahosts, python) from a guest /etc served by
                --mount /etc=DIR: the guest's hosts file and nsswitch.conf, not the host's.

Normalised: the port numbers, which each run chooses afresh; for ss and
/proc/net/*, only the lines of this test's sockets are compared (other tests'
sockets come and go meanwhile); in /proc/net/tcp*, udp* not the timer fields
(tr:tm->when, retrnsmt), which lxrun cannot know and renders 0; for ip, what the host backend does not know of an
interface: its queueing discipline ("qdisc X"), altnames and the IPv6 address
flags after the scope (nodad, noprefixroute…), and the flags column of if_inet6.
Usage: net_e2e.py --lxrun PATH CASE"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import Tally  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def free_port(family=socket.AF_INET, host="127.0.0.1"):
    with socket.socket(family) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def wait_port(port, host="127.0.0.1", family=socket.AF_INET, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.socket(family) as s:
                s.settimeout(1)
                s.connect((host, port))
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Server:
    """A server process, killed on exit."""

    def __init__(self, argv, port, cwd=None, host="127.0.0.1", family=socket.AF_INET, stdin=None):
        self.p = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  stdin=stdin if stdin is not None else subprocess.DEVNULL)
        if not wait_port(port, host, family):
            self.stop()
            out, err = self.p.communicate()
            raise SystemExit(f"server {argv} never listened on {port}: {err.decode(errors='replace')}")

    def stop(self):
        if self.p.poll() is None:
            self.p.terminate()
            try:
                self.p.wait(10)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.stop()


def run(argv, timeout=60, **kw):
    r = subprocess.run(argv, capture_output=True, timeout=timeout, **kw)
    return r.returncode, r.stdout, r.stderr


T = Tally()
expect, same = T.expect, T.same


def fixture_dir():
    d = tempfile.mkdtemp(prefix="lxrun-net-")
    with open(os.path.join(d, "hello.txt"), "w") as f:
        f.write("hello over loopback\n")
    with open(os.path.join(d, "blob.bin"), "wb") as f:
        f.write(bytes((i * 7 + 3) & 0xff for i in range(300000)))
    os.mkdir(os.path.join(d, "sub"))
    return d


def case_http_server(lx):
    d = fixture_dir()
    try:
        bodies = {}
        for who, prefix in (("native", []), ("lxrun", [lx])):
            for fam, host, bind in ((socket.AF_INET, "127.0.0.1", "127.0.0.1"), (socket.AF_INET6, "[::1]", "::1")):
                port = free_port(fam, bind)
                with Server(prefix + ["python3", "-m", "http.server", str(port), "--bind", bind], port, cwd=d,
                            host=bind, family=fam):
                    for path in ("/hello.txt", "/blob.bin", "/", "/missing"):
                        rc, out, _ = run(["curl", "-s", "-w", "%{http_code}", f"http://{host}:{port}{path}"])
                        bodies[(who, fam, path)] = (rc, out)
        for fam in (socket.AF_INET, socket.AF_INET6):
            for path in ("/hello.txt", "/blob.bin", "/", "/missing"):
                same(f"http.server {fam.name} {path}", bodies[("native", fam, path)], bodies[("lxrun", fam, path)])
        expect("blob served whole", bodies[("lxrun", socket.AF_INET, "/blob.bin")][1][:-3] ==
               open(os.path.join(d, "blob.bin"), "rb").read())
    finally:
        shutil.rmtree(d)


def case_http_client(lx):
    d = fixture_dir()
    try:
        port, port6 = free_port(), free_port(socket.AF_INET6, "::1")
        with Server(["python3", "-m", "http.server", str(port), "--bind", "127.0.0.1"], port, cwd=d), \
                Server(["python3", "-m", "http.server", str(port6), "--bind", "::1"], port6, cwd=d, host="::1",
                       family=socket.AF_INET6):
            clients = [
                ("curl ipv4", ["curl", "-s", "-S", f"http://127.0.0.1:{port}/hello.txt"]),
                ("curl ipv6", ["curl", "-s", "-S", "-g", f"http://[::1]:{port6}/blob.bin"]),
                ("curl head", ["curl", "-s", "-I", "-o", "/dev/null", "-w", "%{http_code} %{size_download}",
                               f"http://127.0.0.1:{port}/sub/"]),
                ("curl 404", ["curl", "-s", "-f", f"http://127.0.0.1:{port}/missing"]),
                ("wget", ["wget", "-q", "-O", "-", f"http://127.0.0.1:{port}/hello.txt"]),
                ("wget ipv6", ["wget", "-q", "-O", "-", f"http://[::1]:{port6}/hello.txt"]),
            ]
            for name, argv in clients:
                n = run(argv)
                x = run([lx] + argv)
                same(name + " (status, stdout)", n[:2], x[:2])
        closed = free_port()
        argv = ["curl", "-s", f"http://127.0.0.1:{closed}/"]
        same("curl refused (status)", run(argv)[0], run([lx] + argv)[0])
    finally:
        shutil.rmtree(d)


def case_asyncio(lx):
    script = os.path.join(HERE, "asyncio_echo.py")
    transcripts = {}
    for who, srv, cli in (("native", [], []), ("lxrun server", [lx], []), ("lxrun client", [], [lx]),
                          ("lxrun both", [lx], [lx])):
        port = free_port()
        with Server(srv + ["python3", script, "server", str(port)], port) as s:
            rc, out, err = run(cli + ["python3", script, "client", str(port)])
            transcripts[who] = (rc, out)
            if rc:
                print(err.decode(errors="replace"))
    for who in ("lxrun server", "lxrun client", "lxrun both"):
        same("asyncio echo, " + who, transcripts["native"], transcripts[who])
    expect("asyncio transcript non-empty", transcripts["native"][0] == 0 and len(transcripts["native"][1]) > 100)


def case_openssl(lx):
    d = tempfile.mkdtemp(prefix="lxrun-tls-")
    try:
        key, crt = os.path.join(d, "k.pem"), os.path.join(d, "c.pem")
        rc, _, err = run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                          "-nodes", "-keyout", key, "-out", crt, "-days", "1", "-subj", "/CN=lxrun-test"])
        if rc:
            raise SystemExit(err.decode())
        for who, srv, cli in (("native", [], []), ("lxrun server", [lx], []), ("lxrun client", [], [lx])):
            port = free_port()
            with Server(srv + ["openssl", "s_server", "-accept", f"127.0.0.1:{port}", "-key", key, "-cert", crt,
                               "-www"], port, stdin=subprocess.PIPE):
                rc, out, err = run(cli + ["openssl", "s_client", "-connect", f"127.0.0.1:{port}", "-quiet",
                                          "-verify_return_error", "-CAfile", crt],
                                   input=b"GET / HTTP/1.0\r\n\r\n")
                text = out.decode(errors="replace")
                expect(f"openssl {who}: handshake and status page",
                       rc == 0 and text.startswith("HTTP/1.0 200 ok") and "Ciphers supported" in text,
                       f"rc={rc} out={text[:300]!r} err={err.decode(errors='replace')[:300]!r}")
    finally:
        shutil.rmtree(d)


def case_tail_follow(lx):
    d = tempfile.mkdtemp(prefix="lxrun-tail-")
    try:
        log = os.path.join(d, "log")
        with open(log, "w") as f:
            f.write("first\n")
        # tail ends by itself once the sleeper does (--pid), so lxrun's summary is written
        sleeper = subprocess.Popen(["sleep", "60"])
        p = subprocess.Popen([lx, "-c", "tail", "-n", "+1", "-f", f"--pid={sleeper.pid}", log], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        got = []
        os.set_blocking(p.stdout.fileno(), False)

        def wait_for(line, timeout=10.0):
            end = time.time() + timeout
            buf = b""
            while time.time() < end:
                chunk = p.stdout.read()
                if chunk:
                    buf += chunk
                    got.extend(buf.decode().splitlines())
                    buf = b""
                if line in got:
                    return True
                time.sleep(0.02)
            return False

        expect("tail shows the existing line", wait_for("first"))
        for i in range(3):
            with open(log, "a") as f:
                f.write(f"appended {i}\n")
            expect(f"tail shows append {i}", wait_for(f"appended {i}"))
        sleeper.kill()
        sleeper.wait()
        _, err = p.communicate(timeout=20)
        expect("tail ended with its watched process", p.returncode == 0)
        summary = err.decode(errors="replace")
        # summary rows: % time, seconds, usecs/call, calls, [errors], syscall, status
        rows = {r[-2]: r for r in (l.split() for l in summary.splitlines()) if len(r) in (6, 7) and r[0][0].isdigit()}
        add = rows.get("inotify_add_watch")
        expect("tail watched through inotify, without errors", add is not None and len(add) == 6, summary[-1500:])
    finally:
        shutil.rmtree(d)


def case_ss(lx):
    d = tempfile.mkdtemp(prefix="lxrun-ss-")
    try:
        ports = [free_port(), free_port(socket.AF_INET6, "::1"), free_port(socket.AF_INET6, "::1")]
        path = os.path.join(d, "srv.sock")
        holder = ("import socket, sys, time\n"
                  f"t = socket.socket(); t.bind(('127.0.0.1', {ports[0]})); t.listen(7)\n"
                  f"t6 = socket.socket(socket.AF_INET6); t6.bind(('::1', {ports[1]})); t6.listen(3)\n"
                  f"u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); u.bind(('::1', {ports[2]}))\n"
                  f"x = socket.socket(socket.AF_UNIX); x.bind({path!r}); x.listen(2)\n"
                  "print('ready', flush=True); time.sleep(30)\n")
        p = subprocess.Popen([lx, "python3", "-c", holder], stdout=subprocess.PIPE)
        try:
            expect("holder started", p.stdout.readline().strip() == b"ready")
            keys = [f":{ports[0]}", f":{ports[1]}", f":{ports[2]}", path]
            hexkeys = [f":{ports[0]:04X}", f":{ports[1]:04X}", f":{ports[2]:04X}", path]
            mine = lambda text, ks: sorted(l.split(None, 1)[1] if l.split(None, 1)[0].endswith(":") else l
                                           for l in text.splitlines() if any(k in l for k in ks))
            for args in (["-tln"], ["-uln"], ["-xl"], ["-tan"]):
                n, x = run(["ss"] + args), run([lx, "ss"] + args)
                same("ss " + " ".join(args), (n[0], mine(n[1].decode(), keys)), (x[0], mine(x[1].decode(), keys)))
                expect("ss " + " ".join(args) + " lists them", len(mine(x[1].decode(), keys)) >= 1)
            # an inet table's lines are this test's when their local address is its socket
            # of that family (another test's IPv4 server may have an IPv6 port of this one)
            own_port = {"tcp": ports[0], "tcp6": ports[1], "udp6": ports[2]}
            for f in ("tcp", "tcp6", "udp6", "unix"):
                n = run(["cat", f"/proc/net/{f}"])[1].decode()
                x = run([lx, "cat", f"/proc/net/{f}"])[1].decode()
                if f == "unix":  # inode and path
                    lines = lambda text: [tuple(l.split()[-2:]) for l in mine(text, [path])]
                else:  # addresses, state, queues, uid, inode; not the timer fields, which
                    # lxrun cannot know (render_net.c: they read 0)
                    lines = lambda text: [tuple(l.split()[0:4] + l.split()[6:9]) for l in mine(text, hexkeys)
                                          if l.split()[0].endswith(f":{own_port[f]:04X}")]
                same(f"/proc/net/{f}", sorted(lines(n)), sorted(lines(x)))
                expect(f"/proc/net/{f} lists them", len(lines(x)) >= 1)
        finally:
            p.kill()
            p.wait()
        port = free_port()
        rc, out, err = run([lx, "sh", "-c", f"python3 -c \"import socket,time; s=socket.socket(); "
                            f"s.bind(('127.0.0.1',{port})); s.listen(); print('up', flush=True); time.sleep(3)\" | "
                            f"(read up; ss -tlnp)"])
        line = [l for l in out.decode().splitlines() if f":{port}" in l]
        expect("ss -tlnp names the guest process", len(line) == 1 and 'users:(("python3",pid=' in line[0], out.decode())
    finally:
        shutil.rmtree(d)


IP_NORMALISE = [(r" qdisc \S+", ""), (r"(scope (global|link|host))(?: [a-z]+)+ *$", r"\1 "), (r"\n *altname \S+", "")]


def case_ip(lx):
    import re

    def norm(text):
        for pat, rep in IP_NORMALISE:
            text = re.sub(pat, rep, text, flags=re.M)
        return text
    for args in (["addr"], ["link"], ["route"], ["-6", "route"], ["-4", "addr", "show", "dev", "lo"], ["link", "show", "lo"],
                 ["-j", "route"]):
        n, x = run(["ip"] + args), run([lx, "ip"] + args)
        same("ip " + " ".join(args), (n[0], norm(n[1].decode())), (x[0], norm(x[1].decode())))
    n, x = run(["ip", "link", "show", "nosuch0"]), run([lx, "ip", "link", "show", "nosuch0"])
    same("ip link show of a missing device (status, stderr)", (n[0], n[2]), (x[0], x[2]))
    same("/proc/net/route", run(["cat", "/proc/net/route"])[:2], run([lx, "cat", "/proc/net/route"])[:2])
    names = lambda t: sorted(l.split(":")[0].strip() for l in t.decode().splitlines()[2:])
    same("/proc/net/dev interfaces", names(run(["cat", "/proc/net/dev"])[1]), names(run([lx, "cat", "/proc/net/dev"])[1]))
    v6 = lambda t: sorted(tuple(l.split()[:4] + l.split()[5:]) for l in t.decode().splitlines())
    same("/proc/net/if_inet6", v6(run(["cat", "/proc/net/if_inet6"])[1]), v6(run([lx, "cat", "/proc/net/if_inet6"])[1]))


def case_names(lx):
    d = tempfile.mkdtemp(prefix="lxrun-etc-")
    try:
        with open(os.path.join(d, "hosts"), "w") as f:
            f.write("127.0.0.1 localhost\n10.9.8.7 lxrun-test-host lxalias\nfd00:1234::7 lxrun-test-host6\n")
        with open(os.path.join(d, "nsswitch.conf"), "w") as f:
            f.write("hosts: files\n")
        with open(os.path.join(d, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        m = [lx, "--mount", f"/etc={d}"]
        rc, out, _ = run(m + ["getent", "hosts", "lxrun-test-host", "lxalias"])
        expect("getent hosts from the guest's /etc", rc == 0 and out.decode().split() ==
               ["10.9.8.7", "lxrun-test-host", "lxalias"] * 2, out.decode())
        rc, out, _ = run(m + ["getent", "ahosts", "lxrun-test-host6"])
        expect("getent ahosts (IPv6) from the guest's /etc", rc == 0 and out.decode().startswith("fd00:1234::7"), out.decode())
        rc, out, _ = run(m + ["python3", "-c", "import socket; print(sorted({a[4][0] for a in "
                                               "socket.getaddrinfo('lxrun-test-host', 80)}))"])
        expect("python getaddrinfo from the guest's /etc", out.decode().strip() == "['10.9.8.7']", out.decode())
        rc, out, _ = run(["getent", "hosts", "lxrun-test-host"])
        expect("the host's own /etc does not know the name", rc == 2)
    finally:
        shutil.rmtree(d)


def case_timerfd_cancel(lx, events):
    for who, prefix in (("native", []), ("lxrun", [lx])):
        p = subprocess.Popen(prefix + [events, "cancel-wait"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        armed = p.stdout.readline().strip() == b"armed"
        expect(f"{who}: armed", armed)
        time.sleep(0.2)
        if armed:
            time.clock_settime(time.CLOCK_REALTIME, time.clock_gettime(time.CLOCK_REALTIME))
        try:
            out, _ = p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            p.kill()
            out, _ = p.communicate()
        expect(f"{who}: the read ended with ECANCELED", p.returncode == 0, out.decode())


def case_unix_root(lx, net):
    d = tempfile.mkdtemp(prefix="lxrun-uroot-")
    try:
        os.makedirs(os.path.join(d, "tmp"))
        shutil.copy(net, os.path.join(d, "net"))
        rc, out, err = run([lx, "--root", d, "--no-config", "/net", "bind-unix", "/tmp/s.sock"])
        expect("bind under the root succeeded", rc == 0, err.decode())
        expect("getsockname shows the guest path", out.decode().strip() == "/tmp/s.sock", out.decode())
        import stat
        host = os.path.join(d, "tmp", "s.sock")
        expect("the socket node is inside the root", os.path.exists(host) and stat.S_ISSOCK(os.lstat(host).st_mode))
        expect("and nowhere outside it", not os.path.exists("/tmp/s.sock") or not stat.S_ISSOCK(os.lstat("/tmp/s.sock").st_mode)
               or os.lstat("/tmp/s.sock").st_mtime < os.lstat(host).st_mtime - 5)
        rc, out, err = run([lx, "--root", d, "--no-config", "/net", "bind-unix", "../../../../tmp/escape.sock"])
        expect("a path climbing out stays inside", os.path.exists(os.path.join(d, "tmp", "escape.sock")), err.decode())
    finally:
        shutil.rmtree(d)


CASES = {"http_server": case_http_server, "http_client": case_http_client, "asyncio": case_asyncio,
         "openssl": case_openssl, "tail_follow": case_tail_follow, "ss": case_ss, "ip": case_ip, "names": case_names,
         "timerfd_cancel": case_timerfd_cancel, "unix_root": case_unix_root}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lxrun", required=True)
    ap.add_argument("--events", help="tests/guest's events binary (timerfd_cancel)")
    ap.add_argument("--net", help="tests/guest's static net binary (unix_root)")
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    if a.case == "timerfd_cancel":
        case_timerfd_cancel(os.path.abspath(a.lxrun), os.path.abspath(a.events))
    elif a.case == "unix_root":
        case_unix_root(os.path.abspath(a.lxrun), os.path.abspath(a.net))
    else:
        CASES[a.case](os.path.abspath(a.lxrun))
    T.finish(a.case)


if __name__ == "__main__":
    main()
