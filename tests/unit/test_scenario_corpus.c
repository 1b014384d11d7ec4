/* The hand-written corpus (tests/corpus, folder given by ESH_CORPUS_DIR): every bad
 * scenario and bad results file says on its first line where and how it must fail
 * (`# expect: [FILE:]LINE:COL: error: SUBSTRING`); the good scenarios parse, and every call
 * in them prints and parses back to the same text. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"
#include "scenario.h"
#include "text_files.h"

static const char *corpus_dir(void)
{
    const char *dir = getenv("ESH_CORPUS_DIR");
    if (!dir || !*dir) {
        print_message("ESH_CORPUS_DIR is not set: run through ctest\n");
        skip();
    }
    return dir;
}

static char *folder(const char *name)
{
    const char *dir = corpus_dir();
    char *path = malloc(strlen(dir) + strlen(name) + 2);
    assert_non_null(path);
    sprintf(path, "%s/%s", dir, name);
    return path;
}

typedef struct expectation {
    char where[256];   /* "LINE:COL" or "FILE:LINE:COL" */
    char message[512];
} expectation;

static void read_expectation(const char *path, expectation *e)
{
    char *text, *nl, *sep = NULL;
    size_t len;
    if (esh_read_file(path, &text, &len) != 0)
        fail_msg("cannot read %s", path);
    if (strncmp(text, "# expect: ", 10) != 0 || (sep = strstr(text, ": error: ")) == NULL)
        fail_msg("%s: the first line must be '# expect: LINE:COL: error: SUBSTRING'", path);
    if ((nl = strchr(text, '\n')) != NULL)
        *nl = '\0';
    if (nl && nl > text && nl[-1] == '\r')
        nl[-1] = '\0';
    snprintf(e->where, sizeof e->where, "%.*s", (int)(sep - text - 10), text + 10);
    snprintf(e->message, sizeof e->message, "%s", sep + 9);
    free(text);
}

/* ACTUAL is "PATH:LINE:COL: error: MESSAGE" for the corpus file PATH. */
static int matches(const char *path, const char *actual, const expectation *e)
{
    const char *sep = strstr(actual, ": error: "), *base = strrchr(path, '/');
    char want[600];
    size_t nloc, nwant;
    if (!sep || !strstr(sep + 9, e->message))
        return 0;
    base = base ? base + 1 : path;
    /* A bare LINE:COL is in the file itself; a path names a file it includes. */
    if (strstr(e->where, ".scn") || strstr(e->where, ".txt"))
        snprintf(want, sizeof want, "/%s", e->where);
    else
        snprintf(want, sizeof want, "/%s:%s", base, e->where);
    nloc = (size_t)(sep - actual);
    nwant = strlen(want);
    return nloc >= nwant && memcmp(actual + nloc - nwant, want, nwant) == 0;
}

static void test_bad_scenarios_fail_where_they_say(void **state)
{
    (void)state;
    char *dir = folder("bad-scenarios");
    char **paths;
    size_t count;
    int wrong = 0;
    assert_int_equal(esh_list_files(dir, ".scn", "setups", &paths, &count), 0);
    assert_true(count >= 25);
    for (size_t i = 0; i < count; i++) {
        expectation e;
        scn_suite suite = {0};
        scn_error err;
        char actual[800];
        read_expectation(paths[i], &e);
        if (scn_parse_path(&suite, paths[i], &err) == 0) {
            print_error("%s: parsed, expected %s: error: %s\n", paths[i], e.where, e.message);
            wrong++;
        } else {
            scn_error_format(&err, actual, sizeof actual);
            if (!matches(paths[i], actual, &e)) {
                print_error("%s: expected %s: error: %s\n  got %s\n", paths[i], e.where, e.message, actual);
                wrong++;
            }
        }
        scn_suite_free(&suite);
        free(paths[i]);
    }
    free(paths);
    free(dir);
    assert_int_equal(wrong, 0);
}

static void test_bad_results_fail_where_they_say(void **state)
{
    (void)state;
    char *dir = folder("bad-results");
    char **paths;
    size_t count;
    int wrong = 0;
    assert_int_equal(esh_list_files(dir, ".txt", NULL, &paths, &count), 0);
    assert_true(count >= 15);
    for (size_t i = 0; i < count; i++) {
        expectation e;
        res_file file;
        char actual[800];
        read_expectation(paths[i], &e);
        if (res_read(&file, paths[i], actual, sizeof actual) == 0) {
            print_error("%s: read, expected %s: error: %s\n", paths[i], e.where, e.message);
            res_free(&file);
            wrong++;
        } else if (!matches(paths[i], actual, &e)) {
            print_error("%s: expected %s: error: %s\n  got %s\n", paths[i], e.where, e.message, actual);
            wrong++;
        }
        free(paths[i]);
    }
    free(paths);
    free(dir);
    assert_int_equal(wrong, 0);
}

static void test_good_scenarios_parse_and_print_back(void **state)
{
    (void)state;
    char *dir = folder("good-scenarios");
    scn_suite suite = {0}, again = {0};
    scn_error err;
    char msg[800], line[1024];
    size_t cap = 1 << 16, used = 0, calls = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    if (scn_parse_path(&suite, dir, &err) != 0) {
        scn_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    assert_int_equal(suite.nscenarios, 5);
    assert_int_equal(suite.nsetups, 2);
    assert_string_equal(suite.scenarios[0].name, "corpus-stop-then-read");
    assert_string_equal(suite.scenarios[1].name, "corpus-end-during-term");
    assert_string_equal(suite.scenarios[3].skip_reason, "needs a real ESENT.dll that fails fast on a bad handle");
    assert_int_equal(suite.scenarios[3].outcome, SCN_OUTCOME_CRASH);
    assert_int_equal(suite.nwarnings, 1);
    assert_non_null(strstr(suite.warnings[0], "trace-cut.scn:9:1: warning: trace cut after record 2"));
    /* The included setups file is read once, whichever scenario file includes it first. */
    assert_int_equal(suite.nfiles, 4);
    assert_non_null(strstr(suite.scenarios[0].steps[0].loc.file, "good-scenarios/setups/instance.scn"));

    used += (size_t)snprintf(text, cap, "scenario all\n purpose: p\n evidence: trace t\n");
    for (size_t s = 0; s < suite.nscenarios; s++)
        for (size_t i = 0; i < suite.scenarios[s].nsteps; i++) {
            const scn_step *step = &suite.scenarios[s].steps[i];
            assert_true(scn_format_call(line, sizeof line, step) < sizeof line);
            /* One scenario holds them all: each captures its names before using them. */
            used += (size_t)snprintf(text + used, cap - used, " %s\n", line);
            calls++;
            assert_true(used < cap - 1100);
        }
    snprintf(text + used, cap - used, "end\n");
    if (scn_parse_text(&again, "all.scn", text, strlen(text), &err) != 0) {
        scn_error_format(&err, msg, sizeof msg);
        fail_msg("%s", msg);
    }
    assert_int_equal(again.scenarios[0].nsteps, calls);
    for (size_t s = 0, k = 0; s < suite.nscenarios; s++)
        for (size_t i = 0; i < suite.scenarios[s].nsteps; i++, k++) {
            char printed[1024];
            scn_format_call(line, sizeof line, &suite.scenarios[s].steps[i]);
            scn_format_call(printed, sizeof printed, &again.scenarios[0].steps[k]);
            assert_string_equal(line, printed);
        }
    scn_suite_free(&suite);
    scn_suite_free(&again);
    free(text);
    free(dir);
}

static void test_a_missing_path_is_an_error(void **state)
{
    (void)state;
    char *path = folder("no-such-folder/x.scn");
    scn_suite suite = {0};
    scn_error err;
    char msg[800];
    assert_int_equal(scn_parse_path(&suite, path, &err), -1);
    scn_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "no-such-folder/x.scn: error: cannot read"));
    scn_suite_free(&suite);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_scenarios_fail_where_they_say),
        cmocka_unit_test(test_bad_results_fail_where_they_say),
        cmocka_unit_test(test_good_scenarios_parse_and_print_back),
        cmocka_unit_test(test_a_missing_path_is_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
