#!/bin/sh
# Prints the shim's per-call cost (direct, shim recording off, shim recording; 1, 2 and 4
# threads), the cost of one call traced by Wine's relay tracer in the same run
# (WINEDEBUG=+relay limited by RelayInclude to kernel32.GetTickCount, output to a file),
# the ratios the recording issue sets targets for, the trace decoder's speed, and how fast
# the shim copies the files an instance finds (a 16 MB database at JetInit). Each
# figure is the median of RUNS runs inside one shim_bench process.
#   ci/bench.sh [BUILD_DIR] [CALLS] [RUNS]     (default build/mingw-x64 1000000 7)
# WINEPREFIX defaults to build/wineprefix-bench (created on first use, on a fresh clone
# too); the script adds the RelayInclude value to that prefix's HKCU\Software\Wine\Debug
# and removes it after.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/mingw-x64}
calls=${2:-1000000}
runs=${3:-7}
relay_calls=$(( calls / 50 > 1000 ? calls / 50 : 1000 ))
bin=$build/tests/shim
[ -f "$bin/shim_bench.exe" ] || { echo "bench.sh: $bin/shim_bench.exe not built (cmake --build --preset mingw-x64)" >&2; exit 2; }
wine=${ESH_WINE64:-/usr/lib/wine/wine64}
server=${ESH_WINESERVER:-/usr/lib/wine/wineserver}
export WINEPREFIX="${WINEPREFIX:-$root/build/wineprefix-bench}"
# Wine creates the prefix folder itself, but not the folders above it (build/ on a fresh clone).
mkdir -p "$(dirname "$WINEPREFIX")"
export WINEDLLOVERRIDES="mscoree,mshtml="
export WINEDEBUG=-all
tmp=$(mktemp -d)
trap 'WINEDEBUG=-all timeout 60 "$wine" reg delete "HKCU\\Software\\Wine\\Debug" /v RelayInclude /f </dev/null >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
# A server that outlives each process by 5 s: otherwise every process pays Wine's start-up.
"$server" -p5 </dev/null >/dev/null 2>&1 || true
timeout 300 "$wine" wineboot -i </dev/null >/dev/null 2>&1 || true

cd "$bin"
timeout 900 "$wine" shim_bench.exe shim "$calls" "$runs" </dev/null 2>/dev/null | tee "$tmp/shim.txt"
# The files an instance finds, copied into the trace at JetInit: 16 MB, from the page cache.
timeout 600 "$wine" shim_bench.exe state 16 "$runs" </dev/null 2>/dev/null | tee "$tmp/state.txt"

timeout 60 "$wine" reg add 'HKCU\Software\Wine\Debug' /v RelayInclude /t REG_SZ \
    /d 'kernel32.GetTickCount' /f </dev/null >/dev/null
timeout 600 "$wine" shim_bench.exe builtin "$calls" "$runs" </dev/null >"$tmp/plain.txt"
WINEDEBUG=+relay timeout 600 "$wine" shim_bench.exe builtin "$relay_calls" "$runs" </dev/null \
    >"$tmp/relay.txt" 2>"$tmp/relay.log"
traced=$(grep -c 'Call KERNEL32.GetTickCount' "$tmp/relay.log" || true)

value() { sed -n "s/.*[ :]$2=\([0-9.]*\).*/\1/p" "$1" | head -1; }
awk -v direct="$(value "$tmp/shim.txt" direct)" -v off="$(value "$tmp/shim.txt" off)" \
    -v on="$(value "$tmp/shim.txt" on)" -v direct2="$(value "$tmp/shim.txt" direct2)" \
    -v off2="$(value "$tmp/shim.txt" off2)" -v on2="$(value "$tmp/shim.txt" on2)" \
    -v direct4="$(value "$tmp/shim.txt" direct4)" -v off4="$(value "$tmp/shim.txt" off4)" \
    -v on4="$(value "$tmp/shim.txt" on4)" -v decode="$(value "$tmp/shim.txt" decode_records_per_second)" \
    -v plain="$(value "$tmp/plain.txt" builtin)" -v relay="$(value "$tmp/relay.txt" builtin)" \
    -v traced="$traced" -v expected="$(( relay_calls * runs ))" 'BEGIN {
  relay_cost = relay - plain; on_cost = on - direct;
  printf "\nWine relay tracer: GetTickCount %.1f ns plain, %.1f ns traced (+relay, RelayInclude, log to a file; %d of %d calls in the log)\n", plain, relay, traced, expected;
  printf "%-44s %9s %9s %9s %8s\n", "cost added per call, each thread (ns)", "1 thread", "2 threads", "4 threads", "target";
  printf "%-44s %9.1f %9.1f %9.1f %8s\n", "shim, recording off", off - direct, off2 - direct2, off4 - direct4, "<= 10";
  printf "%-44s %9.1f %9.1f %9.1f %8s\n", "shim, recording on", on_cost, on2 - direct2, on4 - direct4, "<= 100";
  printf "%-44s %9.1f %9s %9s %8s\n", "Wine relay tracer", relay_cost, "", "", "";
  printf "%-44s %8.2fx %8.2fx %8.2fx %8s\n", "recording on, vs 1 thread", 1, (on2 - direct2) / (on_cost > 0 ? on_cost : 0.001), (on4 - direct4) / (on_cost > 0 ? on_cost : 0.001), "<= 1.5 (2)";
  printf "%-44s %8.1fx %9s %9s %8s\n", "relay cost / shim recording cost", relay_cost / (on_cost > 0 ? on_cost : 0.001), "", "", ">= 20";
  printf "%-44s %9.2f %9s %9s\n", "decoder: million records per second", decode / 1e6, "", "";
  printf "machine-readable: off=%.1f on=%.1f on2=%.1f on4=%.1f relay=%.1f ratio=%.1f decode=%.0f\n", off - direct, on_cost, on2 - direct2, on4 - direct4, relay_cost, relay_cost / (on_cost > 0 ? on_cost : 0.001), decode;
}'
