/* The drop-in deployment under test: shim_client.exe imports esent.dll, and beside it in
 * a fresh folder sits esentshim.dll renamed esent.dll; ESENTSHIM_TARGET names the fake
 * target. Each test runs the client as its own process and then reads what the shim left:
 * the client's exit code says whether it got the target's codes and outputs, the trace and
 * stderr say what the shim recorded and warned. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esh_test.h"
#include "scenario.h"
#include "shim_test_util.h"

static wchar_t target[MAX_PATH]; /* absolute path of fake_esent.dll */

/* A fresh folder with the client and the shim as esent.dll; the environment cleared of
 * the shim's variables and TEMP pointed into the folder (the default trace goes there). */
static void deploy(wchar_t *dir, size_t size, const wchar_t *name)
{
    wchar_t from[MAX_PATH], to[MAX_PATH], temp[MAX_PATH];
    test_fresh_dir(dir, size, name);
    test_path(from, MAX_PATH, L"shim_client.exe");
    _snwprintf(to, MAX_PATH, L"%ls\\shim_client.exe", dir);
    assert_true(CopyFileW(from, to, FALSE));
    test_path(from, MAX_PATH, L"esentshim.dll");
    _snwprintf(to, MAX_PATH, L"%ls\\esent.dll", dir);
    assert_true(CopyFileW(from, to, FALSE));
    _snwprintf(temp, MAX_PATH, L"%ls\\temp", dir);
    CreateDirectoryW(temp, NULL);
    test_setenv(L"TEMP", temp);
    test_setenv(L"TMP", temp);
    test_setenv(L"ESENTSHIM_TARGET", target);
    test_setenv(L"ESENTSHIM_TRACE", NULL);
}

/* deploy(), then record into DIR\TRACE_NAME.trace.scn (its path left in TRACE). */
static void deploy_traced(wchar_t *dir, wchar_t *trace, const wchar_t *name, const wchar_t *trace_name)
{
    deploy(dir, MAX_PATH, name);
    _snwprintf(trace, MAX_PATH, L"%ls\\%ls.trace.scn", dir, trace_name);
    test_setenv(L"ESENTSHIM_TRACE", trace);
}

static char *read_in(const wchar_t *dir, const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", dir, name);
    return test_read_file(path);
}

static void show_output(const wchar_t *dir)
{
    char *out = read_in(dir, L"stdout.txt"), *err = read_in(dir, L"stderr.txt");
    fprintf(stderr, "client stdout:\n%s\nclient stderr:\n%s\n", out ? out : "", err ? err : "");
    free(out);
    free(err);
}

/* The trace is a scenario the harness reads: it parses, as one scenario of NSTEPS calls. */
static void assert_parses(const char *text, size_t nsteps)
{
    scn_suite suite;
    scn_error err;
    memset(&suite, 0, sizeof suite);
    if (scn_parse_text(&suite, "trace.scn", text, strlen(text), &err) != 0) {
        char message[700];
        scn_error_format(&err, message, sizeof message);
        fprintf(stderr, "the trace does not parse: %s\n", message);
        fail();
    }
    assert_int_equal(suite.nscenarios, 1);
    assert_int_equal(suite.scenarios[0].nsteps, nsteps);
    scn_suite_free(&suite);
}

static void assert_contains(const char *text, const char *needle)
{
    if (strstr(text, needle) == NULL) {
        fprintf(stderr, "missing from the trace: %s\n---\n%s---\n", needle, text);
        fail();
    }
}

/* Every call forwarded (the client checks the codes and outputs it got) and recorded with
 * its arguments, output values and code, in order, with seq 1..N and a closing `end`. */
static void test_forward_and_record(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy_traced(dir, trace, L"dropin-basic", L"basic");
    int code = test_run(dir, L"shim_client.exe", L"basic");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);

    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_contains(text, "# esentshim trace\n# process: ");
    assert_contains(text, "shim_client.exe (pid ");
    assert_contains(text, "# command-line: ");
    assert_contains(text, "# arch: ");
    assert_contains(text, "# os: ");
    assert_contains(text, "# target: ");
    assert_contains(text, "fake_esent.dll");
    assert_contains(text, "\nscenario trace-shim_client.exe-");
    assert_contains(text, "\n  purpose: calls recorded from shim_client.exe by esentshim\n");
    assert_contains(text, "\n  evidence: trace fake_esent.dll ");
    /* The alias is recorded as the function it is. */
    assert_contains(text, "JetCreateInstanceA(&inst1, \"one\") -> JET_errSuccess (0)   # seq=1 tid=");
    assert_contains(text, "JetCreateInstanceA(&inst2, \"fail\") -> JET_errInvalidParameter (-1003)   # seq=2 ");
    assert_contains(text, "JetInit(&inst1) -> JET_errSuccess (0)   # seq=3 ");
    assert_contains(text, "JetBeginSessionA($inst1, &sesid1, \"user\", \"\") -> JET_errSuccess (0)");
    assert_contains(text, "JetOpenFileInstanceW($inst1, \"db\\\\t\xc3\xabst.edb\", &hf1, &pulFileSizeLow=12345, "
                          "&pulFileSizeHigh=1) -> JET_errSuccess (0)");
    assert_contains(text, "JetReadFileInstance($inst1, $hf1, buf(4096, page), 4096, &pcbActual=2048) -> JET_errSuccess (0)");
    assert_contains(text, "JetReadFileInstance($inst1, $hf1, buf(0, page), 0, null) -> JET_errBackupAbortByServer (-801)");
    /* Parameter ids by name, an output JET_API_PTR in hex (the printer's choices). */
    assert_contains(text, "JetGetSystemParameterA($inst1, $sesid1, JET_paramDatabasePageSize, &plParam=0x280, null, 0) "
                          "-> JET_errSuccess (0)");
    assert_contains(text, "JetSetSystemParameterA(&inst1, null, JET_paramSystemPath, 0, invalid) "
                          "-> JET_errInvalidParameter (-1003)");
    /* The call made from the callback completes, and is recorded, before the outer one. */
    const char *inner = strstr(text, "JetStopBackupInstance($inst1) -> JET_errSuccess (0)   # seq=11 ");
    const char *outer = strstr(text, "JetBackupInstanceW($inst1, \"C:\\\\backup\", 0, invalid) -> "
                                     "JET_errInvalidParameter (-1003)   # seq=12 ");
    assert_non_null(inner);
    assert_non_null(outer);
    assert_true(inner < outer);
    /* Missing from the target: the documented code, marked unresolved. */
    assert_contains(text, "JetBackupInstanceA($inst1, \"x\", 0, null) -> JET_errFeatureNotAvailable (-1001)   "
                          "# seq=13 ");
    assert_contains(text, "JetGetVersion($sesid1, &pwVersion=");
    assert_int_equal(test_count(text, " unresolved\n"), 2);
    assert_contains(text, "JetEndSession($sesid1, 0) -> JET_errSuccess (0)");
    assert_contains(text, "JetTerm($inst1) -> JET_errSuccess (0)   # seq=16 ");
    assert_int_equal(test_count_lines(text, "Jet"), 16);
    size_t len = strlen(text);
    assert_true(len > 4 && strcmp(text + len - 4, "end\n") == 0);
    assert_parses(text, 16);
    free(text);
    /* The fake target lacks most functions: said once, at load. */
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim:"), 1);
    assert_non_null(strstr(err, "esentshim: the target lacks "));
    free(err);
}

/* ESENTSHIM_TRACE=off: forwarding only, and no file anywhere (not even the default). */
static void test_recording_off(void **state)
{
    wchar_t dir[MAX_PATH], pattern[MAX_PATH];
    WIN32_FIND_DATAW found;
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-off");
    test_setenv(L"ESENTSHIM_TRACE", L"off");
    int code = test_run(dir, L"shim_client.exe", L"basic");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);
    _snwprintf(pattern, MAX_PATH, L"%ls\\temp\\esentshim\\*.scn", dir);
    HANDLE search = FindFirstFileW(pattern, &found);
    assert_true(search == INVALID_HANDLE_VALUE);
    _snwprintf(pattern, MAX_PATH, L"%ls\\*.scn", dir);
    search = FindFirstFileW(pattern, &found);
    assert_true(search == INVALID_HANDLE_VALUE);
}

/* Unset: %TEMP%\esentshim\<exe>-<pid>-<unique>.trace.scn. A directory:
 * <dir>\<exe>-<pid>-<unique>.trace.scn, one file per process even when processes get the
 * same pid (as every fresh process does under Wine). */
static void test_default_and_directory(void **state)
{
    wchar_t dir[MAX_PATH], pattern[MAX_PATH], path[MAX_PATH], traces[MAX_PATH];
    WIN32_FIND_DATAW found;
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-default");
    assert_int_equal(test_run(dir, L"shim_client.exe", L"basic"), 0);
    _snwprintf(pattern, MAX_PATH, L"%ls\\temp\\esentshim\\shim_client.exe-*.trace.scn", dir);
    HANDLE search = FindFirstFileW(pattern, &found);
    assert_true(search != INVALID_HANDLE_VALUE);
    FindClose(search);
    _snwprintf(path, MAX_PATH, L"%ls\\temp\\esentshim\\%ls", dir, found.cFileName);
    char *text = test_read_file(path);
    assert_non_null(text);
    assert_int_equal(test_count_lines(text, "Jet"), 16);
    free(text);
    DeleteFileW(path);

    _snwprintf(traces, MAX_PATH, L"%ls\\traces", dir);
    CreateDirectoryW(traces, NULL);
    test_setenv(L"ESENTSHIM_TRACE", traces);
    assert_int_equal(test_run(dir, L"shim_client.exe", L"basic"), 0);
    assert_int_equal(test_run(dir, L"shim_client.exe", L"basic"), 0);
    _snwprintf(pattern, MAX_PATH, L"%ls\\shim_client.exe-*.trace.scn", traces);
    search = FindFirstFileW(pattern, &found);
    assert_true(search != INVALID_HANDLE_VALUE);
    int files = 0;
    do {
        _snwprintf(path, MAX_PATH, L"%ls\\%ls", traces, found.cFileName);
        text = test_read_file(path);
        assert_non_null(text);
        assert_int_equal(test_count_lines(text, "Jet"), 16);
        free(text);
        DeleteFileW(path);
        files++;
    } while (FindNextFileW(search, &found));
    FindClose(search);
    assert_int_equal(files, 2);
}

/* A trace path that cannot be created: one warning, forwarding intact. */
static void test_unwritable_trace(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-unwritable");
    _snwprintf(trace, MAX_PATH, L"%ls\\no-such-folder\\deeper\\t.scn", dir);
    test_setenv(L"ESENTSHIM_TRACE", trace);
    int code = test_run(dir, L"shim_client.exe", L"basic");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim: cannot create the trace file; recording is off, calls are still "
                                     "forwarded"), 1);
    assert_int_equal(test_count(err, "esentshim:"), 2); /* and the fake target's missing functions */
    free(err);
}

/* A relative ESENTSHIM_TARGET is refused: every call gets the unresolved code, and the
 * refusal is said once; the calls are still recorded. */
static void test_relative_target_refused(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-relative");
    test_setenv(L"ESENTSHIM_TARGET", L"fake_esent.dll");
    _snwprintf(trace, MAX_PATH, L"%ls\\relative.trace.scn", dir);
    test_setenv(L"ESENTSHIM_TRACE", trace);
    int code = test_run(dir, L"shim_client.exe", L"unresolved");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim:"), 1);
    assert_non_null(strstr(err, "ESENTSHIM_TARGET must be an absolute path"));
    free(err);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_non_null(strstr(text, "(not loaded: every call returns JET_errFeatureNotAvailable (-1001))"));
    assert_int_equal(test_count(text, "-> JET_errFeatureNotAvailable (-1001)   # seq="), 2);
    free(text);
}

/* The shim named esent.dll, pointed at itself, refuses to be its own target. */
static void test_self_target_refused(void **state)
{
    wchar_t dir[MAX_PATH], self[MAX_PATH];
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-self");
    _snwprintf(self, MAX_PATH, L"%ls\\esent.dll", dir);
    test_setenv(L"ESENTSHIM_TARGET", self);
    test_setenv(L"ESENTSHIM_TRACE", L"-");
    int code = test_run(dir, L"shim_client.exe", L"unresolved");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim:"), 1);
    assert_non_null(strstr(err, "shim itself"));
    free(err);
}

/* Unset ESENTSHIM_TARGET: the system's esent.dll by absolute path, not the shim that the
 * search order would find beside the client. (Under Wine that DLL's functions are stubs
 * that abort the process, so only what the shim wrote before the first call is checked.) */
static void test_default_target_is_system(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH], system[MAX_PATH];
    char want[3 * MAX_PATH];
    (void)state;
    deploy(dir, MAX_PATH, L"dropin-system");
    test_setenv(L"ESENTSHIM_TARGET", NULL);
    _snwprintf(trace, MAX_PATH, L"%ls\\system.trace.scn", dir);
    test_setenv(L"ESENTSHIM_TRACE", trace);
    test_run(dir, L"shim_client.exe", L"unresolved");
    GetSystemDirectoryW(system, MAX_PATH);
    snprintf(want, sizeof want, "# target: %ls\\esent.dll ", system);
    char *text = test_read_file(trace);
    assert_non_null(text);
    const char *line = strstr(text, "# target: ");
    assert_non_null(line);
    if (_strnicmp(line, want, strlen(want)) != 0) {
        fprintf(stderr, "want %s\n---\n%s---\n", want, text);
        fail();
    }
    assert_null(strstr(text, "not loaded"));
    free(text);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    /* Loaded as is (Wine's stub esent.dll lacks some functions, which may be said). */
    assert_null(strstr(err, "cannot load"));
    assert_null(strstr(err, "itself"));
    assert_null(strstr(err, "must be an absolute path"));
    free(err);
}

/* Four threads at once: every record a whole line, none lost, sequence numbers 1..N. */
static void test_threads_whole_lines(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    enum { CALLS = 4 * 250 };
    static unsigned char seen[CALLS + 1];
    (void)state;
    deploy_traced(dir, trace, L"dropin-threads", L"threads");
    assert_int_equal(test_run(dir, L"shim_client.exe", L"threads"), 0);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_int_equal(test_count_lines(text, "JetGetSystemParameterA("), CALLS);
    memset(seen, 0, sizeof seen);
    for (const char *line = text; (line = strstr(line, "\n  JetGetSystemParameterA(")) != NULL; line++) {
        const char *end = strchr(line + 1, '\n');
        const char *seq = strstr(line, "# seq=");
        assert_non_null(end);
        assert_non_null(seq);
        assert_true(seq < end);
        assert_non_null(strstr(line, "-> JET_errSuccess (0)"));
        assert_true(strstr(line, "-> JET_errSuccess (0)") < end);
        long n = strtol(seq + 6, NULL, 10);
        assert_true(n >= 1 && n <= CALLS);
        assert_int_equal(seen[n], 0);
        seen[n] = 1;
    }
    assert_parses(text, CALLS);
    free(text);
}

/* A process killed mid-way: its records are all there, and the text says it did not end. */
static void test_killed_process(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy_traced(dir, trace, L"dropin-kill", L"kill");
    assert_int_equal(test_run(dir, L"shim_client.exe", L"kill"), 3);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_non_null(strstr(text, "JetCreateInstanceA(&inst1, \"killed\") -> JET_errSuccess (0)   # seq=1 "));
    assert_non_null(strstr(text, "JetInit(&inst1) -> JET_errSuccess (0)   # seq=2 "));
    assert_non_null(strstr(text, "\n  # the process did not end normally (killed, crashed, or still running): 0 calls"));
    assert_null(strstr(text, "expect: crash")); /* killed between calls */
    assert_parses(text, 2);
    free(text);
}

/* A process that dies inside an ESENT call: the call is in the trace (its start was
 * recorded before it was forwarded), last, expecting any code, and the scenario expects
 * the crash. */
static void test_died_in_call(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy_traced(dir, trace, L"dropin-die", L"die");
    test_setenv(L"FAKE_ESENT_DIE_IN_STOP", L"1");
    int code = test_run(dir, L"shim_client.exe", L"die-in-call");
    test_setenv(L"FAKE_ESENT_DIE_IN_STOP", NULL);
    assert_int_equal(code, 3);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_contains(text, "\n  expect: crash\n");
    assert_contains(text, "JetInit(&inst1) -> JET_errSuccess (0)   # seq=2 ");
    assert_contains(text, "\n  JetStopBackupInstance($inst1) -> any   # seq=3 ");
    assert_contains(text, " in flight: the process died in this call\n");
    assert_parses(text, 3);
    free(text);
}

/* A string longer than 1023 characters is recorded cut at 1023; the call gets it whole. */
static void test_long_string_cut(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    (void)state;
    deploy_traced(dir, trace, L"dropin-long", L"long");
    assert_int_equal(test_run(dir, L"shim_client.exe", L"long"), 0);
    char *text = test_read_file(trace);
    assert_non_null(text);
    const char *start = strstr(text, "JetCreateInstanceA(&inst1, \"");
    assert_non_null(start);
    start += strlen("JetCreateInstanceA(&inst1, \"");
    assert_int_equal(strspn(start, "a"), 1023);
    assert_int_equal(start[1023], '"');
    assert_parses(text, 1);
    free(text);
}

/* The reference model as the target, when the build has it: the client gets the model's
 * codes (the ones it prints are the ones in the trace, in order) and the header names it. */
static void test_model_target(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH], model[MAX_PATH];
    long printed[3], recorded[3];
    (void)state;
    test_path(model, MAX_PATH, L"esentmodel.dll");
    if (!test_file_exists(model))
        skip(); /* the build has no model */
    deploy(dir, MAX_PATH, L"dropin-model");
    test_setenv(L"ESENTSHIM_TARGET", model);
    _snwprintf(trace, MAX_PATH, L"%ls\\model.trace.scn", dir);
    test_setenv(L"ESENTSHIM_TRACE", trace);
    int code = test_run(dir, L"shim_client.exe", L"model");
    if (code != 0)
        show_output(dir);
    assert_int_equal(code, 0);
    char *out = read_in(dir, L"stdout.txt");
    assert_non_null(out);
    const char *codes = strstr(out, "codes: ");
    assert_non_null(codes);
    assert_int_equal(sscanf(codes, "codes: %ld %ld %ld", &printed[0], &printed[1], &printed[2]), 3);
    free(out);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_non_null(strstr(text, "esentmodel.dll"));
    const char *p = text;
    for (int i = 0; i < 3; i++) {
        p = strstr(p, ") -> ");
        assert_non_null(p);
        p = strchr(p, '(');
        assert_non_null(p);
        recorded[i] = strtol(p + 1, NULL, 10);
        assert_int_equal(recorded[i], printed[i]);
        assert_true(recorded[i] != -1001);
    }
    assert_non_null(strstr(text, "JetCreateInstanceA(&inst1, \"shim-model\") -> JET_errSuccess (0)"));
    free(text);
}

int main(void)
{
    test_path(target, MAX_PATH, L"fake_esent.dll");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forward_and_record),
        cmocka_unit_test(test_recording_off),
        cmocka_unit_test(test_default_and_directory),
        cmocka_unit_test(test_unwritable_trace),
        cmocka_unit_test(test_relative_target_refused),
        cmocka_unit_test(test_self_target_refused),
        cmocka_unit_test(test_default_target_is_system),
        cmocka_unit_test(test_threads_whole_lines),
        cmocka_unit_test(test_killed_process),
        cmocka_unit_test(test_died_in_call),
        cmocka_unit_test(test_long_string_cut),
        cmocka_unit_test(test_model_target),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
