#!/usr/bin/env python3
"""Runs the README's Linux recipes as written (test docs.readme_linux_recipes): running the
binaries by hand, and recording an application under Wine; then replays the recorded trace.
Only what differs on a test machine is replaced: the build folder (build/mingw-x64 -> this
build tree), the Wine prefix (the tests' own), the application (/path/to/app/app.exe ->
shim_client.exe, an ordinary ESENT application, asked to run its 'model' calls) and the
scenarios folder (an absolute path, since the recipe runs in a scratch folder).
Usage: readme_recipes.py README BUILD_DIR SCENARIOS_DIR APP_EXE WORK_DIR"""
import os
import re
import shutil
import subprocess
import sys


def fail(message):
    print("readme_recipes: " + message)
    sys.exit(1)


def sh_blocks(readme):
    with open(readme, encoding="utf-8") as f:
        return re.findall(r"```sh\n(.*?)```", f.read(), re.S)


def run(script, cwd, what):
    print("--- %s:\n%s" % (what, script))
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=cwd, capture_output=True, text=True,
                          timeout=300, stdin=subprocess.DEVNULL)
    print(done.stdout + done.stderr)
    return done


def main():
    readme, build, scenarios, app, work = sys.argv[1:6]
    blocks = sh_blocks(readme)
    by_hand = [b for b in blocks if "esent-harness.exe run" in b]
    record = [b for b in blocks if "ESENTSHIM_TRACE" in b]
    if len(by_hand) != 1 or len(record) != 1:
        fail("expected one sh block running esent-harness.exe by hand and one recording, found %d and %d"
             % (len(by_hand), len(record)))
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "app"))
    shutil.copy(app, os.path.join(work, "app", "app.exe"))
    prefix = os.environ.get("WINEPREFIX", "")

    def local(script):
        script = script.replace("build/mingw-x64", build)
        if prefix:
            script = script.replace("$PWD/build/wineprefix", prefix)
        return script

    hand = local(by_hand[0])
    hand = re.sub(r"(\s)scenarios\s*$", r"\1" + scenarios + "\n", hand)
    done = run(hand, work, "running the binaries by hand")
    if done.returncode != 0 or not re.search(r"\n[0-9]+ passed, 0 failed", done.stdout):
        fail("the by-hand run did not pass (exit %d)" % done.returncode)
    if not os.path.exists(os.path.join(work, "results.txt")):
        fail("the by-hand run wrote no results.txt")

    rec = local(record[0]).replace("/path/to/app", os.path.join(work, "app"))
    rec = re.sub(r"(wine \S+app\.exe)\s*$", r"\1 model", rec.rstrip("\n")) + "\n"
    rec = hand.split("\n")[0] + "\n" + rec  # the environment the by-hand block exports
    done = run(rec, work, "recording an application")
    traces = os.path.join(work, "traces")
    found = sorted(f for f in os.listdir(traces) if f.endswith(".trace.scn")) if os.path.isdir(traces) else []
    if done.returncode != 0 or len(found) != 1:
        fail("the recording left %r in %s (exit %d)" % (found, traces, done.returncode))

    replay = hand.replace("--results results.txt", "--results replay.txt").replace(scenarios, traces)
    done = run(replay, work, "replaying the trace")
    if done.returncode != 0 or "\n1 passed, 0 failed, 0 skipped" not in done.stdout:
        fail("the replay of %s did not pass (exit %d)" % (found[0], done.returncode))
    print("readme_recipes: the README's Linux recipes run, and the recorded trace replays")


main()
