/* The explicit deployment: a host (the harness) loads esentshim.dll by path and calls its
 * exports through GetProcAddress. Also measures the per-call cost of the three paths (the
 * target called directly, through the shim with recording off, and on), printed for the
 * log; the measurement issue sets the limits, so only sanity is asserted here. Two copies
 * of the shim give two independent instances in one process, one with recording off. */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "esh_test.h"
#include "shim_test_util.h"

typedef uintptr_t JET_API_PTR;
typedef long(WINAPI *create_instance_fn)(JET_API_PTR *, const char *);
typedef long(WINAPI *get_parameter_fn)(JET_API_PTR, JET_API_PTR, unsigned long, JET_API_PTR *, char *, unsigned long);
typedef long(WINAPI *term_fn)(JET_API_PTR);

static wchar_t dir[MAX_PATH];

static HMODULE load_copy(const wchar_t *name)
{
    wchar_t from[MAX_PATH], to[MAX_PATH];
    test_path(from, MAX_PATH, L"esentshim.dll");
    _snwprintf(to, MAX_PATH, L"%ls\\%ls", dir, name);
    assert_true(CopyFileW(from, to, FALSE));
    HMODULE module = LoadLibraryW(to);
    assert_non_null(module);
    return module;
}

static FARPROC must_get(HMODULE module, const char *name)
{
    FARPROC f = GetProcAddress(module, name);
    if (f == NULL)
        fprintf(stderr, "missing export %s\n", name);
    assert_non_null(f);
    return f;
}

/* Nanoseconds per call of JetGetSystemParameterA through F. */
static double time_calls(get_parameter_fn f, int calls)
{
    LARGE_INTEGER frequency, start, end;
    JET_API_PTR value = 0;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    for (int i = 0; i < calls; i++)
        assert_int_equal(f(1, 0, (unsigned long)i, &value, NULL, 0), 0);
    QueryPerformanceCounter(&end);
    assert_int_equal(value, (JET_API_PTR)(calls - 1) * 10);
    return (double)(end.QuadPart - start.QuadPart) * 1e9 / (double)frequency.QuadPart / calls;
}

static void test_explicit_load(void **state)
{
    wchar_t target[MAX_PATH], trace[MAX_PATH];
    (void)state;
    test_fresh_dir(dir, MAX_PATH, L"explicit");
    test_path(target, MAX_PATH, L"fake_esent.dll");
    test_setenv(L"ESENTSHIM_TARGET", target);

    /* Recording off: forwarding only. */
    test_setenv(L"ESENTSHIM_TRACE", L"off");
    HMODULE off = load_copy(L"esentshim-off.dll");
    /* The alias is the A function's export. */
    assert_ptr_equal(must_get(off, "JetCreateInstance"), must_get(off, "JetCreateInstanceA"));
    create_instance_fn create_off = (create_instance_fn)(void (*)(void))must_get(off, "JetCreateInstanceA");
    JET_API_PTR instance = 0;
    assert_int_equal(create_off(&instance, "explicit"), 0);
    assert_int_equal(instance & ~(JET_API_PTR)0xfff, 0x51000);

    /* Recording on, in a second copy of the shim. */
    _snwprintf(trace, MAX_PATH, L"%ls\\explicit.trace.scn", dir);
    test_setenv(L"ESENTSHIM_TRACE", trace);
    HMODULE on = load_copy(L"esentshim-on.dll");
    create_instance_fn create_on = (create_instance_fn)(void (*)(void))must_get(on, "JetCreateInstanceA");
    term_fn term_on = (term_fn)(void (*)(void))must_get(on, "JetTerm");
    assert_int_equal(create_on(&instance, "recorded"), 0);
    assert_int_equal(term_on(instance), 0);

    /* Per-call cost. */
    HMODULE fake = LoadLibraryW(target);
    assert_non_null(fake);
    get_parameter_fn direct = (get_parameter_fn)(void (*)(void))must_get(fake, "JetGetSystemParameterA");
    get_parameter_fn via_off = (get_parameter_fn)(void (*)(void))must_get(off, "JetGetSystemParameterA");
    get_parameter_fn via_on = (get_parameter_fn)(void (*)(void))must_get(on, "JetGetSystemParameterA");
    double ns_direct = time_calls(direct, 200000);
    double ns_off = time_calls(via_off, 200000);
    double ns_on = time_calls(via_on, 20000);
    printf("per call: direct %.1f ns, shim recording off %.1f ns, shim recording on %.1f ns\n", ns_direct, ns_off,
           ns_on);
    assert_true(ns_off > 0 && ns_on > 0);

    /* Unloading ends the recording with `end`. */
    FreeLibrary(on);
    char *text = test_read_file(trace);
    assert_non_null(text);
    assert_non_null(strstr(text, "JetCreateInstanceA(&inst1, \"recorded\") -> JET_errSuccess (0)   # seq=1 "));
    assert_non_null(strstr(text, "JetTerm($inst1) -> JET_errSuccess (0)   # seq=2 "));
    assert_int_equal(test_count_lines(text, "JetGetSystemParameterA("), 20000);
    size_t len = strlen(text);
    assert_true(len > 4 && strcmp(text + len - 4, "end\n") == 0);
    free(text);
    FreeLibrary(off);
    FreeLibrary(fake);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_explicit_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
