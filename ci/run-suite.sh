#!/usr/bin/env bash
# Command (1) of the README on Linux: set up this host if needed, build the x64 binaries,
# and run the documented suite (scenarios/) against esentmodel.dll, the reference model,
# under Wine. Prints a line per scenario, the summary and the run's wall time; writes
# build/suite/{results-model-x64.txt,junit-model-x64.xml}. Extra arguments go to `run`.
# These are results of the MODEL, not of Windows: the header of every report says so.
set -euo pipefail
cd "$(dirname "$0")/.."

./ci/setup-debian.sh >/dev/null
cmake --preset mingw-x64 >/dev/null
cmake --build --preset mingw-x64 >/dev/null

bin=build/mingw-x64
out=build/suite
mkdir -p "$out"
export WINEPREFIX="$PWD/build/wineprefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
wine64=/usr/lib/wine/wine64
[ -x "$wine64" ] || wine64=$(command -v wine64 || command -v wine)
./ci/wine-fixture.sh start "$(command -v wineserver || echo /usr/lib/wine/wineserver)" "$WINEPREFIX" "$wine64"
trap './ci/wine-fixture.sh stop "$(command -v wineserver || echo /usr/lib/wine/wineserver)" "$WINEPREFIX" "$wine64"' EXIT

win() { winepath -w "$1" 2>/dev/null; }
status=0
started=$(date +%s%3N)
"$wine64" "$bin/harness/esent-harness.exe" run \
    --esent "$(win "$bin/model/esentmodel.dll")" \
    --results "$(win "$out/results-model-x64.txt")" \
    --junit "$(win "$out/junit-model-x64.xml")" \
    "$@" "$(win scenarios)" </dev/null || status=$?
elapsed=$(( $(date +%s%3N) - started ))
printf 'suite wall time: %d.%01d s (the run alone, not the setup and build before it)\n' $((elapsed / 1000)) $((elapsed % 1000 / 100))
echo "results: $out/results-model-x64.txt (reference model, x64, under Wine)"
exit $status
