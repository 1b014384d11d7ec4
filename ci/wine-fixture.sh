#!/usr/bin/env bash
# CTest fixture: `start` creates the shared prefix if needed and starts a persistent
# wineserver (without it every Wine process pays ~2.6 s); `stop` stops it.
set -eu
action=$1 wineserver=$2
export WINEPREFIX=$3 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine64=${4:-wine64}
case $action in
start)
    mkdir -p "$WINEPREFIX"
    # Detach every Wine process from CTest's output pipe, or CTest waits for them to exit.
    "$wineserver" -p </dev/null >/dev/null 2>&1 || true
    [ -f "$WINEPREFIX/system.reg" ] || echo "creating Wine prefix $WINEPREFIX"
    # Always boot: it creates the prefix the first time and, every time, starts Wine's
    # services (services.exe, winedevice ...) here, detached; started by a test instead,
    # they would hold that test's output pipe open and CTest would wait forever.
    "$wine64" wineboot -i </dev/null >/dev/null 2>&1 || true
    ;;
stop)
    "$wineserver" -k 2>/dev/null || true
    ;;
esac
