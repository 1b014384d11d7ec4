#!/usr/bin/env python3
"""Add up CTest JUnit files into one closing line: 'N passed, N failed, N skipped', after
one line per skipped test with its reason (ctest's console shows a bare '***Skipped').

A missing file (a preset that did not build) counts as a failure. Each file's preset is
the name of the folder it is in (build/PRESET/ctest-junit.xml)."""
import os
import sys
import xml.etree.ElementTree as ET

# What ctest's JUnit cannot say: a test skipped by SKIP_REGULAR_EXPRESSION is written as run.
# tests/harness/expect_exit.cmake prints this marker after the reason.
SKIP_MARKER = "ESH-SKIPPED"


def skip_reason(case):
    """The test's own last words (what it printed), else ctest's note (SKIP_RETURN_CODE=77)."""
    lines = [line.strip() for line in (case.findtext("system-out") or "").splitlines()]
    lines = [line for line in lines if line and line != SKIP_MARKER]
    if lines:
        return lines[-1]
    skipped = case.find("skipped")
    return (skipped.get("message") if skipped is not None else None) or "no reason given"


def main(paths):
    passed = failed = skipped = 0
    reasons = []
    for path in paths:
        preset = os.path.basename(os.path.dirname(os.path.abspath(path)))
        try:
            root = ET.parse(path).getroot()
        except (OSError, ET.ParseError) as e:
            print("%s: no test results (%s)" % (path, e))
            failed += 1
            continue
        for case in root.iter("testcase"):
            status = case.get("status", "")
            out = case.findtext("system-out") or ""
            if case.find("failure") is not None or case.find("error") is not None or status == "fail":
                failed += 1
            elif case.find("skipped") is not None or status in ("notrun", "disabled") or \
                    SKIP_MARKER in out.split():
                skipped += 1
                reasons.append("skipped: %s %s: %s" % (preset, case.get("name"), skip_reason(case)))
            else:
                passed += 1
    for line in reasons:
        print(line)
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


sys.exit(main(sys.argv[1:]))
