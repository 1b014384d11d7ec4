/* JUnit XML for `run --junit FILE`, written by cmocka's own XML output rather than a
 * second JUnit writer: a cmocka group with one test per scenario, each test replaying the
 * scenario's finished outcome (pass, skip, or a failure carrying the console text). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include <cmocka.h>

#include "run.h"
#include "win_text.h"

static void replay_outcome(void **state)
{
    const scenario_outcome *o = *state;
    /* A racy scenario's steps accept every outcome some interleaving allows, so a racy
     * failure (an outcome none allows) fails CI like any other. */
    if (o->status == SCN_RESULT_SKIP)
        skip();
    /* fail_msg's text goes to stderr, not into the XML; the text of a failed _assert_true
     * does go into <failure>, followed by the location given: the scenario's own. */
    if (o->status == SCN_RESULT_FAIL)
        _assert_true(0, o->failure_text ? o->failure_text : o->detail, o->scenario->loc.file,
                     o->scenario->loc.line);
}

/* cmocka reads its settings with getenv; _putenv keeps the CRT's copy in step. */
static int set_crt_env(const char *name, const char *value)
{
    size_t need = strlen(name) + strlen(value) + 2;
    char *assignment = malloc(need);
    if (!assignment)
        return -1;
    snprintf(assignment, need, "%s=%s", name, value);
    int rc = _putenv(assignment);
    free(assignment);
    return rc;
}

int report_junit(const char *path, const run_target *target, const scenario_outcome *outcomes, size_t n)
{
    /* The suite is named for the DLL that answered, so a CI report of the model can never
     * pass for one of Windows. cmocka writes the name into an attribute unescaped. */
    char suite_name[800], target_name[700];
    snprintf(suite_name, sizeof suite_name, "esent-harness against %s%s",
             report_target_name(target, target_name, sizeof target_name),
             target->shim[0] ? ", through esentshim.dll" : "");
    for (char *c = suite_name; *c; c++)
        if (*c == '"' || *c == '<' || *c == '>' || *c == '&')
            *c = '_';
    struct CMUnitTest *tests = calloc(n ? n : 1, sizeof *tests);
    if (!tests)
        return -1;
    for (size_t i = 0; i < n; i++) {
        tests[i].name = outcomes[i].scenario->name;
        tests[i].test_func = replay_outcome;
        tests[i].initial_state = (void *)&outcomes[i];
    }
    /* cmocka never overwrites an XML file (it falls back to stderr): remove it first. */
    wchar_t *wide = utf8_to_wide(path);
    if (wide) {
        DeleteFileW(wide);
        free(wide);
    }
    int rc = 0;
    if (set_crt_env("CMOCKA_MESSAGE_OUTPUT", "xml") != 0 || set_crt_env("CMOCKA_XML_FILE", path) != 0)
        rc = -1;
    else {
        /* The environment alone selects XML: cmocka 2.0 ignores CMOCKA_XML_FILE once the
         * program has set the output mode itself; 1.1.x and 2.0 both read these settings. */
        _cmocka_run_group_tests(suite_name, tests, n, NULL, NULL);
        FILE *check = fopen(path, "rb");
        if (check)
            fclose(check);
        else
            rc = -1;
    }
    free(tests);
    if (rc == 0 && junit_polish(path, outcomes, n) != 0)
        rc = -1;
    if (rc != 0)
        fprintf(stderr, "esent-harness: cannot write JUnit XML to %s\n", path);
    return rc;
}
