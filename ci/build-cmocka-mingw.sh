#!/usr/bin/env bash
# Cross-build cmocka for both MinGW-w64 triplets from Debian's cmocka source package, into
# DEPS/<triplet>. The source is fetched with a deb-src list and an apt state directory of
# its own, so the system's apt configuration is left untouched.
set -euo pipefail

deps=${1:-${ESH_DEPS:-/opt/esent-harness-deps}}
here=$(cd "$(dirname "$0")" && pwd)
triplets=(x86_64-w64-mingw32 i686-w64-mingw32)

missing=()
for t in "${triplets[@]}"; do
    [ -f "$deps/$t/lib/libcmocka-static.a" ] && [ -f "$deps/$t/include/cmocka.h" ] || missing+=("$t")
done
[ ${#missing[@]} -eq 0 ] && exit 0

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
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
    case $t in x86_64*) tc=mingw-x86_64.cmake ;; *) tc=mingw-i686.cmake ;; esac
    echo "setup: building cmocka for $t"
    cmake -S "$srcdir" -B "$work/build-$t" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_TOOLCHAIN_FILE="$here/../cmake/$tc" -DCMAKE_INSTALL_PREFIX="$deps/$t" \
        -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF -DPICKY_DEVELOPER=OFF >/dev/null
    cmake --build "$work/build-$t" >/dev/null
    cmake --install "$work/build-$t" >/dev/null
done
