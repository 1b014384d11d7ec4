#!/usr/bin/env bash
# A pure i386 Debian in a folder, for 32-bit Wine (this platform cannot install wine32:i386
# through multiarch). Only Wine runs inside it; CTest, CMake and Python stay on the host, and
# the source tree is bound at the same absolute path so every path means the same on both sides.
#
#   i386-root.sh create            make the root once (debootstrap, then wine + wine32); fast when present
#   i386-root.sh mount DIR...      mount /proc, bind /dev and each DIR at its own path (idempotent)
#   i386-root.sh umount            undo every mount under the root
#   i386-root.sh with DIR... -- CMD  mount, run CMD on the host, undo the mounts however CMD ends
#   i386-root.sh exec PROG ARGS...   run PROG inside the (mounted) root, in the current directory
#   i386-root.sh path              print the root's folder
set -euo pipefail

deps=${ESH_DEPS:-/opt/esent-harness-deps}
root=${ESH_I386_ROOT:-$deps/i386-root}
ready=$root/.esh-wine32-ready
here=$(cd "$(dirname "$0")" && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

# Mount points under the root, deepest first (so nested mounts come off before their parents).
mounts_under_root() {
    awk -v r="$root/" 'index($2 "/", r) == 1 { print $2 }' /proc/self/mounts | sort -r
}

umount_all() {
    local m
    for m in $(mounts_under_root); do
        $sudo umount "$m" 2>/dev/null || $sudo umount -l "$m"
    done
}

bind_at_same_path() {
    local dir=$1
    [ -d "$dir" ] || return 0
    [ "$root$dir" -ef "$dir" ] && return 0 # already visible through a parent's bind
    mkdir -p "$root$dir"
    mountpoint -q "$root$dir" || $sudo mount --bind "$dir" "$root$dir"
}

mount_all() {
    [ -e "$ready" ] || { echo "i386-root: $root is not set up: run ci/setup-debian.sh" >&2; exit 2; }
    mountpoint -q "$root/proc" || $sudo mount -t proc proc "$root/proc"
    mountpoint -q "$root/dev" || $sudo mount --bind /dev "$root/dev"
    local dir
    for dir in "$@"; do
        bind_at_same_path "$(realpath "$dir")"
    done
}

# Wine for the x86 tests; libwine-dev for Wine's i386 import libraries (the clang-cl-x86 link).
packages="wine wine32 libwine-dev"

install_packages() {
    $sudo mount -t proc proc "$root/proc"
    $sudo mount --bind /dev "$root/dev"
    trap umount_all EXIT
    $sudo chroot "$root" apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo chroot "$root" apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $packages >/dev/null
    $sudo chroot "$root" apt-get clean
    umount_all
    trap - EXIT
    [ -x "$root/usr/lib/wine/wine" ] || { echo "i386-root: wine32 did not install in $root" >&2; exit 1; }
    echo "$packages" | $sudo tee "$ready" >/dev/null
}

create() {
    [ -e "$ready" ] && [ "$(cat "$ready")" = "$packages" ] && return 0
    if [ -e "$ready" ]; then
        echo "i386-root: installing $packages in $root"
        install_packages
        return 0
    fi
    # A half-made root (an interrupted run) is made again; never delete through a live mount.
    umount_all
    if [ -n "$(mounts_under_root)" ]; then
        echo "i386-root: $root still has mounts; not touching it" >&2
        exit 1
    fi
    $sudo rm -rf "$root"
    $sudo mkdir -p "$deps" "$(dirname "$root")"
    local mirror codename t0=$SECONDS
    mirror=$("$here/debian-mirror.sh")
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
    echo "i386-root: debootstrap $codename i386 from $mirror into $root"
    $sudo debootstrap --arch=i386 --variant=minbase "$codename" "$root" "$mirror" >"$deps/i386-debootstrap.log" 2>&1 ||
        { tail -n 20 "$deps/i386-debootstrap.log" >&2; exit 1; }
    echo "i386-root: debootstrap took $((SECONDS - t0)) s"
    t0=$SECONDS
    install_packages
    echo "i386-root: $packages installed in $((SECONDS - t0)) s ($(du -sh "$root" | cut -f1))"
}

case ${1:-} in
create) create ;;
mount) shift; mount_all "$@" ;;
umount) umount_all ;;
path) echo "$root" ;;
exec)
    shift
    [ -d "$root/proc/self" ] && [ -d "$root$PWD" ] || {
        echo "i386-root: $root is not mounted for $PWD (the wine fixture or 'i386-root.sh with' mounts it)" >&2
        exit 2
    }
    # chroot keeps the environment (WINEPREFIX ...); the working directory is set again inside.
    exec ${sudo:+$sudo --preserve-env} chroot "$root" /bin/sh -c 'cd "$0" && exec "$@"' "$PWD" "$@"
    ;;
with)
    shift
    dirs=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do dirs+=("$1"); shift; done
    [ "${1:-}" = "--" ] || { echo "usage: $0 with DIR... -- CMD..." >&2; exit 2; }
    shift
    trap umount_all EXIT
    trap "exit 130" INT TERM
    mount_all "${dirs[@]}"
    status=0
    "$@" || status=$?
    exit $status
    ;;
*)
    echo "usage: $0 create | mount DIR... | umount | with DIR... -- CMD... | path" >&2
    exit 2
    ;;
esac
