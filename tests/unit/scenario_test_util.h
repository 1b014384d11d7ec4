/* Shared by the scenario unit tests: parse a text that must parse, or must fail at an
 * exact place with a given message. Include after esh_test.h. */
#ifndef ESH_SCENARIO_TEST_UTIL_H
#define ESH_SCENARIO_TEST_UTIL_H

#include <stdio.h>
#include <string.h>

#include "scenario.h"

/* A scenario around BODY: its first line is line 4 of the text. */
#define SCN_WRAP(body) "scenario s\n  purpose: p\n  evidence: trace test\n" body "end\n"

static inline scn_suite parse_ok(const char *text)
{
    scn_suite suite = {0};
    scn_error err;
    char buf[800];
    if (scn_parse_text(&suite, "t.scn", text, strlen(text), &err) != 0) {
        scn_error_format(&err, buf, sizeof buf);
        scn_suite_free(&suite);
        fail_msg("unexpected parse error: %s", buf);
    }
    return suite;
}

/* The text fails at LINE:COL of t.scn with a message containing SUBSTRING. */
static inline void check_error_at(const char *text, int line, int col, const char *substring, const char *file_suffix)
{
    scn_suite suite = {0};
    scn_error err;
    char buf[800];
    int rc = scn_parse_text(&suite, "t.scn", text, strlen(text), &err), wrong;
    /* The error's file name belongs to the suite: look at it before freeing the suite. */
    scn_error_format(&err, buf, sizeof buf);
    wrong = rc == 0 || err.loc.line != line || err.loc.col != col || !strstr(err.message, substring) ||
            (file_suffix && (!err.loc.file || strlen(err.loc.file) < strlen(file_suffix) ||
                             strcmp(err.loc.file + strlen(err.loc.file) - strlen(file_suffix), file_suffix) != 0));
    scn_suite_free(&suite);
    if (rc == 0)
        fail_msg("expected an error '%s' at %d:%d, the text parsed:\n%s", substring, line, col, text);
    if (wrong)
        fail_msg("expected %s:%d:%d '%s', got: %s", file_suffix ? file_suffix : "t.scn", line, col, substring, buf);
}

#define expect_error(text, line, col, substring) check_error_at(text, line, col, substring, "t.scn")

#endif
