#!/usr/bin/env python3
"""Checks the evidence lines of the scenario files against the reference folder.

Every `evidence: src PATH:LINES "..."` must name a file of ESE's repository at the pinned
commit and lines within it (ci/ese-source-files.tsv, always checked). Every
`evidence: doc FILE "QUOTE"` must quote text that occurs in docs/FILE of the reference
folder (white space normalised; HTML tags, `**` and markdown links reduced to their text on
both sides); without the reference folder that part says plainly that it was skipped.
A mismatch is reported as FILE:LINE: error: ... and the exit status is 1.

usage: evidence-check.py [--reference DIR] [PATH...]   (default PATH: scenarios/)
"""
import argparse
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ese_source  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EVIDENCE = re.compile(r'^\s*evidence:\s*(doc|src|trace)\b\s*(.*)$')
QUOTED = re.compile(r'^(\S+)\s+"((?:[^"\\]|\\.)*)"\s*(?:#.*)?$')


def normalise(text):
    """The comparable form of a page or a quote: tags, bold marks and links reduced to text."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)  # [text](url) -> text
    text = re.sub(r'<[^>]+>', '', text)                     # <p>, <strong>, <a href=..>
    text = text.replace('**', '')
    text = text.replace('&nbsp;', ' ')
    return re.sub(r'\s+', ' ', text).strip()


def unescape(quote):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), quote)


def scenario_files(paths):
    for path in paths:
        if os.path.isdir(path):
            for top, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    if name.endswith('.scn'):
                        yield os.path.join(top, name)
        else:
            yield path


def check(paths, reference):
    """(lines checked, errors); REFERENCE is None when the docs pages are absent."""
    docs_dir = os.path.join(reference, 'docs') if reference else None
    files = ese_source.load_files()
    pages = {}
    errors = 0
    checked = 0
    for path in scenario_files(paths):
        with open(path, encoding='utf-8') as f:
            lines = f.read().splitlines()
        for number, line in enumerate(lines, 1):
            m = EVIDENCE.match(line)
            if not m or m.group(1) == 'trace':
                continue
            checked += 1
            kind, rest = m.group(1), m.group(2)
            q = QUOTED.match(rest)
            if not q:
                print(f'{path}:{number}: error: expected `evidence: {kind} WHERE "TEXT"`, found `{rest}`')
                errors += 1
                continue
            where, quote = q.group(1), unescape(q.group(2))
            if kind == 'doc' and docs_dir is None:
                checked -= 1
            elif kind == 'doc':
                page_path = os.path.join(docs_dir, where)
                if where not in pages:
                    if os.path.basename(where) != where or not os.path.isfile(page_path):
                        pages[where] = None
                    else:
                        with open(page_path, encoding='utf-8') as f:
                            pages[where] = normalise(f.read())
                if pages[where] is None:
                    print(f'{path}:{number}: error: no page docs/{where} in {reference}')
                    errors += 1
                elif normalise(quote) not in pages[where]:
                    print(f'{path}:{number}: error: quote not found in docs/{where}: "{quote}"')
                    errors += 1
            else:
                problem = ese_source.check_citation(where, files)
                if problem:
                    print(f'{path}:{number}: error: citation {problem}')
                    errors += 1
    return checked, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--reference', default=os.path.join(os.path.dirname(ROOT), 'shared', 'reference'))
    parser.add_argument('paths', nargs='*', default=[os.path.join(ROOT, 'scenarios')])
    args = parser.parse_args()
    reference = args.reference if os.path.isdir(os.path.join(args.reference, 'docs')) else None
    if reference is None:
        print(f'evidence-check: doc quotes skipped: no reference pages at {args.reference} (not present)')
    checked, errors = check(args.paths, reference)
    print(f'evidence-check: {checked} evidence lines checked, {errors} error(s)')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
