"""binary_checkmain.py — the common end of the checks of lxrun's linked binaries
(fork_hot_page.py, bss_small_together.py): each binary's problems printed and
counted, or, with --self-test, the check run on a binary that must fail it."""
import sys


def main(name, problems, binaries):
    """problems(binary) -> list of one-line problems; the exit status."""
    bad = [p for b in binaries for p in problems(b)]
    if "--self-test" in sys.argv:
        if not bad:
            print("self-test: the check passed a binary it should fail")
            return 1
        print(f"self-test: found {bad[0]}")
        return 0
    for p in bad:
        print(p)
    print(f"{name}: {len(binaries)} binaries, {len(bad)} problems")
    return 1 if bad else 0
