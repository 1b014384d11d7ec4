#!/usr/bin/env python3
"""Record the clients of tests/apps through esentshim.dll dropped in as esent.dll.

Each client is deployed the way a user deploys the shim: its .exe and the shim renamed
esent.dll in a folder of their own, ESENTSHIM_TARGET naming the DLL to forward to and
ESENTSHIM_TRACE a traces folder. The client checks every code it gets (its exit code is
its count of surprises), and this script checks what the shim left: a trace per process
that `esent-harness list` reads, naming the calls the client made.

With --replay it then replays each trace with `esent-harness run` (a fresh working
directory per scenario, as on another host) and reports per client whether every recorded
code came back; with --require-replay a replay that does not, or that skips a scenario, is
a failure. The legacy client's trace is also replayed with --map pointing its data folder
elsewhere. The client that attaches an earlier run's database checks the state the shim
captured: its later run replays from the files laid down, also as text printed with
`trace --state`, and recorded with capture off or over a small limit it is a counted skip
saying so, never a failure. With --replay-recorded DIR it records nothing: it replays the
traces another build recorded into DIR (the x64 build's, replayed by the x86 harness), each
with every code matching and nothing skipped, writing its results under --out; it exits 77
(a skipped test) when DIR holds no traces. Exits 0 when all held, 1 otherwise, 2 on bad
arguments. Usage:
  record_apps.py --harness EXE --esent DLL --shim DLL --apps DIR --out DIR [--runner WINE]
                 [--replay | --require-replay] [--only NAME,...]
  record_apps.py --harness EXE --esent DLL --out DIR --replay-recorded DIR [--runner WINE]
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "ci"))
from harness_run import call_harness, run_harness, windows_path  # noqa: E402

CRASH = "crash"
# Clients whose trace has a second thread: replayed this many times, each time with every
# code matching (the recorded order across threads is kept, so no replay depends on luck).
REPLAYS = {"stop_from_thread": 5}
# (client, arguments under its folder, runs, outcome, calls its trace must hold)
CLIENTS = [
    ("legacy_backup", ["data", "backup"], 1, 0,
     ["JetBeginExternalBackup(", "JetGetAttachInfoA(", "JetOpenFileA(", "JetReadFile(", "JetGetLogInfoA(",
      "JetTruncateLog(", "JetEndExternalBackup("]),
    ("two_instances", ["data", "backup"], 1, 0,
     ["JetCreateInstanceW(", "JetBeginExternalBackupInstance(", "JetGetAttachInfoInstanceW(",
      "JetReadFileInstance(", "JetEndExternalBackupInstance2("]),
    ("stop_from_thread", ["data"], 1, 0,
     ["JetStopBackupInstance(", "JetReadFileInstance(", "JET_errBackupAbortByServer"]),
    ("attach_existing", ["data", "backup"], 2, 0,
     ["JetAttachDatabaseW(", "JetOpenDatabaseW(", "JetGetLogInfoInstanceW("]),
    # Every path left to ESENT's defaults (the current folder): the trace names that folder
    # (`root cwd`), and the second run's files found there are laid down in the replay's own.
    ("relative_paths", [], 2, 0,
     ["JetAttachDatabaseA(", "JetGetLogInfoInstanceW(", '  root cwd "', '\\\\notes.edb" ']),
    # The call that killed it is in the trace, last, with its stale pointer as `invalid`, and
    # the scenario expects the crash there: its replay must die at that step to pass.
    ("crash_mid_backup", ["data"], 1, CRASH,
     ["JetOpenFileInstanceW(", "expect: crash", "8192, invalid) -> any",
      "in flight: the process died in this call"]),
]


def run_client(args, folder, name, client_args, extra_env=None):
    exe = os.path.join(folder, name + ".exe")
    cmd = ([args.runner] if args.runner else []) + [exe] + [windows_path(args.runner, os.path.join(folder, a))
                                                          for a in client_args]
    env = dict(os.environ)
    env["ESENTSHIM_TARGET"] = windows_path(args.runner, args.esent)
    # One traces folder for every run: each process must get a file of its own (under Wine a
    # fresh process may get the same pid), so two runs leaving one file is a failure below.
    traces = os.path.join(folder, "traces")
    env["ESENTSHIM_TRACE"] = windows_path(args.runner, traces) + ("\\" if args.runner else os.sep)
    env.update(extra_env or {})
    proc = subprocess.run(cmd, cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def harness(args, *options):
    status, out, err = call_harness(args.runner, args.harness, options, timeout=300)
    return status, out + err


def record(args, name, client_args, runs, outcome, calls, folder_name=None, extra_env=None):
    """Deploys and runs NAME (in FOLDER_NAME under --out, NAME by default); returns
    (problems, its trace files)."""
    folder = os.path.join(args.out, folder_name or name)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(os.path.join(folder, "traces"))
    shutil.copy(os.path.join(args.apps, name + ".exe"), folder)
    shutil.copy(args.shim, os.path.join(folder, "esent.dll"))
    problems = []
    for run in range(runs):
        status, output = run_client(args, folder, name, client_args, extra_env)
        if outcome == CRASH:
            # Died in the call: it said it was about to make it, and neither went on nor
            # finished. (Not the exit code: 32-bit Wine's crash handling can end it with 0.)
            if "faults" not in output or "still alive" in output or name + ": " in output.split("faults")[-1]:
                problems.append("run %d: expected a crash inside ESENT, got exit %d:\n%s" % (run + 1, status, output))
        elif status != outcome:
            problems.append("run %d: exit %d, expected %d:\n%s" % (run + 1, status, outcome, output))
    traces = sorted(glob.glob(os.path.join(folder, "traces", "*.trace.scn")))
    if len(traces) != runs:
        problems.append("%d trace file(s) for %d run(s): %s" % (len(traces), runs, ", ".join(traces)))
    texts = []
    for trace in traces:
        status, output = harness(args, "list", windows_path(args.runner, trace))
        if status != 0:
            problems.append("%s: esent-harness list exit %d:\n%s" % (trace, status, output))
        # The shim writes a binary trace: its text is what `esent-harness trace` prints.
        status, text = harness(args, "trace", windows_path(args.runner, trace))
        if status != 0:
            problems.append("%s: esent-harness trace exit %d:\n%s" % (trace, status, text))
        texts.append(text)
    # A later run may make calls the first does not (attach_existing): each call must be in
    # one of the traces. (Trace names hold a pid and a random part, so they sort in no order.)
    for call in calls:
        if texts and not any(call in text for text in texts):
            problems.append("no %s in the trace(s)" % call)
    return problems, traces


def summary_counts(lines):
    """(passed, failed, skipped) from the harness' closing line, None when it is missing."""
    for line in reversed(lines):
        m = re.match(r"^(\d+) passed, (\d+) failed, (\d+) skipped", line)
        if m:
            return tuple(int(g) for g in m.groups())
    return None


def replay(args, name, traces, results=None):
    """Replays the traces of NAME against the same DLL (results into RESULTS, by default
    beside their traces folder); returns the status (a skip counts as a failure), the lines
    worth showing and every line printed."""
    results = results or os.path.join(os.path.dirname(os.path.dirname(traces[0])), "replay-results.txt")
    status, out, err = run_harness(args.runner, args.harness, args.esent,
                                   ["--results", windows_path(args.runner, results)] +
                                   [windows_path(args.runner, t) for t in traces])
    lines = [l for l in (out + err).splitlines() if l.strip()]
    failures = [l for l in lines if l.startswith("FAIL") or l.startswith("SKIP") or ": expected " in l]
    counts = summary_counts(lines)
    if status == 0 and (counts is None or counts[2] > 0):
        status = 1  # every trace must replay: a skip here means state did not travel
    return status, (failures[:3] + lines[-1:]) if lines else ["(no output)"], lines


def replay_as_recorded(args, name, traces, results=None):
    """Replays NAME's traces as many times as REPLAYS asks, stopping at the first that does
    not pass; returns its status and the lines worth showing."""
    for _ in range(REPLAYS.get(name, 1)):
        status, summary, _ = replay(args, name, traces, results)
        if status != 0:
            break
    return status, summary


def print_replay(heading, status, summary):
    """HEADING: every code matched (or the exit code), then SUMMARY indented."""
    print("%s: %s" % (heading, "every code matched" if status == 0 else "exit %d" % status))
    for line in summary:
        print("       " + line)


def later_run(traces, args):
    """The trace of attach_existing's later run (the one that opens what it attached; the
    first run attaches only the database it created)."""
    for trace in traces:
        status, text = harness(args, "trace", windows_path(args.runner, trace))
        if "JetOpenDatabaseW(" in text:
            return trace, text
    return None, ""


def check_state(args, name, client_args, runs, calls, traces):
    """attach_existing's later run found the first run's files: its trace holds them as
    state, printed with `trace --state` it replays as text from another folder, and
    recorded with capture off or over a small limit it is a counted skip with that reason.
    Returns the problems found."""
    problems = []
    trace, text = later_run(traces, args)
    if trace is None:
        return ["no trace of the later run (JetAttachDatabaseW) among %s" % ", ".join(traces)]
    # The instance's files at its JetInit, the database (kept apart, not named .edb) at its
    # attach; the first run's trace has none (its attach is of the database it created).
    for base, found_at in (("edb.chk", "JetInit"), ("edb.log", "JetInit"), ("inventory.dat", "JetAttachDatabaseW")):
        if not re.search(r'state "[^"]*\\\\%s" \d+ bytes  # found before %s\r?$' % (re.escape(base), found_at), text, re.M):
            problems.append("the later run's trace lacks a captured `state` line for %s found before %s:\n%s"
                            % (base, found_at, text[:3000]))
    for other in traces:
        if other != trace:
            status, first = harness(args, "trace", windows_path(args.runner, other))
            if "  state " in first:
                problems.append("the first run's trace has state lines (it found nothing it did not make):\n"
                                + first[:3000])
            # Its second attach is of the database it created: listed as its own, not copied.
            if not re.search(r'# not state: "[^"]*inventory\.dat" \(\d+ bytes\) was written since the process '
                             r'started', first):
                problems.append("the first run's trace does not list inventory.dat as written by the run:\n"
                                + first[:3000])
    # The text form: captured files written beside it, replayed from another folder.
    folder = os.path.join(args.out, name, "as-text")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    status, out, err = call_harness(args.runner, args.harness,
                                    ["trace", "--state", windows_path(args.runner, os.path.join(folder, "later.files")),
                                     windows_path(args.runner, trace)], timeout=300)
    if status != 0 or " from " not in out:
        problems.append("trace --state: exit %d, no `from` lines:\n%s%s" % (status, out[:2000], err))
    else:
        with open(os.path.join(folder, "later.scn"), "w", newline="") as f:
            f.write(out)
        status, shown, _ = replay(args, name, [os.path.join(folder, "later.scn")])
        if status != 0:
            problems.append("the later run printed with trace --state did not replay:\n" + "\n".join(shown))
    # Capture off, and a limit the log file does not fit in: counted skips saying why.
    for label, limit, reason in (("off", "0", "capture was off (ESENTSHIM_STATE_MAX_BYTES=0)"),
                                 ("small-limit", "10000", "over the limit of ESENTSHIM_STATE_MAX_BYTES=10000 bytes")):
        more, small_traces = record(args, name, client_args, runs, 0, calls, name + "-" + label,
                                    {"ESENTSHIM_STATE_MAX_BYTES": limit})
        problems += ["ESENTSHIM_STATE_MAX_BYTES=%s: %s" % (limit, p) for p in more]
        small, _ = later_run(small_traces, args)
        if small is None:
            continue
        status, shown, lines = replay(args, name, [small])
        skips = [l for l in lines if l.startswith("SKIP") and "state not captured" in l and reason in l]
        if summary_counts(lines) != (0, 0, 1) or not skips:
            problems.append("ESENTSHIM_STATE_MAX_BYTES=%s: expected one counted skip saying %r, got:\n%s"
                            % (limit, reason, "\n".join(lines[-6:])))
    return problems


def check_map(args, name, traces):
    """The replay's folders come from the root mapping, and --map overrides it: mapped back
    onto the recording's own data folder (where the database still is) the replay must fail
    at the create; mapped to a fresh folder of our choosing it must pass and leave its
    database there. Returns the problems found."""
    recording_data = os.path.join(args.out, name, "data")
    mapped = os.path.join(args.out, name, "mapped-data")
    shutil.rmtree(mapped, ignore_errors=True)
    problems = []
    traces = [windows_path(args.runner, t) for t in traces]
    status, out, err = run_harness(args.runner, args.harness, args.esent,
                                   ["--map", "data=" + windows_path(args.runner, recording_data)] + traces)
    if status != 1 or "JET_errDatabaseDuplicate" not in out + err:
        problems.append("--map data=<the recording's folder>: expected a failure with JET_errDatabaseDuplicate, got "
                        "exit %d:\n%s" % (status, out + err))
    status, out, err = run_harness(args.runner, args.harness, args.esent,
                                   ["--map", "data=" + windows_path(args.runner, mapped)] + traces)
    if status != 0 or "(--map)" not in out or not glob.glob(os.path.join(mapped, "*.edb")):
        problems.append("--map data=<a fresh folder>: expected a pass with the database in %s, got exit %d:\n%s"
                        % (mapped, status, out + err))
    return problems


def replay_recorded(args):
    """Replays every client's traces found under args.replay_recorded; returns the exit code."""
    found = failed = 0
    os.makedirs(args.out, exist_ok=True)
    for name, _, _, _, _ in CLIENTS:
        traces = sorted(glob.glob(os.path.join(args.replay_recorded, name, "traces", "*.trace.scn")))
        if not traces:
            continue
        found += 1
        status, summary = replay_as_recorded(args, name, traces, os.path.join(args.out, name + "-replay-results.txt"))
        print_replay("%s %s: %d trace(s) recorded by another build" % ("ok  " if status == 0 else "FAIL", name,
                                                                       len(traces)), status, summary)
        failed += status != 0
    if found == 0:
        print("record_apps: no traces under %s (the x64 build's apps test records them)" % args.replay_recorded)
        return 77
    print("record_apps: %d of %d client(s) failed" % (failed, found))
    return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    for option in ("--harness", "--esent", "--out"):
        ap.add_argument(option, required=True)
    for option in ("--shim", "--apps"):
        ap.add_argument(option)
    ap.add_argument("--runner", default="")
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("--require-replay", action="store_true")
    ap.add_argument("--only", default="")
    ap.add_argument("--replay-recorded", default="")
    args = ap.parse_args()
    if args.replay_recorded:
        return replay_recorded(args)
    missing = [o for o in ("shim", "apps") if not getattr(args, o)]
    if missing:
        print("record_apps.py: --%s is required (unless --replay-recorded)" % missing[0], file=sys.stderr)
        return 2
    only = {n.strip() for n in args.only.split(",") if n.strip()}
    unknown = only - {c[0] for c in CLIENTS}
    if unknown:
        print("record_apps.py: --only: no client named %s" % ", ".join(sorted(unknown)), file=sys.stderr)
        return 2

    failed = 0
    for name, client_args, runs, outcome, calls in CLIENTS:
        if only and name not in only:
            continue
        problems, traces = record(args, name, client_args, runs, outcome, calls)
        print("%s %s: recorded %d trace(s)" % ("FAIL" if problems else "ok  ", name, len(traces)))
        for p in problems:
            print("    " + p.replace("\n", "\n    "))
        failed += bool(problems)
        if traces and (args.replay or args.require_replay):
            status, summary = replay_as_recorded(args, name, traces)
            print_replay("     replay from a fresh folder%s" % (" (%d times)" % REPLAYS[name] if name in REPLAYS else ""),
                         status, summary)
            failed += bool(status != 0 and args.require_replay)
            if name == "attach_existing":
                problems = check_state(args, name, client_args, runs, calls, traces)
                print("%s %s: the files it found travel as state" % ("FAIL" if problems else "ok  ", name))
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
                failed += bool(problems)
            if name == "legacy_backup":
                problems = check_map(args, name, traces)
                print("%s %s: --map moves its data folder" % ("FAIL" if problems else "ok  ", name))
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
                failed += bool(problems)
    print("record_apps: %d of %d client(s) failed" % (failed, len(only) if only else len(CLIENTS)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
