#!/usr/bin/python3
"""pty_programs.py — programs that make terminals of their own, natively and under
lxrun, compared output for output.

  script   script -qc 'tty; stty size; echo $((6*7))' /dev/null: script(1) opens a
           pseudo-terminal pair, runs a shell on the slave as its controlling
           terminal and copies its output.
  tmux     a tmux server, its client commands and the interactive bash in its
           pane, all under lxrun: new-session -d, send-keys, capture-pane, a
           SIGWINCH trap fired by resize-window and `stty size` after it.

Normalised: the pty number (/dev/pts/N), nothing else.
Usage: pty_programs.py --lxrun PATH CASE"""
import argparse
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from casekit import Tally  # noqa: E402

T = Tally()
expect = T.expect


def norm(text):
    return re.sub(r"/dev/pts/\d+", "/dev/pts/N", text)


ENV = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "TERM": "xterm", "LANG": "C"}


def case_script(lx):
    cmd = ["script", "-qc", "tty; stty size; echo $((6*7)); test -t 0 && echo stdin-is-a-tty", "/dev/null"]
    out = {}
    for who, prefix in (("native", []), ("lxrun", [lx])):
        r = subprocess.run(prefix + cmd, capture_output=True, timeout=60, env=ENV, stdin=subprocess.DEVNULL)
        out[who] = (r.returncode, norm(r.stdout.decode(errors="replace")))
    expect("script: same status and output", out["native"] == out["lxrun"], f"native {out['native']!r}\nlxrun  {out['lxrun']!r}")
    expect("script: the shell had a terminal", "/dev/pts/N" in out["lxrun"][1] and "stdin-is-a-tty" in out["lxrun"][1],
           repr(out["lxrun"]))


def tmux_session(prefix, sock):
    def tmux(*args, check=True):
        r = subprocess.run(prefix + ["tmux", "-L", sock, "-f", "/dev/null", *args], capture_output=True, text=True,
                           timeout=30, env=ENV)
        if check and r.returncode:
            raise RuntimeError(f"tmux {args}: {r.returncode} {r.stderr}")
        return r.stdout

    def screen():
        return "\n".join(l.rstrip() for l in tmux("capture-pane", "-p", "-t", "s").splitlines()).strip("\n")

    def wait_for(text, timeout=20.0, then_prompt=False):
        """The screen once it shows text (and, with then_prompt, the shell's next
        prompt after it: a screen caught between the two differs by a line)."""
        end = time.time() + timeout
        while time.time() < end:
            s = screen()
            if text in s and (not then_prompt or s.endswith("T$")):
                return s
            time.sleep(0.1)
        return screen()

    tmux("kill-server", check=False)
    tmux("new-session", "-d", "-s", "s", "-x", "80", "-y", "24",
         "env -i PATH=/usr/bin:/bin HOME=/tmp TERM=screen PS1='T$ ' bash --norc --noprofile -i")
    try:
        wait_for("T$")
        tmux("send-keys", "-t", "s", "trap 'echo got-winch' WINCH; tty; echo sum=$((6*7))", "Enter")
        wait_for("sum=42")
        tmux("resize-window", "-t", "s", "-x", "100", "-y", "30")
        time.sleep(0.3)
        tmux("send-keys", "-t", "s", "stty size", "Enter")
        s = wait_for("30 100", then_prompt=True)
        tmux("send-keys", "-t", "s", "exit", "Enter")
        return norm(s)
    finally:
        tmux("kill-server", check=False)


def case_tmux(lx):
    sock = f"lxrun-pty-{os.getpid()}"
    native = tmux_session([], sock + "-n")
    lxrun = tmux_session([lx], sock + "-x")
    expect("tmux: the same screen", native == lxrun, f"native:\n{native}\nlxrun:\n{lxrun}")
    expect("tmux: the pane's shell ran, had a pty, saw SIGWINCH and the new size",
           all(t in lxrun for t in ("sum=42", "/dev/pts/N", "got-winch", "30 100")), lxrun)


CASES = {"script": case_script, "tmux": case_tmux}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lxrun", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    CASES[a.case](os.path.abspath(a.lxrun))
    T.finish(a.case)


if __name__ == "__main__":
    main()
