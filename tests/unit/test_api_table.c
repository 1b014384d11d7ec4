/* The ESENT API table: complete, ordered, and consistent with the reference export list. */
#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"

static void test_every_export_is_found_by_name(void **state)
{
    (void)state;
    assert_int_equal(API_COUNT, 384);
    for (int i = 0; i < API_COUNT; i++) {
        const api_function *fn = api_find(api_functions[i].name);
        assert_non_null(fn);
        assert_ptr_equal(fn, &api_functions[i]);
    }
    assert_null(api_find("JetNoSuchFunction"));
    assert_null(api_find(""));
}

static void test_stack_bytes_agree_with_the_parameters(void **state)
{
    (void)state;
    int with_proto = 0;
    for (int i = 0; i < API_COUNT; i++) {
        const api_function *fn = &api_functions[i];
        if (!fn->has_proto)
            continue;
        with_proto++;
        if (fn->computed_x86_bytes != fn->x86_bytes)
            fail_msg("%s: x86 bytes %u, parameters sum to %u", fn->name, fn->x86_bytes, fn->computed_x86_bytes);
    }
    /* 294 of the 303 export targets have a prototype; aliases share their target's. */
    assert_true(with_proto >= 294 + 81 - 2);
}

static void test_aliases_point_at_the_A_function(void **state)
{
    (void)state;
    const api_function *fn = api_find("JetOpenFile");
    assert_non_null(fn);
    assert_string_equal(api_functions[fn->target].name, "JetOpenFileA");
    assert_ptr_equal(api_params_of(fn), api_params_of(api_find("JetOpenFileA")));
    fn = api_find("JetGetLogInfoInstance");
    assert_string_equal(api_functions[fn->target].name, "JetGetLogInfoInstanceA");
    fn = api_find("JetStopBackupInstance");
    assert_int_equal(fn->target, fn - api_functions);
}

static void test_backup_calls_have_typed_parameters(void **state)
{
    (void)state;
    const api_function *fn = api_find("JetReadFileInstance");
    const api_param *p = api_params_of(fn);
    assert_int_equal(fn->nparams, 5);
    assert_int_equal(fn->x86_bytes, 20);
    assert_int_equal(p[0].kind, API_KIND_INSTANCE);
    assert_int_equal(p[1].kind, API_KIND_HANDLE);
    assert_int_equal(p[2].kind, API_KIND_BUF);
    assert_int_equal(p[2].dir, API_DIR_OUT);
    assert_int_equal(p[2].size_index, 3);
    assert_int_equal(p[2].actual_index, 4);
    assert_int_equal(p[4].kind, API_KIND_ULONG);
    assert_int_equal(p[4].dir, API_DIR_OUT);

    fn = api_find("JetEndExternalBackupInstance2");
    p = api_params_of(fn);
    assert_int_equal(p[1].kind, API_KIND_GRBIT);
    assert_true(p[1].grbit_family >= 0);

    fn = api_find("JetCreateInstanceW");
    p = api_params_of(fn);
    assert_int_equal(p[0].kind, API_KIND_INSTANCE);
    assert_int_equal(p[0].dir, API_DIR_OUT);
    assert_int_equal(p[1].kind, API_KIND_STR_W);

    fn = api_find("JetStopServiceInstance2"); /* absent from MinGW's esent.h */
    assert_non_null(fn);
    assert_int_equal(fn->x86_bytes, 8);
    assert_int_equal(fn->jet_version, 0x602);
    assert_non_null(api_find("JetInit4W"));
}

static void test_a_64_bit_parameter_takes_two_x86_slots(void **state)
{
    (void)state;
    const api_function *fn = api_find("JetOpenFileSectionInstanceW");
    assert_int_equal(fn->x86_bytes, 36);
    assert_int_equal(fn->nparams, 8);
    unsigned slots = 0;
    for (unsigned i = 0; i < fn->nparams; i++)
        slots += api_param_slots(&api_params_of(fn)[i]);
    assert_int_equal(slots, api_slot_count(fn));
}

/* Every row of ../shared/reference/esent-exports.tsv, where the reference is present. */
static void test_table_matches_the_reference_export_list(void **state)
{
    (void)state;
    const char *dir = getenv("ESH_REFERENCE_DIR");
    char path[1024], line[512];
    int rows = 0;
    FILE *f;
    if (!dir) {
        skip();
    }
    snprintf(path, sizeof path, "%s/esent-exports.tsv", dir);
    f = fopen(path, "r");
    if (!f) {
        print_message("reference %s not readable; skipped\n", path);
        skip();
    }
    while (fgets(line, sizeof line, f)) {
        char name[256], alias[256], twin[16];
        unsigned bytes;
        const api_function *fn;
        if (line[0] == '#')
            continue;
        if (sscanf(line, "%255[^\t]\t%u\t%255[^\t]\t%15[^\t]", name, &bytes, alias, twin) != 4)
            fail_msg("%s: malformed row: %s", path, line);
        fn = api_find(name);
        if (!fn)
            fail_msg("%s is in the reference but not in the API table", name);
        if (fn->x86_bytes != bytes)
            fail_msg("%s: table says %u x86 bytes, reference %u", name, fn->x86_bytes, bytes);
        assert_int_equal(fn->x86_twin, strcmp(twin, "yes") == 0);
        assert_string_equal(api_functions[fn->target].name, strcmp(alias, "-") == 0 ? name : alias);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, API_COUNT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_export_is_found_by_name),
        cmocka_unit_test(test_stack_bytes_agree_with_the_parameters),
        cmocka_unit_test(test_aliases_point_at_the_A_function),
        cmocka_unit_test(test_backup_calls_have_typed_parameters),
        cmocka_unit_test(test_a_64_bit_parameter_takes_two_x86_slots),
        cmocka_unit_test(test_table_matches_the_reference_export_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
