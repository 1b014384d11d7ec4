#!/usr/bin/env python3
"""Checks the Windows CI files for the blockers found before their first run (issue 12),
which actionlint cannot see because each file is valid on its own.

usage: check_windows_ci.py SOURCE_DIR      exit 0 when all hold, 1 otherwise

- vcpkg.json pins a builtin-baseline (Visual Studio's bundled vcpkg refuses a manifest
  without one).
- windows.yml and build.bat set VCPKG_ROOT after the MSVC developer environment, which
  points it at that bundled copy.
- The MSYS2 leg uses UCRT64 with the inherited PATH (node, for the workflow lint test).
- windows-11-arm (public repositories only) is not a fixed matrix entry the diff job waits on.
"""
import json
import os
import re
import sys


def read(root, name):
    with open(os.path.join(root, name), encoding="utf-8") as f:
        return f.read()


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    root = sys.argv[1]
    problems = []

    baseline = json.loads(read(root, "vcpkg.json")).get("builtin-baseline", "")
    if not re.fullmatch(r"[0-9a-f]{40}", baseline):
        problems.append("vcpkg.json: no builtin-baseline commit (got %r)" % baseline)

    workflow = read(root, ".github/workflows/windows.yml")
    devcmd = workflow.find("ilammy/msvc-dev-cmd")
    locate = workflow.find("VCPKG_ROOT=")
    if devcmd < 0 or locate < devcmd:
        problems.append("windows.yml: VCPKG_ROOT is set before msvc-dev-cmd, which overrides it")
    mingw = workflow[workflow.find("msys2/setup-msys2"):]
    if not re.search(r"msystem:\s*UCRT64", mingw):
        problems.append("windows.yml: the MSYS2 leg is not UCRT64")
    if not re.search(r"path-type:\s*inherit", mingw):
        problems.append("windows.yml: the MSYS2 shell does not inherit PATH (node)")
    if re.search(r"^\s*-?\s*os:\s*windows-11-arm\s*$", workflow, re.M):
        problems.append("windows.yml: windows-11-arm is a fixed matrix entry (never served to private repositories)")

    bat = read(root, "build.bat")
    vsdevcmd = bat.find('VsDevCmd.bat"')
    after = bat[vsdevcmd:vsdevcmd + 400]
    if vsdevcmd < 0 or not re.search(r'set "VCPKG_ROOT=%\w+%"', after):
        problems.append("build.bat: VCPKG_ROOT is not restored after VsDevCmd")

    for p in problems:
        print(p)
    print("check_windows_ci: %d problem(s)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
