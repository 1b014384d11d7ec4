# Included from tests/harness/CMakeLists.txt: every command answers --help on stdout with exit 0,
# --version prints the version, a usage error names the argument on stderr with exit 2, and
# `run` refuses bad input (a DLL that is not an ESENT, an unwritable output, no scenario)
# before the first scenario runs.
foreach(cmd run list err diff trace)
  harness_run_test(NAME harness.help_${cmd} EXIT 0 ARGS ${cmd} --help
    STDOUT "^usage: esent-harness ${cmd} " "\n$" STDERR EMPTY)
endforeach()
harness_run_test(NAME harness.help EXIT 0 ARGS --help
  STDOUT "^usage: esent-harness COMMAND" "  run \\[OPTIONS\\]" "Exit codes: 0 passed, 1 failed" "\n$" STDERR EMPTY)
harness_run_test(NAME harness.version EXIT 0 ARGS --version STDOUT "^esent-harness ${PROJECT_VERSION}\n$" STDERR EMPTY)
harness_run_test(NAME harness.no_command EXIT 2 ARGS
  STDERR "no command given \\(expected one of run, list, err, diff, trace\\)" STDOUT EMPTY)
harness_run_test(NAME harness.unknown_command EXIT 2 ARGS frobnicate
  STDERR "unknown command 'frobnicate' \\(expected one of run, list, err, diff, trace\\)" STDOUT EMPTY)

# err: a JET_ERR as the unsigned 32-bit number a debugger shows; unknown codes on stderr, exit 2.
harness_run_test(NAME harness.err_unsigned EXIT 0 ARGS err 0xfffffcdf 4294966495
  STDOUT "^JET_errBackupAbortByServer -801\n.*\nJET_errBackupAbortByServer -801\n" STDERR EMPTY)
harness_run_test(NAME harness.err_unknown EXIT 2 ARGS err -123456 JET_errNoBackup
  STDERR "'-123456' is not a known JET code \\(expected a value such as -801" STDOUT "^JET_errNoBackup -520\n")

# trace: --state needs a folder; a `from` copy that is missing or of another size is refused
# before anything runs, naming the file and line.
harness_run_test(NAME harness.trace_bad_option EXIT 2 ARGS trace --bogus pass.scn
  STDERR "--bogus: unknown option" STDOUT EMPTY)
harness_run_test(NAME harness.trace_state_needs_folder EXIT 2 ARGS trace --state
  STDERR "--state: expected a folder for the captured files" STDOUT EMPTY)
harness_run_test(NAME harness.run_state_from_missing EXIT 2 ARGS run --esent ${_dll} state/from-missing.scn
  STDERR "from-missing.scn:6:9: error: state from \"from-missing.files.1-edb.chk\": no such file" ABSENT "PASS ")
harness_run_test(NAME harness.run_state_outside_root EXIT 1 ARGS run --esent ${_dll} state/outside-root.scn
  EXPECT "FAIL state-outside-root" "refused: it would be written outside its root's folder"
  ABSENT "PASS ")
harness_run_test(NAME harness.run_state_from_short EXIT 2 ARGS run --esent ${_dll} state/from-short.scn
  STDERR "from-short.scn:6:9: error: state from \"short.files.1-edb.chk\": it holds 10 bytes, the line says 8192"
  ABSENT "PASS ")

harness_run_test(NAME harness.list_bad_option EXIT 2 ARGS list --bogus pass.scn
  STDERR "unknown option '--bogus' \\(expected FILE or DIR\\)" STDOUT EMPTY)
harness_run_test(NAME harness.diff_bad_option EXIT 2 ARGS diff --bogus a.txt b.txt
  STDERR "unknown option '--bogus'" STDOUT EMPTY)
harness_run_test(NAME harness.run_bad_option_named EXIT 2 ARGS run --bogus pass.scn
  STDERR "unknown option '--bogus'" ABSENT "PASS ")

# --filter: patterns are trimmed; a repeated --filter adds its patterns (documented in run --help).
harness_run_test(NAME harness.run_filter_trimmed EXIT 0
  ARGS run --esent ${_dll} --filter "create-stop-read,  by-value-64-bit " pass.scn
  EXPECT "PASS create-stop-read" "PASS by-value-64-bit" "\n2 passed, 0 failed, 0 skipped\n")
harness_run_test(NAME harness.run_filter_repeated EXIT 0
  ARGS run --esent ${_dll} --filter create-stop-read --filter "*-64-*" pass.scn
  EXPECT "PASS create-stop-read" "PASS by-value-64-bit" "\n2 passed, 0 failed, 0 skipped\n")
harness_run_test(NAME harness.run_filter_empty_pattern EXIT 2
  ARGS run --esent ${_dll} --filter "create-stop-read,,x" pass.scn
  STDERR "--filter 'create-stop-read,,x' has an empty pattern" ABSENT "PASS ")
harness_run_test(NAME harness.run_traces_without_shim EXIT 2
  ARGS run --esent ${_dll} --traces ${_out}/traces-unused pass.scn
  STDERR "--traces [^\n]*traces-unused needs --shim" ABSENT "PASS ")

# -v: each step by FILE:LINE, function and code; not the child protocol.
harness_run_test(NAME harness.run_verbose EXIT 0
  ARGS run -v --esent ${_dll} --filter create-stop-read pass.scn
  STDOUT "  workdir [^\n]+esh-[0-9]+-0-create-stop-read \\(removed\\)\n"
         "pass.scn:[0-9]+: #1 JetCreateInstanceA -> JET_errSuccess \\(0\\) \\(pass\\)\n"
         "pass.scn:[0-9]+: #[0-9]+ JetReadFileInstance -> JET_errBackupAbortByServer \\(-801\\) \\(pass\\)\n"
  ABSENT "begin\t1" "step\t1\t" "child said")

# Not an ESENT: refused before the run, naming the core functions it lacks.
harness_run_test(NAME harness.run_not_esent EXIT 2
  ARGS run --esent C:/windows/system32/kernel32.dll pass.scn
  STDERR "kernel32.dll is not an ESENT: it lacks 8 of ESENT's 8 core functions \\([^)]*JetCreateInstanceA[^)]*JetInit[^)]*JetTerm"
  STDOUT EMPTY)
harness_run_test(NAME harness.run_no_such_dll EXIT 2 ARGS run --esent ${_out}/no-such.dll pass.scn
  STDERR "--esent [^\n]*no-such.dll: no such file" STDOUT EMPTY)
if(CMAKE_CROSSCOMPILING)
  # Under Wine System32's esent.dll is Wine's stubs: no run, and the model's path named.
  harness_run_test(NAME harness.run_wine_default EXIT 2 ARGS run pass.scn
    STDERR "under Wine [^\n]*esent.dll is Wine's, whose functions are stubs; name the DLL to test: --esent [^\n]*esentmodel.dll"
    STDOUT EMPTY)
endif()

# Every output is checked before the first scenario: nothing runs, the path is named.
file(MAKE_DIRECTORY ${_out}/empty-suite)
file(WRITE ${_out}/empty.scn "")
set(_no_dir ${_out}/no-such-folder)
harness_run_test(NAME harness.run_results_unwritable EXIT 2
  ARGS run --esent ${_dll} --results ${_no_dir}/r.txt pass.scn
  STDERR "--results [^\n]*no-such-folder.r.txt: cannot write this file" STDOUT EMPTY)
harness_run_test(NAME harness.run_junit_unwritable EXIT 2
  ARGS run --esent ${_dll} --junit ${_no_dir}/j.xml pass.scn
  STDERR "--junit [^\n]*no-such-folder.j.xml: cannot write this file" STDOUT EMPTY ABSENT "<testsuite")
harness_run_test(NAME harness.run_workdir_unusable EXIT 2
  ARGS run --esent ${_dll} --workdir ${_scn}/pass.scn pass.scn
  STDERR "--workdir [^\n]*pass.scn: cannot create files in this folder" STDOUT EMPTY)
# --traces: missing, or not a folder, is refused the same way (tests/harness/CMakeLists.txt).

# No scenario found is bad input, as a --filter that matches nothing is.
harness_run_test(NAME harness.run_empty_folder EXIT 2 ARGS run --esent ${_dll} ${_out}/empty-suite
  STDERR "empty-suite: error: no scenario found" STDOUT EMPTY)
harness_run_test(NAME harness.run_empty_file EXIT 2 ARGS run --esent ${_dll} pass.scn ${_out}/empty.scn
  STDERR "empty.scn: error: no scenario found" STDOUT EMPTY)
harness_run_test(NAME harness.list_empty_file EXIT 2 ARGS list ${_out}/empty.scn
  STDERR "empty.scn: error: no scenario found" STDOUT EMPTY)

# --shim is marked in the console, the results file and the JUnit suite name.
if(TARGET esentshim)
  harness_run_test(NAME harness.run_shim_marked EXIT 0
    ARGS run --shim --esent ${_dll} --results ${_out}/shim.results --junit ${_out}/shim.junit.xml
         --filter create-stop-read pass.scn
    STDOUT "\nesent-harness: every call goes through the shim [^\n]*esentshim.dll, which records a trace per scenario\n"
    PROPERTIES FIXTURES_SETUP harness_shim_marked)
  if(Python3_FOUND AND NOT CMAKE_CROSSCOMPILING_EMULATOR MATCHES "skip-test.sh")
    add_test(NAME harness.run_shim_marked_in_results
      COMMAND ${Python3_EXECUTABLE} -c
        "import re, sys; t = open(sys.argv[1], encoding='utf-8').read(); j = open(sys.argv[2], encoding='utf-8').read(); sys.exit(0 if re.search(r'^harness\\tshim\\t.*esentshim\\.dll$', t, re.M) and re.search(r'<testsuite name=\"esent-harness against [^\"]*, through esentshim.dll\"', j) else 'no shim mark:\\n' + t + j)"
        ${_out}/shim.results ${_out}/shim.junit.xml)
    set_tests_properties(harness.run_shim_marked_in_results PROPERTIES FIXTURES_REQUIRED harness_shim_marked)
  endif()
endif()

# diff: a results file without its summary line was cut short: refused with its FILE:LINE.
set(_results ${CMAKE_SOURCE_DIR}/tests/corpus/results)
harness_run_test(NAME harness.diff_cut_results EXIT 2
  ARGS diff ${_results}/results-ws2022-x64.txt ${_results}/cut-ws2022-x64.txt
  STDERR "cut-ws2022-x64.txt:24:1: error: no summary line: the file was cut short" STDOUT EMPTY)

# diff --html: the matrix as one page, loaded in headless Chromium (Debian's chromium,
# installed by ci/setup-debian.sh): no console message, every cell as the results say, and a
# screenshot (matrix.png beside the page).
# The last column is harness.run_outputs' run against esh-testdll: other scenarios, failures
# and a skip (a scenario row with no step).
set(_page_results ${_results}/results-ws2022-x64.txt ${_results}/results-ws2025-x64.txt
    ${_results}/results-model-x64.txt ${_results}/partial-ws2022-x64.txt ${_out}/outputs.results)
harness_run_test(NAME harness.diff_html EXIT 1
  ARGS diff --html ${_out}/matrix.html --link-base https://example.invalid/blob/HEAD/ ${_page_results}
  STDOUT "end-backup-twice #3 JetEndExternalBackupInstance" STDERR EMPTY
  PROPERTIES FIXTURES_SETUP harness_html FIXTURES_REQUIRED harness_outputs)
harness_run_test(NAME harness.diff_html_unwritable EXIT 2
  ARGS diff --html ${_out}/no-such-folder/m.html ${_page_results}
  STDERR "cannot write --html [^\n]*no-such-folder.m.html" PROPERTIES FIXTURES_REQUIRED harness_outputs)
if(CMAKE_CROSSCOMPILING AND Python3_FOUND AND NOT CMAKE_CROSSCOMPILING_EMULATOR MATCHES "skip-test.sh")
  find_program(ESH_CHROMIUM NAMES chromium chromium-browser)
  if(NOT ESH_CHROMIUM)
    set(ESH_CHROMIUM chromium-is-not-installed-run-ci/setup-debian.sh)
  endif()
  add_test(NAME harness.diff_html_renders
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/check_html.py ${ESH_CHROMIUM}
            ${_out}/matrix.html ${_out}/matrix.png ${_page_results})
  set_tests_properties(harness.diff_html_renders PROPERTIES FIXTURES_REQUIRED harness_html TIMEOUT 180)
endif()

# The model answers JetGetVersion once asked with a session (it refuses a null one).
if(TARGET esentmodel AND TARGET esentshim AND CMAKE_CROSSCOMPILING AND ESH_WINE AND Python3_FOUND)
  add_test(NAME harness.model_jetversion
    COMMAND ${Python3_EXECUTABLE} -c
      "import re, sys; t = open(sys.argv[1], encoding='utf-8').read(); sys.exit(0 if re.search(r'^esent\\tjetversion\\t0x[0-9a-f]+$', t, re.M) else 'no jetversion:\\n' + t)"
      ${_suite_out}/results-model.txt)
  set_tests_properties(harness.model_jetversion PROPERTIES FIXTURES_REQUIRED suite_script)
endif()

# ci/summarize-junit.py (the closing lines of ci/run-tests.sh): each skip with its reason,
# also a SKIP_REGULAR_EXPRESSION skip, which ctest's JUnit writes as a run.
if(Python3_FOUND)
  add_test(NAME ci.summarize_junit_skip_reasons
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1
            "-DEXPECT_OUTPUT=^skipped: mingw-x86 harness.run_pass: SKIPPED: wine32:i386 is not installed[^\n]*\nskipped: mingw-x86 harness.diff_same: SKIPPED: no wine32\n1 passed, 1 failed, 2 skipped\n"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake
            ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/ci/summarize-junit.py
            ${CMAKE_SOURCE_DIR}/tests/corpus/junit/mingw-x86/ctest-junit.xml)
endif()

# The pages a user reads: links resolve, recipes kept their backslashes (ci/check-docs.py).
if(Python3_FOUND)
  add_test(NAME docs.check COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/ci/check-docs.py)
  add_test(NAME docs.check_catches_eaten_recipe
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1
            "-DEXPECT_OUTPUT=eaten-recipe.md:4: error: TAB in a bat recipe.*eaten-recipe.md:5: error: control character 0x07.*eaten-recipe.md:8: error: link to no-such-page.md, which does not exist.*eaten-recipe.md:8: error: link to #no-such-heading: no heading"
            -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake
            ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/ci/check-docs.py ${CMAKE_SOURCE_DIR}/tests/corpus/docs/eaten-recipe.md)
endif()

# The README's Linux recipes, as written: the binaries by hand, recording an application under
# Wine (tests/shim's shim_client.exe stands in for it), and replaying what was recorded.
# They call the host's `wine`: not for x86 builds whose 32-bit Wine is the i386 root's.
if(CMAKE_CROSSCOMPILING AND ESH_WINE AND NOT ESH_WINE_IN_ROOT AND Python3_FOUND AND TARGET esentmodel
   AND TARGET esentshim AND NOT CMAKE_CROSSCOMPILING_EMULATOR MATCHES "skip-test.sh")
  add_test(NAME docs.readme_linux_recipes
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/readme_recipes.py ${CMAKE_SOURCE_DIR}/README.md
            ${CMAKE_BINARY_DIR} ${CMAKE_SOURCE_DIR}/scenarios $<TARGET_FILE:shim_client>
            ${CMAKE_CURRENT_BINARY_DIR}/readme-recipes)
  set_tests_properties(docs.readme_linux_recipes PROPERTIES ENVIRONMENT "${ESH_TEST_ENV}"
    FIXTURES_REQUIRED wine TIMEOUT 300)
endif()
