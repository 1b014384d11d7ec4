#!/usr/bin/env python3
"""Record the documented suite through esentshim.dll, then replay the traces.

1. `esent-harness run --shim --traces OUT/traces --results OUT/results-shim.txt` over the
   suite: it must pass, as the direct run does (the shim forwards, it never changes a code);
2. `esent-harness run OUT/traces` against the same DLL: every recorded code must match.

Traces of racy scenarios are left out of the replay, and counted: a trace is one thread's
sequence of calls (other threads' records carry their thread id only in the comment), so
the timing that made a racy code appear is not in it. Exits 0 when both runs pass, 1
otherwise, 2 on bad arguments. Usage:
  suite-replay.py --harness EXE --esent DLL --scenarios DIR --out DIR [--runner WINE]
"""
import argparse
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness_run import run_harness, windows_path  # noqa: E402


def run(args, *options):
    status, out, err = run_harness(args.runner, args.harness, args.esent, options)
    return status, out + err


def racy_scenarios(results_path):
    racy = set()
    with open(results_path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 2 and cols[0] == "scenario" and cols[2].startswith("racy"):
                racy.add(cols[1])
    return racy


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--harness", required=True)
    ap.add_argument("--esent", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--runner", default="")
    args = ap.parse_args()

    traces, replay = os.path.join(args.out, "traces"), os.path.join(args.out, "replay")
    shutil.rmtree(args.out, ignore_errors=True)
    os.makedirs(traces)
    os.makedirs(replay)
    results = os.path.join(args.out, "results-shim.txt")
    status, output = run(args, "--shim", "--traces", windows_path(args.runner, traces),
                         "--results", windows_path(args.runner, results), windows_path(args.runner, args.scenarios))
    print(output.splitlines()[-1] if output else "(no output)")
    if status != 0:
        print(output)
        print("suite-replay: the suite through the shim did not pass (exit %d)" % status)
        return 1

    racy = racy_scenarios(results)
    kept = 0
    for name in sorted(os.listdir(traces)):
        scenario = name[:-len(".trace.scn")] if name.endswith(".trace.scn") else None
        if scenario is None or scenario in racy:
            continue
        shutil.copy(os.path.join(traces, name), replay)
        kept += 1
    print("replaying %d traces (%d racy scenarios' traces left out)" % (kept, len(racy)))
    status, output = run(args, "--results", windows_path(args.runner, os.path.join(args.out, "results-replay.txt")),
                         windows_path(args.runner, replay))
    print("\n".join(l for l in output.splitlines() if not l.startswith("PASS ")))
    if status != 0:
        print("suite-replay: a replayed trace did not get its recorded codes (exit %d)" % status)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
