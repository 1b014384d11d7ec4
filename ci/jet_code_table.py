"""The JET code table (core/tables/jet-codes.tsv) as the CI scripts compare codes: by value,
a name looked up without case and without its JET_ prefix (the docs write JET_errInvalidgrbit;
internal codes have no prefix)."""
import os
import re

PATH = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'core', 'tables', 'jet-codes.tsv')


def key(name):
    return re.sub(r'^jet_', '', name.strip().lower())


def load(path=PATH):
    """(name key -> value, value -> name with public names preferred)."""
    values, names = {}, {}
    with open(path, encoding='utf-8') as f:
        for line in f:
            if line.startswith('#') or not line.strip():
                continue
            cols = line.rstrip('\n').split('\t')
            value = int(cols[1])
            values[key(cols[0])] = value
            if value not in names or cols[2] == 'yes':
                names[value] = cols[0]
    return values, names
