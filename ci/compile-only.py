#!/usr/bin/env python3
"""Compiles every translation unit of a configured build tree (its compile_commands.json),
without linking: for a toolchain with no import libraries (clang-cl arm64 here), where the
build's own order dependencies would wait on links that cannot happen.

usage: compile-only.py BUILD_DIR      exit 0 when every unit compiles, 1 otherwise
"""
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


def compile_unit(entry):
    # The object's folder (the build tool would make it): clang-cl's /Fo, else -o.
    out = re.search(r"(?:/Fo|-o\s*)(\S+)", entry["command"])
    if out:
        os.makedirs(os.path.dirname(os.path.join(entry["directory"], out.group(1))) or ".", exist_ok=True)
    done = subprocess.run(entry["command"], shell=True, cwd=entry["directory"],
                          capture_output=True, text=True)
    return entry["file"], done.returncode, done.stdout + done.stderr


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = os.path.join(sys.argv[1], "compile_commands.json")
    try:
        with open(path, encoding="utf-8") as f:
            entries = json.load(f)
    except (OSError, ValueError) as error:
        print("compile-only: %s: %s" % (path, error), file=sys.stderr)
        return 2
    failed = 0
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for source, code, output in pool.map(compile_unit, entries):
            if code != 0 or output.strip():
                print(output.rstrip())
            if code != 0:
                failed += 1
                print("compile-only: FAILED %s" % source)
    print("compile-only: %d of %d units compiled" % (len(entries) - failed, len(entries)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
