/* The scenario parser: every construct of docs/scenario-language.md, use expansion,
 * include, traces, version matching, and each error with its exact place. */
#include "esh_test.h"

#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_util.h"

static void test_scenario_header_lines(void **state)
{
    (void)state;
    scn_suite s = parse_ok("# a file comment\n"
                           "\n"
                           "scenario stop-then-read.v2_x   # trailing comment\n"
                           "  purpose: after a stop, reads fail   # why\n"
                           "  evidence: doc JetStopBackupInstance.de.txt \"Die meisten \\\"APIs\\\".\"\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:2702-2709 \"ErrBKReadFile returns -801\"\n"
                           "  skip: needs a real backup\n"
                           "  racy: thread timing\n"
                           "  expect: crash\n"
                           "  covers: JetStopBackupInstance -801\n"
                           "  covers: JetTerm2 JET_errSuccess\n"
                           "end\n");
    const scn_scenario *sc = &s.scenarios[0];
    assert_int_equal(s.nscenarios, 1);
    assert_int_equal(s.nsetups, 0);
    assert_string_equal(sc->name, "stop-then-read.v2_x");
    assert_int_equal(sc->loc.line, 3);
    assert_int_equal(sc->loc.col, 10);
    assert_string_equal(sc->loc.file, "t.scn");
    assert_string_equal(sc->purpose, "after a stop, reads fail");
    assert_int_equal(sc->nevidence, 2);
    assert_string_equal(sc->evidence[0].kind, "doc");
    assert_string_equal(sc->evidence[0].where, "JetStopBackupInstance.de.txt");
    assert_string_equal(sc->evidence[0].text, "Die meisten \"APIs\".");
    assert_int_equal(sc->evidence[0].loc.line, 5);
    assert_string_equal(sc->evidence[1].kind, "src");
    assert_string_equal(sc->evidence[1].where, "dev/ese/src/ese/backup.cxx:2702-2709");
    assert_string_equal(sc->skip_reason, "needs a real backup");
    assert_string_equal(sc->racy_reason, "thread timing");
    assert_int_equal(sc->outcome, SCN_OUTCOME_CRASH);
    assert_int_equal(sc->ncovers, 2);
    assert_string_equal(sc->covers[0], "JetStopBackupInstance JET_errBackupAbortByServer");
    assert_string_equal(sc->covers[1], "JetTerm2 JET_errSuccess");
    assert_int_equal(sc->nsteps, 0);
    scn_suite_free(&s);

    s = parse_ok("scenario h\n purpose: p\n evidence: trace esent.dll 10.0.20348.2849 on Windows Server 2022\n"
                 " expect: hang\nend\n");
    assert_int_equal(s.scenarios[0].outcome, SCN_OUTCOME_HANG);
    assert_string_equal(s.scenarios[0].evidence[0].kind, "trace");
    assert_null(s.scenarios[0].evidence[0].where);
    assert_string_equal(s.scenarios[0].evidence[0].text, "esent.dll 10.0.20348.2849 on Windows Server 2022");
    assert_int_equal(s.scenarios[0].outcome, SCN_OUTCOME_HANG);
    assert_null(s.scenarios[0].skip_reason);
    scn_suite_free(&s);
}

/* expect: names a step: the last of the expanded body, or the one written after it. */
static void test_expect_names_its_step(void **state)
{
    (void)state;
    scn_suite s = parse_ok("setup two\n"
                           "  JetStopBackupInstance(0) -> JET_errSuccess\n"
                           "  JetStopBackupInstance(0) -> JET_errSuccess\n"
                           "end\n"
                           "scenario last\n purpose: p\n evidence: trace t\n expect: crash\n"
                           "  use two\n  JetTerm(0) -> any\nend\n"
                           "scenario marked\n purpose: p\n evidence: trace t\n"
                           "  use two\n  expect: hang\n  JetTerm(0) -> any\n  JetTerm(0) -> any\nend\n"
                           "scenario normal\n purpose: p\n evidence: trace t\n  JetTerm(0) -> any\nend\n");
    assert_int_equal(s.nscenarios, 3);
    assert_int_equal(s.scenarios[0].nsteps, 3);
    assert_int_equal(s.scenarios[0].outcome_step, 3);
    assert_int_equal(s.scenarios[1].outcome, SCN_OUTCOME_HANG);
    assert_int_equal(s.scenarios[1].outcome_step, 3); /* after the setup's two steps */
    assert_true(s.scenarios[1].steps[2].outcome_here);
    assert_false(s.scenarios[1].steps[3].outcome_here);
    assert_int_equal(s.scenarios[2].outcome_step, 0);
    scn_suite_free(&s);
}

static void test_every_argument_form(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&inst, \"a\\\\b\\\"c\\nd\\te\\r\\x01\") -> 0\n"
                                    "  JetGetLogInfoInstance2A($inst, buf(64, page), 64, &cb=12, struct(JET_LOGINFO_A))"
                                    " -> JET_errSuccess\n"
                                    "  JetReadFileInstance($inst, 0x10, buf(8, +1), 0x1f, invalid) -> any\n"
                                    "  JetGetAttachInfoInstanceA($inst, buf(16, page, +3), 16, null) -> any\n"));
    const scn_scenario *sc = &s.scenarios[0];
    const scn_arg *a;
    assert_int_equal(sc->nsteps, 4);
    a = sc->steps[0].args;
    assert_int_equal(sc->steps[0].nargs, 2);
    assert_int_equal(a[0].kind, SCN_ARG_OUT);
    assert_string_equal(a[0].text, "inst");
    assert_false(a[0].has_value);
    assert_int_equal(a[0].loc.line, 4);
    assert_int_equal(a[0].loc.col, 22);
    assert_int_equal(a[1].kind, SCN_ARG_STRING);
    assert_string_equal(a[1].text, "a\\b\"c\nd\te\r\x01");

    a = sc->steps[1].args;
    assert_int_equal(a[0].kind, SCN_ARG_REF);
    assert_string_equal(a[0].text, "inst");
    assert_int_equal(a[1].kind, SCN_ARG_BUF);
    assert_int_equal(a[1].size, 64);
    assert_true(a[1].align_page);
    assert_int_equal(a[1].misalign, 0);
    assert_int_equal(a[2].kind, SCN_ARG_INT);
    assert_int_equal(a[2].value, 64);
    assert_int_equal(a[3].kind, SCN_ARG_OUT);
    assert_true(a[3].has_value);
    assert_int_equal(a[3].value, 12);
    assert_int_equal(a[4].kind, SCN_ARG_STRUCT);
    assert_string_equal(a[4].text, "JET_LOGINFO_A");

    a = sc->steps[2].args;
    assert_int_equal(a[1].kind, SCN_ARG_INT);
    assert_int_equal(a[1].value, 16);
    assert_int_equal(a[2].kind, SCN_ARG_BUF);
    assert_false(a[2].align_page);
    assert_int_equal(a[2].misalign, 1);
    assert_int_equal(a[3].value, 31);
    assert_int_equal(a[4].kind, SCN_ARG_INVALID);

    a = sc->steps[3].args;
    assert_true(a[1].align_page);
    assert_int_equal(a[1].misalign, 3);
    assert_int_equal(a[3].kind, SCN_ARG_NULL);
    scn_suite_free(&s);
}

static void test_numbers_and_constants(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&inst, null) -> 0\n"
                                    "  JetTerm2($inst, JET_bitTermComplete|JET_bitTermAbrupt | 0x40) -> 0\n"
                                    "  JetTerm2($inst, -1) -> 0\n"
                                    "  JetStopServiceInstance2($inst, JET_bitStopServiceResume) -> 0\n"
                                    "  JetSetSystemParameterA(&inst, null, JET_paramRecovery, -3, \"on\") -> 0\n"
                                    "  JetMove(0, 0, 0xffffffff, 0) -> 0\n"
                                    "  JetMove(-1, 0x7fffffffffffffff, -2147483648, 4294967295) -> 0\n"));
    const scn_scenario *sc = &s.scenarios[0];
    assert_int_equal(sc->steps[1].args[1].value, 1 | 2 | 0x40);
    /* 32-bit parameters hold the value as the DLL sees it. */
    assert_int_equal(sc->steps[2].args[1].value, 4294967295LL);
    assert_int_equal(sc->steps[3].args[1].value, 0x80000000LL);
    assert_int_equal(sc->steps[4].args[2].value, 34);
    assert_int_equal(sc->steps[4].args[3].value, -3); /* JET_API_PTR is not 32-bit */
    assert_int_equal(sc->steps[5].args[2].value, -1); /* long */
    assert_true(sc->steps[6].args[0].value == -1);
    assert_true(sc->steps[6].args[1].value == INT64_MAX);
    assert_true(sc->steps[6].args[2].value == INT32_MIN);
    assert_true(sc->steps[6].args[3].value == 4294967295LL);
    scn_suite_free(&s);
}

static void test_expectations(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&i, null) -> JET_errBackupAbortByServer (-801)\n"
                                    "  JetCreateInstanceA(&i, null) -> -801\n"
                                    "  JetCreateInstanceA(&i, null) -> any\n"
                                    "  JetCreateInstanceA(&i, null) -> source: JET_errSuccess | docs: JET_errBackupAbortByServer\n"
                                    "  JetCreateInstanceA(&i, null) -> JET_errSuccess | broken: JET_errInvalidParameter @ws2003..ws2008\n"
                                    "  JetCreateInstanceA(&i, null) -> a_b: 1 @ xp, win7..win10 , build>=22000,build<9200 | any @ws2025\n"));
    const scn_scenario *sc = &s.scenarios[0];
    const scn_expect *e;
    e = &sc->steps[0].expect;
    assert_int_equal(e->nalts, 1);
    assert_int_equal(e->alts[0].code, -801);
    assert_null(e->alts[0].label);
    assert_false(e->alts[0].any);
    assert_int_equal(e->alts[0].nversions, 0);
    assert_int_equal(sc->steps[1].expect.alts[0].code, -801);
    assert_true(sc->steps[2].expect.alts[0].any);
    e = &sc->steps[3].expect;
    assert_int_equal(e->nalts, 2);
    assert_string_equal(e->alts[0].label, "source");
    assert_int_equal(e->alts[0].code, 0);
    assert_string_equal(e->alts[1].label, "docs");
    assert_int_equal(e->alts[1].code, -801);
    e = &sc->steps[4].expect;
    assert_string_equal(e->alts[1].label, "broken");
    assert_int_equal(e->alts[1].code, -1003);
    assert_int_equal(e->alts[1].nversions, 1);
    assert_int_equal(e->alts[1].versions[0].kind, SCN_VER_RANGE);
    assert_int_equal(e->alts[1].versions[0].release_lo, scn_release_index("ws2003"));
    assert_int_equal(e->alts[1].versions[0].release_hi, scn_release_index("ws2008"));
    e = &sc->steps[5].expect;
    assert_string_equal(e->alts[0].label, "a_b");
    assert_int_equal(e->alts[0].code, 1);
    assert_int_equal(e->alts[0].nversions, 4);
    assert_int_equal(e->alts[0].versions[0].kind, SCN_VER_RELEASE);
    assert_int_equal(e->alts[0].versions[0].release_lo, 0);
    assert_int_equal(e->alts[0].versions[0].release_hi, 0);
    assert_int_equal(e->alts[0].versions[1].kind, SCN_VER_RANGE);
    assert_int_equal(e->alts[0].versions[2].kind, SCN_VER_BUILD_GE);
    assert_int_equal(e->alts[0].versions[2].build, 22000);
    assert_int_equal(e->alts[0].versions[3].kind, SCN_VER_BUILD_LT);
    assert_int_equal(e->alts[0].versions[3].build, 9200);
    assert_true(e->alts[1].any);
    assert_int_equal(e->alts[1].versions[0].release_lo, scn_release_index("ws2025"));
    scn_suite_free(&s);
}

static void test_release_table(void **state)
{
    (void)state;
    static const char *const names[] = {"xp", "ws2003", "vista", "ws2008", "win7", "ws2008r2", "win8", "ws2012",
                                        "win81", "ws2012r2", "win10", "ws2016", "ws2019", "ws2022", "win11", "ws2025"};
    assert_int_equal(scn_release_count(), 16);
    for (int i = 0; i < 16; i++) {
        assert_int_equal(scn_release_index(names[i]), i);
        assert_string_equal(scn_release_name(i), names[i]);
    }
    assert_int_equal(scn_release_index("win12"), -1);
    assert_null(scn_release_name(16));
    assert_null(scn_release_name(-1));
}

static void test_expect_matches(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&i, null) -> JET_errSuccess | broken: JET_errInvalidParameter @ws2003..ws2008\n"
                                    "  JetCreateInstanceA(&i, null) -> new: -801 @build>=22000 | old: -800 @build<22000 | other: any @xp\n"
                                    "  JetCreateInstanceA(&i, null) -> any | named: 0\n"));
    const scn_expect *e0 = &s.scenarios[0].steps[0].expect, *e1 = &s.scenarios[0].steps[1].expect,
                     *e2 = &s.scenarios[0].steps[2].expect;
    const scn_alternative *m;
    int xp = scn_release_index("xp"), ws2003 = scn_release_index("ws2003"), vista = scn_release_index("vista"),
        ws2008 = scn_release_index("ws2008"), win7 = scn_release_index("win7"), ws2025 = scn_release_index("ws2025");

    assert_true(scn_expect_matches(e0, ws2025, 26100, 0, &m));
    assert_ptr_equal(m, &e0->alts[0]);
    assert_false(scn_expect_matches(e0, ws2025, 26100, -1003, &m));
    assert_null(m);
    assert_true(scn_expect_matches(e0, ws2003, 3790, -1003, &m));
    assert_string_equal(m->label, "broken");
    assert_true(scn_expect_matches(e0, vista, 6000, -1003, &m));
    assert_true(scn_expect_matches(e0, ws2008, 6001, -1003, &m));
    assert_false(scn_expect_matches(e0, win7, 7601, -1003, &m));
    assert_false(scn_expect_matches(e0, -1, 0, -1003, &m)); /* an unknown host is in no range */
    assert_false(scn_expect_matches(e0, xp, 2600, -1003, NULL));

    assert_true(scn_expect_matches(e1, ws2025, 22000, -801, &m));
    assert_string_equal(m->label, "new");
    assert_false(scn_expect_matches(e1, ws2025, 21999, -801, &m));
    assert_true(scn_expect_matches(e1, win7, 21999, -800, &m));
    assert_string_equal(m->label, "old");
    assert_false(scn_expect_matches(e1, win7, 22000, -800, &m));
    assert_true(scn_expect_matches(e1, xp, 2600, 12345, &m));
    assert_string_equal(m->label, "other");
    assert_false(scn_expect_matches(e1, -1, 0, 12345, &m));

    /* A literal code is the branch taken even when `any` comes first. */
    assert_true(scn_expect_matches(e2, ws2025, 26100, 0, &m));
    assert_string_equal(m->label, "named");
    assert_true(scn_expect_matches(e2, ws2025, 26100, -5, &m));
    assert_true(m->any);
    assert_null(m->label);
    scn_suite_free(&s);
}

static void test_evidence_belongs_where_it_is_written(void **state)
{
    (void)state;
    scn_suite s = parse_ok("scenario e\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:1 \"whole\"\n"
                           "  purpose: p\n"
                           "  JetCreateInstanceA(&i, null) -> 0\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:2 \"second step\"\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:3 \"second step too\"\n"
                           "  JetInit(&i) -> 0\n"
                           "  JetTerm($i) -> 0\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:4 \"after the last step\"\n"
                           "end\n");
    const scn_scenario *sc = &s.scenarios[0];
    assert_int_equal(sc->nevidence, 2);
    assert_string_equal(sc->evidence[0].where, "dev/ese/src/ese/backup.cxx:1");
    assert_string_equal(sc->evidence[1].where, "dev/ese/src/ese/backup.cxx:4");
    assert_int_equal(sc->steps[0].nevidence, 0);
    assert_int_equal(sc->steps[1].nevidence, 2);
    assert_string_equal(sc->steps[1].evidence[1].text, "second step too");
    assert_int_equal(sc->steps[2].nevidence, 0);
    scn_suite_free(&s);
}

static void test_use_splices_setups_with_their_evidence(void **state)
{
    (void)state;
    scn_suite s = parse_ok("setup inner\n"
                           "  evidence: src dev/ese/src/ese/sysinit.cxx:1 \"inner setup\"\n"
                           "  JetCreateInstanceA(&inst, \"x\") -> 0\n"
                           "  evidence: src dev/ese/src/ese/sysinit.cxx:2 \"init\"\n"
                           "  JetInit(&inst) -> 0\n"
                           "end\n"
                           "scenario uses-outer\n"
                           "  purpose: p\n"
                           "  evidence: src A:1 \"scenario\"\n"
                           "  JetSetSystemParameterA(null, null, JET_paramRecovery, 0, \"off\") -> 0\n"
                           "  evidence: src A:2 \"before use\"\n"
                           "  use outer\n"
                           "  JetStopBackupInstance($inst) -> 0\n"
                           "  use empty\n"
                           "end\n"
                           "setup outer\n"
                           "  purpose: setups may say what they are for\n"
                           "  use inner\n"
                           "  JetBeginExternalBackupInstance($inst, 0) -> 0\n"
                           "end\n"
                           "setup empty\n"
                           "  evidence: src E:1 \"no steps\"\n"
                           "end\n");
    const scn_scenario *sc = &s.scenarios[0];
    assert_int_equal(s.nsetups, 3);
    assert_int_equal(s.nscenarios, 1);
    assert_int_equal(sc->nsteps, 5);
    assert_string_equal(sc->steps[0].fn->name, "JetSetSystemParameterA");
    assert_string_equal(sc->steps[1].fn->name, "JetCreateInstanceA");
    assert_int_equal(sc->steps[1].loc.line, 3);
    assert_string_equal(sc->steps[2].fn->name, "JetInit");
    assert_string_equal(sc->steps[3].fn->name, "JetBeginExternalBackupInstance");
    assert_string_equal(sc->steps[4].fn->name, "JetStopBackupInstance");
    /* Evidence before the use goes to the first spliced step; the setup's own to the scenario. */
    assert_int_equal(sc->steps[1].nevidence, 1);
    assert_string_equal(sc->steps[1].evidence[0].where, "A:2");
    assert_int_equal(sc->steps[2].nevidence, 1);
    assert_string_equal(sc->steps[2].evidence[0].where, "dev/ese/src/ese/sysinit.cxx:2");
    assert_int_equal(sc->nevidence, 3);
    assert_string_equal(sc->evidence[0].where, "A:1");
    assert_string_equal(sc->evidence[1].where, "dev/ese/src/ese/sysinit.cxx:1");
    assert_string_equal(sc->evidence[2].where, "E:1");
    /* Setups are kept expanded too. */
    for (size_t i = 0; i < s.nsetups; i++)
        if (strcmp(s.setups[i].name, "outer") == 0) {
            assert_true(s.setups[i].is_setup);
            assert_int_equal(s.setups[i].nsteps, 3);
            assert_string_equal(s.setups[i].purpose, "setups may say what they are for");
        }
    scn_suite_free(&s);
}

static void test_threads_wait_sleep(void **state)
{
    (void)state;
    scn_suite s = parse_ok("scenario end-during-term\n"
                           "  racy: End must land while JetTerm2 holds the instance\n"
                           "  purpose: p\n"
                           "  evidence: src dev/ese/src/ese/backup.cxx:1 \"x\"\n"
                           "  JetCreateInstanceA(&inst, null) -> 0\n"
                           "  t1: JetTerm2($inst, JET_bitTermComplete) -> any\n"
                           "  sleep 250\n"
                           "  worker_2 : JetStopBackupInstance($inst) -> any  # tid=7\n"
                           "  JetEndExternalBackupInstance($inst) -> JET_errTermInProgress | JET_errSuccess | JET_errNoBackup\n"
                           "  wait t1\n"
                           "  wait worker_2 # joined\n"
                           "end\n");
    const scn_scenario *sc = &s.scenarios[0];
    assert_int_equal(sc->nsteps, 7);
    assert_null(sc->steps[0].thread);
    assert_string_equal(sc->steps[1].thread, "t1");
    assert_int_equal(sc->steps[2].kind, SCN_STEP_SLEEP);
    assert_int_equal(sc->steps[2].sleep_ms, 250);
    assert_string_equal(sc->steps[3].thread, "worker_2");
    assert_string_equal(sc->steps[3].comment, "tid=7");
    assert_int_equal(sc->steps[4].expect.nalts, 3);
    assert_int_equal(sc->steps[5].kind, SCN_STEP_WAIT);
    assert_string_equal(sc->steps[5].thread, "t1");
    assert_int_equal(sc->steps[5].loc.line, 10);
    assert_string_equal(sc->steps[6].thread, "worker_2");
    assert_string_equal(sc->steps[6].comment, "joined");
    scn_suite_free(&s);
}

static void test_comments_are_kept_with_their_step(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&inst1, \"#not a comment\") -> JET_errSuccess (0)   # seq=1 tid=5120 t=0.000412  \n"
                                    "  JetStopBackupInstance($inst1) -> 0#x # y\n"
                                    "  JetStopBackupInstance($inst1) -> 0 #\n"));
    const scn_scenario *sc = &s.scenarios[0];
    assert_string_equal(sc->steps[0].args[1].text, "#not a comment");
    assert_string_equal(sc->steps[0].comment, "seq=1 tid=5120 t=0.000412");
    assert_string_equal(sc->steps[1].comment, "x # y");
    assert_null(sc->steps[2].comment);
    scn_suite_free(&s);
}

static void test_trace_without_end_and_cut_short(void **state)
{
    (void)state;
    static const char trace[] = "# esentshim trace\r\n"
                                "# process: C:\\app\\backup.exe (pid 4242)\r\n"
                                "scenario trace-backup.exe-4242\r\n"
                                "  purpose: calls recorded from backup.exe by esentshim\r\n"
                                "  evidence: trace esent.dll 10.0.20348.2849 on Windows Server 2022 (10.0.20348)\r\n"
                                "  JetCreateInstanceA(&inst1=0x1f2a, \"backup\") -> JET_errSuccess (0)   # seq=1 tid=5120 t=0.000412\r\n"
                                "  JetStopBackupInstance($inst1) -> JET_errSuccess (0)   # seq=2 tid=5120 t=0.001003\r\n"
                                "  JetStopBackupInstance($inst1) -> JET_errSucc";
    scn_suite s = parse_ok(trace);
    assert_int_equal(s.nscenarios, 1);
    assert_int_equal(s.scenarios[0].nsteps, 2);
    assert_string_equal(s.scenarios[0].steps[1].comment, "seq=2 tid=5120 t=0.001003");
    assert_true(s.scenarios[0].steps[0].args[0].has_value);
    assert_int_equal(s.scenarios[0].steps[0].args[0].value, 0x1f2a);
    assert_int_equal(s.nwarnings, 1);
    assert_string_equal(s.warnings[0], "t.scn:8:1: warning: trace cut after record 2");
    scn_suite_free(&s);

    /* A whole last line: no warning; the missing `end` is accepted in a trace only. */
    s = parse_ok("# esentshim trace\nscenario t\n purpose: p\n evidence: trace x\n JetStopBackup() -> 0\n");
    assert_int_equal(s.nwarnings, 0);
    assert_int_equal(s.scenarios[0].nsteps, 1);
    scn_suite_free(&s);
    expect_error("scenario t\n purpose: p\n evidence: trace x\n JetStopBackup() -> 0\n", 1, 10, "has no end");
    /* A byte order mark is skipped; a person's file may end without a newline. */
    s = parse_ok("\xEF\xBB\xBFscenario t\n purpose: p\n evidence: trace x\nend");
    assert_string_equal(s.scenarios[0].name, "t");
    scn_suite_free(&s);
    s = parse_ok("scenario t\n purpose: p\n evidence: trace x\nend");
    assert_int_equal(s.nscenarios, 1);
    scn_suite_free(&s);
}

static void test_aliases_share_their_targets_parameters(void **state)
{
    (void)state;
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstance(&inst, \"x\") -> 0\n"
                                    "  JetOpenFileInstance($inst, \"a\", &hf, &lo, &hi) -> 0\n"));
    assert_string_equal(s.scenarios[0].steps[0].fn->name, "JetCreateInstance");
    assert_int_equal(s.scenarios[0].steps[1].nargs, 5);
    scn_suite_free(&s);
    expect_error(SCN_WRAP("  JetOpenFileInstance(0, \"a\", &hf) -> 0\n"), 4, 3,
                 "JetOpenFileInstance takes 5 arguments, found 3");
}

/* Every error of the language, at its exact line and column. */
static void test_errors_have_exact_places(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        int line, col;
        const char *message;
    } cases[] = {
        {SCN_WRAP("  JetNoSuch(1) -> 0\n"), 4, 3, "unknown function 'JetNoSuch'"},
        {SCN_WRAP("  JetAttachDatabaseWithStreaming() -> 0\n"), 4, 3, "has no known prototype"},
        {SCN_WRAP("  JetStopBackupInstance(1, 2) -> 0\n"), 4, 3, "JetStopBackupInstance takes 1 argument, found 2"},
        {SCN_WRAP("  JetStopBackup(1) -> 0\n"), 4, 3, "JetStopBackup takes 0 arguments, found 1"},
        {SCN_WRAP("  JetStopBackupInstance(&inst) -> 0\n"), 4, 25, "&inst needs an output parameter"},
        {SCN_WRAP("  JetTerm2(0, \"x\") -> 0\n"), 4, 15, "a string needs a STR_A or STR_W parameter"},
        {SCN_WRAP("  JetCreateInstanceA(5, null) -> 0\n"), 4, 22, "is a pointer"},
        {SCN_WRAP("  JetCreateInstanceA(&i, 5) -> 0\n"), 4, 26, "is a pointer"},
        {SCN_WRAP("  JetTerm2(buf(4), 0) -> 0\n"), 4, 12, "not a pointer"},
        {SCN_WRAP("  JetTerm2(invalid, 0) -> 0\n"), 4, 12, "not a pointer"},
        {SCN_WRAP("  JetTerm2(struct(JET_LOGINFO_A), 0) -> 0\n"), 4, 12, "struct(...) needs a structure"},
        {SCN_WRAP("  JetGetLogInfoInstance2A(0, null, 0, null, struct(JET_RSTINFO_A)) -> 0\n"), 4, 45,
         "points to JET_LOGINFO_A, not JET_RSTINFO_A"},
        {SCN_WRAP("  JetStopBackupInstance($inst) -> 0\n"), 4, 25, "$inst was never captured"},
        {SCN_WRAP("  JetCreateInstanceA(&a, null) -> 0\n  JetTerm2($a, $a2) -> 0\n"), 5, 16, "$a2 was never captured"},
        {SCN_WRAP("  JetTerm2(0, JET_bitNoSuchFlag) -> 0\n"), 4, 15, "unknown constant 'JET_bitNoSuchFlag'"},
        {SCN_WRAP("  JetTerm2(0, 1|) -> 0\n"), 4, 17, "expected a number or a constant, found ')'"},
        {SCN_WRAP("  JetTerm2(0, 0x100000000) -> 0\n"), 4, 15, "does not fit the 32-bit parameter grbit"},
        {SCN_WRAP("  JetTerm2(0, 99999999999999999999) -> 0\n"), 4, 15, "number out of range"},
        {SCN_WRAP("  JetTerm2(0, 0x) -> 0\n"), 4, 17, "expected hex digits"},
        {SCN_WRAP("  JetTerm2(0, 12ab) -> 0\n"), 4, 17, "unexpected 'a' in a number"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> JET_errBackupAbortByServer (-800)\n"), 4, 59,
         "JET_errBackupAbortByServer is -801, not -800"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> JET_errNoSuchCode\n"), 4, 31, "unknown code 'JET_errNoSuchCode'"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0x100000000\n"), 4, 31, "out of range (a JET_ERR is 32 bits)"},
        {SCN_WRAP("  JetStopBackupInstance(0)\n"), 4, 27, "expected '->'"},
        {SCN_WRAP("  JetStopBackupInstance(0) ->\n"), 4, 30, "expected a JET code"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0 0\n"), 4, 33, "expected '|' or the end of the line"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0 @win12\n"), 4, 34, "unknown release 'win12'"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0 @win10..win7\n"), 4, 34, "empty range win10..win7"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0 @build>22000\n"), 4, 39, "expected >= or < after build"},
        {SCN_WRAP("  JetStopBackupInstance(0) -> 0 @\n"), 4, 34, "expected a release name"},
        {SCN_WRAP("  JetStopBackupInstance(0 -> 0\n"), 4, 27, "expected ',' or ')' after argument 1"},
        {SCN_WRAP("  JetStopBackupInstance(\n"), 4, 25, "expected an argument, found end of line"},
        {SCN_WRAP("  JetStopBackupInstance 0\n"), 4, 25, "expected '(' after JetStopBackupInstance"},
        {SCN_WRAP("  JetCreateInstanceA(&i, \"abc) -> 0\n"), 4, 26, "unterminated string"},
        {SCN_WRAP("  JetCreateInstanceA(&i, \"a\\qb\") -> 0\n"), 4, 28, "unknown escape '\\q'"},
        {SCN_WRAP("  JetCreateInstanceA(&i, \"a\\x0\") -> 0\n"), 4, 28, "\\x needs two hex digits"},
        {SCN_WRAP("  JetCreateInstanceA(&, null) -> 0\n"), 4, 23, "expected a name after '&'"},
        {SCN_WRAP("  JetGetAttachInfoInstanceA(0, buf(-1), 0, null) -> 0\n"), 4, 36, "buffer size -1 out of range"},
        {SCN_WRAP("  JetGetAttachInfoInstanceA(0, buf(1, wide), 0, null) -> 0\n"), 4, 39, "expected page or +N"},
        {SCN_WRAP("  JetGetAttachInfoInstanceA(0, buf(1, +0), 0, null) -> 0\n"), 4, 39, "misalignment"},
        {SCN_WRAP("  JetGetAttachInfoInstanceA(0, buf(1, page, page), 0, null) -> 0\n"), 4, 45, "page given twice"},
        {SCN_WRAP("  use nothing-here\n"), 4, 7, "unknown setup 'nothing-here'"},
        /* Steps before a failing use stay owned once (a double free the fuzzer found). */
        {"setup ok\n JetStopBackup() -> 0\nend\n" SCN_WRAP("  JetStopBackup() -> 0\n  use ok\n  JetStopBackup() -> 0\n  use missing\n"),
         10, 7, "unknown setup 'missing'"},
        {SCN_WRAP("  wait t9\n"), 4, 3, "no earlier step runs on thread t9"},
        {SCN_WRAP("  sleep -5\n"), 4, 9, "sleep takes milliseconds"},
        {SCN_WRAP("  sleep 5 6\n"), 4, 11, "unexpected '6' after the milliseconds"},
        {SCN_WRAP("  purpose: again\n"), 4, 3, "purpose: given twice"},
        {SCN_WRAP("  skip: a\n  skip: b\n"), 5, 3, "skip: given twice"},
        {SCN_WRAP("  racy:\n"), 4, 8, "racy: needs a text"},
        {SCN_WRAP("  expect: explode\n"), 4, 11, "expect: takes crash or hang"},
        {SCN_WRAP("  expect: crash\n  expect: hang\n"), 5, 3, "expect: given twice"},
        {SCN_WRAP("  covers: JetNoSuch -801\n"), 4, 11, "covers: unknown function 'JetNoSuch'"},
        {SCN_WRAP("  covers: JetStopBackupInstance\n"), 4, 32, "expected a JET code"},
        {SCN_WRAP("  evidence: blog somewhere \"x\"\n"), 4, 13, "evidence kind must be doc, src or trace"},
        {SCN_WRAP("  evidence: doc F.txt unquoted\n"), 4, 23, "needs a \"quoted\" sentence"},
        {SCN_WRAP("  evidence: src \"no citation\"\n"), 4, 17, "needs a citation"},
        {SCN_WRAP("  evidence: trace\n"), 4, 18, "evidence: trace needs a text"},
        {SCN_WRAP("  purpse: typo\n"), 4, 3, "unknown directive 'purpse:'"},
        {SCN_WRAP("  scenario nested\n"), 4, 3, "scenario inside scenario 's' (missing end?)"},
        {SCN_WRAP("  include x.scn\n"), 4, 3, "include inside scenario 's'"},
        {SCN_WRAP("  end now\n"), 4, 7, "unexpected 'now' after end"},
        {"scenario a\n  evidence: src dev/ese/src/ese/backup.cxx:1 \"x\"\nend\n", 1, 10, "scenario 'a' has no purpose: line"},
        {"scenario a\n  purpose: p\n  JetStopBackup() -> 0\nend\n", 1, 10, "scenario 'a' has no evidence: line"},
        {"scenario\n", 1, 9, "expected a scenario name"},
        {"scenario a b\n", 1, 12, "unexpected 'b' after the scenario name"},
        {"setup $x\n", 1, 7, "expected a setup name"},
        {"end\n", 1, 1, "end without a scenario or setup"},
        {"JetStopBackup() -> 0\n", 1, 1, "expected include, setup or scenario at the top level"},
        {"  \t scenario a\n purpose: p\n evidence: trace t\nend\nscenario a\n purpose: p\n evidence: trace t\nend\n", 5, 10,
         "duplicate name 'a' (first defined at t.scn:1:14)"},
        {"setup a\nend\nscenario a\n purpose: p\n evidence: trace t\nend\n", 3, 10, "duplicate name 'a'"},
        {"setup a\n use b\nend\nsetup b\n use a\nend\n", 5, 6, "setup cycle: a -> b -> a"},
        {"setup a\n use a\nend\n", 2, 6, "setup cycle: a -> a"},
        {"setup a\n skip: no\nend\n", 2, 2, "skip: belongs in a scenario"},
        {"setup a\n expect: crash\nend\n", 2, 2, "expect: belongs in a scenario"},
        {"setup a\n covers: JetTerm 0\nend\n", 2, 2, "covers: belongs in a scenario"},
        {"include\n", 1, 8, "include needs a path"},
        {"include \"a.scn\" x\n", 1, 17, "unexpected 'x' after the include path"},
        {"include no-such-dir/missing.scn\n", 1, 9, "cannot read 'no-such-dir/missing.scn'"},
        /* Include paths are folded to one spelling per file ('/' separators, no "." or "x/.."). */
        {"include ../d/./../setups/x.scn\n", 1, 9, "cannot read '../setups/x.scn'"},
        {"include sub\\..\\.\\y.scn  # the comment is not part of the path\n", 1, 9, "cannot read 'y.scn'"},
        {"include \"/abs/../q.scn\"\n", 1, 9, "cannot read '/q.scn'"},
        {"scenario a\n purpose: p\n evidence: trace t\n JetStopBackup() -> 0 @ xp,\nend\n", 4, 28, "expected a release name"},
        {"scenario a\n purpose: p\n evidence: trace t\n JetStopBackup() -> docs:\nend\n", 4, 26, "expected a JET code"},
    };
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        scn_suite suite = {0};
        scn_error err;
        char buf[800];
        int rc = scn_parse_text(&suite, "t.scn", cases[i].text, strlen(cases[i].text), &err);
        scn_error_format(&err, buf, sizeof buf);
        if (rc == 0 || err.loc.line != cases[i].line || err.loc.col != cases[i].col || !strstr(err.message, cases[i].message)) {
            print_error("case %u: expected %d:%d '%s', got: %s\n", (unsigned)i, cases[i].line, cases[i].col, cases[i].message,
                        rc == 0 ? "no error" : buf);
            wrong++;
        }
        scn_suite_free(&suite);
    }
    assert_int_equal(wrong, 0);
}

static void test_nul_byte_is_an_error(void **state)
{
    (void)state;
    static const char text[] = "scenario a\n purpose: p\0x\n";
    scn_suite s = {0};
    scn_error err;
    assert_int_equal(scn_parse_text(&s, "t.scn", text, sizeof text - 1, &err), -1);
    assert_int_equal(err.loc.line, 2);
    assert_int_equal(err.loc.col, 12);
    assert_non_null(strstr(err.message, "NUL byte"));
    scn_suite_free(&s);
}

/* The shim writes traces through a file mapping: a killed process leaves a zero-filled
 * tail, and a record another thread had not finished leaves NUL bytes in the middle. */
static void test_trace_with_nul_bytes_is_cut(void **state)
{
    (void)state;
    static const char text[] = "# esentshim trace\n"
                               "scenario t\n"
                               "  purpose: p\n"
                               "  evidence: trace x\n"
                               "  JetStopBackupInstance(0x1) -> JET_errSuccess (0)   # seq=1 tid=1 t=0.1\n"
                               "  JetStopBackupIns\0\0\0\0"
                               "  JetTerm(0x1) -> JET_errSuccess (0)   # seq=3 tid=2 t=0.2\n"
                               "\0\0\0\0  JetTerm(0x2) -> -1003   # seq=4 tid=3 t=0.3\n"
                               "  JetTerm(0x3) -> 0\0\0\0\0\0\0\0\0";
    scn_suite s = {0};
    scn_error err;
    assert_int_equal(scn_parse_text(&s, "t.scn", text, sizeof text - 1, &err), 0);
    assert_int_equal(s.nscenarios, 1);
    assert_int_equal(s.scenarios[0].nsteps, 3);
    assert_string_equal(s.scenarios[0].steps[0].comment, "seq=1 tid=1 t=0.1");
    assert_string_equal(s.scenarios[0].steps[1].comment, "seq=3 tid=2 t=0.2");
    assert_string_equal(s.scenarios[0].steps[2].comment, "seq=4 tid=3 t=0.3");
    assert_int_equal(s.nwarnings, 1);
    assert_non_null(strstr(s.warnings[0], "warning: trace cut after record 3"));
    scn_suite_free(&s);

    /* Not a trace: a NUL byte is still an error. */
    static const char plain[] = "scenario t\n purpose: p\n evidence: trace x\n JetTerm(0x1) -> 0\n\0\0";
    memset(&s, 0, sizeof s);
    assert_int_equal(scn_parse_text(&s, "t.scn", plain, sizeof plain - 1, &err), -1);
    assert_non_null(strstr(err.message, "NUL byte"));
    scn_suite_free(&s);
}

static void test_error_format(void **state)
{
    (void)state;
    scn_error err = {{"a/b.scn", 3, 7}, "unknown function 'X'"};
    char buf[128];
    scn_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a/b.scn:3:7: error: unknown function 'X'");
    err.loc.line = 0;
    scn_error_format(&err, buf, sizeof buf);
    assert_string_equal(buf, "a/b.scn: error: unknown function 'X'");
    scn_error_format(&err, buf, 5);
    assert_string_equal(buf, "a/b.");
}

static void test_several_texts_append_and_setups_carry_over(void **state)
{
    (void)state;
    scn_suite s = {0};
    scn_error err;
    static const char one[] = "setup inst\n JetCreateInstanceA(&inst, null) -> 0\nend\n"
                              "scenario a\n purpose: p\n evidence: trace t\n use inst\nend\n";
    static const char two[] = "scenario b\n purpose: p\n evidence: trace t\n use inst\n JetTerm($inst) -> 0\nend\n";
    static const char dup[] = "scenario a\n purpose: p\n evidence: trace t\nend\n";
    assert_int_equal(scn_parse_text(&s, "one.scn", one, strlen(one), &err), 0);
    assert_int_equal(scn_parse_text(&s, "two.scn", two, strlen(two), &err), 0);
    assert_int_equal(s.nscenarios, 2);
    assert_int_equal(s.scenarios[1].nsteps, 2);
    assert_string_equal(s.scenarios[1].steps[0].loc.file, "one.scn");
    assert_int_equal(s.nfiles, 2);
    assert_int_equal(scn_parse_text(&s, "three.scn", dup, strlen(dup), &err), -1);
    assert_string_equal(err.loc.file, "three.scn");
    assert_non_null(strstr(err.message, "duplicate name 'a' (first defined at one.scn:4:10)"));
    scn_suite_free(&s);
}

/* Mutations of a valid text must give a result or an error, never a crash or a leak
 * (ASan watches natively); a cheap stand-in for the fuzzer on every build. */
static void test_mutations_never_crash(void **state)
{
    (void)state;
    static const char base[] = "include setups/x.scn\nsetup st\n JetCreateInstanceA(&inst, \"a\\tb\") -> 0\nend\n"
                               "scenario m\n purpose: p\n evidence: src dev/ese/src/ese/backup.cxx:1 \"q\"\n use st\n"
                               " t1: JetGetLogInfoInstance2A($inst, buf(8, page, +1), 8, &cb=3, struct(JET_LOGINFO_A)) -> "
                               "docs: JET_errSuccess (0) @win7..win10,build>=9200 | any\n wait t1\n sleep 3\nend\n";
    static const char alphabet[] = "()|,@&$\"\\#:.-+=0x9 \n\tAaJ_";
    char text[sizeof base + 8];
    uint32_t seed = 12345;
    size_t parsed = 0;
    for (int round = 0; round < 4000; round++) {
        size_t len = sizeof base - 1;
        memcpy(text, base, sizeof base);
        for (int m = 0; m < 1 + round % 4 && len > 0; m++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            switch ((seed >> 16) % 3) {
            case 0: text[at] = alphabet[(seed >> 4) % (sizeof alphabet - 1)]; break;
            case 1: memmove(text + at, text + at + 1, len - at); len--; break;
            default: len = at; break;
            }
        }
        scn_suite s = {0};
        scn_error err;
        char msg[800];
        if (scn_parse_text(&s, "m.scn", text, len, &err) == 0)
            parsed++;
        else {
            scn_error_format(&err, msg, sizeof msg);
            assert_true(err.loc.line >= 0 && strstr(msg, "error: ") != NULL);
        }
        scn_suite_free(&s);
    }
    assert_true(parsed < 4000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scenario_header_lines),
        cmocka_unit_test(test_expect_names_its_step),
        cmocka_unit_test(test_every_argument_form),
        cmocka_unit_test(test_numbers_and_constants),
        cmocka_unit_test(test_expectations),
        cmocka_unit_test(test_release_table),
        cmocka_unit_test(test_expect_matches),
        cmocka_unit_test(test_evidence_belongs_where_it_is_written),
        cmocka_unit_test(test_use_splices_setups_with_their_evidence),
        cmocka_unit_test(test_threads_wait_sleep),
        cmocka_unit_test(test_comments_are_kept_with_their_step),
        cmocka_unit_test(test_trace_without_end_and_cut_short),
        cmocka_unit_test(test_trace_with_nul_bytes_is_cut),
        cmocka_unit_test(test_aliases_share_their_targets_parameters),
        cmocka_unit_test(test_errors_have_exact_places),
        cmocka_unit_test(test_nul_byte_is_an_error),
        cmocka_unit_test(test_error_format),
        cmocka_unit_test(test_several_texts_append_and_setups_carry_over),
        cmocka_unit_test(test_mutations_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
