"""A generated block of a Markdown page (docs/suite.md): text between `<!-- NAME:begin -->` and `<!-- NAME:end -->`
(markers included), written by a script from the scenario files. One place checks and
rewrites such blocks for every script that generates one."""
import difflib
import re
import sys


def markers(name):
    return '<!-- %s:begin -->' % name, '<!-- %s:end -->' % name


def extract(text, name):
    """The block with its markers and a final newline, or None when absent."""
    begin, end = markers(name)
    start = text.find(begin)
    stop = text.find(end, start + 1 if start >= 0 else 0)
    if start < 0 or stop < 0:
        return None
    return text[start:stop + len(end)] + '\n'


def check(path, name, block, script, regenerate='ci/update-readme.py'):
    """0 when PATH holds BLOCK, else 1 with a diff and the command (REGENERATE) that rewrites it."""
    try:
        with open(path, encoding='utf-8') as f:
            current = extract(f.read(), name)
    except OSError as e:
        print(f'{path}: error: {e.strerror}', file=sys.stderr)
        return 1
    begin, end = markers(name)
    if current is None:
        print(f'{path}: error: no {begin} ... {end} block; run {regenerate} (it pastes {script}\'s output)',
              file=sys.stderr)
        return 1
    if current != block:
        sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), block.splitlines(True),
                                                   f'{path} (current)', 'generated'))
        print(f'{path}: error: the {name} block is out of date; regenerate it with {regenerate}',
              file=sys.stderr)
        return 1
    print(f'{path}: the {name} block is current')
    return 0


def replace(text, name, block):
    """TEXT with its NAME block replaced by BLOCK (which carries its markers)."""
    begin, end = markers(name)
    pattern = re.compile(re.escape(begin) + '.*?' + re.escape(end) + r'\n?', re.S)
    if not pattern.search(text):
        raise ValueError('no %s ... %s block' % (begin, end))
    return pattern.sub(lambda _: block, text, count=1)
