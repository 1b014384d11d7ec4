/* The printer: canonical text of arguments, expectations and calls; snprintf-like sizes;
 * and the round trip (print a parsed call, parse it again: the same step), for every
 * function of the API table. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"
#include "scenario_test_util.h"

static void test_format_arg_every_kind(void **state)
{
    (void)state;
    char buf[128];
    scn_arg a;
    memset(&a, 0, sizeof a);
    a.kind = SCN_ARG_INT;
    a.value = -801;
    assert_int_equal(scn_format_arg(buf, sizeof buf, &a), 4);
    assert_string_equal(buf, "-801");
    a.kind = SCN_ARG_STRING;
    a.text = "db\\x\t\"q\"\n\r\x01\x7f é";
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "\"db\\\\x\\t\\\"q\\\"\\n\\r\\x01\\x7f é\"");
    a.kind = SCN_ARG_NULL;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "null");
    a.kind = SCN_ARG_REF;
    a.text = "inst1";
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "$inst1");
    a.kind = SCN_ARG_OUT;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "&inst1");
    a.has_value = 1;
    a.value = 42;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "&inst1=42");
    a.kind = SCN_ARG_BUF;
    a.size = 65536;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "buf(65536)");
    a.align_page = 1;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "buf(65536, page)");
    a.misalign = 1;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "buf(65536, page, +1)");
    a.align_page = 0;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "buf(65536, +1)");
    a.kind = SCN_ARG_STRUCT;
    a.text = "JET_LOGINFO_A";
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "struct(JET_LOGINFO_A)");
    a.kind = SCN_ARG_INVALID;
    scn_format_arg(buf, sizeof buf, &a);
    assert_string_equal(buf, "invalid");
}

static void test_format_call_is_typed(void **state)
{
    (void)state;
    char buf[512];
    scn_suite s = parse_ok(SCN_WRAP("  JetCreateInstanceA(&inst1=0x1f2a0000, \"backup\") -> 0\n"
                                    "  t1: JetTerm2($inst1, 0x1|0x4|0x100) -> JET_errSuccess | broken: -1003 @ws2003..ws2008,win10,build>=22000,build<9200\n"
                                    "  JetSetSystemParameterA(&inst1, 0x30, 34, 0x10, null) -> docs: any\n"
                                    "  JetSetSystemParameterA(&inst1, -1, 999999, -1, \"a\\\\b\") -> -12345\n"
                                    "  JetStopServiceInstance2(0, 0) -> 0\n"
                                    "  JetMove(0, 0, -5, 4294967295) -> 0\n"
                                    "  wait t1\n"
                                    "  sleep 15\n"));
    const scn_scenario *sc = &s.scenarios[0];
    static const char *const expected[] = {
        "JetCreateInstanceA(&inst1=0x1f2a0000, \"backup\") -> JET_errSuccess (0)",
        ("t1: JetTerm2($inst1, JET_bitTermComplete|JET_bitTermStopBackup|0x100) -> JET_errSuccess (0) | broken: "
         "JET_errInvalidParameter (-1003) @ws2003..ws2008,win10,build>=22000,build<9200"),
        "JetSetSystemParameterA(&inst1, 0x30, JET_paramRecovery, 0x10, null) -> docs: any",
        "JetSetSystemParameterA(&inst1, -1, 999999, -1, \"a\\\\b\") -> -12345",
        "JetStopServiceInstance2(0, JET_bitStopServiceAll) -> JET_errSuccess (0)",
        "JetMove(0, 0, -5, 0xffffffff) -> JET_errSuccess (0)",
        "wait t1",
        "sleep 15",
    };
    assert_int_equal(sc->nsteps, sizeof expected / sizeof expected[0]);
    for (size_t i = 0; i < sc->nsteps; i++) {
        size_t n = scn_format_call(buf, sizeof buf, &sc->steps[i]);
        assert_string_equal(buf, expected[i]);
        assert_int_equal(n, strlen(expected[i]));
    }
    scn_format_expect(buf, sizeof buf, &sc->steps[1].expect);
    assert_string_equal(buf, "JET_errSuccess (0) | broken: JET_errInvalidParameter (-1003) @ws2003..ws2008,win10,build>=22000,build<9200");
    scn_suite_free(&s);
}

static void test_format_is_snprintf_like(void **state)
{
    (void)state;
    char big[256], small[16];
    scn_suite s = parse_ok(SCN_WRAP("  JetStopBackupInstance(0x1234) -> JET_errBackupAbortByServer\n"));
    const scn_step *step = &s.scenarios[0].steps[0];
    size_t need = scn_format_call(big, sizeof big, step);
    assert_string_equal(big, "JetStopBackupInstance(0x1234) -> JET_errBackupAbortByServer (-801)");
    assert_int_equal(need, strlen(big));
    memset(small, 'X', sizeof small);
    assert_int_equal(scn_format_call(small, sizeof small, step), need);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, big, sizeof small - 1);
    assert_int_equal(scn_format_call(NULL, 0, step), need);
    small[0] = 'X';
    assert_int_equal(scn_format_call(small, 1, step), need);
    assert_int_equal(small[0], '\0');
    scn_suite_free(&s);
}

static void assert_same_step(const scn_step *a, const scn_step *b)
{
    assert_int_equal(a->kind, b->kind);
    assert_ptr_equal(a->fn, b->fn);
    if (a->thread || b->thread)
        assert_string_equal(a->thread, b->thread);
    assert_int_equal(a->sleep_ms, b->sleep_ms);
    assert_int_equal(a->nargs, b->nargs);
    for (size_t i = 0; i < a->nargs; i++) {
        const scn_arg *x = &a->args[i], *y = &b->args[i];
        assert_int_equal(x->kind, y->kind);
        assert_true(x->value == y->value);
        assert_int_equal(x->has_value, y->has_value);
        assert_int_equal(x->size, y->size);
        assert_int_equal(x->align_page, y->align_page);
        assert_int_equal(x->misalign, y->misalign);
        if (x->text || y->text)
            assert_string_equal(x->text, y->text);
    }
    assert_int_equal(a->expect.nalts, b->expect.nalts);
    for (size_t i = 0; i < a->expect.nalts; i++) {
        const scn_alternative *x = &a->expect.alts[i], *y = &b->expect.alts[i];
        if (x->label || y->label)
            assert_string_equal(x->label, y->label);
        assert_int_equal(x->any, y->any);
        if (!x->any)
            assert_int_equal(x->code, y->code);
        assert_int_equal(x->nversions, y->nversions);
        for (size_t k = 0; k < x->nversions; k++) {
            assert_int_equal(x->versions[k].kind, y->versions[k].kind);
            if (x->versions[k].kind == SCN_VER_BUILD_GE || x->versions[k].kind == SCN_VER_BUILD_LT) {
                assert_int_equal(x->versions[k].build, y->versions[k].build);
            } else {
                assert_int_equal(x->versions[k].release_lo, y->versions[k].release_lo);
                assert_int_equal(x->versions[k].release_hi, y->versions[k].release_hi);
            }
        }
    }
}

/* Prints every step of TEXT's scenario, parses the printout, and compares step by step;
 * printing the re-parsed steps gives the same text. */
static void round_trip(const char *text)
{
    scn_suite first = parse_ok(text), second;
    const scn_scenario *sc = &first.scenarios[0];
    size_t cap = 256 + sc->nsteps * 600, used = 0;
    char *again = malloc(cap), line[1200], line2[1200];
    assert_non_null(again);
    used += (size_t)snprintf(again + used, cap - used, "scenario s\n purpose: p\n evidence: trace t\n");
    for (size_t i = 0; i < sc->nsteps; i++) {
        size_t n = scn_format_call(line, sizeof line, &sc->steps[i]);
        assert_true(n < sizeof line);
        used += (size_t)snprintf(again + used, cap - used, " %s\n", line);
        assert_true(used < cap);
    }
    snprintf(again + used, cap - used, "end\n");
    second = parse_ok(again);
    assert_int_equal(second.scenarios[0].nsteps, sc->nsteps);
    for (size_t i = 0; i < sc->nsteps; i++) {
        assert_same_step(&sc->steps[i], &second.scenarios[0].steps[i]);
        scn_format_call(line, sizeof line, &sc->steps[i]);
        scn_format_call(line2, sizeof line2, &second.scenarios[0].steps[i]);
        assert_string_equal(line, line2);
    }
    free(again);
    scn_suite_free(&first);
    scn_suite_free(&second);
}

static void test_round_trip_of_written_steps(void **state)
{
    (void)state;
    round_trip(SCN_WRAP("  JetCreateInstanceA(&inst, \"a\\\\b\\\"c\\nd\\te\\r\\x02 é\") -> JET_errSuccess\n"
                        "  JetOpenFileInstanceA($inst, \"db\\\\test.edb\", &hf, &sizeLow, &sizeHigh) -> JET_errSuccess\n"
                        "  JetStopBackupInstance($inst) -> JET_errSuccess\n"
                        "  JetReadFileInstance($inst, $hf, buf(65536, page), 65536, &read) -> JET_errBackupAbortByServer (-801)\n"
                        "  JetReadFileInstance(-1, 0xffffffffffffffff, buf(1, +3), 0, invalid) -> source: 0 | docs: -801 | any @ xp\n"
                        "  worker: JetTerm2($inst, JET_bitTermComplete|0x80000000) -> any | x: 7 @build<100, ws2008r2..win81\n"
                        "  JetEndExternalBackupInstance2(0, JET_bitBackupEndAbort|JET_bitBackupTruncateDone) -> JET_errNoBackup\n"
                        "  JetSetSystemParameterW(&inst, null, JET_paramLogFilePath, 0, \"C:\\\\logs\\\\\") -> -1\n"
                        "  JetGetLogInfoInstance2W($inst, buf(4096), 4096, &cb=4096, struct(JET_LOGINFO_W)) -> 0\n"
                        "  JetStopServiceInstance2($inst, JET_bitStopServiceResume|JET_bitStopServiceQuiesceCaches) -> 0\n"
                        "  JetMove(0, 0, -2147483648, 0) -> 0\n"
                        "  JetIndexRecordCount2(0, 0, &count=-5, 0x10000000000) -> 0\n"
                        "  JetBeginTransaction3(0, -1099511627776, 0) -> 0\n"
                        "  wait worker\n"
                        "  sleep 4294967295\n"));
}

/* One argument of the right form for each parameter, for a round trip of every export. */
static int sample_arg(char *out, size_t size, const api_param *p, unsigned i)
{
    if (p->dir != API_DIR_IN && p->kind < API_KIND_STR_A)
        return snprintf(out, size, i % 2 ? "&o%u=%u" : "&o%u", i, i * 7);
    switch (p->kind) {
    case API_KIND_STR_A:
    case API_KIND_STR_W:
        return snprintf(out, size, "\"s\\t%u\\\\\"", i);
    case API_KIND_BUF:
        return snprintf(out, size, i % 2 ? "buf(%u, page)" : "buf(%u, +1)", 16 + i);
    case API_KIND_STRUCT: {
        const char *c = p->ctype;
        size_t n;
        if (strncmp(c, "const ", 6) == 0)
            c += 6;
        for (n = 0; c[n] && c[n] != ' ' && c[n] != '*'; n++)
            ;
        return i % 3 == 2 ? snprintf(out, size, "null") : snprintf(out, size, "struct(%.*s)", (int)n, c);
    }
    case API_KIND_CALLBACK:
    case API_KIND_PTR:
        return snprintf(out, size, i % 2 ? "invalid" : "null");
    case API_KIND_GRBIT:
        return snprintf(out, size, "0x%x", 0x80000005u + i);
    case API_KIND_PARAMID:
        return snprintf(out, size, "%u", i % 2 ? 34u : 99999u);
    case API_KIND_LONG:
        return snprintf(out, size, "-%u", i + 1);
    case API_KIND_U64:
    case API_KIND_I64:
        return snprintf(out, size, "0x%x0000000", i + 1);
    default:
        return snprintf(out, size, i % 2 ? "0x%x" : "%u", i + 1);
    }
}

static void test_round_trip_of_every_function(void **state)
{
    (void)state;
    size_t cap = 1 << 20, used = 0, calls = 0;
    char *text = malloc(cap);
    assert_non_null(text);
    used += (size_t)snprintf(text, cap, "scenario s\n purpose: p\n evidence: trace t\n");
    for (int f = 0; f < API_COUNT; f++) {
        const api_function *fn = &api_functions[f];
        const api_param *params = api_params_of(fn);
        if (!fn->has_proto)
            continue;
        used += (size_t)snprintf(text + used, cap - used, " %s(", fn->name);
        for (size_t i = 0; i < fn->nparams; i++) {
            char arg[128];
            sample_arg(arg, sizeof arg, &params[i], (unsigned)i);
            used += (size_t)snprintf(text + used, cap - used, "%s%s", i ? ", " : "", arg);
        }
        used += (size_t)snprintf(text + used, cap - used, ") -> %s\n", f % 3 ? "JET_errSuccess" : "docs: -1 @win8 | any");
        calls++;
        assert_true(used < cap - 1000);
    }
    snprintf(text + used, cap - used, "end\n");
    assert_true(calls >= 370);
    round_trip(text);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_format_arg_every_kind),
        cmocka_unit_test(test_format_call_is_typed),
        cmocka_unit_test(test_format_is_snprintf_like),
        cmocka_unit_test(test_round_trip_of_written_steps),
        cmocka_unit_test(test_round_trip_of_every_function),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
