#!/usr/bin/env python3
"""Compares a built DLL's export table (objdump -p) with ESENT.dll's export list.

usage: check_exports.py OBJDUMP DLL ESENT_EXPORTS_TSV x64|x86|arm64

x64, arm64: exactly the names of the TSV. x86: the same names plus a Name@N twin for every row
whose x86_also_exports_name@bytes column says yes (N = its x86_stack_bytes).
"""
import subprocess
import sys


def expected_names(tsv_path, arch):
    names = set()
    with open(tsv_path, encoding="utf-8") as tsv:
        for line in tsv:
            if line.startswith("#") or not line.strip():
                continue
            name, x86_bytes, _alias, twin, _private = line.rstrip("\n").split("\t")[:5]
            names.add(name)
            if arch == "x86" and twin == "yes":
                names.add(f"{name}@{x86_bytes}")
    return names


def exported_names(objdump, dll):
    out = subprocess.run([objdump, "-p", dll], check=True, capture_output=True, text=True).stdout
    names, in_table = set(), False
    for line in out.splitlines():
        if line.startswith("[Ordinal/Name Pointer] Table"):
            in_table = True
            continue
        if in_table:
            parts = line.split()
            # "	[   0] +base[   1] 0000 DebugExtensionInitialize" (binutils 2.40)
            if not line.strip() or not line.startswith("\t["):
                break
            names.add(parts[-1])
    return names


def main():
    if len(sys.argv) != 5 or sys.argv[4] not in ("x64", "x86", "arm64"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    objdump, dll, tsv, arch = sys.argv[1:]
    want, got = expected_names(tsv, arch), exported_names(objdump, dll)
    missing, extra = sorted(want - got), sorted(got - want)
    for name in missing:
        print(f"missing export: {name}")
    for name in extra:
        print(f"unexpected export: {name}")
    print(f"{dll}: {len(got)} exports, {len(want)} expected for {arch}")
    return 1 if missing or extra or not got else 0


if __name__ == "__main__":
    sys.exit(main())
