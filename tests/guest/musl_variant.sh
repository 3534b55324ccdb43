#!/bin/sh
# musl_variant.sh SRC BUILD_TYPE OUT GUEST_RUN GUEST_DIR — lxrun linked with musl
# (-DLXRUN_LIBC=musl, experimental) is built in its own tree OUT and runs the guests
# that check what musl changes: signals 32-34 (musl keeps them for itself), the signal storm, fork and exec,
# files, threads and clocks.  So the option keeps building and its known-good part
# keeps working while glibc is the default.
set -e
src=$1 type=$2 out=$3 run=$4 guests=$5
cmake -S "$src" -B "$out" -DLXRUN_LIBC=musl -DCMAKE_BUILD_TYPE="$type" > "$out.log" 2>&1 ||
    { cat "$out.log"; exit 1; }
cmake --build "$out" --target lxrun_musl -j2 >> "$out.log" 2>&1 || { tail -30 "$out.log"; exit 1; }
for g in delivery signals threads stress procs exec fileio clocks; do
    for libc in musl glibc; do
        sh "$run" --status 0 "$out/lxrun" "$guests/$g.$libc" > "$out/$g.$libc.out" 2>&1 ||
            { tail -40 "$out/$g.$libc.out"; echo "FAIL: $g.$libc under musl-linked lxrun"; exit 1; }
    done
done
echo "ok: musl-linked lxrun built; delivery, signals, threads, stress, procs, exec, fileio, clocks pass (musl and glibc guests)"
