#!/usr/bin/env python3
"""Does the documented suite notice a model that is wrong by one code? (mutation test)

Runs the suite against esentmodel-deviant.dll, once per deviation, with
ESH_MODEL_DEVIATE=<function>:<code>[:<nth>] set: that export returns that code on its nth
call instead of running. A deviation is *killed* when the run fails (exit 1) and
*survives* when the suite still passes (exit 0). Two kinds:

- generic: every function the runnable scenarios call returns JET_errInternalError (-107),
  a code no scenario expects, on its first call; run over the first scenarios that call it;
- targeted: the behaviours the users asked for by name, each made wrong in the one way
  that would hide it (stop then read returning success, and so on).

Prints one line per deviation and a closing line; exits 1 if any deviation survives,
2 on bad input. Usage:
  suite-deviations.py --harness EXE --deviant DLL --scenarios DIR [--runner WINE] [--per-function N]
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_run import run_harness, suite_or_exit, windows_path  # noqa: E402

# (deviation, scenarios): the named sequences, each broken where it matters.
TARGETED = [
    ("JetReadFileInstance:JET_errSuccess", "stop-then-read"),
    ("JetReadFileInstance:JET_errSuccess", "stop-then-first-read"),
    ("JetStopBackupInstance:JET_errInvalidParameter", "stop-then-read"),
    ("JetEndExternalBackupInstance:JET_errBackupAbortByServer:2", "stop-then-end"),
    ("JetEndExternalBackupInstance2:JET_errNoBackup", "stop-then-end2-abort"),
    ("JetStopBackup:JET_errSuccess", "legacy-after-create-instance"),
    ("JetStopBackup:JET_errSuccess", "legacy-after-enable-multi-instance"),
    ("JetEndExternalBackup:JET_errSuccess", "legacy-with-two-instances"),
    # Not JET_errInvalidParameter: that is the docs' branch of this step, accepted by design.
    ("JetStopBackupInstance:JET_errSuccess", "stop-backup-garbage-handle"),
    # expect: crash names its step: the crashing read answering instead fails.
    ("JetReadFileInstance:JET_errSuccess", "crash-read-bogus-file-handle"),
    ("JetTerm2:JET_errSuccess", "term-with-active-transaction"),
    ("JetStopServiceInstance2:JET_errClientRequestToStopJetService", "stop-service2-resume-after-old-stop"),
    ("JetStopServiceInstance2:JET_errSuccess:3", "stop-service2-resume-named-after-all"),
    ("JetTruncateLogInstance:JET_errLogFileNotCopied:2", "truncate-counts-a-sum-of-generations"),
    ("JetTruncateLogInstance:JET_errLogFileNotCopied", "truncate-a-log-twice-for-a-missing-one"),
    ("JetReadFileInstance:JET_errSuccess:2", "read-closed-slot-first-read-minimum"),
    ("JetGetAttachInfoInstanceA:JET_errSuccess", "begin-surrogate"),
    ("JetCreateInstanceA:JET_errInstanceNameInUse:18", "create-instance-too-many"),
    ("JetBackupInstanceA:JET_errSuccess", "backup-instance-folder-not-empty"),
    ("JetRestoreInstanceA:JET_errInvalidPath", "restore-needs-backup-set"),
    ("JetRollback:JET_errSuccess:2", "rollback-all-levels"),
    ("JetCommitTransaction:JET_errNotInTransaction", "commit-grbits"),
    # A racy scenario's outcome outside every interleaving fails too.
    ("JetGetAttachInfoInstanceA:JET_errSuccess:2", "backup-call-during-clean-term"),
]
CODE = "JET_errInternalError"


def run_suite(args, deviation, names):
    env = dict(os.environ, ESH_MODEL_DEVIATE=deviation)
    status, out, err = run_harness(args.runner, args.harness, args.deviant,
                                   ["--timeout", "20", "--jobs", "2", "--filter", ",".join(names),
                                    windows_path(args.runner, args.scenarios)], env)
    failed = [l.split()[1] for l in out.splitlines()
              if l.startswith("FAIL ") or (l.startswith("RACY ") and l.split()[2:3] == ["fail"])]
    return status, failed, out + err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", required=True)
    ap.add_argument("--deviant", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--runner", default="")
    ap.add_argument("--per-function", type=int, default=3)
    args = ap.parse_args()

    scenarios = suite_or_exit(args, [args.scenarios])["scenarios"]
    callers = {}
    for sc in scenarios:
        if sc["skip"] is not None or sc["racy"] is not None or sc["expect"] != "normal":
            continue
        seen = set()
        for step in sc["steps"]:
            if step["kind"] != "call":
                continue
            fn = step["target"]  # the deviant sees an alias by its target's name
            if fn not in seen:
                seen.add(fn)
                callers.setdefault(fn, []).append(sc["name"])

    deviations = [("%s:%s" % (fn, CODE), names[:args.per_function]) for fn, names in sorted(callers.items())]
    deviations += [(d, [name]) for d, name in TARGETED]
    killed = survived = 0
    for deviation, names in deviations:
        status, failed, output = run_suite(args, deviation, names)
        if status == 1 and failed:
            killed += 1
            print("killed   %-60s by %s" % (deviation, ", ".join(failed)), flush=True)
        elif status == 0:
            survived += 1
            print("SURVIVED %-60s %s all passed" % (deviation, ", ".join(names)), flush=True)
        else:
            print("error    %s: the run exited %d\n%s" % (deviation, status, output), file=sys.stderr)
            return 2
    print("deviations: %d killed, %d survived (%d generic over %d functions, %d targeted)"
          % (killed, survived, len(callers), len(callers), len(TARGETED)))
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
