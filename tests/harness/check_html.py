#!/usr/bin/env python3
"""Loads the page of `esent-harness diff --html` in headless Chromium (test
harness.diff_html_renders) and checks it against the results files it was made from:
  - it fetches nothing: no external script, style, image or font, and no console message;
  - its script ran (the page marks itself ready) and recorded no error;
  - one row per step, each cell the code and branch that host's file says, '(not run)'
    where the host lacks the step, a row marked as differing exactly when its cells differ;
  - every row links to its FILE:LINE;
and takes a screenshot.
Usage: check_html.py CHROMIUM PAGE SCREENSHOT RESULTS..."""
import html.parser
import os
import re
import subprocess
import sys
import tempfile

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def fail(message):
    print("check_html: " + message)
    sys.exit(1)


def read_results(path):
    """{(scenario, index): (code, name, branch, line)} of one results file."""
    steps = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "step":
                where = fields[3].replace("\\\\", "\\")
                steps.setdefault((fields[1], int(fields[2])), (int(fields[6]), fields[5], fields[7], where))
    return steps


def read_scenarios(path):
    with open(path, encoding="utf-8") as f:
        return [line.split("\t")[1] for line in f if line.startswith("scenario\t")]


class Page(html.parser.HTMLParser):
    """The matrix rows: scenario, index, its link and its cells (class, code, branch, text)."""

    def __init__(self):
        super().__init__()
        self.root = {}
        self.rows, self.row, self.cell, self.in_matrix = [], None, None, False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.root = a
        elif tag == "table" and a.get("id") == "matrix":
            self.in_matrix = True
        elif self.in_matrix and tag == "tr" and "class" in a:
            self.row = {"class": a["class"].split(), "scenario": a.get("data-scenario"),
                        "index": a.get("data-index"), "href": None, "cells": []}
            self.rows.append(self.row)
        elif self.row is not None and tag == "a" and self.row["href"] is None:
            self.row["href"] = a.get("href")
        elif self.row is not None and tag == "td" and "code" in a.get("class", "").split():
            self.cell = {"class": a["class"].split(), "code": a.get("data-code"), "branch": a.get("data-branch"),
                         "text": ""}
            self.row["cells"].append(self.cell)

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        elif tag == "tr":
            self.row = None
        elif tag == "table":
            self.in_matrix = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell["text"] += data


def chromium(binary, profile, *args):
    cmd = [binary] + FLAGS + ["--user-data-dir=" + profile] + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def main():
    if len(sys.argv) < 5:
        fail("usage: check_html.py CHROMIUM PAGE SCREENSHOT RESULTS...")
    binary, page, screenshot, results = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    with open(page, encoding="utf-8") as f:
        source = f.read()
    for pattern in (r"<link\b", r"\bsrc\s*=", r"@import", r"url\(", r"@font-face"):
        if re.search(pattern, source, re.I):
            fail("the page refers to an outside resource (%s)" % pattern)
    url = "file://" + os.path.abspath(page)
    with tempfile.TemporaryDirectory() as profile:
        run = chromium(binary, profile, "--enable-logging=stderr", "--v=0", "--dump-dom", url)
    if run.returncode != 0:
        fail("chromium --dump-dom exited %d:\n%s" % (run.returncode, run.stderr))
    console = [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    if console:
        fail("the page wrote to the console:\n" + "\n".join(console))
    dom = Page()
    dom.feed(run.stdout)
    if dom.root.get("data-ready") != "yes" or dom.root.get("data-errors") != "0":
        fail("the page's script did not finish cleanly: %r" % dom.root)

    hosts = [read_results(path) for path in results]
    expected = []
    for h in hosts:
        for key in h:
            if key not in expected:
                expected.append(key)
    rows = [r for r in dom.rows if "step" in r["class"]]
    if sorted((r["scenario"], int(r["index"])) for r in rows) != sorted(expected):
        fail("the page's step rows %r are not the steps of the results %r"
             % ([(r["scenario"], r["index"]) for r in rows], expected))
    checked = 0
    for row in rows:
        key = (row["scenario"], int(row["index"]))
        if len(row["cells"]) != len(hosts):
            fail("%s #%s has %d cells for %d hosts" % (key + (len(row["cells"]), len(hosts))))
        outcomes = []
        for h, cell in enumerate(row["cells"]):
            want = hosts[h].get(key)
            if want is None:
                if "missing" not in cell["class"] or "(not run)" not in cell["text"]:
                    fail("%s #%d host %d: expected (not run), found %r" % (key + (h + 1, cell)))
                outcomes.append(None)
                continue
            code, name, branch, where = want
            if cell["code"] != str(code) or cell["branch"] != branch or not cell["text"].startswith(name):
                fail("%s #%d host %d: expected %s %s [%s], found %r" % (key + (h + 1, name, code, branch, cell)))
            outcomes.append((code, branch))
            line = where.rsplit(":", 1)[1]
            if not row["href"] or not row["href"].endswith("#L" + line):
                fail("%s #%d: the row's link %r is not to line %s" % (key + (row["href"], line)))
            checked += 1
        differs = len(set(outcomes)) > 1
        if ("differs" in row["class"]) != differs or ("agrees" in row["class"]) == differs:
            fail("%s #%d: marked %r, but its cells %s" % (key + (row["class"], "differ" if differs else "agree")))
        if not differs and any("agree" not in c["class"] for c in row["cells"]):
            fail("%s #%d: an agreeing row with a cell not coloured as agreeing" % key)
    for row in dom.rows:
        if "scenario" in row["class"] and not (row["href"] and re.search(r"#L[0-9]+$", row["href"])):
            fail("the scenario row %s links to no line: %r" % (row["scenario"], row["href"]))
    # Every scenario of every file has its row, also one no host ran a step of (a skip).
    listed = [r["scenario"] for r in dom.rows if "scenario" in r["class"]]
    names = []
    for path in results:
        names += [n for n in read_scenarios(path) if n not in names]
    if sorted(listed) != sorted(names):
        fail("the page's scenario rows %r are not the scenarios of the results %r" % (listed, names))

    with tempfile.TemporaryDirectory() as profile:
        shot = chromium(binary, profile, "--hide-scrollbars", "--window-size=1400,900",
                        "--screenshot=" + os.path.abspath(screenshot), url)
    try:
        with open(screenshot, "rb") as f:
            png = f.read()
    except OSError as e:
        fail("no screenshot (%s):\n%s" % (e, shot.stderr))
    if not png.startswith(b"\x89PNG") or len(png) < 10000:
        fail("the screenshot %s is not a picture of the page (%d bytes)" % (screenshot, len(png)))
    print("check_html: %d rows, %d cells as the results say, no console message; screenshot %s"
          % (len(rows), checked, screenshot))


main()
