/* Lossless recording under threads and a kill, the shim's behaviour on faults, and the
 * target never found through the DLL search order. Each test runs shim_stress.exe (which
 * loads esentshim.dll by path against fake_esent.dll) as its own process and reads the
 * trace back with the core parser, as the harness does. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esh_test.h"
#include "scenario.h"
#include "shim_test_util.h"
#include "trace_decode.h"
#include "trace_format.h"

static wchar_t target[MAX_PATH], shim[MAX_PATH];

/* A fresh folder holding shim_stress.exe; the shim's variables set for a recorded run. */
static void prepare(wchar_t *dir, size_t size, const wchar_t *name, wchar_t *trace)
{
    wchar_t from[MAX_PATH], to[MAX_PATH];
    test_fresh_dir(dir, size, name);
    test_path(from, MAX_PATH, L"shim_stress.exe");
    _snwprintf(to, MAX_PATH, L"%ls\\shim_stress.exe", dir);
    assert_true(CopyFileW(from, to, FALSE));
    test_path(target, MAX_PATH, L"fake_esent.dll");
    test_path(shim, MAX_PATH, L"esentshim.dll");
    test_setenv(L"ESENTSHIM_TARGET", target);
    test_setenv(L"ESENTSHIM_TRACE_MAX_BYTES", NULL);
    _snwprintf(trace, MAX_PATH, L"%ls\\%ls.trace.scn", dir, name);
    test_setenv(L"ESENTSHIM_TRACE", trace);
}

static char *read_in(const wchar_t *dir, const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", dir, name);
    return test_read_file(path);
}

static int run_stress(const wchar_t *dir, const wchar_t *args)
{
    wchar_t command[2 * MAX_PATH];
    _snwprintf(command, 2 * MAX_PATH, L"\"%ls\" %ls", shim, args);
    int code = test_run(dir, L"shim_stress.exe", command);
    if (code != 0 && code != 3) {
        char *out = read_in(dir, L"stdout.txt"), *err = read_in(dir, L"stderr.txt");
        fprintf(stderr, "shim_stress %ls: exit %d\nstdout:\n%s\nstderr:\n%s\n", args, code, out ? out : "",
                err ? err : "");
        free(out);
        free(err);
    }
    return code;
}

/* The whole file, NUL bytes included (a killed process leaves a zero-filled tail). */
static char *read_all(const wchar_t *path, size_t *length)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    LARGE_INTEGER size;
    assert_true(file != INVALID_HANDLE_VALUE);
    assert_true(GetFileSizeEx(file, &size));
    char *text = malloc((size_t)size.QuadPart + 1);
    assert_non_null(text);
    size_t done = 0;
    while (done < (size_t)size.QuadPart) {
        DWORD chunk = (DWORD)((size_t)size.QuadPart - done > (1u << 24) ? (1u << 24) : (size_t)size.QuadPart - done), n = 0;
        assert_true(ReadFile(file, text + done, chunk, &n, NULL));
        assert_true(n > 0);
        done += n;
    }
    CloseHandle(file);
    text[done] = '\0';
    *length = done;
    return text;
}

typedef struct checked {
    size_t records;   /* JetGetSystemParameterA calls that returned */
    size_t in_flight; /* calls whose start only is in the trace */
    long per_thread[65]; /* records of each thread (1-based) */
    size_t warnings;
    int cut;          /* the reader reported a cut */
    int has_end;      /* the process ended normally */
    int full;         /* the trace filled up */
} checked;

/* Parses the trace like the harness and checks every record: its thread's calls in their
 * own order without a gap (INDEX = 0, 1, 2 ...), the output the call wrote, and sequence
 * numbers unique. */
static void check_trace(const wchar_t *path, int threads, checked *result)
{
    size_t length;
    char *data = read_all(path, &length), error[400];
    trace_text decoded;
    if (trace_decode((const unsigned char *)data, length, "trace.scn", &decoded, error, sizeof error) != 0) {
        fprintf(stderr, "the trace does not decode: %s\n", error);
        fail();
    }
    free(data);
    char *text = decoded.text;
    length = decoded.len;
    scn_suite suite;
    scn_error err;
    memset(&suite, 0, sizeof suite);
    memset(result, 0, sizeof *result);
    if (scn_parse_text(&suite, "trace.scn", text, length, &err) != 0) {
        char message[700];
        scn_error_format(&err, message, sizeof message);
        fprintf(stderr, "the trace does not parse: %s\n", message);
        fail();
    }
    assert_int_equal(suite.nscenarios, 1);
    const scn_scenario *sc = &suite.scenarios[0];
    /* Sequence numbers are taken before a record is written: a kill or a full trace may
     * leave out the records of calls in flight (one per thread at most). */
    size_t max_seq = sc->nsteps + 65;
    unsigned char *seen = calloc(max_seq + 1, 1);
    assert_non_null(seen);
    for (size_t i = 0; i < sc->nsteps; i++) {
        const scn_step *step = &sc->steps[i];
        assert_int_equal(step->kind, SCN_STEP_CALL);
        assert_string_equal(step->fn->name, "JetGetSystemParameterA");
        assert_int_equal(step->nargs, 6);
        long thread = (long)step->args[0].value, index = (long)step->args[2].value;
        assert_true(thread >= 1 && thread <= threads);
        if (index != result->per_thread[thread]) {
            fprintf(stderr, "thread %ld: record %ld where %ld was next (step %zu)\n", thread, index,
                    result->per_thread[thread], i);
            fail();
        }
        result->per_thread[thread]++;
        if (step->expect.alts[0].any) { /* in flight: its outputs were never written */
            assert_non_null(strstr(step->comment, " in flight"));
            result->in_flight++;
            continue;
        }
        assert_true(step->args[3].has_value);
        assert_int_equal(step->args[3].value, (int64_t)index * 10);
        assert_non_null(step->comment);
        assert_true(strncmp(step->comment, "seq=", 4) == 0);
        long seq = strtol(step->comment + 4, NULL, 10);
        assert_true(seq >= 1 && (size_t)seq <= max_seq);
        assert_int_equal(seen[seq], 0);
        seen[seq] = 1;
        result->records++;
    }
    result->warnings = decoded.nwarnings;
    result->cut = decoded.nwarnings > 0 && strstr(decoded.warnings[0], "warning: trace cut after record") != NULL;
    result->has_end = strstr(text, "\n  # the process did not end normally") == NULL;
    result->full = decoded.nwarnings > 0 && strstr(decoded.warnings[0], "the trace filled up") != NULL;
    free(seen);
    scn_suite_free(&suite);
    trace_text_free(&decoded);
}

static void threads_record_every_call(int threads)
{
    enum { CALLS = 100000 };
    wchar_t dir[MAX_PATH], trace[MAX_PATH], args[64], name[32];
    checked got;
    _snwprintf(name, 32, L"threads%d", threads);
    prepare(dir, MAX_PATH, name, trace);
    _snwprintf(args, 64, L"threads %d %d", threads, CALLS);
    assert_int_equal(run_stress(dir, args), 0);
    check_trace(trace, threads, &got);
    assert_int_equal(got.records, (size_t)threads * CALLS);
    for (int t = 1; t <= threads; t++)
        assert_int_equal(got.per_thread[t], CALLS);
    assert_int_equal(got.warnings, 0);
    assert_true(got.has_end);
    /* A target lacking some exports (the fake has a few): one warning, at load. */
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim:"), 1);
    assert_non_null(strstr(err, "esentshim: the target lacks "));
    free(err);
    DeleteFileW(trace);
}

static void test_two_threads(void **state)
{
    (void)state;
    threads_record_every_call(2);
}

static void test_eight_threads(void **state)
{
    (void)state;
    threads_record_every_call(8);
}

/* Killed while four threads record: every call that returned before the kill is in the
 * trace, each thread's records without a gap; the reader accepts the file (zero-filled
 * tail, perhaps a record cut) and reports the cut. */
static void test_killed_while_recording(void **state)
{
    enum { THREADS = 4, MIN_CALLS = 50000 };
    wchar_t dir[MAX_PATH], trace[MAX_PATH], args[64];
    checked got;
    (void)state;
    prepare(dir, MAX_PATH, L"killed", trace);
    _snwprintf(args, 64, L"kill %d %d", THREADS, MIN_CALLS);
    assert_int_equal(run_stress(dir, args), 3);
    char *out = read_in(dir, L"stdout.txt");
    assert_non_null(out);
    const char *line = strstr(out, "completed before the kill: ");
    assert_non_null(line);
    long long completed = _atoi64(line + strlen("completed before the kill: "));
    free(out);
    assert_true(completed >= MIN_CALLS);
    check_trace(trace, THREADS, &got);
    if ((long long)got.records < completed) {
        fprintf(stderr, "%zu records, %lld calls completed before the kill\n", got.records, completed);
        fail();
    }
    assert_true(got.in_flight <= THREADS);
    assert_false(got.has_end);
    assert_true(got.cut);
    DeleteFileW(trace);
}

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A real trace cut at every byte of its last record (the last one in the file: the rest
 * of its region is zeros): each cut decodes, keeps every call before it and parses. */
static void test_cut_at_every_byte(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    char error[400];
    size_t length;
    (void)state;
    prepare(dir, MAX_PATH, L"cut", trace);
    assert_int_equal(run_stress(dir, L"threads 2 300"), 0);
    unsigned char *data = (unsigned char *)read_all(trace, &length);
    size_t region = le32(data + TRACE_H_REGION_BYTES), last = 0, last_end = 0;
    for (size_t base = region; base + region <= length; base += region)
        for (size_t at = base; at < base + region && le32(data + at) != 0; at += TRACE_REC_SIZE(le32(data + at)))
            if (at + TRACE_REC_SIZE(le32(data + at)) > last_end) {
                last = at;
                last_end = at + TRACE_REC_SIZE(le32(data + at));
            }
    assert_true(last > region && TRACE_REC_KIND(le32(data + last)) == TRACE_REC_CALL_END);
    trace_text whole;
    assert_int_equal(trace_decode(data, length, "t", &whole, error, sizeof error), 0);
    assert_int_equal(whole.calls, 600);
    assert_int_equal(whole.in_flight, 0);
    for (size_t cut = last; cut <= last_end; cut++) {
        trace_text text;
        if (trace_decode(data, cut, "t", &text, error, sizeof error) != 0) {
            fprintf(stderr, "cut at %zu: %s\n", cut, error);
            fail();
        }
        /* the last call's end is cut off until the record is whole: that call is in flight */
        assert_int_equal(text.calls, 600);
        assert_int_equal(text.in_flight, cut < last_end ? 1 : 0);
        assert_true(text.nwarnings >= 1);
        scn_suite suite;
        scn_error err;
        memset(&suite, 0, sizeof suite);
        assert_int_equal(scn_parse_text(&suite, "cut.scn", text.text, text.len, &err), 0);
        assert_int_equal(suite.nscenarios, 1);
        scn_suite_free(&suite);
        trace_text_free(&text);
    }
    trace_text_free(&whole);
    free(data);
}

/* A full disk, as far as the trace goes (ESENTSHIM_TRACE_MAX_BYTES: the tests cannot mount
 * a small volume): the calls still go through with the target's answers, one warning,
 * and what was recorded reads back (cut). */
static void test_trace_full(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH];
    checked got;
    (void)state;
    prepare(dir, MAX_PATH, L"full", trace);
    test_setenv(L"ESENTSHIM_TRACE_MAX_BYTES", L"400000"); /* the header, 2 windows, 3 more regions */
    assert_int_equal(run_stress(dir, L"threads 2 5000"), 0);
    test_setenv(L"ESENTSHIM_TRACE_MAX_BYTES", NULL);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "recording stopped, calls are still forwarded"), 1);
    assert_int_equal(test_count(err, "esentshim:"), 2); /* and the fake target's missing functions */
    free(err);
    check_trace(trace, 2, &got);
    assert_true(got.records > 100 && got.records < 10000);
    assert_true(got.has_end); /* the process ended normally; the trace says it filled up */
    assert_true(got.cut);
    assert_true(got.full);
}

/* A target path that names no file: every call answers JET_errFeatureNotAvailable, one
 * warning, the process carries on. */
static void test_missing_target(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH], missing[MAX_PATH];
    (void)state;
    prepare(dir, MAX_PATH, L"missing", trace);
    _snwprintf(missing, MAX_PATH, L"%ls\\no-such-esent.dll", dir);
    test_setenv(L"ESENTSHIM_TARGET", missing);
    assert_int_equal(run_stress(dir, L"missing"), 0);
    char *err = read_in(dir, L"stderr.txt");
    assert_non_null(err);
    assert_int_equal(test_count(err, "esentshim:"), 1);
    free(err);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_int_equal(test_count(text, "-> JET_errFeatureNotAvailable (-1001)   # seq="), 2);
    free(text);
}

/* esent.dll planted in the application's folder and in the current directory, the shim
 * loaded from a third place with ESENTSHIM_TARGET unset: the target is the system's
 * esent.dll by its absolute path, never a planted one. */
static void test_planted_esent_ignored(void **state)
{
    wchar_t dir[MAX_PATH], trace[MAX_PATH], cwd[MAX_PATH], planted[MAX_PATH], system[MAX_PATH];
    char want[3 * MAX_PATH];
    (void)state;
    prepare(dir, MAX_PATH, L"planted", trace);
    test_fresh_dir(cwd, MAX_PATH, L"planted-cwd");
    _snwprintf(planted, MAX_PATH, L"%ls\\esent.dll", dir);
    assert_true(CopyFileW(target, planted, FALSE));
    _snwprintf(planted, MAX_PATH, L"%ls\\esent.dll", cwd);
    assert_true(CopyFileW(target, planted, FALSE));
    test_setenv(L"ESENTSHIM_TARGET", NULL);
    wchar_t command[2 * MAX_PATH];
    _snwprintf(command, 2 * MAX_PATH, L"\"%ls\" planted", shim);
    test_run_in(dir, L"shim_stress.exe", command, cwd); /* Wine's esent.dll may abort the call */
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
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_threads),
        cmocka_unit_test(test_eight_threads),
        cmocka_unit_test(test_killed_while_recording),
        cmocka_unit_test(test_cut_at_every_byte),
        cmocka_unit_test(test_trace_full),
        cmocka_unit_test(test_missing_target),
        cmocka_unit_test(test_planted_esent_ignored),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
