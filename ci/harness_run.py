"""Starting esent-harness from the CI scripts, natively on Windows or through Wine."""
import os
import re
import subprocess


def windows_path(runner, path):
    """PATH as the harness sees it: under Wine an absolute Linux path is the same path on Z:."""
    if not runner:
        return path
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def call_harness(runner, harness, args, env=None, timeout=None):
    """`esent-harness ARGS...` (through RUNNER, Wine, when given): (exit code, stdout, stderr)."""
    cmd = ([runner] if runner else []) + [harness] + list(args)
    proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


def run_harness(runner, harness, esent, options, env=None):
    """`esent-harness run --esent ESENT OPTIONS...`: (exit code, stdout, stderr)."""
    return call_harness(runner, harness, ["run", "--esent", windows_path(runner, esent)] + list(options), env)


def local_path(runner, path):
    """A path the harness printed, as this machine names it (Wine's Z:\\x\\y is /x/y)."""
    if runner and len(path) > 2 and path[:2].upper() == "Z:":
        return path[2:].replace("\\", "/")
    return path


def list_suite(runner, harness, paths):
    """The suite as esent-harness's parser reads it (`list --format json PATHS`), with every
    file name local. Raises SuiteError with the harness's message on bad input."""
    import json
    status, out, err = call_harness(runner, harness, ["list", "--format", "json"] + [windows_path(runner, p) for p in paths])
    if status != 0:
        # Wine's own diagnostics ("0084:fixme:hid:...") are not the parser's message.
        message = "\n".join(l for l in err.splitlines() if not re.match(r"^[0-9a-f]{4}:(fixme|err|warn|trace):", l))
        raise SuiteError(message.strip() or "esent-harness list exited %d" % status)
    suite = json.loads(out)
    for block in suite["scenarios"] + suite["setups"]:
        block["file"] = local_path(runner, block["file"])
        for item in block["evidence"] + [ev for step in block["steps"] for ev in step["evidence"]] + block["steps"]:
            item["file"] = local_path(runner, item["file"])
    return suite


class SuiteError(Exception):
    pass


def evidence_by_block(suite):
    """(block, evidence, step or None) once per evidence line, from the scenario or setup whose
    text holds the line (a setup's evidence also reaches every scenario that uses it)."""
    starts = {}
    for block in suite["scenarios"] + suite["setups"]:
        starts.setdefault(block["file"], []).append((block["line"], block))
    for blocks in starts.values():
        blocks.sort(key=lambda b: b[0])

    def written_in(ev):
        owner = None
        for first, block in starts.get(ev["file"], []):
            if first <= ev["line"]:
                owner = block
        return owner

    seen = set()
    for block in suite["scenarios"] + suite["setups"]:
        items = [(ev, None) for ev in block["evidence"]]
        items += [(ev, step) for step in block["steps"] for ev in step["evidence"]]
        for ev, step in items:
            key = (ev["file"], ev["line"])
            if key not in seen and written_in(ev) is block:
                seen.add(key)
                yield block, ev, step


def suite_or_exit(args, paths):
    """list_suite with the --harness/--runner ARGS; on bad input the parser's message and exit 2."""
    try:
        return list_suite(args.runner, args.harness, paths)
    except SuiteError as e:
        import sys
        print(e, file=sys.stderr)
        sys.exit(2)


def add_arguments(parser):
    """--harness EXE and --runner WINE, as every script that reads the suite takes them."""
    parser.add_argument("--harness", required=True, help="esent-harness.exe (its parser reads the scenarios)")
    parser.add_argument("--runner", default="", help="the program that runs it (wine) when not on Windows")
