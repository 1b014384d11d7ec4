#!/usr/bin/env python3
"""Writes (or checks) ci/ese-source-files.tsv: every file of ESE's repository at the pinned
commit with its line count, read from a copy of the repository.

The list is facts about the source (names and sizes), not its code: it lets the evidence
check verify on any machine that a `src` citation names a real file and lines within it.

usage: ese-source-files.py --ese-source DIR [--check]
  DIR: a git dir or checkout of microsoft/Extensible-Storage-Engine (default: $ESH_ESE_SOURCE)
  --check: exit 1 when the stored list differs from the copy (or 0 saying "skipped" without a copy)
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ese_source  # noqa: E402


def render(source):
    lines = [f'# Files of {ese_source.REPOSITORY} at the commit pinned in docs/evidence-index.md,',
             '# with their line counts; written by ci/ese-source-files.py, do not edit.',
             '# path\tlines']
    missing = []
    for name in source.names():
        data = source.read(name)
        if data is None:
            missing.append(name)
            continue
        lines.append(f'{name}\t{ese_source.line_count(data)}')
    return '\n'.join(lines) + '\n', missing


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--ese-source', default=None)
    ap.add_argument('--check', action='store_true')
    args = ap.parse_args()
    location = ese_source.default_location(args.ese_source)
    if not location or not os.path.isdir(location):
        print(f'ese-source-files: no copy of {ese_source.REPOSITORY} (--ese-source or ESH_ESE_SOURCE): skipped')
        return 0 if args.check else 2
    commit = ese_source.pinned_commit()
    source = ese_source.Source(location, commit)
    if not source.has_commit():
        print(f'ese-source-files: error: {location} does not hold commit {commit}', file=sys.stderr)
        return 2
    text, missing = render(source)
    for name in missing:
        print(f'ese-source-files: warning: {name} is listed at {commit} but absent from {location}', file=sys.stderr)
    if args.check:
        with open(ese_source.FILES, encoding='utf-8') as f:
            if f.read() != text:
                print(f'{ese_source.FILES}: error: differs from {location} at {commit}; '
                      'regenerate it with ci/ese-source-files.py', file=sys.stderr)
                return 1
        print(f'ese-source-files: {text.count(chr(10)) - 3} files match {location} at {commit}')
        return 0
    with open(ese_source.FILES, 'w', encoding='utf-8', newline='\n') as f:
        f.write(text)
    print(f'ese-source-files: wrote {ese_source.FILES} ({text.count(chr(10)) - 3} files)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
