#!/usr/bin/env bash
# The last CI job: every host's results compared by `esent-harness diff`; the Markdown
# matrix goes to the job summary ($GITHUB_STEP_SUMMARY, else stdout), the text one to the log.
# Usage: ci/windows-diff.sh HARNESS_EXE RESULTS_DIR   (finds RESULTS_DIR/**/results-*.txt)
# The matrix compares the direct runs (results-LABEL.txt); each run through the shim
# (results-LABEL-shim.txt) is compared with its own host's direct run, where it must agree.
# Exit: 0 when the hosts were compared (differences between hosts are findings, not
# failures); 1 when the shim changed a code on some host; 2 when a results file is
# unreadable or fewer than two direct runs exist. ESH_RUNNER as in ci/windows-suite.sh.
set -uo pipefail
if [ $# -ne 2 ]; then
    echo "usage: $0 HARNESS_EXE RESULTS_DIR" >&2
    exit 2
fi
harness=$1 dir=$2
summary=${GITHUB_STEP_SUMMARY:-/dev/stdout}
runner=()
[ -n "${ESH_RUNNER:-}" ] && read -r -a runner <<<"$ESH_RUNNER"
diff_cmd() { "${runner[@]}" "$harness" diff "$@" </dev/null; }

mapfile -t direct < <(find "$dir" -type f -name 'results-*.txt' ! -name '*-shim.txt' | LC_ALL=C sort)
if [ ${#direct[@]} -lt 2 ]; then
    printf '### ESENT across hosts\n\nOnly %d results file(s) under %s: nothing to compare (did the host jobs build?).\n' \
        "${#direct[@]}" "$dir" >>"$summary"
    echo "windows-diff.sh: fewer than two results files under $dir" >&2
    exit 2
fi

# ESH_HTML=FILE: the whole matrix also as one page (ESH_LINK_BASE: where its FILE:LINE links go).
page=()
[ -n "${ESH_HTML:-}" ] && page=(--html "$ESH_HTML")
[ -n "${ESH_HTML:-}" ] && [ -n "${ESH_LINK_BASE:-}" ] && page+=(--link-base "$ESH_LINK_BASE")
diff_cmd "${direct[@]}"
diff_cmd --markdown "${page[@]}" "${direct[@]}" >>"$summary"
rc=$?
[ -n "${ESH_HTML:-}" ] && [ "$rc" -le 1 ] &&
    printf '\nThe whole matrix, every step of every host: the artifact `esent-matrix` (%s).\n' "${ESH_HTML##*/}" >>"$summary"
case $rc in
    0) echo "every host agrees" ;;
    1) echo "hosts differ: see the matrix above (and in the job summary)" ;;
    *) echo "windows-diff.sh: diff failed (exit $rc)" >&2; exit 2 ;;
esac

# The shim only forwards: through it, each host must return the same codes.
status=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf '\n### Through the shim\n\n' >>"$summary"
for file in "${direct[@]}"; do
    shim="${file%.txt}-shim.txt"
    [ -f "$shim" ] || continue
    name=$(basename "$file" .txt)
    # --common: a scenario whose child could not start on one side is no shim difference
    # (the suite job reports it); a code that differs where both ran is.
    diff_cmd --common "$file" "$shim" >"$out"
    case $? in
        0) printf -- '- %s: same codes as the direct run\n' "${name#results-}" >>"$summary"
           echo "shim: ${name#results-}: same codes as the direct run" ;;
        1) printf -- '- %s: **the shim changed codes** (see the log)\n' "${name#results-}" >>"$summary"
           echo "shim: ${name#results-}: THE SHIM CHANGED CODES"
           cat "$out"
           status=1 ;;
        *) cat "$out"; exit 2 ;;
    esac
done
exit $status
