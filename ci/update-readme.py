#!/usr/bin/env python3
"""Rewrite docs/suite.md's generated blocks (the scenario list and the coverage table) from
the scenario files, and docs/evidence-index.md's citation block; the suite.readme_* and
suite.evidence_index tests check that they are current (the blocks lived in README.md
once, hence the names). The scripts read the scenarios
through esent-harness's parser: --harness EXE [--runner WINE] (default: the mingw-x64
build, through wine, when not on Windows)."""
import argparse
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_block  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ap.add_argument("--harness", default=os.path.join(root, "build", "mingw-x64", "harness", "esent-harness.exe"))
ap.add_argument("--runner", default="" if os.name == "nt" else (shutil.which("wine64") or shutil.which("wine") or
                                                              "/usr/lib/wine/wine64"))
ap.add_argument("--reference", default=os.path.join(os.path.dirname(root), "shared", "reference"),
                help="the reference folder coverage.py reads documented-codes.tsv from")
args = ap.parse_args()
harness = ["--harness", args.harness] + (["--runner", args.runner] if args.runner else [])
readme = os.path.join(root, "docs", "suite.md")
with open(readme, encoding="utf-8") as f:
    text = f.read()
for script, extra, name in (("scenario-index.py", [], "scenarios"),
                            ("coverage.py", ["--markdown", "--reference", args.reference], "coverage")):
    block = subprocess.run([sys.executable, os.path.join(here, script)] + harness + extra, check=True,
                           capture_output=True, text=True).stdout
    if not block.startswith(readme_block.markers(name)[0]):
        # e.g. coverage.py without the reference folder prints why it skipped, not a table
        sys.exit("update-readme: %s gave no %s block: %s" % (script, name, block.strip()))
    text = readme_block.replace(text, name, block)
with open(readme, "w", encoding="utf-8") as f:
    f.write(text)
print("docs/suite.md: generated blocks rewritten")
subprocess.run([sys.executable, os.path.join(here, "evidence-index.py")] + harness, check=True)
