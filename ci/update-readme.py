#!/usr/bin/env python3
"""Rewrite README.md's generated blocks (the scenario list and the coverage table) from
the scenario files; `ctest -R suite.readme` checks they are current."""
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
readme = os.path.join(here, "..", "README.md")
text = open(readme, encoding="utf-8").read()
for script, args, name in (("scenario-index.py", [], "scenarios"), ("coverage.py", ["--markdown"], "coverage")):
    block = subprocess.run([sys.executable, os.path.join(here, script)] + args, check=True,
                           capture_output=True, text=True, cwd=os.path.join(here, "..")).stdout
    begin, end = "<!-- %s:begin -->" % name, "<!-- %s:end -->" % name
    if begin not in block:  # the script prints the body only
        block = begin + "\n" + block.rstrip("\n") + "\n" + end
    pattern = re.compile(re.escape(begin) + ".*?" + re.escape(end), re.S)
    text = pattern.sub(lambda _: block.strip("\n"), text)
open(readme, "w", encoding="utf-8").write(text)
