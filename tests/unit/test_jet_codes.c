/* The JET code table: names and values both ways, codes MinGW lacks, grbit formatting. */
#include "esh_test.h"

#include <string.h>

#include "jet_codes.h"

static void test_codes_mingw_lacks_are_present(void **state)
{
    (void)state;
    static const struct { const char *name; jet_err value; } expected[] = {
        {"JET_errBackupAbortByServer", -801},    {"JET_errLogFileNotCopied", -616},
        {"JET_errSystemParameterConflict", -1087}, {"JET_errDirtyShutdown", -1116},
        {"JET_errDatabaseAttachedForRecovery", -1231}, {"JET_errInvalidInstance", -1115},
        {"JET_errRunningInMultiInstanceMode", -1081}, {"JET_errSuccess", 0},
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        const jet_code *code = jet_code_by_name(expected[i].name);
        assert_non_null(code);
        assert_int_equal(code->value, expected[i].value);
        assert_true(code->is_public);
        assert_string_equal(jet_code_by_value(expected[i].value)->name, expected[i].name);
    }
}

static void test_internal_abort_by_caller_is_marked_internal(void **state)
{
    (void)state;
    const jet_code *code = jet_code_by_name("errBackupAbortByCaller");
    assert_non_null(code);
    assert_int_equal(code->value, -800);
    assert_false(code->is_public);
}

static void test_every_public_code_has_a_meaning_and_round_trips(void **state)
{
    (void)state;
    size_t public_codes = 0;
    for (size_t i = 0; i < jet_code_count; i++) {
        const jet_code *code = &jet_codes[i];
        if (code->meaning[0] == '\0')
            fail_msg("%s has no meaning", code->name);
        if (!code->is_public)
            continue;
        public_codes++;
        assert_ptr_equal(jet_code_by_name(code->name), code);
        assert_int_equal(jet_code_by_value(code->value)->value, code->value);
    }
    assert_true(public_codes >= 420);
}

static void test_unknown_value_prints_as_its_number(void **state)
{
    (void)state;
    char buf[64];
    assert_null(jet_code_by_value(-123456));
    assert_string_equal(jet_code_name(-123456, buf, sizeof buf), "-123456");
    assert_string_equal(jet_code_describe(-801, buf, sizeof buf), "JET_errBackupAbortByServer (-801)");
    assert_string_equal(jet_code_describe(-123456, buf, sizeof buf), "-123456 (unknown)");
}

static void test_flags_and_params_by_name(void **state)
{
    (void)state;
    int64_t v;
    assert_true(jet_constant_by_name("JET_bitBackupEndAbort", &v));
    assert_int_equal(v, 2);
    assert_true(jet_constant_by_name("JET_bitTermStopBackup", &v));
    assert_int_equal(v, 4);
    assert_true(jet_constant_by_name("JET_bitStopServiceResume", &v));
    assert_int_equal(v, 0x80000000u);
    assert_true(jet_constant_by_name("JET_paramRecovery", &v));
    assert_int_equal(v, 34);
    assert_true(jet_constant_by_name("JET_errNoBackup", &v));
    assert_int_equal(v, -520);
    assert_false(jet_constant_by_name("JET_bitNoSuchFlag", &v));
}

static int family(const char *name)
{
    int found = -1;
    for (size_t i = 0; i < jet_grbit_family_count() && found < 0; i++)
        if (strcmp(jet_grbit_family_name((int)i), name) == 0)
            found = (int)i;
    /* Nothing after fail_msg: cmocka 2.0 declares it noreturn (MSVC C4702 otherwise). */
    if (found < 0)
        fail_msg("no grbit family %s", name);
    return found;
}

static void test_grbits_print_by_family(void **state)
{
    (void)state;
    char buf[256];
    int end = family("backup-end"), term = family("term"), stop = family("stop-service");
    assert_string_equal(jet_grbit_format(end, 0x101, buf, sizeof buf), "JET_bitBackupEndNormal|JET_bitBackupTruncateDone");
    assert_string_equal(jet_grbit_format(end, 0x3, buf, sizeof buf), "JET_bitBackupEndNormal|JET_bitBackupEndAbort");
    assert_string_equal(jet_grbit_format(end, 0, buf, sizeof buf), "0");
    assert_string_equal(jet_grbit_format(end, 0x8001, buf, sizeof buf), "JET_bitBackupEndNormal|0x8000");
    assert_string_equal(jet_grbit_format(term, 0x4, buf, sizeof buf), "JET_bitTermStopBackup");
    assert_string_equal(jet_grbit_format(stop, 0, buf, sizeof buf), "JET_bitStopServiceAll");
    assert_string_equal(jet_grbit_format(stop, 0x6, buf, sizeof buf),
                        "JET_bitStopServiceBackgroundUserTasks|JET_bitStopServiceQuiesceCaches");
    assert_string_equal(jet_grbit_format(-1, 0x40, buf, sizeof buf), "0x40");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codes_mingw_lacks_are_present),
        cmocka_unit_test(test_internal_abort_by_caller_is_marked_internal),
        cmocka_unit_test(test_every_public_code_has_a_meaning_and_round_trips),
        cmocka_unit_test(test_unknown_value_prints_as_its_number),
        cmocka_unit_test(test_flags_and_params_by_name),
        cmocka_unit_test(test_grbits_print_by_family),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
