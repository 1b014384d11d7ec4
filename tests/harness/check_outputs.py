#!/usr/bin/env python3
"""Reads back what `esent-harness run --results R --junit J pass.scn wrong.scn` wrote
(test harness.run_outputs) and checks both files: the results file against
docs/results-format.md, the JUnit file as well-formed XML with one testcase per scenario.

usage: check_outputs.py RESULTS JUNIT ARCH   (ARCH: the build's x64, x86 or arm64)"""
import sys
import xml.etree.ElementTree as ET


def fail(message):
    print("check_outputs: " + message)
    sys.exit(1)


def check_results(path, arch):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if not line.startswith("#")]
    if lines[0].split("\t") != ["esent-harness-results", "1"]:
        fail("first line is not the format marker: %r" % lines[0])
    facts, scenarios, steps, summary = {}, {}, [], None
    for line in lines[1:]:
        fields = line.split("\t")
        if fields[0] in ("host", "esent", "harness"):
            facts[(fields[0], fields[1])] = fields[2]
        elif fields[0] == "scenario":
            scenarios[fields[1]] = fields
        elif fields[0] == "step":
            if len(fields) != 9:
                fail("a step record has %d fields: %r" % (len(fields), line))
            steps.append(fields)
        elif fields[0] == "summary":
            summary = fields
        else:
            fail("unknown record %r" % line)
    for key in [("host", k) for k in ("os", "version", "build", "ubr", "product", "arch", "wine")] + \
               [("esent", k) for k in ("path", "version", "kind", "jetversion")] + \
               [("harness", "version"), ("harness", "shim"), ("harness", "started")]:
        if key not in facts:
            fail("missing header fact %s %s" % key)
    # jetversion: esh-testdll answers 0xa010002 only when asked with a session (0xa010001 without).
    expect = {("esent", "kind"): "other", ("esent", "version"): "0.3.1.4",
              ("esent", "jetversion"): "0xa010002", ("host", "arch"): arch, ("harness", "shim"): "-"}
    for key, value in expect.items():
        if facts[key] != value:
            fail("%s %s is %r, expected %r" % (key[0], key[1], facts[key], value))
    if not facts[("esent", "path")].lower().endswith("esh-testdll.dll"):
        fail("esent path %r" % facts[("esent", "path")])
    want = {"create-stop-read": "pass", "threads-rendezvous": "pass", "not-yet": "skip",
            "wrong-code": "fail", "missing-export": "fail", "still-passes": "pass",
            "racy-outside": "racy-fail", "racy-within": "racy-pass"}
    for name, status in want.items():
        if name not in scenarios or scenarios[name][2] != status:
            fail("scenario %s: %r, expected status %s" % (name, scenarios.get(name), status))
    if not scenarios["wrong-code"][3].endswith("wrong.scn:3"):
        fail("wrong-code location %r" % scenarios["wrong-code"][3])
    by_scenario = {}
    for s in steps:
        by_scenario.setdefault(s[1], []).append(s)
    wrong = by_scenario.get("wrong-code", [])
    if [(s[2], s[4], s[5], s[6], s[8]) for s in wrong] != [
            ("1", "JetStopBackupInstance", "JET_errBackupAbortByServer", "-801", "fail"),
            ("2", "JetGetVersion", "JET_errSuccess", "0", "after-failure")]:
        fail("wrong-code steps: %r" % wrong)
    branches = [s[7] for s in by_scenario.get("alternatives-and-versions", [])]
    if branches[:1] != ["source"]:
        fail("alternatives-and-versions branches %r, expected the source branch first" % branches)
    if summary != ["summary", "passed", "10", "failed", "3", "skipped", "1", "racy", "1"]:
        fail("summary %r" % summary)


def check_junit(path):
    root = ET.parse(path).getroot()
    suite = root.find("testsuite") if root.tag == "testsuites" else root
    name = suite.get("name") or ""
    if "esh-testdll.dll 0.3.1.4 (other DLL)" not in name:
        fail("the JUnit suite does not name the DLL it ran against: %r" % name)
    cases = {c.get("name"): c for c in root.iter("testcase")}
    if len(cases) != 15:
        fail("JUnit has %d testcases, expected 15" % len(cases))
    if cases["racy-outside"].find("failure") is None:
        fail("racy-outside (an outcome no interleaving allows) is not a JUnit failure")
    if cases["racy-within"].find("failure") is not None or cases["racy-within"].find("skipped") is not None:
        fail("racy-within (an allowed outcome) did not pass")
    failure = cases["wrong-code"].find("failure")
    if failure is None or "expected JET_errSuccess" not in (failure.text or "") + (failure.get("message") or ""):
        fail("wrong-code has no failure naming the expectation")
    skipped = cases["not-yet"].find("skipped")
    if skipped is None:
        fail("not-yet is not skipped")
    # cmocka writes a bare <skipped/>; the harness adds the scenario's reason.
    if skipped.get("message") != "shows that skips are counted":
        fail("not-yet's <skipped> carries no reason: %r" % skipped.attrib)
    for name, case in cases.items():
        for failure in case.iter("failure"):
            text = (failure.text or "") + (failure.get("message") or "")
            if "Failure!" in text:
                fail("%s's failure ends with cmocka's trailer: %r" % (name, text))
    if cases["create-stop-read"].find("failure") is not None:
        fail("create-stop-read failed")


if len(sys.argv) != 4 or sys.argv[3] not in ("x64", "x86", "arm64"):
    print(__doc__.strip(), file=sys.stderr)
    sys.exit(2)
check_results(sys.argv[1], sys.argv[3])
check_junit(sys.argv[2])
print("check_outputs: results file and JUnit XML as expected")
