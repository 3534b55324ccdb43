#!/usr/bin/env python3
"""lxrun's start takes few page faults of its own: a static program's run under
lxrun, warm (its cache made by a first run), takes at most MAX_FAULTS page-fault
exceptions, counted by the kernel's software event (perf_event_open,
PERF_COUNT_SW_PAGE_FAULTS, from the exec on).  The event counts exceptions only:
getrusage's minor faults also count the pages the entry's populates map, which
cost a fraction of a fault each.  On a paravirtualised VM an exception costs
10-25 us; the start took 41-44 with the hot text alone, 21-22 with the variables
every start writes in lxrun's data (RX_START_WRITTEN), which its entry populates
with the rest (redox/host-linux-start.S), its stack's next pages and lx_bss's
small variables populated there too, and the vDSO's and the process table's
first pages populated as mapped.
The static program itself takes 6-8.

usage: start_faults.py LXRUN PROGRAM [ARGS...]  (exit 77: the event cannot be opened here)"""
import ctypes
import os
import struct
import sys
import tempfile

MAX_FAULTS = 28  # 21-22 measured: room for what another CPU kind's start maps
NR_PERF_EVENT_OPEN = 298
PERF_TYPE_SOFTWARE, PERF_COUNT_SW_PAGE_FAULTS = 1, 2
DISABLED, ENABLE_ON_EXEC = 1 << 0, 1 << 12
PERF_FLAG_FD_CLOEXEC = 8


def faults_of(argv, env):
    """The page-fault exceptions argv takes from its exec to its end, or None."""
    libc = ctypes.CDLL(None, use_errno=True)
    # perf_event_attr (PERF_ATTR_SIZE_VER5, 112 bytes): type, size, config, then zeroes
    # but the flags word at offset 40
    attr = bytearray(112)
    struct.pack_into("IIQ", attr, 0, PERF_TYPE_SOFTWARE, len(attr), PERF_COUNT_SW_PAGE_FAULTS)
    struct.pack_into("Q", attr, 40, DISABLED | ENABLE_ON_EXEC)
    buf = (ctypes.c_char * len(attr)).from_buffer(attr)
    go_r, go_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(go_w)
        os.read(go_r, 1)
        fd = os.open(os.devnull, os.O_RDWR)
        for k in (0, 1, 2):
            os.dup2(fd, k)
        os.execve(argv[0], argv, env)
    os.close(go_r)
    fd = libc.syscall(NR_PERF_EVENT_OPEN, buf, pid, -1, -1, PERF_FLAG_FD_CLOEXEC)
    os.write(go_w, b"x")
    os.close(go_w)
    os.waitpid(pid, 0)
    if fd < 0:
        return None
    n = struct.unpack("Q", os.read(fd, 8))[0]
    os.close(fd)
    return n


def main():
    argv = sys.argv[1:]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, LXRUN_CACHE=cache)
        faults_of(argv, env)  # makes the cache
        counts = [faults_of(argv, env) for _ in range(5)]
    if None in counts:
        print("start_faults: perf_event_open refused here: not measured")
        return 77
    least = min(counts)  # another process's activity only adds
    print(f"start_faults: {' '.join(argv)}: {counts} page faults (at most {MAX_FAULTS})")
    return 0 if least <= MAX_FAULTS else 1


if __name__ == "__main__":
    sys.exit(main())
