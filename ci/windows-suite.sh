#!/usr/bin/env bash
# The documented suite on a Windows CI host: once against the DLL under test (System32's
# esent.dll unless the extra options say --esent PATH), once through esentshim.dll keeping
# the traces. Writes OUT/results-LABEL[-shim].txt, OUT/junit-LABEL[-shim].xml and
# OUT/traces-LABEL-shim/. Both runs always happen; exits 1 if either failed.
# Usage: ci/windows-suite.sh BUILD_DIR OUT_DIR LABEL [run options...]
# ESH_RUNNER: how to start a Windows program (empty on Windows; e.g. "wine64" on Linux,
# which is how tests/harness exercises this script against the model). ESH_SCENARIOS: the
# suite's folder (default: scenarios, relative to the checkout the script is run from).
set -uo pipefail
if [ $# -lt 3 ]; then
    echo "usage: $0 BUILD_DIR OUT_DIR LABEL [run options...]" >&2
    exit 2
fi
build=$1 out=$2 label=$3
shift 3
harness="$build/harness/esent-harness.exe"
if [ ! -f "$harness" ]; then
    echo "windows-suite.sh: $harness is not built" >&2
    exit 2
fi
scenarios=${ESH_SCENARIOS:-scenarios}
runner=()
[ -n "${ESH_RUNNER:-}" ] && read -r -a runner <<<"$ESH_RUNNER"
mkdir -p "$out/traces-$label-shim"

status=0
echo "=== suite: $label"
"${runner[@]}" "$harness" run --results "$out/results-$label.txt" --junit "$out/junit-$label.xml" \
    "$@" "$scenarios" </dev/null || status=1
echo "=== suite through the shim: $label"
"${runner[@]}" "$harness" run --shim --traces "$out/traces-$label-shim" \
    --results "$out/results-$label-shim.txt" --junit "$out/junit-$label-shim.xml" \
    "$@" "$scenarios" </dev/null || status=1
exit $status
