/* `diff` logic: host labels, which steps differ, the identical count, and both renderings. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "results_diff.h"
#include "results_html.h"

/* Hand-built results, so the diff is tested without the reader. */
static res_kv ws2022_facts[] = {
    {"host", "os", "Windows Server 2022 Datacenter"}, {"host", "build", "20348"}, {"host", "ubr", "2849"},
    {"host", "arch", "x64"}, {"host", "wine", "-"}, {"esent", "path", "C:\\Windows\\System32\\esent.dll"},
    {"esent", "version", "10.0.20348.2849"}, {"esent", "kind", "system"},
};
static res_kv model_facts[] = {
    {"host", "os", "Windows 10 Pro"}, {"host", "build", "19045"}, {"host", "ubr", "0"}, {"host", "arch", "x64"},
    {"host", "wine", "8.0"}, {"esent", "path", "Z:\\work\\build\\model\\esentmodel.dll"},
    {"esent", "version", "0.1.0.0"}, {"esent", "kind", "model"},
};
static res_kv other_facts[] = {
    {"host", "os", "Windows 11 Pro"}, {"host", "build", "26100"}, {"host", "ubr", "4061"}, {"host", "arch", "arm64"},
    {"esent", "path", "D:\\private\\esent.dll"}, {"esent", "version", "10.0.26100.1"}, {"esent", "kind", "other"},
};

static res_step steps_a[] = {
    {"stop-then-read", 1, "s.scn:3", "JetCreateInstanceA", 0, "-", "pass"},
    {"stop-then-read", 7, "s.scn:9", "JetReadFileInstance", -801, "source", "pass"},
    {"end-backup", 3, "e.scn:7", "JetEndExternalBackup", 0, "-", "pass"},
};
static res_step steps_b[] = {
    /* Another order: the diff lines steps up by scenario and index, not by position. */
    {"end-backup", 3, "e.scn:7", "JetEndExternalBackup", 0, "-", "pass"},
    {"stop-then-read", 7, "s.scn:9", "JetReadFileInstance", -801, "source", "pass"},
    {"stop-then-read", 1, "s.scn:3", "JetCreateInstanceA", 0, "-", "pass"},
};
static res_step steps_c[] = {
    {"stop-then-read", 1, "s.scn:3", "JetCreateInstanceA", 0, "-", "pass"},
    {"stop-then-read", 7, "s.scn:9", "JetReadFileInstance", -1, "docs", "fail"},
    /* end-backup #3 never ran here. */
};
static res_scenario scenarios_ab[] = {
    {"stop-then-read", "pass", "s.scn:1", 0.04, NULL}, {"end-backup", "pass", "e.scn:1", 0.02, NULL},
};
static res_scenario scenarios_c[] = {
    {"stop-then-read", "fail", "s.scn:1", 0.04, NULL}, {"end-backup", "skip", "e.scn:1", 0.0, "not on arm64"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static res_file make_file(char *path, res_kv *facts, size_t nfacts, res_step *steps, size_t nsteps,
                          res_scenario *scenarios, size_t nscenarios)
{
    res_file file;
    memset(&file, 0, sizeof file);
    file.path = path;
    file.facts = facts;
    file.nfacts = nfacts;
    file.steps = steps;
    file.nsteps = nsteps;
    file.scenarios = scenarios;
    file.nscenarios = nscenarios;
    return file;
}

/* What a writer produced, as a string (freed by the caller). */
static char *render_as(const rdiff *d, char how, const char *link_base)
{
    /* A named file in the working directory: tmpfile() may want the drive root on Windows. */
    FILE *tmp = fopen("test_results_diff.out", "w+b");
    assert_non_null(tmp);
    if (how == 'm')
        rdiff_write_markdown(tmp, d);
    else if (how == 'h')
        rdiff_write_html(tmp, d, link_base);
    else
        rdiff_write_text(tmp, d);
    long size = ftell(tmp);
    assert_true(size > 0);
    char *text = calloc((size_t)size + 1, 1);
    assert_non_null(text);
    rewind(tmp);
    assert_int_equal(fread(text, 1, (size_t)size, tmp), (size_t)size);
    fclose(tmp);
    remove("test_results_diff.out");
    return text;
}

static char *render(const rdiff *d, int markdown)
{
    return render_as(d, markdown ? 'm' : 't', NULL);
}

static void test_label_marks_a_run_through_the_shim(void **state)
{
    (void)state;
    char label[384];
    res_kv facts[] = {{"host", "os", "Windows 11 Pro"}, {"host", "build", "26100"}, {"host", "ubr", "1"},
                      {"host", "arch", "x64"}, {"esent", "path", "C:\\Windows\\System32\\esent.dll"},
                      {"esent", "version", "10.0.26100.1"}, {"esent", "kind", "system"},
                      {"harness", "shim", "C:\\h\\esentshim.dll"}};
    res_file file = make_file("s", facts, COUNT(facts), NULL, 0, NULL, 0);
    rdiff_host_label(&file, label, sizeof label);
    assert_string_equal(label, "Windows 11 Pro 26100.1 x64, esent.dll 10.0.26100.1, through esentshim.dll");
    facts[7].value = "-";
    rdiff_host_label(&file, label, sizeof label);
    assert_string_equal(label, "Windows 11 Pro 26100.1 x64, esent.dll 10.0.26100.1");
}

static void test_labels_name_release_build_arch_and_dll(void **state)
{
    (void)state;
    char label[384];
    res_file system = make_file("a", ws2022_facts, COUNT(ws2022_facts), NULL, 0, NULL, 0);
    res_file model = make_file("b", model_facts, COUNT(model_facts), NULL, 0, NULL, 0);
    res_file other = make_file("c", other_facts, COUNT(other_facts), NULL, 0, NULL, 0);
    res_file bare = make_file("d", NULL, 0, NULL, 0, NULL, 0);

    rdiff_host_label(&system, label, sizeof label);
    assert_string_equal(label, "Windows Server 2022 Datacenter 20348.2849 x64, esent.dll 10.0.20348.2849");
    assert_int_equal(rdiff_host_kind(&system), RDIFF_SYSTEM);

    rdiff_host_label(&model, label, sizeof label);
    assert_string_equal(label, "reference model esentmodel.dll 0.1.0.0, x64 under Wine 8.0");
    assert_null(strstr(label, "Windows")); /* never mistaken for a Windows host */
    assert_int_equal(rdiff_host_kind(&model), RDIFF_MODEL);

    rdiff_host_label(&other, label, sizeof label);
    assert_non_null(strstr(label, "non-system DLL D:\\private\\esent.dll"));
    assert_non_null(strstr(label, "26100.4061 arm64"));
    assert_int_equal(rdiff_host_kind(&other), RDIFF_OTHER);

    rdiff_host_label(&bare, label, sizeof label);
    assert_int_equal(rdiff_host_kind(&bare), RDIFF_UNKNOWN);
    assert_non_null(strstr(label, "unknown OS"));
}

static void test_same_results_in_any_order_agree(void **state)
{
    (void)state;
    res_file files[2];
    rdiff d;
    files[0] = make_file("a.txt", ws2022_facts, COUNT(ws2022_facts), steps_a, COUNT(steps_a), scenarios_ab, 2);
    files[1] = make_file("b.txt", ws2022_facts, COUNT(ws2022_facts), steps_b, COUNT(steps_b), scenarios_ab, 2);
    assert_int_equal(rdiff_build(&d, files, 2), 0);
    assert_int_equal(d.nrows, 0);
    assert_int_equal(d.identical, 3);
    assert_int_equal(d.hosts[0].passed, 2);
    char *text = render(&d, 0);
    assert_non_null(strstr(text, "all 3 steps agree on every host"));
    free(text);
    rdiff_free(&d);
}

static void test_differing_and_missing_steps_are_rows(void **state)
{
    (void)state;
    res_file files[3];
    rdiff d;
    files[0] = make_file("a.txt", ws2022_facts, COUNT(ws2022_facts), steps_a, COUNT(steps_a), scenarios_ab, 2);
    files[1] = make_file("m.txt", model_facts, COUNT(model_facts), steps_b, COUNT(steps_b), scenarios_ab, 2);
    files[2] = make_file("c.txt", other_facts, COUNT(other_facts), steps_c, COUNT(steps_c), scenarios_c, 2);
    assert_int_equal(rdiff_build(&d, files, 3), 0);
    assert_int_equal(d.identical, 1); /* stop-then-read #1 */
    assert_int_equal(d.nrows, 2);
    /* Scenario order of first appearance, then index. */
    assert_string_equal(d.rows[0].scenario, "stop-then-read");
    assert_int_equal(d.rows[0].index, 7);
    assert_int_equal(d.rows[0].cells[0]->actual, -801);
    assert_int_equal(d.rows[0].cells[2]->actual, -1);
    assert_string_equal(d.rows[1].scenario, "end-backup");
    assert_non_null(d.rows[1].cells[1]);
    assert_null(d.rows[1].cells[2]);
    assert_int_equal(d.hosts[2].failed, 1);
    assert_int_equal(d.hosts[2].skipped, 1);

    char cell[160];
    assert_string_equal(rdiff_cell_text(d.rows[0].cells[0], cell, sizeof cell), "JET_errBackupAbortByServer [source]");
    assert_string_equal(rdiff_cell_text(d.rows[0].cells[2], cell, sizeof cell), "JET_wrnNyi [docs] FAIL");
    assert_string_equal(rdiff_cell_text(NULL, cell, sizeof cell), "(not run)");

    char *text = render(&d, 0);
    assert_non_null(strstr(text, "[2] reference model"));
    assert_non_null(strstr(text, "REFERENCE MODEL, not a Windows result"));
    assert_non_null(strstr(text, "NON-SYSTEM DLL"));
    assert_non_null(strstr(text, "2 steps differ"));
    assert_non_null(strstr(text, "stop-then-read #7 JetReadFileInstance"));
    assert_non_null(strstr(text, "1 identical step not shown"));
    assert_non_null(strstr(text, "branches followed: source 1"));
    assert_non_null(strstr(text, "branches followed: docs 1"));
    free(text);

    char *md = render(&d, 1);
    assert_non_null(strstr(md, "| step | function | [1] | [2] | [3] |\n|---|---|---|---|---|\n"));
    assert_non_null(strstr(md, "| stop-then-read #7 | JetReadFileInstance | JET_errBackupAbortByServer [source] |"));
    assert_non_null(strstr(md, "| end-backup #3 | JetEndExternalBackup | JET_errSuccess | JET_errSuccess | (not run) |"));
    assert_non_null(strstr(md, "**(REFERENCE MODEL, not a Windows result)**"));
    assert_non_null(strstr(md, "2 steps differ (1 identical not shown)"));
    free(md);
    rdiff_free(&d);
}

static void test_same_code_other_branch_or_function_differs(void **state)
{
    (void)state;
    res_step x[] = {{"s", 1, "s.scn:2", "JetBeginExternalBackup", 0, "docs", "pass"},
                    {"s", 2, "s.scn:3", "JetTerm", 0, "-", "pass"}};
    res_step y[] = {{"s", 1, "s.scn:2", "JetBeginExternalBackup", 0, "source", "pass"},
                    {"s", 2, "s.scn:3", "JetTerm2", 0, "-", "pass"}};
    res_file files[2];
    rdiff d;
    files[0] = make_file("x", ws2022_facts, COUNT(ws2022_facts), x, 2, NULL, 0);
    files[1] = make_file("y", ws2022_facts, COUNT(ws2022_facts), y, 2, NULL, 0);
    assert_int_equal(rdiff_build(&d, files, 2), 0);
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.identical, 0);
    rdiff_free(&d);
}

static void test_step_missing_in_the_first_host(void **state)
{
    (void)state;
    /* Host 1 lacks both steps the others ran: rows, with "(not run)" in its column. */
    res_file files[3];
    rdiff d;
    files[0] = make_file("c", other_facts, COUNT(other_facts), steps_c, 1, NULL, 0);
    files[1] = make_file("a", ws2022_facts, COUNT(ws2022_facts), steps_a, COUNT(steps_a), NULL, 0);
    files[2] = make_file("b", ws2022_facts, COUNT(ws2022_facts), steps_b, COUNT(steps_b), NULL, 0);
    assert_int_equal(rdiff_build(&d, files, 3), 0);
    assert_int_equal(d.identical, 1);
    assert_int_equal(d.nrows, 2);
    for (size_t r = 0; r < d.nrows; r++) {
        assert_null(d.rows[r].cells[0]);
        assert_non_null(d.rows[r].cells[1]);
        assert_non_null(d.rows[r].cells[2]);
    }
    char *text = render(&d, 0);
    assert_non_null(strstr(text, "(not run)"));
    free(text);
    rdiff_free(&d);

    /* --common: only the step all three ran is compared. */
    assert_int_equal(rdiff_build_flags(&d, files, 3, RDIFF_COMMON_ONLY), 0);
    assert_int_equal(d.nrows, 0);
    assert_int_equal(d.identical, 1);
    assert_int_equal(d.uncompared, 2);
    text = render(&d, 0);
    assert_non_null(strstr(text, "2 steps not run by every host, not compared (--common)"));
    assert_non_null(strstr(text, "all 1 steps agree on every host"));
    free(text);
    rdiff_free(&d);
}

static void test_racy_rows_are_marked_and_counted_apart(void **state)
{
    (void)state;
    res_step x[] = {{"flaky", 1, "f.scn:2", "JetTerm", 0, "-", "pass"}, {"steady", 1, "s.scn:2", "JetInit", 0, "-", "pass"}};
    res_step y[] = {{"flaky", 1, "f.scn:2", "JetTerm", -1, "-", "pass"}, {"steady", 1, "s.scn:2", "JetInit", 0, "-", "pass"}};
    res_scenario sx[] = {{"flaky", "racy-pass", "f.scn:1", 0.1, NULL}, {"steady", "pass", "s.scn:1", 0.1, NULL}};
    res_scenario sy[] = {{"flaky", "pass", "f.scn:1", 0.1, NULL}, {"steady", "pass", "s.scn:1", 0.1, NULL}};
    res_file files[2];
    rdiff d;
    files[0] = make_file("x", ws2022_facts, COUNT(ws2022_facts), x, 2, sx, 2);
    files[1] = make_file("y", ws2022_facts, COUNT(ws2022_facts), y, 2, sy, 2);
    assert_int_equal(rdiff_build(&d, files, 2), 0);
    assert_int_equal(d.nrows, 1);
    assert_int_equal(d.nracy, 1);
    assert_true(d.rows[0].racy);
    assert_false(rdiff_hosts_differ(&d));
    /* A racy pass is no pass: the host that passed "flaky" only by chance shows it apart. */
    assert_int_equal(d.hosts[0].passed, 1);
    assert_int_equal(d.hosts[0].racy, 1);
    assert_int_equal(d.hosts[1].passed, 2);
    assert_int_equal(d.hosts[1].racy, 0);
    char *text = render(&d, 0);
    assert_non_null(strstr(text, "scenarios 1 passed, 0 failed, 0 skipped, 1 racy"));
    assert_non_null(strstr(text, "0 steps differ, and 1 in racy scenarios"));
    assert_non_null(strstr(text, "flaky #1 JetTerm (racy)"));
    free(text);
    char *md = render(&d, 1);
    assert_non_null(strstr(md, "| flaky #1 (racy) | JetTerm |"));
    assert_non_null(strstr(md, "| 1 passed, 0 failed, 0 skipped, 1 racy |"));
    free(md);
    rdiff_free(&d);
}

/* The page keeps every step (RDIFF_ALL_ROWS), escapes what it shows, and links each row. */
static void test_html_page_has_every_step_escaped_and_linked(void **state)
{
    (void)state;
    res_kv facts[] = {{"host", "os", "Odd<b>&Name"}, {"esent", "kind", "system"}};
    res_step x[] = {{"a<b", 1, "dir\\s.scn:2", "JetInit", 0, "-", "pass"}, {"a<b", 2, "s.scn:3", "JetTerm", 0, "-", "pass"}};
    res_step y[] = {{"a<b", 1, "dir\\s.scn:2", "JetInit", 0, "-", "pass"}, {"a<b", 2, "s.scn:3", "JetTerm", -801, "docs", "fail"}};
    res_scenario sx[] = {{"a<b", "pass", "s.scn:1", 0.1, NULL}};
    res_scenario sy[] = {{"a<b", "fail", "s.scn:1", 0.1, "why \"not\""}};
    res_file files[2];
    rdiff d;
    files[0] = make_file("x", facts, COUNT(facts), x, 2, sx, 1);
    files[1] = make_file("y", facts, COUNT(facts), y, 2, sy, 1);
    assert_int_equal(rdiff_build_flags(&d, files, 2, RDIFF_ALL_ROWS), 0);
    assert_int_equal(d.nrows, 2);
    assert_int_equal(d.ndiffering, 1);
    assert_int_equal(d.identical, 1);
    assert_false(d.rows[0].differs);
    assert_true(d.rows[1].differs);
    assert_true(rdiff_hosts_differ(&d));
    char *page = render_as(&d, 'h', "https://example.invalid/b/");
    assert_null(strstr(page, "a<b"));
    assert_null(strstr(page, "Odd<b>"));
    assert_non_null(strstr(page, "Odd&lt;b&gt;&amp;Name"));
    assert_non_null(strstr(page, "why &quot;not&quot;"));
    assert_non_null(strstr(page, "<a href=\"https://example.invalid/b/dir/s.scn#L2\">dir\\s.scn:2</a>"));
    assert_non_null(strstr(page, "<td class=\"code agree\" data-code=\"0\""));
    assert_non_null(strstr(page, "<td class=\"code o1\" data-code=\"-801\" data-branch=\"docs\""));
    assert_non_null(strstr(page, "<tr class=\"step differs\" data-scenario=\"a&lt;b\" data-index=\"2\">"));
    assert_null(strstr(page, " src="));
    free(page);
    rdiff_free(&d);
}

static void test_markdown_escapes_pipes(void **state)
{
    (void)state;
    res_kv facts[] = {{"host", "os", "Odd|Name"}, {"esent", "kind", "system"}};
    res_step x[] = {{"a|b", 1, "s.scn:2", "JetInit", 0, "-", "pass"}};
    res_step y[] = {{"a|b", 1, "s.scn:2", "JetInit", -1, "-", "pass"}};
    res_file files[2];
    rdiff d;
    files[0] = make_file("x", facts, 2, x, 1, NULL, 0);
    files[1] = make_file("y", facts, 2, y, 1, NULL, 0);
    assert_int_equal(rdiff_build(&d, files, 2), 0);
    char *md = render(&d, 1);
    assert_non_null(strstr(md, "Odd\\|Name"));
    assert_non_null(strstr(md, "| a\\|b #1 | JetInit |"));
    free(md);
    rdiff_free(&d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_labels_name_release_build_arch_and_dll),
        cmocka_unit_test(test_same_results_in_any_order_agree),
        cmocka_unit_test(test_differing_and_missing_steps_are_rows),
        cmocka_unit_test(test_same_code_other_branch_or_function_differs),
        cmocka_unit_test(test_step_missing_in_the_first_host),
        cmocka_unit_test(test_racy_rows_are_marked_and_counted_apart),
        cmocka_unit_test(test_label_marks_a_run_through_the_shim),
        cmocka_unit_test(test_html_page_has_every_step_escaped_and_linked),
        cmocka_unit_test(test_markdown_escapes_pipes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
