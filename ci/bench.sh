#!/bin/sh
# Prints the shim's per-call cost (direct, shim recording off, shim recording; 1 and 2
# threads) and, for comparison, the cost of one call traced by Wine's relay tracer
# (WINEDEBUG=+relay limited by RelayInclude to kernel32.GetTickCount, output to a file),
# all medians of RUNS runs, and the ratios the issue sets targets for.
#   ci/bench.sh [BUILD_DIR] [CALLS] [RUNS]     (default build/mingw-x64 1000000 7)
# WINEPREFIX defaults to build/wineprefix-bench (created on first use); the script adds
# the RelayInclude value to that prefix's HKCU\Software\Wine\Debug and removes it after.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/mingw-x64}
calls=${2:-1000000}
runs=${3:-7}
relay_calls=$(( calls / 50 > 1000 ? calls / 50 : 1000 ))
bin=$build/tests/shim
[ -f "$bin/shim_bench.exe" ] || { echo "bench.sh: $bin/shim_bench.exe not built" >&2; exit 2; }
wine=${ESH_WINE64:-/usr/lib/wine/wine64}
server=${ESH_WINESERVER:-/usr/lib/wine/wineserver}
export WINEPREFIX="${WINEPREFIX:-$root/build/wineprefix-bench}"
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEDEBUG=-all
tmp=$(mktemp -d)
trap 'WINEDEBUG=-all timeout 60 "$wine" reg delete "HKCU\\Software\\Wine\\Debug" /v RelayInclude /f </dev/null >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
# A server that outlives each process by 5 s: otherwise every process pays Wine's start-up.
"$server" -p5 </dev/null >/dev/null 2>&1 || true
timeout 300 "$wine" wineboot -i </dev/null >/dev/null 2>&1 || true

cd "$bin"
timeout 600 "$wine" shim_bench.exe shim "$calls" "$runs" </dev/null | tee "$tmp/shim.txt"

timeout 60 "$wine" reg add 'HKCU\Software\Wine\Debug' /v RelayInclude /t REG_SZ \
    /d 'kernel32.GetTickCount' /f </dev/null >/dev/null
timeout 600 "$wine" shim_bench.exe builtin "$calls" "$runs" </dev/null >"$tmp/plain.txt"
WINEDEBUG=+relay timeout 600 "$wine" shim_bench.exe builtin "$relay_calls" "$runs" </dev/null \
    >"$tmp/relay.txt" 2>"$tmp/relay.log"
traced=$(grep -c 'Call KERNEL32.GetTickCount' "$tmp/relay.log" || true)

value() { sed -n "s/.*[ :]$2=\([0-9.]*\).*/\1/p" "$1" | head -1; }
awk -v direct="$(value "$tmp/shim.txt" direct)" -v off="$(value "$tmp/shim.txt" off)" \
    -v on="$(value "$tmp/shim.txt" on)" -v on2="$(value "$tmp/shim.txt" on2)" \
    -v plain="$(value "$tmp/plain.txt" builtin)" -v relay="$(value "$tmp/relay.txt" builtin)" \
    -v traced="$traced" -v expected="$(( relay_calls * runs ))" 'BEGIN {
  relay_cost = relay - plain; off_cost = off - direct; on_cost = on - direct;
  printf "\nWine relay tracer: GetTickCount %.1f ns plain, %.1f ns traced (+relay, RelayInclude, log to a file; %d of %d calls in the log)\n", plain, relay, traced, expected;
  printf "%-44s %10s %8s\n", "cost added per call (1 thread)", "ns", "target";
  printf "%-44s %10.1f %8s\n", "shim, recording off", off_cost, "<= 10";
  printf "%-44s %10.1f %8s\n", "shim, recording on", on_cost, "<= 100";
  printf "%-44s %10.1f %8s\n", "shim, recording on (2 threads, each)", on2 - direct, "";
  printf "%-44s %10.1f %8s\n", "Wine relay tracer", relay_cost, "";
  printf "%-44s %9.1fx %8s\n", "relay cost / shim recording cost", relay_cost / (on_cost > 0 ? on_cost : 0.001), ">= 50";
}'
