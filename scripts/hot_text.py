#!/usr/bin/env python3
"""hot_text.py — lxrun's hot text: the functions a start and a short program's
calls run, laid together at the start of lxrun's code by cmake/lxrun_hot_text.lds.

On a paravirtualised VM each code page a fresh process first runs costs ~1.5-2 us
even when the page is present (the hypervisor fills its own tables), and a fault
where it is not (16 pages mapped a fault).  Linked by file, the ~250 functions a
static program's start runs lay over 67 of lxrun's pages; gathered, over 31-34.

  hot_text.py profile OUT LXRUN MAP [LXRUN MAP...]
      runs the profile's programs (profile_runs below) under each LXRUN in gdb, a
      breakpoint on each of its functions, and writes the linker script OUT: the
      input section (from that link's MAP) of each function hit, in the order first
      hit, the first build's first.  Give it a build of each type in use (the
      default RelWithDebInfo, and Release): their compilers inline differently, so
      each runs functions the other has not.
  hot_text.py check LXRUN PROGRAM [ARGS...] [--self-test]
      the functions LXRUN runs for PROGRAM lie in .text.lx_hot, but for at most
      OUTSIDE_MAX, and over at most PAGES_MAX pages; --self-test passes only when
      the check fails (an unordered build).

Regenerate the script after changes to what a start runs (check then fails):
  cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo && cmake --build build
  cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release && cmake --build build-release
  scripts/hot_text.py profile cmake/lxrun_hot_text.lds build/lxrun-musl build/lxrun-musl.map \\
      build-release/lxrun-musl build-release/lxrun-musl.map
"""
import bisect
import os
import re
import subprocess
import sys
import tempfile

OUTSIDE_MAX = 16  # room for what another CPU runs (FSGSBASE, its CPUID answers)
PAGES_MAX = 44
PAGE = 4096

# Run under gdb: a one-shot breakpoint on every function of the binary (nm's
# text symbols, at the load bias found at the first instruction); each hit's
# address appended to the output file in order.
GDB_SCRIPT = r'''
import gdb, subprocess
gdb.execute("set pagination off")
gdb.execute("set confirm off")
gdb.execute("handle all nostop noprint pass")
hits = []
class Once(gdb.Breakpoint):
    def stop(self):
        hits.append(self.offset)
        self.enabled = False
        return False
gdb.execute("starti")
exe = gdb.current_progspace().filename
maps = gdb.execute("info proc mappings", to_string=True)
base = min(int(l.split()[0], 16) for l in maps.splitlines() if l.strip().endswith(exe))
seen = set()
for l in subprocess.run(["nm", "--defined-only", exe], capture_output=True, text=True).stdout.splitlines():
    p = l.split()
    if len(p) == 3 and p[1] in "tTwW" and p[0] not in seen:
        seen.add(p[0])
        b = Once("*%#x" % (base + int(p[0], 16)), internal=True)
        b.offset = int(p[0], 16)
gdb.execute("continue")
with open(OUT, "a") as f:
    for h in hits:
        f.write("%x\n" % h)
'''


def run_hits(lxrun, argv, cwd=None, env=None):
    """The offsets of lxrun's functions run for argv, in the order first run."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "hits")
        script = os.path.join(tmp, "hits.py")
        with open(script, "w") as f:
            f.write(f"OUT = {out!r}\n" + GDB_SCRIPT)
        subprocess.run(["gdb", "-q", "-batch", "-nx", "-x", script, "--args", os.path.abspath(lxrun)] + argv, cwd=cwd,
                       env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=300)
        if not os.path.exists(out):
            sys.exit(f"hot_text: gdb recorded nothing for {' '.join(argv)}")
        return [int(l, 16) for l in open(out)]


def functions(binary):
    """{offset: (size, name)} of the binary's function symbols."""
    out = subprocess.run(["nm", "-S", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    fns = {}
    for l in out.splitlines():
        p = l.split()
        if len(p) == 4 and p[2] in "tTwW":
            fns.setdefault(int(p[0], 16), (int(p[1], 16), p[3]))
    return fns


def section(binary, name):
    out = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True, check=True).stdout
    m = re.search(r"\]\s+" + re.escape(name) + r"\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out)
    return (int(m.group(1), 16), int(m.group(2), 16)) if m else None


def input_sections(map_file):
    """The link map's .text input sections: sorted (address, size, section, file)."""
    secs, pending = [], None
    for l in open(map_file):
        l = l.rstrip("\n")
        m = re.match(r"^ (\.text\S*)$", l)
        if m:
            pending = m.group(1)
            continue
        m = re.match(r"^ (\.text\S*)?\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S+)$", l)
        if m and (m.group(1) or pending):
            secs.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1) or pending, m.group(4)))
        pending = None
    return sorted(secs)


def pattern(sec, path):
    """A linker script input pattern for one input section."""
    if sec != ".text":
        return f"*({sec})"  # -ffunction-sections: the function's own section, whichever file
    m = re.match(r".*/(lib[^/]*\.a)\((.*)\)$", path)  # an archive's member (musl's libc.a)
    return f"*{m.group(1)}:{m.group(2)}(.text)" if m else f"*{os.path.basename(path)}(.text)"


def profile_runs(tmp):
    """The programs whose runs make the profile: a static program's start first,
    then dynamic ones and the calls a shell, python and git make."""
    noop = os.path.join(tmp, "noop")
    src = noop + ".c"
    with open(src, "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run(["musl-gcc", "-static", "-O2", "-o", noop, src], check=True)
    repo = os.path.join(tmp, "repo")
    subprocess.run(["git", "init", "-q", repo], check=True)
    for i in range(20):
        with open(os.path.join(repo, f"f{i}"), "w") as f:
            f.write(f"{i}\n")
    subprocess.run(["git", "-C", repo, "add", "."], check=True)
    return [([noop], None), (["/bin/true"], None), (["/bin/sh", "-c", "true"], None), (["/bin/ls", "/"], None),
            (["/bin/cat", "/etc/hostname"], None), (["/usr/bin/python3", "-c", "pass"], None),
            (["/usr/bin/git", "status"], repo)]


def profile(out, builds):
    order, seen, nhits = [], set(), 0
    for lxrun, map_file in builds:
        nhits += profile_build(lxrun, map_file, order, seen)
    with open(out, "w") as f:
        f.write("/* lxrun_hot_text.lds -- generated by scripts/hot_text.py profile (which says why and\n"
                " * how); the functions lxrun's start and a short program's calls run, in the order\n"
                " * first run, before the rest of its code.  Added to the default linker script\n"
                " * (INSERT), for both libcs' builds. */\nSECTIONS\n{\n  .text.lx_hot : {\n")
        f.write("    *host-linux-start.S.o(.text)\n")  # the entry point: gdb starts on it, no hit
        for p in order:
            f.write(f"    {p}\n")
        f.write("  }\n}\nINSERT BEFORE .text;\n")
    print(f"hot_text: {len(order)} input sections from {nhits} hits -> {out}")


def profile_build(lxrun, map_file, order, seen):
    """Appends to order the patterns of the input sections lxrun runs; the hits."""
    secs = input_sections(map_file)
    starts = [s[0] for s in secs]
    with tempfile.TemporaryDirectory() as tmp:
        # each three times: with the default cache (the user's), then with a cache
        # directory of its own (LXRUN_CACHE, as the tests run), made by the first
        # run, used by the second
        cached = dict(os.environ, LXRUN_CACHE=os.path.join(tmp, "cache"))
        hits = [h for argv, cwd in profile_runs(tmp) for env in (None, cached, cached)
                for h in run_hits(lxrun, argv, cwd, env)]
    for h in hits:
        k = bisect.bisect_right(starts, h) - 1
        if k < 0 or not secs[k][0] <= h < secs[k][0] + secs[k][1]:
            continue  # not in .text (lxrun's guest-callable functions: a section of their own)
        addr, size, sec, path = secs[k]
        if sec.startswith((".text.unlikely", ".text.startup", ".text.exit")):
            continue  # the compiler's cold, start-only and exit parts stay where the link puts them
        p = pattern(sec, path)
        if p not in seen:
            seen.add(p)
            order.append(p)
    return len(hits)


def check(lxrun, argv):
    """Problems: functions run outside the hot section, or over too many pages."""
    hot = section(lxrun, ".text.lx_hot")
    rest = section(lxrun, ".text")
    fns = functions(lxrun)
    with tempfile.TemporaryDirectory() as tmp:
        # the usual start: a learned state an earlier run made (whatever the
        # environment's cache holds, or none)
        env = dict(os.environ, LXRUN_CACHE=os.path.join(tmp, "cache"))
        subprocess.run([lxrun] + argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=300)
        hits = run_hits(lxrun, argv, env=env)
    outside, pages = [], set()
    for h in hits:
        size, name = fns.get(h, (1, hex(h)))
        if rest and rest[0] <= h < rest[0] + rest[1]:
            outside.append(name)  # (.init, lxrun's guest-callable section: not code the order moves)
        pages.update(range(h // PAGE, (h + max(size, 1) - 1) // PAGE + 1))
    problems = []
    if len(outside) > OUTSIDE_MAX:
        problems.append(f"{len(outside)} functions run outside .text.lx_hot (at most {OUTSIDE_MAX}): "
                        f"{' '.join(outside[:12])}{' ...' if len(outside) > 12 else ''}")
    if len(pages) > PAGES_MAX:
        problems.append(f"the {len(hits)} functions run lie over {len(pages)} pages (at most {PAGES_MAX})")
    print(f"hot_text: {' '.join(argv)}: {len(hits)} functions run, {len(outside)} outside .text.lx_hot, "
          f"{len(pages)} pages")
    return problems


def main():
    if len(sys.argv) >= 5 and len(sys.argv) % 2 == 1 and sys.argv[1] == "profile":
        profile(sys.argv[2], list(zip(sys.argv[3::2], sys.argv[4::2])))
        return 0
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        self_test = "--self-test" in sys.argv
        args = [a for a in sys.argv[2:] if a != "--self-test"]
        problems = check(args[0], args[1:])
        if self_test:
            print("self-test: " + (problems[0] if problems else "the check passed a binary it should fail"))
            return 0 if problems else 1
        for p in problems:
            print(p)
        if problems:
            print("hot_text: regenerate cmake/lxrun_hot_text.lds (scripts/hot_text.py says how)")
        return 1 if problems else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
