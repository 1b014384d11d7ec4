/* Traces that travel (core/trace_travel.c, docs/replay.md): the forms a travelled trace is
 * written in parse and print back; the pass turns a recording's absolute paths into roots,
 * size-query buffers into buf($size), returned path lists into captured lists, recorded
 * thread ids into threads ordered as they ran, and an attach of uncaptured state into a
 * counted skip; what it must leave alone it leaves alone. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_util.h"
#include "trace_travel.h"

#define TRACE_HEAD "# esentshim trace\n# arch: x64\nscenario trace-app.exe-1\n  purpose: p\n  evidence: trace test\n"

/* A one-instance client: size query then exact fit for both lists, files opened by the
 * names the lists returned, every path absolute under C:\rec\data. Steps are 1-based as
 * the comments' seq. */
static const char legacy_trace[] =
    TRACE_HEAD
    "  JetSetSystemParameterA(null, null, JET_paramSystemPath, 0, \"C:\\\\rec\\\\data\\\\\") -> JET_errSuccess (0)   # seq=1 tid=7 t=0.1\n"
    "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=2 tid=7 t=0.2\n"
    "  JetBeginSessionA($inst1, &sesid1, \"\", \"\") -> JET_errSuccess (0)   # seq=3 tid=7 t=0.3\n"
    "  JetCreateDatabaseA($sesid1, \"C:\\\\rec\\\\data\\\\app.edb\", null, &dbid1, 0) -> JET_errSuccess (0)   # seq=4 tid=7 t=0.4\n"
    "  JetBeginExternalBackup(0) -> JET_errSuccess (0)   # seq=5 tid=7 t=0.5\n"
    "  JetGetAttachInfoA(null, 0, &pcbActual=82) -> JET_errSuccess (0)   # seq=6 tid=7 t=0.6\n"
    "  JetGetAttachInfoA(buf(82, +3440), 82, &pcbActual=82) -> JET_errSuccess (0)   # seq=7 tid=7 t=0.7\n"
    "  JetOpenFileA(\"C:\\\\rec\\\\data\\\\app.edb\", &hf1, &pulFileSizeLow=270336, &pulFileSizeHigh=0) -> JET_errSuccess (0)   # seq=8 tid=7 t=0.8\n"
    "  JetReadFile($hf1, buf(65536, page), 65536, &pcbActual=65536) -> JET_errSuccess (0)   # seq=9 tid=7 t=0.9\n"
    "  JetReadFile($hf1, buf(65536, page), 65536, &pcbActual=8192) -> JET_errSuccess (0)   # seq=10 tid=7 t=1.0\n"
    "  JetGetLogInfoA(null, 0, &pcbActual=87) -> JET_errSuccess (0)   # seq=11 tid=7 t=1.1\n"
    "  JetGetLogInfoA(buf(40), 40, &pcbActual=87) -> JET_errBufferTooSmall (-1038)   # seq=12 tid=7 t=1.2\n"
    "  JetGetLogInfoA(buf(87), 87, &pcbActual=87) -> JET_errSuccess (0)   # seq=13 tid=7 t=1.3\n"
    "  JetOpenFileA(\"C:\\\\rec\\\\data\\\\app00001.log\", &hf2, &pulFileSizeLow=131072, &pulFileSizeHigh=0) -> JET_errSuccess (0)   # seq=14 tid=7 t=1.4\n"
    "  JetSetSystemParameterA(null, null, JET_paramBaseName, 0, \"app\") -> JET_errSuccess (0)   # seq=15 tid=7 t=1.5\n"
    "  JetOpenFileA(\"edb0fffff.log\", &hf3, &lo=0, &hi=0) -> JET_errMissingFileToBackup (-569)   # seq=16 tid=7 t=1.6\n";

static char *step_text(const scn_scenario *sc, size_t number)
{
    static char buf[1024];
    assert_true(number >= 1 && number <= sc->nsteps);
    scn_format_call(buf, sizeof buf, &sc->steps[number - 1]);
    return buf;
}

static scn_suite travelled(const char *text, trace_notes *notes, size_t *rewrites)
{
    scn_suite suite = parse_ok(text);
    assert_int_equal(suite.nscenarios, 1);
    assert_true(suite.scenarios[0].is_trace);
    *rewrites = trace_travel_suite(&suite, notes);
    return suite;
}

static int notes_have(const trace_notes *notes, const char *text)
{
    for (size_t i = 0; i < notes->count; i++)
        if (strstr(notes->lines[i], text))
            return 1;
    return 0;
}

static void test_forms_parse_and_print_back(void **state)
{
    (void)state;
    const char *text = SCN_WRAP("  root data \"C:\\\\rec\\\\data\"\n"
                                "  JetGetAttachInfoA(null, 0, &size1=82) -> any\n"
                                "  JetGetAttachInfoA(buf($size1, +4, &list1), $size1, &size2) -> any\n"
                                "  JetOpenFileA($list1[\"app.edb\"], &hf1, &lo, &hi) -> any\n"
                                "  JetOpenFileA($list1[2], &hf2, &lo, &hi) -> any\n"
                                "  JetCreateDatabaseA(0, data:\"\\\\app.edb\", null, &db, 0) -> any\n"
                                "  root: JetTerm(0) -> any\n");
    scn_suite suite = parse_ok(text);
    const scn_scenario *sc = &suite.scenarios[0];
    char buf[256];
    assert_int_equal(sc->nroots, 1);
    assert_string_equal(sc->roots[0].name, "data");
    assert_string_equal(sc->roots[0].path, "C:\\rec\\data");
    scn_format_root(buf, sizeof buf, &sc->roots[0]);
    assert_string_equal(buf, "root data \"C:\\\\rec\\\\data\"");
    assert_string_equal(step_text(sc, 2), "JetGetAttachInfoA(buf($size1, +4, &list1), $size1, &size2) -> any");
    assert_string_equal(step_text(sc, 3), "JetOpenFileA($list1[\"app.edb\"], &hf1, &lo, &hi) -> any");
    assert_string_equal(step_text(sc, 4), "JetOpenFileA($list1[2], &hf2, &lo, &hi) -> any");
    assert_string_equal(step_text(sc, 5), "JetCreateDatabaseA(0, data:\"\\\\app.edb\", null, &db, 0) -> any");
    assert_string_equal(sc->steps[5].thread, "root"); /* `root:` stays a thread prefix */
    scn_suite_free(&suite);
}

static void test_forms_errors(void **state)
{
    (void)state;
    expect_error(SCN_WRAP("  JetCreateDatabaseA(0, data:\"\\\\x.edb\", null, &db, 0) -> any\n"), 4, 25,
                 "no `root data \"PATH\"` line");
    expect_error(SCN_WRAP("  JetOpenFileA($list1[0], &hf1, &lo, &hi) -> any\n"), 4, 16, "$list1 was never captured");
    expect_error(SCN_WRAP("  JetGetAttachInfoA(buf($n), 0, &a) -> any\n"), 4, 21, "$n was never captured");
    expect_error(SCN_WRAP("  root d \"C:\\\\a\"\n  root d \"C:\\\\b\"\n  JetTerm(0) -> any\n"), 5, 8, "root d given twice");
    expect_error(SCN_WRAP("  root d C:\n  JetTerm(0) -> any\n"), 4, 10, "expected the recorded folder");
    expect_error(SCN_WRAP("  JetOpenFileA($l[x], &hf1, &lo, &hi) -> any\n"), 4, 19, "expected a number, found 'x'");
    expect_error(SCN_WRAP("  JetTerm(d:\"x\") -> any\n"), 4, 11, "a string needs a STR_A or STR_W parameter");
    /* state lines */
    expect_error(SCN_WRAP("  JetTerm(0) -> any\n  state \"C:\\\\a.edb\" 1 bytes\n"), 5, 3, "state after the first step (line 4)");
    expect_error(SCN_WRAP("  state \"C:\\\\a.edb\" bytes\n  JetTerm(0) -> any\n"), 4, 21, "expected the file's size in bytes");
    expect_error(SCN_WRAP("  state \"C:\\\\a.edb\" 12\n  JetTerm(0) -> any\n"), 4, 23, "expected bytes after the size");
    expect_error(SCN_WRAP("  state 12 bytes\n  JetTerm(0) -> any\n"), 4, 9, "expected the file as \"PATH\" or ROOT:\"REST\"");
    expect_error(SCN_WRAP("  state d:\"\\\\a.edb\" 1 bytes\n  JetTerm(0) -> any\n"), 4, 9, "no `root d \"PATH\"` line");
    expect_error(SCN_WRAP("  state \"a.edb\" 1 bytes from\n  JetTerm(0) -> any\n"), 4, 29, "expected \"FILE\" after from");
    expect_error(SCN_WRAP("  state \"a.edb\" 1 bytes not captured:\n  JetTerm(0) -> any\n"), 4, 38, "expected the reason");
    expect_error(SCN_WRAP("  state \"a.edb\" 1 bytes later\n  JetTerm(0) -> any\n"), 4, 25, "expected from \"FILE\", not captured: WHY");
}

static void test_legacy_trace_travels(void **state)
{
    (void)state;
    trace_notes notes = {0};
    size_t rewrites;
    scn_suite suite = travelled(legacy_trace, &notes, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_null(sc->skip_reason);
    /* One root, the outermost folder: the system path and the files under it. */
    assert_int_equal(sc->nroots, 1);
    assert_string_equal(sc->roots[0].name, "data");
    assert_string_equal(sc->roots[0].path, "C:\\rec\\data");
    assert_string_equal(step_text(sc, 1),
                        "JetSetSystemParameterA(null, null, JET_paramSystemPath, 0, data:\"\\\\\") -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 4),
                        "JetCreateDatabaseA($sesid1, data:\"\\\\app.edb\", null, &dbid1, 0) -> JET_errSuccess (0)");
    /* Size query then exact fit: the query's output gets a name of its own. */
    assert_string_equal(step_text(sc, 6), "JetGetAttachInfoA(null, 0, &pcbActual1=82) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 7),
                        "JetGetAttachInfoA(buf($pcbActual1, +3440, &list1), $pcbActual1, &pcbActual=82) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 8),
                        "JetOpenFileA($list1[\"app.edb\"], &hf1, &pulFileSizeLow=270336, &pulFileSizeHigh=0) -> "
                        "JET_errSuccess (0)");
    /* A read buffer is not a size query's answer: it stays as recorded. */
    assert_string_equal(step_text(sc, 10),
                        "JetReadFile($hf1, buf(65536, page), 65536, &pcbActual=8192) -> JET_errSuccess (0)");
    /* A deliberately small buffer stays small and, failing, returns no list; the size it
     * was told sizes the next call. */
    assert_string_equal(step_text(sc, 12), "JetGetLogInfoA(buf(40), 40, &pcbActual2=87) -> JET_errBufferTooSmall (-1038)");
    assert_string_equal(step_text(sc, 13),
                        "JetGetLogInfoA(buf($pcbActual2, &list2), $pcbActual2, &pcbActual=87) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 14), "JetOpenFileA($list2[\"app00001.log\"], &hf2, &pulFileSizeLow=131072, "
                                           "&pulFileSizeHigh=0) -> JET_errSuccess (0)");
    /* Not a path: untouched. */
    assert_string_equal(step_text(sc, 15),
                        "JetSetSystemParameterA(null, null, JET_paramBaseName, 0, \"app\") -> JET_errSuccess (0)");
    /* A relative name is the application's own (ESENT lists full paths): as recorded. */
    assert_string_equal(step_text(sc, 16),
                        "JetOpenFileA(\"edb0fffff.log\", &hf3, &lo=0, &hi=0) -> JET_errMissingFileToBackup (-569)");
    /* One thread: no prefixes, no ordering, no note about threads. */
    assert_false(notes_have(&notes, "thread"));
    for (size_t i = 0; i < sc->nsteps; i++) {
        assert_null(sc->steps[i].thread);
        assert_int_equal(sc->steps[i].nafter, 0);
    }
    assert_true(notes_have(&notes, "root data \"C:\\rec\\data\""));
    assert_true(notes_have(&notes, "t.scn:12: JetGetAttachInfoA: buf($pcbActual1) with cbMax $pcbActual1: the size "
                                   "JetGetAttachInfoA (line 11) reports on this host (82 when recorded)"));
    assert_true(notes_have(&notes, "replays as $list1[\"app.edb\"]"));
    assert_int_equal(rewrites, 2 /* sizes */ + 2 /* lists */ + 2 /* entries */ + 2 /* rooted paths */);
    /* Again: nothing left to do. */
    assert_int_equal(trace_travel_suite(&suite, NULL), 0);
    trace_notes_free(&notes);
    scn_suite_free(&suite);
}

/* The travelled trace printed as text (roots, then steps) parses into the same steps. */
static void test_travelled_text_round_trips(void **state)
{
    (void)state;
    size_t rewrites;
    scn_suite suite = travelled(legacy_trace, NULL, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    char *text = malloc(65536), line[1024];
    size_t used = (size_t)snprintf(text, 65536, "scenario again\n  purpose: p\n  evidence: trace test\n");
    for (size_t i = 0; i < sc->nroots; i++) {
        scn_format_root(line, sizeof line, &sc->roots[i]);
        used += (size_t)snprintf(text + used, 65536 - used, "  %s\n", line);
    }
    for (size_t i = 0; i < sc->nsteps; i++) {
        scn_format_call(line, sizeof line, &sc->steps[i]);
        used += (size_t)snprintf(text + used, 65536 - used, "  %s\n", line);
    }
    snprintf(text + used, 65536 - used, "end\n");
    scn_suite again = parse_ok(text);
    assert_int_equal(again.scenarios[0].nsteps, sc->nsteps);
    for (size_t i = 0; i < sc->nsteps; i++) {
        char a[1024], b[1024];
        scn_format_call(a, sizeof a, &sc->steps[i]);
        scn_format_call(b, sizeof b, &again.scenarios[0].steps[i]);
        assert_string_equal(a, b);
    }
    free(text);
    scn_suite_free(&again);
    scn_suite_free(&suite);
}

/* The worker opens and reads, the main thread stops the backup after the first read, the
 * worker's next read sees the stop: each call waits for what completed before it started. */
static void test_threads_travel_in_recorded_order(void **state)
{
    (void)state;
    static const char text[] =
        TRACE_HEAD
        "  JetCreateInstanceW(&inst1, \"agent\") -> JET_errSuccess (0)   # seq=1 tid=476 t=0.001\n"
        "  JetBeginExternalBackupInstance($inst1, 0) -> JET_errSuccess (0)   # seq=2 tid=476 t=0.002\n"
        "  JetOpenFileInstanceW($inst1, \"C:\\\\d\\\\agent.edb\", &hf1, &lo=1, &hi=0) -> JET_errSuccess (0)   # seq=3 tid=480 t=0.003\n"
        "  JetReadFileInstance($inst1, $hf1, buf(24576, page), 24576, &got=24576) -> JET_errSuccess (0)   # seq=4 tid=480 t=0.004\n"
        "  JetStopBackupInstance($inst1) -> JET_errSuccess (0)   # seq=5 tid=476 t=0.005\n"
        "  JetReadFileInstance($inst1, $hf1, buf(8192, page), 8192, &got=0) -> JET_errBackupAbortByServer (-801)   # seq=6 tid=480 t=0.006\n"
        /* started before the read above, completed after it: they overlapped */
        "  JetGetInstanceInfoW(&n, null) -> JET_errSuccess (0)   # seq=7 tid=476 t=0.0055\n"
        "  JetTerm($inst1) -> JET_errSuccess (0)   # seq=8 tid=476 t=0.008\n";
    trace_notes notes = {0};
    size_t rewrites;
    scn_suite suite = travelled(text, &notes, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_null(sc->steps[0].thread);
    assert_string_equal(sc->steps[2].thread, "t2");
    assert_string_equal(sc->steps[3].thread, "t2");
    assert_null(sc->steps[4].thread);
    assert_string_equal(sc->steps[5].thread, "t2");
    assert_string_equal(step_text(sc, 3), "t2: JetOpenFileInstanceW($inst1, d:\"\\\\agent.edb\", &hf1, &lo=1, &hi=0) -> "
                                          "JET_errSuccess (0)");
    /* The open waits for the main thread's begin; the stop for the first read; the second
     * read for the stop. */
    assert_int_equal(sc->steps[2].nafter, 1);
    assert_int_equal(sc->steps[2].after[0], 1);
    assert_int_equal(sc->steps[4].nafter, 1);
    assert_int_equal(sc->steps[4].after[0], 3);
    assert_int_equal(sc->steps[5].nafter, 1);
    assert_int_equal(sc->steps[5].after[0], 4);
    /* The instance-info call started before the second read: it does not wait for it, only
     * for the first read (it started after that one). */
    assert_int_equal(sc->steps[6].nafter, 1);
    assert_int_equal(sc->steps[6].after[0], 3);
    assert_int_equal(sc->steps[7].nafter, 1);
    assert_int_equal(sc->steps[7].after[0], 5);
    assert_true(notes_have(&notes, "recorded thread 480 runs as thread t2"));
    assert_true(notes_have(&notes, "2 threads"));
    trace_notes_free(&notes);
    scn_suite_free(&suite);
}

static void test_attach_without_state_is_a_skip(void **state)
{
    (void)state;
    static const char later_run[] =
        TRACE_HEAD
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
        "  JetBeginSessionW($inst1, &sesid1, \"\", \"\") -> JET_errSuccess (0)   # seq=2 tid=1 t=0.2\n"
        "  JetAttachDatabaseW($sesid1, \"C:\\\\d\\\\inventory.edb\", 0) -> JET_errSuccess (0)   # seq=3 tid=1 t=0.3\n";
    static const char first_run[] =
        TRACE_HEAD
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
        "  JetBeginSessionW($inst1, &sesid1, \"\", \"\") -> JET_errSuccess (0)   # seq=2 tid=1 t=0.2\n"
        "  JetCreateDatabaseW($sesid1, \"C:\\\\d\\\\Inventory.edb\", null, &dbid1, 0) -> JET_errSuccess (0)   # seq=3 tid=1 t=0.3\n"
        "  JetDetachDatabaseW($sesid1, \"C:\\\\d\\\\inventory.edb\") -> JET_errSuccess (0)   # seq=4 tid=1 t=0.4\n"
        "  JetAttachDatabaseW($sesid1, \"C:/d/inventory.edb\", 0) -> JET_errSuccess (0)   # seq=5 tid=1 t=0.5\n";
    size_t rewrites;
    scn_suite suite = travelled(later_run, NULL, &rewrites);
    assert_non_null(suite.scenarios[0].skip_reason);
    assert_non_null(strstr(suite.scenarios[0].skip_reason, "state not captured: JetAttachDatabaseW (line 8) attaches "
                                                           "\"C:\\d\\inventory.edb\", which this trace did not create"));
    scn_suite_free(&suite);
    suite = travelled(first_run, NULL, &rewrites);
    assert_null(suite.scenarios[0].skip_reason);
    scn_suite_free(&suite);
}

/* A later run whose files were captured: the state lines' paths travel with the calls'
 * (one root), the attach of what was captured is no skip, and the lines print back; a
 * file not captured, or a text that lost its bytes, is a counted skip saying which. */
static void test_captured_state_travels(void **state)
{
    (void)state;
    static const char later_run[] =
        TRACE_HEAD
        "  state \"C:\\\\d\\\\edb.chk\" 4096 bytes from \"later.files\\\\edb.chk\"  # found before JetInit\n"
        "  state \"C:\\\\d\\\\Inventory.edb\" 262144 bytes from \"later.files\\\\inventory.edb\"\n"
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
        "  JetBeginSessionW($inst1, &sesid1, \"\", \"\") -> JET_errSuccess (0)   # seq=2 tid=1 t=0.2\n"
        "  JetAttachDatabaseW($sesid1, \"C:\\\\d\\\\inventory.edb\", 0) -> JET_errSuccess (0)   # seq=3 tid=1 t=0.3\n";
    size_t rewrites;
    trace_notes notes = {0};
    char line[400];
    scn_suite suite = travelled(later_run, &notes, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_null(sc->skip_reason);
    assert_int_equal(sc->nroots, 1);
    assert_string_equal(sc->roots[0].name, "d");
    assert_int_equal(sc->nstates, 2);
    scn_format_state(line, sizeof line, &sc->states[0]);
    assert_string_equal(line, "state d:\"\\\\edb.chk\" 4096 bytes from \"later.files\\\\edb.chk\"");
    assert_string_equal(step_text(sc, 3), "JetAttachDatabaseW($sesid1, d:\"\\\\inventory.edb\", 0) -> JET_errSuccess (0)");
    assert_true(notes_have(&notes, "2 file(s) of 266240 bytes the recording found are laid down before the first call"));
    trace_notes_free(&notes);
    scn_suite_free(&suite);

    static const char not_captured[] =
        TRACE_HEAD
        "  state \"C:\\\\d\\\\edb.chk\" 4096 bytes from \"later.files\\\\edb.chk\"\n"
        "  state \"C:\\\\d\\\\inventory.edb\" 900000000 bytes not captured: over the limit of ESENTSHIM_STATE_MAX_BYTES=67108864 bytes in all\n"
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n";
    suite = travelled(not_captured, NULL, &rewrites);
    assert_non_null(suite.scenarios[0].skip_reason);
    assert_string_equal(suite.scenarios[0].skip_reason,
                        "state not captured: \"C:\\\\d\\\\inventory.edb\" (line 7): over the limit of "
                        "ESENTSHIM_STATE_MAX_BYTES=67108864 bytes in all");
    scn_suite_free(&suite);

    static const char printed[] =
        TRACE_HEAD
        "  state \"C:\\\\d\\\\edb.chk\" 4096 bytes\n"
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n";
    suite = travelled(printed, NULL, &rewrites);
    assert_non_null(suite.scenarios[0].skip_reason);
    assert_non_null(strstr(suite.scenarios[0].skip_reason, "(line 6): its bytes are in the binary trace this text was "
                                                           "printed from"));
    scn_suite_free(&suite);
}

/* The recording's current folder (`root cwd`, which the shim writes): a relative attach
 * finds the captured file in it, a file directly in it is cwd:"\\NAME", a folder in it is
 * a root of its own, and a folder elsewhere too; relative arguments stay relative. */
static void test_current_folder_root(void **state)
{
    (void)state;
    static const char text[] =
        TRACE_HEAD
        "  root cwd \"C:\\\\app\"\n"
        "  state \"C:\\\\app\\\\notes.edb\" 8192 bytes from \"f\\\\notes.edb\"\n"
        "  state \"C:\\\\app\\\\data\\\\edb.chk\" 4096 bytes from \"f\\\\edb.chk\"\n"
        "  JetInit(&inst1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
        "  JetBeginSessionA($inst1, &sesid1, \"\", \"\") -> JET_errSuccess (0)   # seq=2 tid=1 t=0.2\n"
        "  JetAttachDatabaseA($sesid1, \".\\\\notes.edb\", 0) -> JET_errSuccess (0)   # seq=3 tid=1 t=0.3\n"
        "  JetCreateDatabaseA($sesid1, \"D:\\\\other\\\\z.edb\", null, &dbid1, 0) -> JET_errSuccess (0)   # seq=4 tid=1 t=0.4\n";
    size_t rewrites;
    char line[400];
    scn_suite suite = travelled(text, NULL, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_null(sc->skip_reason);
    assert_int_equal(sc->nroots, 3);
    assert_string_equal(sc->roots[0].name, "cwd");
    assert_string_equal(sc->roots[1].name, "data");
    assert_string_equal(sc->roots[1].path, "C:\\app\\data");
    assert_string_equal(sc->roots[2].name, "other");
    scn_format_state(line, sizeof line, &sc->states[0]);
    assert_string_equal(line, "state cwd:\"\\\\notes.edb\" 8192 bytes from \"f\\\\notes.edb\"");
    scn_format_state(line, sizeof line, &sc->states[1]);
    assert_string_equal(line, "state data:\"\\\\edb.chk\" 4096 bytes from \"f\\\\edb.chk\"");
    assert_string_equal(step_text(sc, 3), "JetAttachDatabaseA($sesid1, \".\\\\notes.edb\", 0) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 4), "JetCreateDatabaseA($sesid1, other:\"\\\\z.edb\", null, &dbid1, 0) -> JET_errSuccess (0)");
    scn_suite_free(&suite);

    /* A folder that happens to be named cwd is not the current folder. */
    static const char named[] =
        TRACE_HEAD
        "  JetCreateDatabaseA(0, \"C:\\\\x\\\\cwd\\\\a.edb\", null, &db1, 0) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n";
    suite = travelled(named, NULL, &rewrites);
    assert_int_equal(suite.scenarios[0].nroots, 1);
    assert_string_equal(suite.scenarios[0].roots[0].name, "cwd1");
    scn_suite_free(&suite);
}

/* Not a trace: the harness never applies the pass, and the flag says so. */
static void test_suite_scenarios_are_not_traces(void **state)
{
    (void)state;
    scn_suite suite = parse_ok(SCN_WRAP("  JetCreateDatabaseA(0, \"C:\\\\x\\\\a.edb\", null, &db, 0) -> any\n"));
    assert_false(suite.scenarios[0].is_trace);
    assert_int_equal(trace_travel_suite(&suite, NULL), 0);
    assert_string_equal(step_text(&suite.scenarios[0], 1), "JetCreateDatabaseA(0, \"C:\\\\x\\\\a.edb\", null, &db, 0) -> any");
    scn_suite_free(&suite);
}

/* Two sibling folders are two roots; a folder under another folds into it; names are unique. */
static void test_roots_fold_and_stay_unique(void **state)
{
    (void)state;
    static const char text[] =
        TRACE_HEAD
        "  JetCreateDatabaseA(0, \"C:\\\\a\\\\mail\\\\x.edb\", null, &db1, 0) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
        "  JetCreateDatabaseA(0, \"D:\\\\b\\\\mail\\\\deep\\\\y.edb\", null, &db2, 0) -> JET_errSuccess (0)   # seq=2 tid=1 t=0.2\n"
        "  JetCreateDatabaseA(0, \"D:\\\\b\\\\mail\\\\z.edb\", null, &db3, 0) -> JET_errSuccess (0)   # seq=3 tid=1 t=0.3\n"
        "  JetCreateDatabaseA(0, \"\\\\\\\\srv\\\\share\\\\1st\\\\w.edb\", null, &db4, 0) -> JET_errSuccess (0)   # seq=4 tid=1 t=0.4\n"
        "  JetCreateDatabaseA(0, \"rel\\\\v.edb\", null, &db5, 0) -> JET_errSuccess (0)   # seq=5 tid=1 t=0.5\n";
    size_t rewrites;
    scn_suite suite = travelled(text, NULL, &rewrites);
    const scn_scenario *sc = &suite.scenarios[0];
    assert_int_equal(sc->nroots, 3);
    assert_string_equal(sc->roots[0].name, "mail");
    assert_string_equal(sc->roots[1].name, "mail1");
    assert_string_equal(sc->roots[1].path, "D:\\b\\mail");
    assert_string_equal(sc->roots[2].name, "_1st");
    assert_string_equal(step_text(sc, 2), "JetCreateDatabaseA(0, mail1:\"\\\\deep\\\\y.edb\", null, &db2, 0) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 4), "JetCreateDatabaseA(0, _1st:\"\\\\w.edb\", null, &db4, 0) -> JET_errSuccess (0)");
    assert_string_equal(step_text(sc, 5), "JetCreateDatabaseA(0, \"rel\\\\v.edb\", null, &db5, 0) -> JET_errSuccess (0)");
    assert_true(trace_path_is_absolute("C:\\x") && trace_path_is_absolute("\\\\s\\x") && !trace_path_is_absolute("x\\y") &&
                !trace_path_is_absolute("C:x"));
    scn_suite_free(&suite);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forms_parse_and_print_back),
        cmocka_unit_test(test_forms_errors),
        cmocka_unit_test(test_legacy_trace_travels),
        cmocka_unit_test(test_travelled_text_round_trips),
        cmocka_unit_test(test_threads_travel_in_recorded_order),
        cmocka_unit_test(test_attach_without_state_is_a_skip),
        cmocka_unit_test(test_captured_state_travels),
        cmocka_unit_test(test_current_folder_root),
        cmocka_unit_test(test_suite_scenarios_are_not_traces),
        cmocka_unit_test(test_roots_fold_and_stay_unique),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
