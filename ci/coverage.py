#!/usr/bin/env python3
"""Coverage of the documented return codes by the scenario suite.

Reads the reference's documented-codes.tsv (every (function, code) pair the docs pages
document) and the scenarios as esent-harness's own parser reads them (`list --format json`,
every step after `use` expansion), and accounts for every row:
  asserted  a step of a scenario that runs calls the function, or a twin of it, and
            expects the code as one of its alternatives (`direct` when the call is the
            function itself or its A/W form; `racy` when only racy scenarios assert it);
  skipped   a `skip:` scenario declares it with `covers: FUNCTION CODE` (with its reason);
  unaccounted otherwise.
Twins: the A/W/unsuffixed forms, the `Instance` form and the legacy form, and the `2`
variant are one family (JetStopBackup ~ JetStopBackupInstance, JetTerm ~ JetTerm2,
JetGetLogInfo ~ JetGetLogInfoInstance2W). Codes compare by value (the JET code table gives
a documented name's value; a name it lacks compares without case and without the JET_
prefix: the docs write JET_errInvalidgrbit and JET_errBackupAbortByCaller). An `any`
alternative asserts nothing.
Exit 1 if a row is unaccounted or fewer than --min-percent (70) are asserted.

--markdown prints the table of docs/suite.md between <!-- coverage:begin --> and <!-- coverage:end -->;
--check FILE verifies that FILE holds exactly that table (exit 1 with a diff when stale).

usage: coverage.py --harness EXE [--runner WINE] [--reference DIR] [--markdown | --check docs/suite.md] [PATH...]
       (default PATH: scenarios/)
"""
import argparse
import collections
import csv
import io
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness_run  # noqa: E402
import jet_code_table  # noqa: E402
import readme_block  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = readme_block.markers('coverage')


def base_name(function):
    """The function without its A/W suffix (JetOpenFileInstanceW -> JetOpenFileInstance)."""
    if re.search(r'[a-z0-9][AW]$', function):
        return function[:-1]
    return function


def family(function):
    """The twin family: A/W, `2` and `Instance` stripped (JetGetLogInfoInstance2A -> JetGetLogInfo)."""
    name = base_name(function)
    if name.endswith('2'):
        name = name[:-1]
    if name.endswith('Instance') and name != 'JetCreateInstance':
        name = name[:-len('Instance')]
    return name


def code_key_by(values):
    """The comparable key of a code name: its value when the table knows it."""
    def code_key(code):
        return values.get(jet_code_table.key(code), jet_code_table.key(code))
    return code_key


def collect(scenarios, code_key):
    """What the runnable scenarios assert, what the skipped ones declare, from the listing."""
    asserted = collections.defaultdict(set)   # (function family, code) -> {(base, racy)}
    skipped = collections.defaultdict(list)   # (function, code) -> [reason]
    declared = collections.defaultdict(list)  # covers: in a scenario that runs
    for sc in scenarios:
        if sc['skip'] is not None:
            for cover in sc['covers']:
                skipped[(base_name(cover['function']), code_key(cover['code']))].append(f'{sc["skip"]} ({sc["name"]})')
            continue
        for cover in sc['covers']:
            declared[(base_name(cover['function']), code_key(cover['code']))].append(sc['name'])
        for step in sc['steps']:
            if step['kind'] != 'call':
                continue
            for alt in step['alternatives']:
                if alt['any']:
                    continue
                asserted[(family(step['function']), alt['code'])].add((base_name(step['function']),
                                                                      sc['racy'] is not None))
    return asserted, skipped, declared


def account(rows, asserted, skipped, declared, code_key):
    """Per row: ('asserted', detail) | ('skipped', reason) | ('unaccounted', '')."""
    out = []
    for fn, code in rows:
        seen = asserted.get((family(fn), code_key(code)), set())
        direct = any(base == base_name(fn) for base, _ in seen)
        calm = any(not racy for _, racy in seen)
        if seen or declared.get((base_name(fn), code_key(code))):
            detail = ('direct' if direct else 'twin') + ('' if calm or not seen else ', racy')
            out.append((fn, code, 'asserted', detail))
        elif skipped.get((base_name(fn), code_key(code))):
            out.append((fn, code, 'skipped', skipped[(base_name(fn), code_key(code))][0]))
        else:
            out.append((fn, code, 'unaccounted', ''))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness_run.add_arguments(parser)
    parser.add_argument('--reference', default=os.path.join(os.path.dirname(ROOT), 'shared', 'reference'))
    parser.add_argument('--codes', default=jet_code_table.PATH)
    parser.add_argument('--markdown', action='store_true', help='print the table of docs/suite.md')
    parser.add_argument('--check', metavar='FILE', help='verify the table in FILE is current')
    parser.add_argument('--min-percent', type=float, default=70.0)
    parser.add_argument('-v', '--verbose', action='store_true', help='list every row')
    parser.add_argument('paths', nargs='*', default=[os.path.join(ROOT, 'scenarios')])
    args = parser.parse_args()

    table = os.path.join(args.reference, 'documented-codes.tsv')
    if not os.path.isfile(table):
        print(f'coverage: no {table}: nothing to account for, skipped')
        return 0
    with open(table, encoding='utf-8') as f:
        rows = [(r['function'], r['return_code']) for r in csv.DictReader(f, delimiter='\t')]
    scenarios = harness_run.suite_or_exit(args, args.paths)['scenarios']
    code_key = code_key_by(jet_code_table.load(args.codes)[0])
    asserted, skipped, declared = collect(scenarios, code_key)
    result = account(rows, asserted, skipped, declared, code_key)

    per_fn = collections.OrderedDict()
    for fn, code, status, detail in result:
        per_fn.setdefault(fn, []).append((code, status, detail))
    total = len(result)
    n_asserted = sum(1 for r in result if r[2] == 'asserted')
    n_racy = sum(1 for r in result if r[2] == 'asserted' and r[3].endswith('racy'))
    n_skipped = sum(1 for r in result if r[2] == 'skipped')
    n_missing = total - n_asserted - n_skipped
    percent = 100.0 * n_asserted / total if total else 100.0

    if args.markdown or args.check:
        out = io.StringIO()
        print(BEGIN, file=out)
        print('<!-- generated by ci/coverage.py --markdown from the scenario files: edit those, not this table -->',
              file=out)
        print(f'{total} documented (function, code) rows: {n_asserted} asserted ({percent:.1f}%; {n_racy} of them '
              f'only by racy scenarios), {n_skipped} counted skips, {n_missing} unaccounted. A row counts as '
              f'asserted when a step calls the function or its legacy/instance/A/W/2 twin and lists the code '
              f'as one of its expected alternatives.', file=out)
        print('', file=out)
        print('| function | documented | asserted | of which racy | skipped | unaccounted | skipped codes and why |', file=out)
        print('|---|---|---|---|---|---|---|', file=out)
        for fn, items in per_fn.items():
            a = sum(1 for _, s, _ in items if s == 'asserted')
            r = sum(1 for _, s, d in items if s == 'asserted' and d.endswith('racy'))
            s = [(c, d) for c, st, d in items if st == 'skipped']
            u = sum(1 for _, st, _ in items if st == 'unaccounted')
            groups = collections.OrderedDict()
            for c, d in s:
                groups.setdefault(d, []).append(c)
            why = '<br>'.join(f'{", ".join(codes)}: {d}' for d, codes in groups.items()).replace('|', '\\|')
            print(f'| {fn} | {len(items)} | {a} | {r} | {len(s)} | {u} | {why} |', file=out)
        print(f'| **total** | {total} | {n_asserted} ({percent:.1f}%) | {n_racy} | {n_skipped} | {n_missing} | |',
              file=out)
        print(END, file=out)
        table = out.getvalue()
        if args.markdown:
            sys.stdout.write(table)
        else:
            status = readme_block.check(args.check, 'coverage', table, 'ci/coverage.py --markdown')
            if status:
                return status
    else:
        print(f'{"function":34} {"documented":>10} {"asserted":>8} {"racy":>4} {"skipped":>7} {"unaccounted":>11}')
        for fn, items in per_fn.items():
            a = sum(1 for _, s, _ in items if s == 'asserted')
            r = sum(1 for _, s, d in items if s == 'asserted' and d.endswith('racy'))
            s = sum(1 for _, st, _ in items if st == 'skipped')
            u = sum(1 for _, st, _ in items if st == 'unaccounted')
            print(f'{fn:34} {len(items):>10} {a:>8} {r:>4} {s:>7} {u:>11}')
            for code, status, detail in items:
                if status == 'unaccounted' or args.verbose:
                    print(f'    {code}: {status}{" (" + detail + ")" if detail else ""}')
        print(f'{len(scenarios)} scenarios; {total} documented rows: {n_asserted} asserted ({percent:.1f}%, '
              f'{n_racy} only by racy scenarios), {n_skipped} skipped with a reason, {n_missing} unaccounted')
    if n_missing:
        print(f'coverage: error: {n_missing} documented row(s) unaccounted', file=sys.stderr)
        return 1
    if percent < args.min_percent:
        print(f'coverage: error: {percent:.1f}% asserted, below {args.min_percent}%', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
