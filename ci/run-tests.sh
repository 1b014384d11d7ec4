#!/usr/bin/env bash
# Command (2) of the README: set up this Debian/Ubuntu host if needed, build every Linux
# preset (native, fuzz, mingw-x64, mingw-x86, clang-cl-x64, clang-cl-x86, clang-cl-arm64)
# and run all their tests (clang-cl-arm64 compiles and archives only: no arm64 import
# libraries or Wine here). Ends with one line "N passed, N failed, N skipped"; exits
# non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

./ci/setup-debian.sh || { echo "setup failed"; exit 1; }
# The x86 tests mount the i386 root (their wine fixture undoes it); undo it here too, even
# when a run is interrupted.
trap './ci/i386-root.sh umount >/dev/null 2>&1 || true' EXIT

presets=${ESH_PRESETS:-native fuzz mingw-x64 mingw-x86 clang-cl-x64 clang-cl-x86 clang-cl-arm64}
status=0
tested=()
for preset in $presets; do
    echo "=== $preset: configure and build"
    start=$SECONDS
    log="build-$preset.log"
    if ! cmake --preset "$preset" >"$log" 2>&1; then
        cat "$log"; echo "=== $preset: CONFIGURE FAILED"; status=1; continue
    fi
    if grep -q '^ESH_COMPILE_ONLY:INTERNAL=ON$' "build/$preset/CMakeCache.txt"; then
        if python3 ci/compile-only.py "build/$preset" >>"$log" 2>&1; then
            echo "=== $preset: $(tail -n1 "$log") in $((SECONDS - start)) s (not linked, not run)"
            rm -f "$log"
        else
            cat "$log"; echo "=== $preset: COMPILE FAILED"; status=1
        fi
        continue
    fi
    if ! cmake --build --preset "$preset" >>"$log" 2>&1; then
        cat "$log"; echo "=== $preset: BUILD FAILED"; status=1; continue
    fi
    rm -f "$log"
    echo "=== $preset: built in $((SECONDS - start)) s; test"
    start=$SECONDS
    ctest --preset "$preset" --timeout 300 --output-junit "$PWD/build/$preset/ctest-junit.xml" || status=1
    echo "=== $preset: tests took $((SECONDS - start)) s"
    tested+=("build/$preset/ctest-junit.xml")
done

python3 ci/summarize-junit.py "${tested[@]}" || status=1
exit $status
