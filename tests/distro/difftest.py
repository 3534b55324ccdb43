#!/usr/bin/python3
"""difftest.py — differential distro tests: a real tool natively, then under lxrun.

Each case (tests/distro/cases.txt) runs in a fresh directory filled with the same
deterministic fixtures.  The native run goes first; the directory is then removed and
recreated at the *same path* with the same fixtures for the lxrun run.  For every step
of the case the driver compares stdout, stderr and the exit status, and after the last
step it compares a snapshot of the directory tree (names, types, modes, sizes, link
counts, owners, sha256 of contents, symlink targets and fixed mtimes).

Case file format (one case per line, '\\' continues a line, '#' starts a comment):

    NAME [OPTION ...] -- PROGRAM ARG ... [;; PROGRAM ARG ...]

The line is split with shlex (POSIX shell quoting).  ';;' separates steps; each step is
one program run directly (sh -c for pipelines: children run under lxrun too).  Options:

    stdin=PATH     the step's stdin is fixture file PATH (relative to the case dir);
                   default: stdin is an (inherited) empty /dev/null descriptor.
    pipe=PATH      the step's stdin is a pipe the driver writes fixture file PATH into
                   (exercises pipe reads; stdout and stderr are always pipes).
    sort           sort stdout lines of every step before comparing (see README:
                   only for tools whose output order is directory order and the
                   case asks for the sorted set, like `find ... | sort`).
    expect=N       sanity check: the native exit status of the last step must be N,
                   so an error case really tests the error path.
    script=NAME    copies tests/distro/scripts/NAME into the case dir first (a shell
                   script too long or too quoted for one line; run it with sh NAME).

Normalisations (each is legitimate, see README.md):
  * Same path for both runs: the case dir (/tmp/lxrun-distro/NAME.XXXXXX/NAME, the
    parent unique per driver run) is recreated at the same absolute path, so paths
    printed by tools (realpath, pwd, error messages) are identical.
  * argv[0]: PROGRAM is resolved in PATH=/usr/bin:/bin by the driver and run natively
    as `/usr/bin/X ARGS` and under lxrun as `lxrun /usr/bin/X ARGS`, so argv[0] is the
    same string and tools print the same program name in messages.
  * Fixed environment: LC_ALL=C, TZ=UTC, HOME=<case dir>, PATH=/usr/bin:/bin and
    nothing else; the lxrun run also gets the driver's LXRUN_TRAP_FS and LXRUN_TRAP,
    if set (how lxrun switches FS, how calls reach it), and its LXRUN_CACHE, else
    LXRUN_CACHE=off (where lxrun keeps what it learns: by default under HOME, which
    is the case dir); lxrun removes them from the guest's environment, so the
    guest's environment is the same in both runs.
  * Snapshot mtimes: a timestamp set by the fixtures or by the tool from a fixed date
    (touch -d, cp -p, tar x, gzip...) is compared exactly; a timestamp that is "now"
    (within the run, i.e. not before the run started minus a margin) is recorded as
    the word "now", because the wall clock differs between the two runs.  Access
    and change times and inode numbers are not in the snapshot (they differ between
    any two runs).  The case dir's parent is not in the snapshot.
"""

import argparse
import base64
import difflib
import hashlib
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STEP_TIMEOUT = 30
BASE = "/tmp/lxrun-distro"

# Fixed fixture timestamps (seconds since the epoch, UTC).
T_OLD = 1577880000      # 2020-01-01 12:00:00
T_MID = 1600000000      # 2020-09-13 12:26:40
T_NEW = 1650000000      # 2022-04-15 05:20:00


# --------------------------------------------------------------------------------------
# Fixtures: the same bytes, modes and mtimes for every run.

WORDS = """apple
banana
cherry
apple
date
banana
elderberry
fig
apple
grape
cherry
""".encode()

LINES = "".join("line %02d: the quick brown fox jumps over the lazy dog %d\n" % (i, i * i)
                for i in range(1, 31)).encode()

CSV = b"""id,name,qty,price
1,widget,4,2.50
2,gadget,10,1.25
3,doohickey,1,12.00
4,widget,7,2.50
5,thingamajig,3,7.75
"""

JSON = b"""{"name": "fixture", "version": 3,
 "items": [{"name": "a", "n": 1, "tags": ["x"]},
           {"name": "b", "n": 2, "tags": ["x", "y"]},
           {"name": "c", "n": 5, "tags": []}],
 "nested": {"k": null, "flag": true, "pi": 3.14159}}
"""

# big.txt: ~250 KB of pseudo-random words, so tools read and write in many chunks.
def _big():
    words = [w.decode() for w in WORDS.split()] + ["kiwi", "lemon", "mango", "nectarine",
                                                  "orange", "papaya", "quince", "raspberry"]
    x, out = 777, []
    for i in range(20000):
        row = []
        for _ in range(1 + i % 5):
            x = (x * 1103515245 + 12345) & 0x7FFFFFFF
            row.append(words[(x >> 16) % len(words)])
        out.append("%05d %s\n" % ((x >> 8) % 100000, " ".join(row)))
    return "".join(out).encode()


NUMBERS = b"".join(b"%d\n" % n for n in (42, 7, 100, 3, 7, 15, 8, 23, 42, 1))


def known_bytes():
    """data.bin: every byte value, then a deterministic pseudo-random tail."""
    out = bytearray(range(256)) * 4
    x = 12345
    for _ in range(3000):
        x = (x * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((x >> 16) & 0xFF)
    return bytes(out)


BIG = _big()


def make_fixtures(root):
    def w(rel, data, mode=0o644, mtime=T_OLD):
        p = os.path.join(root, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        os.chmod(p, mode)
        os.utime(p, (mtime, mtime))

    w("words.txt", WORDS)
    w("lines.txt", LINES)
    w("data.csv", CSV)
    w("data.json", JSON)
    w("numbers.txt", NUMBERS)
    w("data.bin", known_bytes(), mtime=T_MID)
    w("hello.txt", b"Hello, world!\nfoo bar foo\nBAR baz\n")
    w("hello.b64", base64.b64encode(b"Hello, world!\nfoo bar foo\nBAR baz\n") + b"\n")
    w("big.txt", BIG)
    w("sums.md5", b"".join(b"%s  %s\n" % (hashlib.md5(data).hexdigest().encode(), name)
                           for name, data in ((b"words.txt", WORDS), (b"lines.txt", LINES))))
    # The tree: subdirectories, sizes on both sides of 1k, modes, a symlink, a hidden file.
    w("tree/a.txt", b"alpha\n")
    w("tree/b.txt", b"bravo\nbravo two\n", mode=0o600, mtime=T_MID)
    w("tree/run.sh", b"#!/bin/sh\necho run\n", mode=0o755)
    w("tree/.hidden", b"hidden\n")
    w("tree/sub/c.txt", b"charlie\n" * 200, mtime=T_NEW)       # 1600 bytes
    w("tree/sub/d.dat", bytes(range(64)), mtime=T_NEW)
    w("tree/sub/deep/e.txt", b"echo\n", mtime=T_MID)
    w("tree/empty.txt", b"")
    os.symlink("sub/c.txt", os.path.join(root, "tree/link.txt"))
    os.utime(os.path.join(root, "tree/link.txt"), (T_MID, T_MID), follow_symlinks=False)
    # Directory mtimes last (creating entries changed them), deepest first.
    for d in ("tree/sub/deep", "tree/sub", "tree"):
        os.chmod(os.path.join(root, d), 0o755)
        os.utime(os.path.join(root, d), (T_MID, T_MID))
    os.chmod(root, 0o755)
    os.utime(root, (T_NEW, T_NEW))


def fresh_dir(path):
    if os.path.lexists(path):
        shutil.rmtree(path)
    os.makedirs(path)
    make_fixtures(path)


# --------------------------------------------------------------------------------------
# Snapshot of the case directory after the run.

def snapshot(root, started):
    """One line per entry, sorted by path.  See the mtime note in the module docstring."""
    now_after = started - 5  # fs timestamps use a coarse clock; fixed times are years old

    def mt(st):
        return "now" if st.st_mtime >= now_after else "%d.%09d" % (st.st_mtime_ns // 10**9,
                                                                  st.st_mtime_ns % 10**9)

    lines = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            st = os.lstat(p)
            common = "%s mode=%04o nlink=%d uid=%d gid=%d mtime=%s" % (
                rel, stat.S_IMODE(st.st_mode), st.st_nlink, st.st_uid, st.st_gid, mt(st))
            if stat.S_ISLNK(st.st_mode):
                lines.append("l %s -> %s" % (common, os.readlink(p)))
            elif stat.S_ISDIR(st.st_mode):
                lines.append("d %s" % common)
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    h = hashlib.sha256(f.read()).hexdigest()
                lines.append("f %s size=%d sha256=%s" % (common, st.st_size, h))
            else:
                lines.append("? %s type=%o" % (common, stat.S_IFMT(st.st_mode)))
    st = os.lstat(root)
    lines.insert(0, "d . mode=%04o mtime=%s" % (stat.S_IMODE(st.st_mode), mt(st)))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------
# Case file.

class Case:
    def __init__(self, name, opts, steps, lineno):
        self.name, self.opts, self.steps, self.lineno = name, opts, steps, lineno


def parse_cases(path):
    cases, buf, start = [], "", 0
    with open(path) as f:
        raw = f.read().split("\n")
    logical = []
    for i, line in enumerate(raw, 1):
        if not buf:
            start = i
            if not line.strip() or line.lstrip().startswith("#"):
                continue
        if line.endswith("\\"):
            buf += line[:-1] + "\n"
            continue
        buf += line
        logical.append((start, buf))
        buf = ""
    for lineno, text in logical:
        toks = shlex.split(text, comments=False, posix=True)
        if "--" not in toks:
            raise SystemExit("%s:%d: missing '--'" % (path, lineno))
        sep = toks.index("--")
        name, opts = toks[0], {}
        for o in toks[1:sep]:
            k, _, v = o.partition("=")
            opts[k] = v
        steps, cur = [], []
        for t in toks[sep + 1:]:
            if t == ";;":
                steps.append(cur)
                cur = []
            else:
                cur.append(t)
        steps.append(cur)
        if any(not s for s in steps):
            raise SystemExit("%s:%d: empty step" % (path, lineno))
        cases.append(Case(name, opts, steps, lineno))
    return cases


# --------------------------------------------------------------------------------------
# Running.

ENV_PATH = "/usr/bin:/bin"


def resolve(prog):
    if "/" in prog:
        return prog
    found = shutil.which(prog, path=ENV_PATH)
    if not found:
        raise SystemExit("program not found in %s: %s" % (ENV_PATH, prog))
    return found


def run_case(case, workdir, lxrun):
    """Run every step with lxrun (or natively if lxrun is None); the transcript + snapshot."""
    fresh_dir(workdir)
    if "script" in case.opts:
        name = case.opts["script"]
        shutil.copyfile(os.path.join(HERE, "scripts", name), os.path.join(workdir, name))
        os.utime(os.path.join(workdir, name), (T_OLD, T_OLD))
    env = {"LC_ALL": "C", "TZ": "UTC", "HOME": workdir, "PATH": ENV_PATH}
    if lxrun:  # lxrun's own choices (mechanism, FS path) reach it, not the guest
        env.update({k: os.environ[k] for k in ("LXRUN_TRAP", "LXRUN_TRAP_FS") if k in os.environ})
        env["LXRUN_CACHE"] = os.environ.get("LXRUN_CACHE", "off")
    out = []
    statuses = []
    started = time.time()
    for i, step in enumerate(case.steps, 1):
        argv = [resolve(step[0])] + step[1:]
        if lxrun:
            argv = [lxrun] + argv
        stdin_path = case.opts.get("stdin")
        stdin = open(os.path.join(workdir, stdin_path), "rb") if stdin_path else subprocess.DEVNULL
        feed = None
        if "pipe" in case.opts:
            with open(os.path.join(workdir, case.opts["pipe"]), "rb") as f:
                feed, stdin = f.read(), None  # written to the step's stdin pipe
        try:
            p = subprocess.run(argv, cwd=workdir, env=env, stdin=stdin, input=feed,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               timeout=STEP_TIMEOUT)
            rc, so, se = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, so, se = "timeout", e.stdout or b"", e.stderr or b""
        finally:
            if stdin_path:
                stdin.close()
        if "sort" in case.opts:
            so = b"".join(sorted(so.splitlines(keepends=True)))
        statuses.append(rc)
        out.append(("step %d: %s" % (i, shlex.join(step)), rc, so, se))
    snap = snapshot(workdir, started)
    return out, snap, statuses


def show(b):
    try:
        return b.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return [repr(b[i:i + 64]) + "\n" for i in range(0, len(b), 64)]


def diff(label, a, b):
    return "".join(difflib.unified_diff(show(a), show(b), "native " + label, "lxrun " + label))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lxrun", help="path of the lxrun binary")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("--list", action="store_true", help="print the case names")
    ap.add_argument("--keep", action="store_true", help="leave the lxrun run's directory")
    ap.add_argument("--self-check", action="store_true",
                    help="run natively twice instead (checks the case is deterministic)")
    ap.add_argument("--show", action="store_true", help="print the native transcript")
    ap.add_argument("case", nargs="*")
    a = ap.parse_args()
    cases = parse_cases(a.cases)
    names = [c.name for c in cases]
    if len(set(names)) != len(names):
        raise SystemExit("duplicate case names")
    if a.list:
        print("\n".join(names))
        return 0
    if not a.lxrun and not a.self_check:
        ap.error("--lxrun is required")
    lxrun = os.path.abspath(a.lxrun) if a.lxrun else None
    selected = [c for c in cases if not a.case or c.name in a.case]
    if a.case and len(selected) != len(set(a.case)):
        raise SystemExit("unknown case(s): %s" % (set(a.case) - set(names)))
    failed = 0
    for c in selected:
        # A private parent per driver run, so concurrent runs of the same case (two
        # ctest invocations) never share a directory; both runs of one case use the
        # same path, which is all the comparison needs.
        os.makedirs(BASE, exist_ok=True)
        parent = tempfile.mkdtemp(prefix=c.name + ".", dir=BASE)
        workdir = os.path.join(parent, c.name)
        nat, nsnap, nst = run_case(c, workdir, None)
        lx, lsnap, _ = run_case(c, workdir, None if a.self_check else lxrun)
        if not a.keep:
            shutil.rmtree(parent, ignore_errors=True)
        else:
            print("kept: %s" % workdir)
        if a.show:
            for label, rc, so, se in nat:
                print("=== %s  [exit %s]" % (label, rc))
                sys.stdout.write("".join(show(so)))
                if se:
                    sys.stdout.write("--- stderr\n" + "".join(show(se)))
            print("=== snapshot\n" + nsnap)
        problems = []
        if "expect" in c.opts and str(nst[-1]) != c.opts["expect"]:
            problems.append("native exit status of the last step is %s, case expects %s"
                            % (nst[-1], c.opts["expect"]))
        for (label, nrc, nso, nse), (_, lrc, lso, lse) in zip(nat, lx):
            if nrc != lrc:
                problems.append("%s: exit status native %s, lxrun %s" % (label, nrc, lrc))
            if nso != lso:
                problems.append("%s: stdout differs\n%s" % (label, diff("stdout", nso, lso)))
            if nse != lse:
                problems.append("%s: stderr differs\n%s" % (label, diff("stderr", nse, lse)))
        if nsnap != lsnap:
            problems.append("directory snapshot differs\n" +
                            "".join(difflib.unified_diff(nsnap.splitlines(True),
                                                         lsnap.splitlines(True),
                                                         "native tree", "lxrun tree")))
        if problems:
            failed += 1
            print("FAIL %s (cases.txt:%d)" % (c.name, c.lineno))
            for p in problems:
                print("  " + p.replace("\n", "\n    ").rstrip())
        else:
            print("ok   %s (%d step%s, status %s)" % (c.name, len(c.steps),
                                                      "" if len(c.steps) == 1 else "s",
                                                      ",".join(map(str, nst))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
