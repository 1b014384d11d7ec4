"""Starting esent-harness from the CI scripts, natively on Windows or through Wine."""
import os
import subprocess


def windows_path(runner, path):
    """PATH as the harness sees it: under Wine an absolute Linux path is the same path on Z:."""
    if not runner:
        return path
    return "Z:" + os.path.abspath(path).replace("/", "\\")


def run_harness(runner, harness, esent, options, env=None):
    """`esent-harness run --esent ESENT OPTIONS...`: (exit code, stdout, stderr)."""
    cmd = ([runner] if runner else []) + [harness, "run", "--esent", windows_path(runner, esent)] + list(options)
    proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr
