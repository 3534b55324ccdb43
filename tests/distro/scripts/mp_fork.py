# mp_fork.py — multiprocessing with the fork start method (no worker threads):
# processes, their exit codes, a pipe between them.
import multiprocessing as mp
import os
import sys


def child(conn, n):
    conn.send([n, n * n, os.getppid() == parent])
    conn.close()
    sys.exit(n)


if __name__ == "__main__":
    mp.set_start_method("fork")
    parent = os.getpid()
    for n in range(3):
        a, b = mp.Pipe(duplex=False)  # an os.pipe (a duplex one is a socketpair: sockets are issue 12)
        p = mp.Process(target=child, args=(b, n))
        p.start()
        print(a.recv(), end=" ")
        p.join()
        print("exit", p.exitcode)
    p = mp.Process(target=os.abort)
    p.start()
    p.join()
    print("aborted", p.exitcode)
