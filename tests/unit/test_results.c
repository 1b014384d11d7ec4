/* The results file: what the writer writes the reader reads back (escapes included), and
 * every malformed line is reported at its place, never a crash. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results.h"

static const char roundtrip_path[] = "test_results_roundtrip.txt";

static void test_write_then_read(void **state)
{
    (void)state;
    static const res_kv facts[] = {
        {"host", "os", "Windows Server 2022 Datacenter"},
        {"host", "build", "20348"},
        {"host", "wine", "-"},
        {"esent", "path", "C:\\Windows\\System32\\esent.dll"},
        {"esent", "kind", "system"},
        {"harness", "version", "0.1.0"},
        {"harness", "note", "tab\there, newline\nthere, backslash \\n stays"},
    };
    res_scenario scenarios[] = {
        {"stop-then-read", "pass", "scenarios/stop-then-read.scn:3", 0.041, NULL},
        {"crashes", "fail", "scenarios/crash.scn:2", 0.12, "crashed at step 3 (exit 0xc0000005)\tand\nmore"},
        {"skipped", "skip", "scenarios/x.scn:9", 0, "needs\\a real backup"},
    };
    res_step steps[] = {
        {"stop-then-read", 1, "scenarios/setups/backup.scn:12", "JetCreateInstanceA", 0, NULL, "pass"},
        {"stop-then-read", 7, "scenarios/stop-then-read.scn:9", "JetReadFileInstance", -801, "-", "pass"},
        {"docs-vs-source", 3, "scenarios/x.scn:7", "JetEndExternalBackup", 0, "source", "fail"},
        {"docs-vs-source", 4, "scenarios/x.scn:8", "JetTerm", -123456, "-", "after-failure"},
    };
    FILE *out = fopen(roundtrip_path, "wb");
    res_file file;
    char err[512];
    assert_non_null(out);
    res_write_header(out, facts, sizeof facts / sizeof facts[0]);
    for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++)
        res_write_scenario(out, &scenarios[i]);
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++)
        res_write_step(out, &steps[i]);
    res_write_summary(out, 61, 1, 4, 2);
    fclose(out);

    if (res_read(&file, roundtrip_path, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(file.path, roundtrip_path);
    assert_int_equal(file.nfacts, sizeof facts / sizeof facts[0] + 4);
    for (size_t i = 0; i < sizeof facts / sizeof facts[0]; i++) {
        assert_string_equal(file.facts[i].section, facts[i].section);
        assert_string_equal(file.facts[i].key, facts[i].key);
        assert_string_equal(file.facts[i].value, facts[i].value);
    }
    assert_string_equal(res_fact(&file, "esent", "path"), "C:\\Windows\\System32\\esent.dll");
    assert_string_equal(res_fact(&file, "harness", "note"), facts[6].value);
    assert_string_equal(res_fact(&file, "summary", "passed"), "61");
    assert_string_equal(res_fact(&file, "summary", "failed"), "1");
    assert_string_equal(res_fact(&file, "summary", "skipped"), "4");
    assert_string_equal(res_fact(&file, "summary", "racy"), "2");
    assert_null(res_fact(&file, "host", "nothing"));
    assert_null(res_fact(&file, "esent", "os"));

    assert_int_equal(file.nscenarios, 3);
    for (size_t i = 0; i < 3; i++) {
        assert_string_equal(file.scenarios[i].name, scenarios[i].name);
        assert_string_equal(file.scenarios[i].status, scenarios[i].status);
        assert_string_equal(file.scenarios[i].where, scenarios[i].where);
        assert_true(file.scenarios[i].seconds > scenarios[i].seconds - 0.0005 &&
                    file.scenarios[i].seconds < scenarios[i].seconds + 0.0005);
        if (scenarios[i].detail)
            assert_string_equal(file.scenarios[i].detail, scenarios[i].detail);
        else
            assert_null(file.scenarios[i].detail);
    }
    assert_int_equal(file.nsteps, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(file.steps[i].scenario, steps[i].scenario);
        assert_int_equal(file.steps[i].index, steps[i].index);
        assert_string_equal(file.steps[i].where, steps[i].where);
        assert_string_equal(file.steps[i].function, steps[i].function);
        assert_int_equal(file.steps[i].actual, steps[i].actual);
        assert_string_equal(file.steps[i].branch, steps[i].branch ? steps[i].branch : "-");
        assert_string_equal(file.steps[i].status, steps[i].status);
    }
    res_free(&file);
    remove(roundtrip_path);
}

static void test_written_lines_are_the_documented_format(void **state)
{
    (void)state;
    res_step step = {"stop-then-read", 7, "scenarios/stop-then-read.scn:9", "JetReadFileInstance", -801, NULL, "pass"};
    res_scenario sc = {"crashes", "fail", "scenarios/crash.scn:2", 0.12, "crashed at step 3"};
    char text[1024];
    size_t n;
    FILE *out = fopen(roundtrip_path, "w+b");
    assert_non_null(out);
    res_write_step(out, &step);
    res_write_scenario(out, &sc);
    res_write_summary(out, 61, 0, 4, 2);
    rewind(out);
    n = fread(text, 1, sizeof text - 1, out);
    text[n] = '\0';
    fclose(out);
    remove(roundtrip_path);
    assert_string_equal(text,
                        "step\tstop-then-read\t7\tscenarios/stop-then-read.scn:9\tJetReadFileInstance\tJET_errBackupAbortByServer\t-801\t-\tpass\n"
                        "scenario\tcrashes\tfail\tscenarios/crash.scn:2\t0.120\tcrashed at step 3\n"
                        "summary\tpassed\t61\tfailed\t0\tskipped\t4\tracy\t2\n");
}

static void test_reader_accepts_comments_crlf_and_unknown_codes(void **state)
{
    (void)state;
    static const char text[] = "\xEF\xBB\xBF# produced by hand\r\n"
                               "esent-harness-results\t1\r\n"
                               "\r\n"
                               "# a comment\r\n"
                               "host\tos\tWindows 11\r\n"
                               "step\ts\t1\tx.scn:1\tJetInit\t-99999\t-99999\t-\tfail\r\n"
                               "step\ts\t2\tx.scn:2\tJetInit\tJET_errSomethingNewer\t-4242\tdocs\tpass\r\n"
                               "summary\tpassed\t1\tfailed\t1";
    res_file file;
    char err[256];
    if (res_read_text(&file, "r.txt", text, sizeof text - 1, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(res_fact(&file, "host", "os"), "Windows 11");
    assert_int_equal(file.nsteps, 2);
    assert_int_equal(file.steps[0].actual, -99999);
    assert_string_equal(file.steps[1].branch, "docs");
    assert_int_equal(file.steps[1].actual, -4242);
    res_free(&file);
}

static void test_malformed_lines_are_located(void **state)
{
    (void)state;
#define HDR "esent-harness-results\t1\n"
    static const struct {
        const char *text;
        const char *error;
    } cases[] = {
        {"", "r.txt:1:1: error: empty file"},
        {"results\t1\n", "r.txt:1:1: error: not a results file"},
        {"esent-harness-results\t2\n", "r.txt:1:23: error: unsupported results format version '2'"},
        {"esent-harness-results\n", "r.txt:1:22: error: unsupported results format version ''"},
        {HDR "bogus\tx\n", "r.txt:2:1: error: unknown record type 'bogus'"},
        {HDR "host\tos\n", "r.txt:2:8: error: host record needs 3 fields"},
        {HDR "host\tos\tx\ty\n", "r.txt:2:11: error: host record has 4 fields, at most 3"},
        {HDR "esent\t\tx\n", "r.txt:2:7: error: empty key"},
        {HDR "harness\tv\ta\\qb\n", "r.txt:2:12: error: unknown escape '\\q'"},
        {HDR "harness\tv\tab\\\n", "r.txt:2:13: error: a '\\' ends the field"},
        {HDR "scenario\ta\tpass\tx.scn:1\n", "r.txt:2:24: error: scenario record needs 5 fields"},
        {HDR "scenario\ta\tpassed\tx.scn:1\t0.1\n", "r.txt:2:12: error: unknown scenario status 'passed'"},
        {HDR "scenario\ta\tpass\tx.scn:1\tfast\n", "r.txt:2:25: error: expected SECONDS"},
        {HDR "scenario\ta\tpass\tx.scn:1\t-1\n", "r.txt:2:25: error: expected SECONDS"},
        {HDR "scenario\t\tpass\tx.scn:1\t1\n", "r.txt:2:10: error: empty scenario name"},
        {HDR "scenario\ta\tpass\tx.scn:1\t1\td\te\n", "r.txt:2:29: error: scenario record has 7 fields, at most 6"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errSuccess\t0\t-\n", "r.txt:2:40: error: step record needs 9 fields"},
        {HDR "step\ts\t0\tx:1\tJetInit\tJET_errSuccess\t0\t-\tpass\n", "r.txt:2:8: error: expected a step INDEX"},
        {HDR "step\ts\tone\tx:1\tJetInit\tJET_errSuccess\t0\t-\tpass\n", "r.txt:2:8: error: expected a step INDEX"},
        {HDR "step\ts\t1\tx:1\t\tJET_errSuccess\t0\t-\tpass\n", "r.txt:2:14: error: empty function name"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errSuccess\tzero\t-\tpass\n", "r.txt:2:37: error: expected ACTUAL_VALUE"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errSuccess\t4294967296\t-\tpass\n", "r.txt:2:37: error: expected ACTUAL_VALUE"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errBackupAbortByServer\t-800\t-\tpass\n",
         "r.txt:2:22: error: JET_errBackupAbortByServer is -801, but ACTUAL_VALUE is -800"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errSuccess\t0\t\tpass\n", "r.txt:2:39: error: empty BRANCH"},
        {HDR "step\ts\t1\tx:1\tJetInit\tJET_errSuccess\t0\t-\tok\n", "r.txt:2:41: error: unknown step status 'ok'"},
        {HDR "summary\n", "r.txt:2:8: error: summary needs KEY COUNT pairs"},
        {HDR "summary\tpassed\n", "r.txt:2:15: error: summary needs KEY COUNT pairs"},
        {HDR "summary\tpassed\tmany\n", "r.txt:2:16: error: expected a count after passed"},
        {HDR "host\tos\tx\nstep\n", "r.txt:3:5: error: step record needs 9 fields"},
        /* Cut at a line boundary: every line is whole, but the summary the writer ends with is missing. */
        {HDR "scenario\ta\tpass\tx:1\t1\nstep\ta\t1\tx:1\tJetInit\tJET_errSuccess\t0\t-\tpass\n",
         "r.txt:4:1: error: no summary line: the file was cut short"},
    };
#undef HDR
    int wrong = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        res_file file;
        char err[512];
        int rc = res_read_text(&file, "r.txt", cases[i].text, strlen(cases[i].text), err, sizeof err);
        if (rc == 0) {
            print_error("case %u: expected '%s', the text was accepted\n", (unsigned)i, cases[i].error);
            res_free(&file);
            wrong++;
            continue;
        }
        if (strncmp(err, cases[i].error, strlen(cases[i].error)) != 0) {
            print_error("case %u: expected '%s', got '%s'\n", (unsigned)i, cases[i].error, err);
            wrong++;
        }
        assert_int_equal(file.nsteps, 0); /* freed on error */
        assert_null(file.path);
    }
    assert_int_equal(wrong, 0);
}

static void test_nul_byte_and_missing_file(void **state)
{
    (void)state;
    static const char text[] = "esent-harness-results\t1\nhost\to\0s\tx\n";
    res_file file;
    char err[256];
    assert_int_equal(res_read_text(&file, "r.txt", text, sizeof text - 1, err, sizeof err), -1);
    assert_string_equal(err, "r.txt:2:7: error: NUL byte in the line");
    assert_int_equal(res_read(&file, "no-such-results-file.txt", err, sizeof err), -1);
    assert_string_equal(err, "no-such-results-file.txt: error: cannot read the file");
}

/* Mutations of a valid file: accepted or an error, never a crash (ASan watches natively). */
static void test_mutations_never_crash(void **state)
{
    (void)state;
    static const char base[] = "esent-harness-results\t1\nhost\tos\tW\\t11\nscenario\ta\tpass\tx:1\t0.5\tdetail\n"
                               "step\ta\t1\tx:1\tJetInit\tJET_errSuccess\t0\t-\tpass\nsummary\tpassed\t1\tfailed\t0\n";
    static const char alphabet[] = "\t\n\\#-01aZ \r";
    char text[sizeof base];
    uint32_t seed = 99;
    int accepted = 0;
    for (int round = 0; round < 4000; round++) {
        size_t len = sizeof base - 1;
        res_file file;
        char err[256];
        memcpy(text, base, sizeof base);
        for (int m = 0; m < 1 + round % 3 && len > 0; m++) {
            seed = seed * 1103515245u + 12345u;
            size_t at = (seed >> 8) % len;
            seed = seed * 1103515245u + 12345u;
            if ((seed >> 20) % 2)
                text[at] = alphabet[(seed >> 4) % (sizeof alphabet - 1)];
            else
                len = at;
        }
        if (res_read_text(&file, "m.txt", text, len, err, sizeof err) == 0) {
            accepted++;
            res_free(&file);
        } else {
            assert_non_null(strstr(err, ": error: "));
        }
    }
    assert_true(accepted > 0 && accepted < 4000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_then_read),
        cmocka_unit_test(test_written_lines_are_the_documented_format),
        cmocka_unit_test(test_reader_accepts_comments_crlf_and_unknown_codes),
        cmocka_unit_test(test_malformed_lines_are_located),
        cmocka_unit_test(test_nul_byte_and_missing_file),
        cmocka_unit_test(test_mutations_never_crash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
