#!/usr/bin/env bash
# Command (2) of the README: set up this Debian/Ubuntu host if needed, build every Linux
# preset (native, mingw-x64, mingw-x86) and run all their tests. Ends with one line
# "N passed, N failed, N skipped"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."

./ci/setup-debian.sh || { echo "setup failed"; exit 1; }

presets=${ESH_PRESETS:-native fuzz mingw-x64 mingw-x86}
status=0
for preset in $presets; do
    echo "=== $preset: configure and build"
    if ! cmake --preset "$preset" >"build-$preset.log" 2>&1 || ! cmake --build --preset "$preset" >>"build-$preset.log" 2>&1; then
        cat "build-$preset.log"
        echo "=== $preset: BUILD FAILED"
        status=1
        continue
    fi
    rm -f "build-$preset.log"
    echo "=== $preset: test"
    ctest --preset "$preset" --timeout 300 --output-junit "$PWD/build/$preset/ctest-junit.xml" || status=1
done

python3 ci/summarize-junit.py $(for p in $presets; do echo "build/$p/ctest-junit.xml"; done) || status=1
exit $status
