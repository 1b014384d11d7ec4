#!/usr/bin/env python3
"""Checks the evidence of the scenarios: that each citation exists and supports its step.

The scenarios are read by esent-harness's own parser (`list --format json`), so each
evidence line comes with the step it supports (or its scenario) and that step's expected
codes. For every evidence line written in a scenario or setup:

- `evidence: src PATH:LINES "..."` must name a file of ESE's repository at the pinned commit
  and lines within it (ci/ese-source-files.tsv): checked on every machine;
- `evidence: doc PAGE "QUOTE"` must quote PAGE (white space normalised; HTML tags, `**` and
  markdown links reduced to their text on both sides), and the quote must be about the
  codes it supports: from the page's return-code row for one of the step's expected codes,
  from a paragraph that names one of them, or from the page's Remarks (it says which). A
  quote written at the scenario level supports the scenario's steps taken together. This
  needs the reference copies of the pages (the folder ../shared/reference); without them
  the quote checks say plainly that they were skipped.

With --tree (or --tree-dir DIR) the citations written in the comments and docs of the
tree are checked against the same file list. Errors are FILE:LINE: error: ...; exit 1 on
any, 2 on bad input.

usage: evidence-check.py --harness EXE [--runner WINE] [--reference DIR] [--tree] [PATH...]
       (default PATH: scenarios/)
"""
import argparse
import collections
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ese_source  # noqa: E402
import harness_run  # noqa: E402
import jet_code_table  # noqa: E402

ROOT = ese_source.ROOT
CODE_NAME = re.compile(r'\b(?:JET_)?(?:err|wrn)[A-Z][A-Za-z0-9]*')
ROW_CODE = re.compile(r'^\s*(?:<p>)?\s*((?:JET_)?(?:err|wrn)[A-Z][A-Za-z0-9]*)\s*(?:</p>)?\s*$')
# Section titles of the pages in the languages the suite quotes.
REMARKS = {'remarks', 'bemerkungen', 'hinweise', 'remarques', 'примечания', 'комментарии'}
SECTIONS = REMARKS | {'parameters', 'parameter', 'return value', 'rückgabewert', 'requirements', 'anforderungen',
                      'see also', 'siehe auch', 'valeur renvoyée', 'configuration requise', 'voir aussi',
                      'возвращаемое значение', 'требования', 'см. также', 'параметры', 'paramètres'}


def normalise(text):
    """The comparable form of a page or a quote: tags, bold marks and links reduced to text."""
    text = re.sub(r'\[([^\]]*)\]\([^)]*\)', r'\1', text)  # [text](url) -> text
    text = re.sub(r'<[^>]+>', '', text)                     # <p>, <strong>, <a href=..>
    text = text.replace('**', '')
    text = text.replace('&nbsp;', ' ').replace('\u00a0', ' ')
    return re.sub(r'\s+', ' ', text).strip()


SUBJECT = re.compile(r'^\s*(?:<p>)?\*?\s*(JET_(?:bit|param)[A-Za-z0-9]+|[a-z][A-Za-z0-9]*)\s*\*?\s*(?:</p>)?\s*$')
OUTCOME = re.compile(r'^(if (this|the) function (succeeds|fails)|on (success|failure)|'
                     r'wenn diese funktion (erfolgreich ist|fehlschlägt))', re.I)


class Page:
    """A docs page cut into units, each a dict: kind ('row' of a return code, 'flag' row of a
    JET_bit/JET_param, or 'paragraph'), code (a row's code), subject (the parameter or
    constant a Parameters paragraph or flag row is about), section (the heading above), text."""

    def __init__(self, text, markdown):
        self.whole = normalise(text)
        self.units = []
        self.section, self.subject, self.row = '', None, None
        for para in re.split(r'\n\s*\n', text):
            stripped = para.strip()
            if stripped:
                if markdown:
                    self._markdown(stripped)
                else:
                    self._rendered(stripped)

    def _add(self, kind, body, code=None, subject=None):
        self.units.append({'kind': kind, 'code': code, 'subject': subject or self.subject,
                           'section': self.section, 'text': normalise(body)})

    def _markdown(self, para):
        other = []
        def flush():
            if other:
                self._add('paragraph', '\n'.join(other))
                other.clear()
        for line in para.splitlines():
            heading = re.match(r'^#+\s*(.*?)\s*#*$', line)
            if heading:
                flush()
                self.section, self.subject = heading.group(1).strip().lower(), None
            elif line.lstrip().startswith('|'):
                flush()
                cells = line.strip().strip('|').split('|')
                code = ROW_CODE.match(cells[0]) if cells else None
                flag = re.match(r'^\s*(?:<p>)?\s*(JET_(?:bit|param)[A-Za-z0-9]+)', cells[0]) if cells else None
                if code:
                    self._add('row', '|'.join(cells[1:]), code=code.group(1))
                elif flag:
                    self._add('flag', '|'.join(cells[1:]), subject=flag.group(1))
                else:
                    self._add('paragraph', line)
            elif re.match(r'^\s*\*[A-Za-z_][A-Za-z0-9_]*\*\s*$', line):
                flush()
                self.subject = line.strip().strip('*')
            else:
                other.append(line)
        flush()

    def _rendered(self, para):
        """A rendered (.txt) page: title paragraphs, code-only paragraphs opening a row, and
        the description and version notes that follow a code."""
        title = para.lower()
        if title in SECTIONS:
            self.section, self.subject, self.row = title, None, None
            return
        m = ROW_CODE.match(para)
        if m:
            self.row = [m.group(1), False]
            return
        if self.row is not None and (not self.row[1] or para.startswith('Windows')):
            self.row[1] = self.row[1] or not para.startswith('Windows')
            self._add('row', para, code=self.row[0])
            return
        self.row = None
        self._add('paragraph', para)

    def locate(self, quote):
        """The units holding the quote (normalised), or [] when it spans units or is absent."""
        return [u for u in self.units if quote in u['text']]


def step_codes(step):
    return {alt['code'] for alt in step.get('alternatives', []) if not alt['any']}


def supported(suite, values):
    """(evidence, supported codes, the step texts, whether scenario level, what it supports)
    once per evidence line."""
    for block, ev, step in harness_run.evidence_by_block(suite):
        if ev['kind'] == 'trace':
            continue
        if step is not None:
            yield ev, step_codes(step), [step['text']], False, \
                f'step {step["function"] or step["kind"]} (line {step["line"]})'
            continue
        # A scenario supports what its steps expect and, when skipped, what it declares it covers.
        every = {values.get(jet_code_table.key(c['code'])) for c in block['covers']} - {None}
        for s in block['steps']:
            every |= step_codes(s)
        yield ev, every, [s['text'] for s in block['steps']], True, f'scenario {block["name"]}'


VERDICTS = {'row': 'the row of an expected code', 'paragraph': 'a paragraph naming an expected code',
            'outcome': 'the sentence on success or failure', 'remarks': 'the Remarks',
            'parameter': 'the description of an argument the step passes',
            'description': "the function's description"}


def judge(units, codes, texts, scenario_level, values):
    """(verdict, None) when the quote is about what it supports, else (None, where it is from).

    verdicts: row (the row of an expected code), paragraph (names an expected code), outcome
    (the Return Value sentence on success or failure, matching the expected codes), remarks,
    parameter (the description of a flag, parameter id or argument the step passes), and
    description (the function's description, accepted for a whole scenario only)."""
    if not units:
        return None, 'text that spans rows or paragraphs'
    found = []
    for u in units:
        named = [values.get(jet_code_table.key(c)) for c in CODE_NAME.findall(u['text'])]
        if u['kind'] == 'flag':
            if any(u['subject'] in t for t in texts):
                return 'parameter', None
            found.append(f'the description of {u["subject"]}, which no step here passes')
        elif u['kind'] == 'row':
            if values.get(jet_code_table.key(u['code'])) in codes:
                return 'row', None
            found.append(f'the row for {u["code"]}')
        elif u['section'] in REMARKS:
            return 'remarks', None
        elif any(n in codes for n in named):
            return 'paragraph', None
        elif named:
            found.append('a paragraph naming only ' + ', '.join(CODE_NAME.findall(u['text'])))
        elif OUTCOME.match(u['text']):
            success = re.search(r'succeeds|success|erfolgreich', u['text'].split(',')[0], re.I)
            if (0 in codes) if success else any(c < 0 for c in codes):
                return 'outcome', None
            found.append('the sentence on ' + ('success' if success else 'failure'))
        elif u['subject'] and u['subject'].startswith('JET_'):
            if any(u['subject'] in t for t in texts):
                return 'parameter', None
            found.append(f'the description of {u["subject"]}, which no step here passes')
        elif u['subject']:
            return 'parameter', None
        elif scenario_level:
            return 'description', None
        else:
            found.append(f'a paragraph of {u["section"] or "the page"} that names no code (only a whole '
                         f'scenario may cite the function\'s description)')
    return None, found[0]


def code_list(codes, names):
    return ', '.join(sorted(names.get(c, str(c)) for c in codes)) or 'no code (any)'


def check(suite, reference, codes_table, verbose=False):
    """(counts, errors) over the evidence of SUITE; REFERENCE is None when the pages are absent."""
    files = ese_source.load_files()
    values, names = jet_code_table.load(codes_table)
    pages = {}
    counts = collections.Counter()
    errors = 0
    for ev, codes, texts, scenario_level, what in supported(suite, values):
        at = f'{os.path.relpath(ev["file"], ROOT)}:{ev["line"]}'
        if ev['kind'] == 'src':
            counts['src'] += 1
            problem = ese_source.check_citation(ev['where'], files)
            if problem:
                print(f'{at}: error: citation {problem}')
                errors += 1
            continue
        if reference is None:
            counts['doc skipped'] += 1
            continue
        counts['doc'] += 1
        where = ev['where']
        if where not in pages:
            page_path = os.path.join(reference, 'docs', where)
            if os.path.basename(where) != where or not os.path.isfile(page_path):
                pages[where] = None
            else:
                with open(page_path, encoding='utf-8') as f:
                    pages[where] = Page(f.read(), where.endswith('.md'))
        page = pages[where]
        quote = normalise(ev['text'])
        if page is None:
            print(f'{at}: error: no page docs/{where} in {reference}')
            errors += 1
            continue
        if quote not in page.whole:
            print(f'{at}: error: quote not found in docs/{where}: "{ev["text"]}"')
            errors += 1
            continue
        verdict, why = judge(page.locate(quote), codes, texts, scenario_level, values)
        if verdict:
            counts[verdict] += 1
            if verbose:
                print(f'{at}: docs/{where}, from {VERDICTS[verdict]}, supports {what}')
            continue
        print(f'{at}: error: the quote from docs/{where} supports {what}, which expects {code_list(codes, names)}, '
              f'but it is from {why}: "{ev["text"]}"')
        errors += 1
    return counts, errors


TREE = ('model', 'shim', 'harness', 'core', 'docs', 'scenarios', 'tests/model')
TEXT_FILES = re.compile(r'\.(c|h|md|scn|txt|py)$')


def check_tree(dirs):
    """(citations checked, errors) of the source citations and docs page keys written in
    comments and prose: a file and lines of ESE, never a short form; a key with a row in
    docs/evidence-index.md."""
    files = ese_source.load_files()
    with open(ese_source.INDEX, encoding='utf-8') as f:
        pages = ese_source.page_table(f.read())
    checked = errors = 0
    for top_dir in dirs:
        for top, subdirs, names in os.walk(top_dir):
            subdirs.sort()
            for name in sorted(names):
                if not TEXT_FILES.search(name):
                    continue
                path = os.path.join(top, name)
                with open(path, encoding='utf-8', errors='replace') as f:
                    text = f.read()
                for number, where in ese_source.citations_in_text(text):
                    checked += 1
                    problem = ese_source.check_citation(where, files)
                    if problem:
                        print(f'{os.path.relpath(path, ROOT)}:{number}: error: citation {problem}')
                        errors += 1
                for number, line in enumerate(text.splitlines(), 1):
                    for short in ese_source.SHORT_FORM.finditer(line):
                        checked += 1
                        named = [f for f in files if f.endswith('/' + short.group(1))]
                        hint = (named[0] + short.group(0)[len(short.group(1)):] if len(named) == 1
                                else 'dev/ese/src/ese/backup.cxx:2702-2709')
                        print(f'{os.path.relpath(path, ROOT)}:{number}: error: `{short.group(0)}`: cite ESE by its '
                              f'repository path and lines ({hint})')
                        errors += 1
                    for key in ese_source.PAGE_KEY.findall(line):
                        checked += 1
                        if key not in pages:
                            print(f'{os.path.relpath(path, ROOT)}:{number}: error: docs page {key} has no row in '
                                  f'the table of docs/evidence-index.md')
                            errors += 1
    return checked, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    harness_run.add_arguments(parser)
    parser.add_argument('--reference', default=os.path.join(os.path.dirname(ROOT), 'shared', 'reference'))
    parser.add_argument('--codes', default=jet_code_table.PATH)
    parser.add_argument('--tree', action='store_true',
                        help='also check the citations in the comments and docs of ' + ', '.join(TREE))
    parser.add_argument('--tree-dir', action='append', metavar='DIR',
                        help='check the citations in the text files under DIR (instead of the tree)')
    parser.add_argument('-v', '--verbose', action='store_true', help='say where on its page each accepted quote is from')
    parser.add_argument('paths', nargs='*', default=[os.path.join(ROOT, 'scenarios')])
    args = parser.parse_args()
    suite = harness_run.suite_or_exit(args, args.paths)
    reference = args.reference if os.path.isdir(os.path.join(args.reference, 'docs')) else None
    counts, errors = check(suite, reference, args.codes, args.verbose)
    print(f'evidence-check: {counts["src"]} source citations checked')
    if reference is None:
        print(f'evidence-check: skipped: {counts["doc skipped"]} doc quotes not checked, the reference pages '
              f'({args.reference}) are not present')
    else:
        print(f'evidence-check: {counts["doc"]} doc quotes checked: {counts["row"]} from the row of an expected code, '
              f'{counts["paragraph"]} from a paragraph naming one, {counts["outcome"]} from the sentence on success '
              f'or failure, {counts["remarks"]} from the Remarks, {counts["parameter"]} from the description of an '
              f'argument the step passes, {counts["description"]} from the function\'s description (scenario level)')
    if args.tree or args.tree_dir:
        cited, wrong = check_tree(args.tree_dir or [os.path.join(ROOT, d) for d in TREE])
        print(f'evidence-check: {cited} citations in comments and docs checked, {wrong} error(s)')
        errors += wrong
    print(f'evidence-check: {errors} error(s)')
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
