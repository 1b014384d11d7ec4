#!/usr/bin/env python3
"""Checks the Markdown pages a user reads (README.md, docs/*.md, */README.md, or the FILEs
given): every relative link names a file that exists, and an anchor of a page a heading
it has; no control character anywhere (a backslash eaten by a generator leaves a TAB or a
BEL: 'C:\\traces' becoming 'C:<TAB>races'), and no TAB in a shell or batch recipe.
Prints FILE:LINE: error: ... for each finding; exit 1 when there is one, 2 on bad usage."""
import glob
import os
import re
import sys

RECIPE_LANGUAGES = {"bat", "cmd", "sh", "bash", "powershell", "ps1", "console"}
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def anchors(path):
    """GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens."""
    found = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"#{1,6}\s+(.*)", line)
            if m:
                text = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower())
                found.add(text.replace(" ", "-"))
    return found


def check(path):
    errors = []
    language = None  # inside a fenced block: its language ("" when untagged)
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for number, line in enumerate(lines, 1):
        fence = re.match(r"\s*```\s*(\w*)", line)
        if fence:
            language = None if language is not None else fence.group(1).lower()
            continue
        bad = [c for c in line if ord(c) < 32 and c != "\t"]
        if bad:
            errors.append("%s:%d: error: control character 0x%02x (a backslash escape eaten?)" % (path, number, ord(bad[0])))
        if "\t" in line and language in RECIPE_LANGUAGES:
            errors.append("%s:%d: error: TAB in a %s recipe (a backslash escape eaten?)" % (path, number, language))
        if language is not None:
            continue
        for target in LINK.findall(line):
            if re.match(r"[a-z]+:", target):
                continue  # http:, https:, mailto:
            file, _, anchor = target.partition("#")
            resolved = os.path.normpath(os.path.join(os.path.dirname(path), file)) if file else path
            if not os.path.exists(resolved):
                errors.append("%s:%d: error: link to %s, which does not exist" % (path, number, target))
            elif anchor and resolved.endswith(".md") and anchor not in anchors(resolved):
                errors.append("%s:%d: error: link to %s: no heading #%s there" % (path, number, target, anchor))
    return errors


def main(argv):
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    paths = argv or sorted(set(glob.glob(os.path.join(root, "README.md")) + glob.glob(os.path.join(root, "docs", "*.md"))
                               + glob.glob(os.path.join(root, "*", "README.md"))))
    errors = []
    for path in paths:
        try:
            errors += check(path)
        except OSError as e:
            print("%s: error: %s" % (path, e.strerror), file=sys.stderr)
            return 2
    for e in errors:
        print(e)
    print("%d page(s) checked, %d error(s)" % (len(paths), len(errors)))
    return 1 if errors else 0


sys.exit(main(sys.argv[1:]))
