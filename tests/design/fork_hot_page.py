#!/usr/bin/env python3
"""The variables every fork writes on both sides (RX_FORK_HOT, redox/rx.h) lie on
one page of their own in lxrun's binary: section lx_fork_hot starts on a page
boundary (cmake/lxrun_fork_hot.lds), and what follows its first page is only the
main thread's record, last in it, whose head (LX_THREAD_HOT bytes, trap/thread.h:
what every trap writes) ends within that first page, as do its SIGCHLD
details (a shell's lxrun writes them after each fork); and the process record
lx_proc starts on a page, so that the fields a fork or exec writes, which lead
it, share one page.  Each page more is a copy-on-write fault per fork on each
side (sh's fork+exec loop).

usage: fork_hot_page.py THREAD_H BINARY... [--self-test]
--self-test runs the check on a binary without the section and fails unless the
check fails."""
import re
import subprocess
import sys

from binary_checkmain import main as checkmain

PAGE = 4096


def thread_hot(thread_h):
    """The head's size and where the SIGCHLD details end, as thread.h says."""
    text = open(thread_h).read()
    return tuple(int(re.search(rf"^#define {name} (\d+)", text, re.M).group(1))
                 for name in ("LX_THREAD_HOT", "LX_THREAD_SIGCHLD_END"))


def problems(binary, sizes):
    hot, sigchld_end = sizes
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\]\s+lx_fork_hot\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    if not m:
        return [f"{binary}: no lx_fork_hot section"]
    addr, size = int(m.group(1), 16), int(m.group(2), 16)
    bad = []
    if addr % PAGE:
        bad.append(f"{binary}: lx_fork_hot at {addr:#x}, not on a page boundary")
    syms = subprocess.run(["nm", "-S", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) ([0-9a-f]+) \w main_thread\.\d+$", syms, re.M)
    if not m:
        bad.append(f"{binary}: no main_thread record")
        return bad
    thread, thread_size = int(m.group(1), 16), int(m.group(2), 16)
    if not addr <= thread < addr + PAGE:
        bad.append(f"{binary}: main_thread at {thread:#x}, not on the fork-hot page {addr:#x}")
    elif thread + hot > addr + PAGE:
        bad.append(f"{binary}: main_thread's head ({hot} bytes at {thread:#x}) passes the fork-hot page's end")
    elif thread + sigchld_end > addr + PAGE:
        bad.append(f"{binary}: main_thread's SIGCHLD details (ending {sigchld_end} bytes after {thread:#x}), which "
                   "a shell's lxrun writes after each fork, pass the fork-hot page's end")
    if thread + thread_size != addr + size:
        bad.append(f"{binary}: lx_fork_hot goes on after main_thread (it must be last)")
    m = re.search(r"^([0-9a-f]+) [0-9a-f]+ \w lx_proc$", syms, re.M)
    if not m or int(m.group(1), 16) % PAGE:
        bad.append(f"{binary}: lx_proc is not on a page boundary ({m.group(1) if m else 'absent'})")
    return bad


def main():
    args = [a for a in sys.argv[1:] if a != "--self-test"]
    hot = thread_hot(args[0])
    return checkmain("fork_hot_page", lambda b: problems(b, hot), args[1:])


if __name__ == "__main__":
    sys.exit(main())
