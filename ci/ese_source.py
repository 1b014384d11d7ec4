"""ESE's published source, as the evidence checks see it.

The suite cites ESE's public repository (microsoft/Extensible-Storage-Engine) by path and
lines at one commit, pinned once in docs/evidence-index.md. ci/ese-source-files.tsv lists
every file of that commit with its line count, so a citation can be checked on any machine;
where a copy of the repository is at hand (a git dir or a checkout, given by --ese-source
or ESH_ESE_SOURCE) the cited lines themselves can be read.
"""
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
INDEX = os.path.join(ROOT, 'docs', 'evidence-index.md')
FILES = os.path.join(ROOT, 'ci', 'ese-source-files.tsv')
REPOSITORY = 'microsoft/Extensible-Storage-Engine'
# The short forms the suite no longer uses: letter tags (`B:2702`) and bare ESE file names
# (`backup.cxx:2702`), which a reader cannot follow without a key.
SHORT_FORM = re.compile(r'(?<![A-Za-z0-9_./-])((?:J|B|D|H|DEF|S|TM|T|pl)|[A-Za-z_][A-Za-z0-9_.]*\.(?:cxx|hxx|w|def|pl)):\d+')
PAGE_ROW = re.compile(r'^\| `([^`]+)` \| ([^|]+?) \| ([^|]+?) \|\s*$')
# A docs page key as the scenarios and comments write it: subject, language, saved form.
PAGE_KEY = re.compile(r'(?<![A-Za-z0-9_./-])([A-Za-z][A-Za-z0-9_-]*\.(?:en|de|fr|ru)\.(?:md|txt))\b')
PIN = re.compile(r'^Pinned commit: `([0-9a-f]{40})`', re.M)
CITATION = re.compile(r'^((?:dev|test)/[A-Za-z0-9_.+/-]+):(\d+)(?:-(\d+))?$')
# A citation in prose or a comment: the path once, then one or more lines or ranges.
IN_TEXT = re.compile(r'(?<![A-Za-z0-9_./-])((?:dev|test)/[A-Za-z0-9_.+/-]*[A-Za-z0-9_]):(\d+(?:-\d+)?(?:, \d+(?:-\d+)?)*)')


def pinned_commit(index=INDEX):
    """The commit every source citation refers to, read from docs/evidence-index.md."""
    with open(index, encoding='utf-8') as f:
        m = PIN.search(f.read())
    if not m:
        raise ValueError(f'{index}: no "Pinned commit: `<40 hex digits>`" line')
    return m.group(1)


def page_table(text):
    """key -> (page name, language) from the hand-written table of docs pages of the index."""
    pages = {}
    section = text.split('## Documentation pages', 1)[-1].split('\n## ', 1)[0]
    for line in section.splitlines():
        m = PAGE_ROW.match(line)
        if m:
            pages[m.group(1)] = (m.group(2).strip(), m.group(3).strip())
    return pages


def load_files(path=FILES):
    """path -> line count, from ci/ese-source-files.tsv."""
    files = {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            name, count = line.rstrip('\n').split('\t')
            files[name] = int(count)
    return files


def parse_citation(where):
    """(path, first, last) of `dev/ese/src/ese/backup.cxx:2702-2709`, or None."""
    m = CITATION.match(where)
    if not m:
        return None
    first = int(m.group(2))
    return m.group(1), first, int(m.group(3)) if m.group(3) else first


def check_citation(where, files):
    """None when WHERE names a file of the index and lines within it, else what is wrong."""
    cite = parse_citation(where)
    if cite is None:
        return f'a src citation is PATH:LINE or PATH:FIRST-LAST with a path of {REPOSITORY}, found `{where}`'
    path, first, last = cite
    if path not in files:
        return f'{path} is not a file of {REPOSITORY} at the pinned commit'
    if first < 1 or last < first:
        return f'{where}: the lines must be FIRST-LAST with 1 <= FIRST <= LAST'
    if last > files[path]:
        return f'{where}: {path} has {files[path]} lines'
    return None


class Source:
    """A copy of the repository: a bare git dir, a clone or a plain checkout at the pinned commit."""

    def __init__(self, location, commit):
        self.location, self.commit = location, commit
        self.git = None
        if os.path.isfile(os.path.join(location, 'HEAD')) and os.path.isdir(os.path.join(location, 'objects')):
            self.git = location
        elif os.path.isdir(os.path.join(location, '.git')):
            self.git = os.path.join(location, '.git')

    def has_commit(self):
        if self.git is None:
            return True
        return subprocess.run(['git', '--git-dir', self.git, 'cat-file', '-e', self.commit + '^{commit}'],
                              capture_output=True).returncode == 0

    def names(self):
        if self.git is not None:
            out = subprocess.run(['git', '--git-dir', self.git, 'ls-tree', '-r', '--name-only', self.commit],
                                 capture_output=True, text=True, check=True).stdout
            return sorted(out.splitlines())
        out = []
        for top, dirs, names in os.walk(self.location):
            dirs[:] = sorted(d for d in dirs if d != '.git')
            out.extend(os.path.relpath(os.path.join(top, n), self.location).replace(os.sep, '/') for n in names)
        return sorted(out)

    def read(self, path):
        """The file's bytes, or None when this copy lacks them (a snapshot may omit large files)."""
        if self.git is not None:
            proc = subprocess.run(['git', '--git-dir', self.git, 'show', f'{self.commit}:{path}'], capture_output=True)
            return proc.stdout if proc.returncode == 0 else None
        try:
            with open(os.path.join(self.location, path), 'rb') as f:
                return f.read()
        except OSError:
            return None


def line_count(data):
    return data.count(b'\n') + (1 if data and not data.endswith(b'\n') else 0)


def default_location(cli_value=None):
    return cli_value or os.environ.get('ESH_ESE_SOURCE') or ''


def citations_in_text(text):
    """(line number, single citation) of every `path:L1, L2-L3` citation in TEXT."""
    for number, line in enumerate(text.splitlines(), 1):
        for m in IN_TEXT.finditer(line):
            for lines in m.group(2).split(', '):
                yield number, f'{m.group(1)}:{lines}'
