#!/usr/bin/env bash
# CTest fixture: `start` creates the shared prefix if needed and starts a persistent
# wineserver (without it every Wine process pays ~2.6 s); `stop` stops it.
# usage: wine-fixture.sh start|stop WINESERVER PREFIX WINE [i386-root DIR...]
# With "i386-root", WINESERVER and WINE are programs of the i386 root (ci/i386-root.sh):
# `start` first mounts it (DIR... at their own paths), `stop` undoes the mounts last.
set -eu
action=$1 wineserver=$2
export WINEPREFIX=$3 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine64=${4:-wine64}
in_root=()
if [ "${5:-}" = "i386-root" ]; then
    root_tool=$(dirname "$0")/i386-root.sh
    in_root=("$root_tool" exec)
    export WINEARCH=win32
    [ "$action" = start ] && "$root_tool" mount "${@:6}"
fi
case $action in
start)
    mkdir -p "$WINEPREFIX"
    # Detach every Wine process from CTest's output pipe, or CTest waits for them to exit.
    "${in_root[@]}" "$wineserver" -p </dev/null >/dev/null 2>&1 || true
    [ -f "$WINEPREFIX/system.reg" ] || echo "creating Wine prefix $WINEPREFIX"
    # Always boot: it creates the prefix the first time and, every time, starts Wine's
    # services (services.exe, winedevice ...) here, detached; started by a test instead,
    # they would hold that test's output pipe open and CTest would wait forever.
    "${in_root[@]}" "$wine64" wineboot -i </dev/null >/dev/null 2>&1 || true
    ;;
stop)
    "${in_root[@]}" "$wineserver" -k 2>/dev/null || true
    [ ${#in_root[@]} -eq 0 ] || "$root_tool" umount
    ;;
esac
