# Included from tests/harness/CMakeLists.txt: `diff` over hand-made results files
# (tests/corpus/results), and the scripts the Windows workflow and build.bat run, under Wine.
set(_results ${CMAKE_SOURCE_DIR}/tests/corpus/results)
set(_ci_dir ${CMAKE_CURRENT_LIST_DIR})

# esh_diff_test(name exit regex args...): `esent-harness diff args...`; exit code and output
# both checked (PASS_REGULAR_EXPRESSION alone ignores the exit code).
function(esh_diff_test name exit_code regex)
  esh_test(NAME harness.diff_${name}
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=${exit_code} "-DEXPECT_OUTPUT=${regex}"
            -P ${_ci_dir}/expect_exit.cmake
            ${CMAKE_CROSSCOMPILING_EMULATOR} $<TARGET_FILE:esent-harness> diff ${ARGN}
    PROPERTIES SKIP_REGULAR_EXPRESSION "ESH-SKIPPED")
endfunction()
esh_diff_test(same 0 "all 6 steps agree on every host"
  ${_results}/results-ws2022-x64.txt ${_results}/results-ws2022-x64-again.txt)
esh_diff_test(differing 1
  "Server 2022 Datacenter 20348.2849 x64, esent.dll 10.0.20348.2849.*1 step differs.*end-backup-twice #3 JetEndExternalBackupInstance +JET_errNoBackup \\[docs\\] +JET_errSuccess \\[source\\].*5 identical steps not shown"
  ${_results}/results-ws2022-x64.txt ${_results}/results-ws2025-x64.txt)
esh_diff_test(markdown 1
  "\\| end-backup-twice #3 \\| JetEndExternalBackupInstance \\| JET_errNoBackup \\[docs\\] \\| JET_errSuccess \\[source\\] \\| JET_errSuccess \\[source\\] \\|"
  --markdown ${_results}/results-ws2022-x64.txt ${_results}/results-ws2025-x64.txt ${_results}/results-model-x64.txt)
esh_diff_test(model_flagged 1
  "\\[2\\] reference model esentmodel.dll 0.1.0.0, x64 under Wine 8.0  \\*\\* REFERENCE MODEL, not a Windows result"
  ${_results}/results-ws2022-x64.txt ${_results}/results-model-x64.txt)
esh_diff_test(malformed 2 "malformed.txt:17:[0-9]+: error: " ${_results}/results-ws2022-x64.txt ${_results}/malformed.txt)
esh_diff_test(missing_file 2 "nonexistent.txt" ${_results}/results-ws2022-x64.txt ${_results}/nonexistent.txt)
esh_diff_test(one_file 2 "usage: esent-harness diff" ${_results}/results-ws2022-x64.txt)

# The scripts the Windows workflow calls, run here under Wine (ESH_RUNNER = the emulator);
# on Windows itself the workflow runs them for real.
if(CMAKE_CROSSCOMPILING AND ESH_WINE)
  set(_runner "ESH_RUNNER=${ESH_WINE}")
  # ci/windows-diff.sh over the corpus: the 4 direct runs differ (exit 0: findings, not
  # failures), and ws2022's run through the shim agrees with its direct run.
  esh_test(NAME ci.windows_diff_script
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=0
            "-DEXPECT_OUTPUT=\\[1\\] reference model.*end-backup-twice #3.*### ESENT across hosts.*\\| end-backup-twice #3 \\|.*artifact `esent-matrix` \\(ci-matrix.html\\).*hosts differ.*ws2022-x64: same codes as the direct run"
            "-DEXPECT_ABSENT=results-ws2022-x64-shim.txt: scenarios"
            -P ${_ci_dir}/expect_exit.cmake
            env ${_runner} GITHUB_STEP_SUMMARY= ESH_HTML=${CMAKE_CURRENT_BINARY_DIR}/ci-matrix.html
            bash ${CMAKE_SOURCE_DIR}/ci/windows-diff.sh
            $<TARGET_FILE:esent-harness> ${_results})
  # ... and fails (exit 1) when a run through the shim returned another code.
  esh_test(NAME ci.windows_diff_script_shim_changed
    COMMAND ${CMAKE_COMMAND} -DEXPECT_EXIT=1
            "-DEXPECT_OUTPUT=ws2025-x64: THE SHIM CHANGED CODES.*stop-then-read #2 JetInit +JET_errSuccess +JET_errInvalidParameter"
            -P ${_ci_dir}/expect_exit.cmake
            env ${_runner} GITHUB_STEP_SUMMARY= bash ${CMAKE_SOURCE_DIR}/ci/windows-diff.sh
            $<TARGET_FILE:esent-harness> ${CMAKE_SOURCE_DIR}/tests/corpus/results-shim-changed)
  if(TARGET esentmodel AND TARGET esentshim)
    # ci/windows-suite.sh against the model, direct and through the shim: both runs happen
    # and write their files (whether the suite passes is the suite's own tests' concern: exit
    # 0 or 1, never 2); then the two runs must agree step for step (the shim forwards, it
    # never changes a code).
    set(_suite_out ${CMAKE_CURRENT_BINARY_DIR}/suite-script)
    esh_test(NAME ci.windows_suite_script WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}
      COMMAND ${CMAKE_COMMAND} "-DEXPECT_EXIT=0|1"
              "-DEXPECT_OUTPUT==== suite: model\n.*[0-9]+ passed, [0-9]+ failed.*=== suite through the shim: model\n.*[0-9]+ passed, [0-9]+ failed"
              -P ${_ci_dir}/expect_exit.cmake
              env ${_runner} ESH_SCENARIOS=${CMAKE_SOURCE_DIR}/scenarios
              bash ${CMAKE_SOURCE_DIR}/ci/windows-suite.sh ${CMAKE_BINARY_DIR} ${_suite_out} model
              --esent Z:$<TARGET_FILE:esentmodel>
      PROPERTIES FIXTURES_SETUP suite_script TIMEOUT 600)
    esh_diff_test(direct_vs_shim 0 "(agree on every host|\n0 steps differ, and [0-9]+ in racy scenarios)"
      --common ${_suite_out}/results-model.txt ${_suite_out}/results-model-shim.txt)
    set_tests_properties(harness.diff_direct_vs_shim PROPERTIES FIXTURES_REQUIRED "wine;suite_script")
  endif()

  # build.bat's MinGW path under Wine's cmd with stand-in tools: x64 with mingw64's, x86
  # with mingw32's, the binaries listed; a failing ctest makes it fail.
  add_executable(fake_tool ${_ci_dir}/fake_tool.c)
  set(_bat -DWINE=${ESH_WINE} -DFAKE_TOOL=$<TARGET_FILE:fake_tool> -DBUILD_BAT=${CMAKE_SOURCE_DIR}/build.bat)
  esh_test(NAME ci.build_bat_mingw
    COMMAND ${CMAKE_COMMAND} ${_bat} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/build-bat-pass -DEXPECT_EXIT=0
            "-DEXPECT_OUTPUT=target x86_64-w64-mingw32.*build\\\\msys2-mingw\\\\harness\\\\esent-harness.exe.*build\\\\msys2-mingw32\\\\harness\\\\esent-harness.exe.*every build and test passed"
            "-DEXPECT_LOG=mingw64/cmake --preset msys2-mingw -B build.msys2-mingw\n.*mingw64/ctest --test-dir build.msys2-mingw .*mingw32/cmake --preset msys2-mingw -B build.msys2-mingw32\n.*mingw32/ctest --test-dir build.msys2-mingw32 "
            -P ${_ci_dir}/build_bat.cmake)
  esh_test(NAME ci.build_bat_mingw_test_fails
    COMMAND ${CMAKE_COMMAND} ${_bat} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/build-bat-fail -DFAIL=ctest -DEXPECT_EXIT=1
            "-DEXPECT_OUTPUT=build.bat: FAILED" "-DEXPECT_LOG=mingw64/ctest"
            -P ${_ci_dir}/build_bat.cmake)
elseif(CMAKE_CROSSCOMPILING)
  # x86 without wine32: reported skipped, with the reason.
  esh_test(NAME ci.windows_diff_script COMMAND ${CMAKE_CROSSCOMPILING_EMULATOR} bash)
endif()

# --common leaves out the steps one file lacks (here a scenario that never started).
esh_diff_test(common 0 "3 steps not run by every host, not compared \\(--common\\).*all 3 steps agree"
  --common ${_results}/results-ws2022-x64.txt ${_results}/partial-ws2022-x64.txt)
esh_diff_test(not_common 1 "3 steps differ.*end-backup-twice #1 JetBeginExternalBackupInstance +JET_errSuccess +\\(not run\\)"
  ${_results}/results-ws2022-x64.txt ${_results}/partial-ws2022-x64.txt)
