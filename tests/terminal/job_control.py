#!/usr/bin/python3
"""job_control.py — an interactive bash in a terminal (a tmux pane), natively and
under lxrun: a background job, jobs, fg, Ctrl-Z, bg, fg, Ctrl-C, $?.  Each step
waits for the screen to show its result; the two screens must be the same.

Normalised: job pids (bash prints "[1] 12345" for a background job) become "PID";
nothing else.  Usage: job_control.py --lxrun PATH [--show]"""
import argparse
import re
import subprocess
import sys
import time

PROMPT = "JC$ "
SHOWN = PROMPT.rstrip()  # as the screen shows it: capture-pane drops trailing blanks

# (keys, what the screen must then show more of: a count of prompts, or a text)
STEPS = [
    (["sleep 30 &", "Enter"], SHOWN),
    (["jobs", "Enter"], SHOWN),
    (["fg", "Enter"], "sleep 30\n"),
    (["C-z"], SHOWN),
    (["jobs", "Enter"], SHOWN),
    (["bg", "Enter"], SHOWN),
    (["jobs", "Enter"], SHOWN),
    (["fg", "Enter"], "sleep 30\n"),
    (["C-c"], SHOWN),
    (["echo status=$?", "Enter"], SHOWN),
    (["trap 'echo got-int' INT; kill -INT $$", "Enter"], SHOWN),
    (["exit", "Enter"], None),
]


SOCKET = f"lxrun-jc-{__import__('os').getpid()}"  # a tmux server of this run's own


def tmux(*args, check=True):
    return subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check).stdout


def screen():
    return "\n".join(l.rstrip() for l in tmux("capture-pane", "-p", "-t", "jc").splitlines()).strip("\n") + "\n"


def run(prefix):
    tmux("kill-server", check=False)
    cmd = " ".join(prefix + ["/bin/bash", "--norc", "--noprofile", "-i"])
    tmux("new-session", "-d", "-s", "jc", "-x", "100", "-y", "40",
         f"env -i TERM=xterm HOME=/tmp PATH=/usr/bin:/bin PS1='{PROMPT}' {cmd}; sleep 5")
    try:
        deadline = time.time() + 10
        while screen().count(SHOWN) < 1:
            if time.time() > deadline:
                raise SystemExit(f"no prompt from {cmd!r}:\n{screen()}")
            time.sleep(0.05)
        for keys, want in STEPS:
            before = screen().count(want) if want else 0
            tmux("send-keys", "-t", "jc", *keys)
            if not want:
                time.sleep(0.5)
                continue
            deadline = time.time() + 10
            while screen().count(want) <= before:
                if time.time() > deadline:
                    raise SystemExit(f"{' '.join(keys)!r}: waited for {want!r}:\n{screen()}")
                time.sleep(0.05)
            time.sleep(0.1)  # whatever else the step prints
        return re.sub(r"^(\[\d+\]) \d+$", r"\1 PID", screen(), flags=re.M)
    finally:
        tmux("kill-server", check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lxrun", required=True)
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    native = run([])
    under = run([a.lxrun])
    if a.show:
        print(native)
    for need in ("Stopped", "Running", "status=130", "got-int", "^C", "^Z"):
        if need not in native:
            sys.exit(f"the native screen lacks {need!r}: the terminal did not do job control\n{native}")
    if native != under:
        sys.stdout.writelines(__import__("difflib").unified_diff(
            native.splitlines(True), under.splitlines(True), "native", "lxrun"))
        sys.exit(1)
    print("job control: same screen natively and under lxrun")


if __name__ == "__main__":
    main()
