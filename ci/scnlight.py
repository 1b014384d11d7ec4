"""A light reader of the scenario language for the CI scripts (coverage, scenario index).

It is not the parser (core/scenario.c is): it reads only what the scripts count, namely
scenarios and setups with their purpose/skip/racy/expect/covers lines, and each call
step's function name and expected codes, with `use` expanded. Anything it does not
understand is left to the real parser to reject.
"""
import os
import re

BLOCK = re.compile(r'^(scenario|setup)\s+([A-Za-z0-9_.-]+)\s*$')
STEP = re.compile(r'^(?:([A-Za-z0-9_]+):\s*)?(Jet[A-Za-z0-9_]*|[A-Z][A-Za-z0-9_]*)\s*\(')
KEYED = re.compile(r'^(purpose|skip|racy|expect|covers|evidence):\s*(.*)$')
ALT_LABEL = re.compile(r'^[A-Za-z_][A-Za-z0-9_]*:\s*')


def strip_comment(line):
    """The line without a `#` comment that is outside a string."""
    in_string = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_string:
            if c == '\\':
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == '#':
            return line[:i]
        i += 1
    return line


def split_expectation(text):
    """The code tokens of an expectation `A | docs: B @xp..ws2003 | -801 | C (-1003)`."""
    codes = []
    for alt in text.split('|'):
        alt = ALT_LABEL.sub('', alt.strip())
        alt = alt.split('@', 1)[0]
        alt = re.sub(r'\(\s*-?\d+\s*\)', '', alt).strip()
        if alt:
            codes.append(alt)
    return codes


def arrow_index(line):
    """Index of the `->` that follows the call's closing parenthesis, or -1."""
    depth = 0
    in_string = False
    i = 0
    while i < len(line):
        c = line[i]
        if in_string:
            if c == '\\':
                i += 1
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c == '(':
            depth += 1
        elif c == ')':
            depth -= 1
        elif c == '-' and depth == 0 and line.startswith('->', i):
            return i
        i += 1
    return -1


class Block:
    def __init__(self, kind, name, path, line):
        self.kind, self.name, self.path, self.line = kind, name, path, line
        self.purpose = None
        self.skip = None
        self.racy = None
        self.expect = None
        self.covers = []       # [(function, code)]
        self.evidence = 0
        self.items = []        # ('use', name) | ('step', function, [codes], line number, text)

    def steps(self, setups, seen=()):
        """Call steps with every `use` expanded (setups by name)."""
        for item in self.items:
            if item[0] == 'use':
                setup = setups.get(item[1])
                if setup is not None and item[1] not in seen:
                    yield from setup.steps(setups, seen + (item[1],))
            else:
                yield item


def scenario_files(paths):
    """Every .scn under the given files/folders, sorted, setups folders included."""
    out = []
    for path in paths:
        if os.path.isdir(path):
            for top, dirs, files in os.walk(path):
                dirs.sort()
                out.extend(os.path.join(top, n) for n in sorted(files) if n.endswith('.scn'))
        else:
            out.append(path)
    return out


def read_blocks(path):
    blocks = []
    current = None
    with open(path, encoding='utf-8') as f:
        for number, raw in enumerate(f, 1):
            line = strip_comment(raw.rstrip('\n')).strip()
            if not line:
                continue
            if current is None:
                m = BLOCK.match(line)
                if m:
                    current = Block(m.group(1), m.group(2), path, number)
                continue
            if line == 'end':
                blocks.append(current)
                current = None
                continue
            m = KEYED.match(line)
            if m:
                key, value = m.group(1), m.group(2).strip()
                if key == 'purpose':
                    current.purpose = value
                elif key == 'skip':
                    current.skip = value
                elif key == 'racy':
                    current.racy = value
                elif key == 'expect':
                    current.expect = value
                elif key == 'covers':
                    parts = value.split()
                    if len(parts) == 2:
                        current.covers.append((parts[0], parts[1]))
                elif key == 'evidence':
                    current.evidence += 1
                continue
            if line.startswith('use '):
                current.items.append(('use', line[4:].strip()))
                continue
            m = STEP.match(line)
            if m:
                arrow = arrow_index(line)
                codes = split_expectation(line[arrow + 2:]) if arrow >= 0 else []
                current.items.append(('step', m.group(2), codes, number, line))
    return blocks


def read_suite(paths):
    """(scenarios, setups by name): scenarios outside `setups` folders, in file order."""
    scenarios, setups = [], {}
    for path in scenario_files(paths):
        for block in read_blocks(path):
            if block.kind == 'setup':
                setups[block.name] = block
            elif 'setups' not in os.path.normpath(path).split(os.sep):
                scenarios.append(block)
    return scenarios, setups
