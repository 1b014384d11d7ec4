#!/usr/bin/env python3
"""Rewrite the generated blocks of docs/suite.md (the scenario list and the coverage table)
from the scenario files; the suite.readme_* tests check that they are current. (The blocks
lived in README.md once, hence the names.)"""
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import readme_block  # noqa: E402

here = os.path.dirname(os.path.abspath(__file__))
readme = os.path.join(here, "..", "docs", "suite.md")
with open(readme, encoding="utf-8") as f:
    text = f.read()
for script, args, name in (("scenario-index.py", [], "scenarios"), ("coverage.py", ["--markdown"], "coverage")):
    block = subprocess.run([sys.executable, os.path.join(here, script)] + args, check=True,
                           capture_output=True, text=True).stdout
    text = readme_block.replace(text, name, block)
with open(readme, "w", encoding="utf-8") as f:
    f.write(text)
print("docs/suite.md: generated blocks rewritten")
