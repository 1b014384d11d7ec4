#!/usr/bin/env bash
# Cross-build cmocka, from Debian's cmocka source package, for every Windows toolchain of the
# presets (MinGW-w64 x64/x86; clang-cl x64/x86/arm64), each into DEPS/<triple>. The source is
# fetched with a deb-src list and an apt state directory of its own, so the system's apt
# configuration is left untouched.
set -euo pipefail

deps=${1:-${ESH_DEPS:-/opt/esent-harness-deps}}
here=$(cd "$(dirname "$0")" && pwd)
# triple  toolchain file  the static library it installs
targets="x86_64-w64-mingw32 mingw-x86_64.cmake libcmocka-static.a
i686-w64-mingw32 mingw-i686.cmake libcmocka-static.a
x86_64-pc-windows-msvc clang-cl-x86_64.cmake cmocka-static.lib
i686-pc-windows-msvc clang-cl-i686.cmake cmocka-static.lib
aarch64-pc-windows-msvc clang-cl-aarch64.cmake cmocka-static.lib"

missing=()
while read -r t _tc lib; do
    [ -f "$deps/$t/lib/$lib" ] && [ -f "$deps/$t/include/cmocka.h" ] || missing+=("$t")
done <<<"$targets"
[ ${#missing[@]} -eq 0 ] && exit 0

work=$(mktemp -d)
trap '[ -n "${ESH_KEEP_WORK:-}" ] || rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/src"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
mirror=$("$here/debian-mirror.sh")
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
signed=""
[ -f "$keyring" ] && signed="[signed-by=$keyring] "
echo "deb-src $signed$mirror $codename main" > "$work/sources.list"
aptopts=(-o "Dir::Etc::sourcelist=$work/sources.list" -o Dir::Etc::sourceparts=/nonexistent
         -o "Dir::State::Lists=$work/lists" -o APT::Sandbox::User=root)
apt-get "${aptopts[@]}" update -qq
(cd "$work/src" && apt-get "${aptopts[@]}" source --download-only -qq cmocka >/dev/null)
tar -C "$work/src" -xf "$(ls "$work"/src/cmocka_*.orig.tar.* | head -n1)"
srcdir=$(find "$work/src" -maxdepth 1 -type d -name 'cmocka-*' | head -n1)

for t in "${missing[@]}"; do
    tc=$(awk -v t="$t" '$1 == t { print $2 }' <<<"$targets")
    echo "setup: building cmocka for $t"
    checks=()
    # A compile-only toolchain (no import libraries: arm64) cannot link cmocka's function
    # checks, which then all pass: give the answers of the other MSVC-mode targets.
    [ "$t" = aarch64-pc-windows-msvc ] && checks=(-DHAVE_SIGLONGJMP=0 -DHAVE_STRSIGNAL=0 -DHAVE_CLOCK_GETTIME=0)
    cmake -S "$srcdir" -B "$work/build-$t" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE="$here/../cmake/$tc" -DCMAKE_INSTALL_PREFIX="$deps/$t" \
        -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DPICKY_DEVELOPER=OFF "${checks[@]}" >/dev/null
    case $t in
    *-msvc)
        # The static library only: the DLL needs the TLS support of MSVC's static CRT, which
        # Wine does not ship (docs/windows-builds.md).
        cmake --build "$work/build-$t" --target cmocka-static >/dev/null
        mkdir -p "$deps/$t/lib" "$deps/$t/include"
        cp "$work/build-$t/src/cmocka-static.lib" "$deps/$t/lib/"
        cp "$srcdir"/include/cmocka.h "$srcdir"/include/cmocka_pbc.h "$deps/$t/include/"
        ;;
    *)
        cmake --build "$work/build-$t" >/dev/null
        cmake --install "$work/build-$t" >/dev/null
        ;;
    esac
done
