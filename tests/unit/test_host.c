/* Host facts (core/host.c): the release mapping everywhere; on Windows (Wine) the facts
 * of this process's OS and of loaded modules. */
#include "esh_test.h"

#include <string.h>

#include "cpu_arch.h"
#include "host.h"
#include "scenario.h"

#ifdef _WIN32
#include <windows.h>
#endif

static void expect_release(uint32_t major, uint32_t minor, uint32_t build, int server, const char *name)
{
    int got = host_release_of(major, minor, build, server);
    if (!name) {
        assert_int_equal(got, -1);
        return;
    }
    assert_true(got >= 0);
    assert_string_equal(scn_release_name(got), name);
}

static void test_release_mapping(void **state)
{
    (void)state;
    expect_release(5, 1, 2600, 0, "xp");
    expect_release(5, 2, 3790, 1, "ws2003");
    expect_release(6, 0, 6002, 0, "vista");
    expect_release(6, 0, 6002, 1, "ws2008");
    expect_release(6, 1, 7601, 0, "win7");
    expect_release(6, 1, 7601, 1, "ws2008r2");
    expect_release(6, 2, 9200, 0, "win8");
    expect_release(6, 2, 9200, 1, "ws2012");
    expect_release(6, 3, 9600, 0, "win81");
    expect_release(6, 3, 9600, 1, "ws2012r2");
    expect_release(10, 0, 19045, 0, "win10");
    expect_release(10, 0, 21999, 0, "win10");
    expect_release(10, 0, 22000, 0, "win11");
    expect_release(10, 0, 26100, 0, "win11");
    expect_release(10, 0, 14393, 1, "ws2016");
    expect_release(10, 0, 17763, 1, "ws2019");
    expect_release(10, 0, 20348, 1, "ws2022");
    expect_release(10, 0, 26100, 1, "ws2025");
    expect_release(10, 0, 10240, 1, NULL); /* no server release before 2016 on 10.0 */
    expect_release(4, 0, 1381, 0, NULL);
}

#ifdef _WIN32
/* The arch this process runs as, read from the machine field of its own image: a source
 * independent of the compiler macros host.c decides by, valid on every arch. */
static const char *arch_of_this_image(void)
{
    const unsigned char *base = (const unsigned char *)GetModuleHandleW(NULL);
    const IMAGE_DOS_HEADER *dos = (const IMAGE_DOS_HEADER *)base;
    const IMAGE_NT_HEADERS *nt = (const IMAGE_NT_HEADERS *)(base + dos->e_lfanew);
    switch (nt->FileHeader.Machine) {
    case 0x8664: return "x64";   /* IMAGE_FILE_MACHINE_AMD64 */
    case 0x014c: return "x86";   /* IMAGE_FILE_MACHINE_I386 */
    case 0xaa64: return "arm64"; /* IMAGE_FILE_MACHINE_ARM64 */
    default: return "unknown";
    }
}
#endif

static void test_host_facts(void **state)
{
    (void)state;
    host_facts facts;
    host_facts_get(&facts);
#ifdef _WIN32
    assert_string_equal(facts.arch, arch_of_this_image());
    assert_true(facts.major >= 5);
    assert_true(facts.build > 0);
    assert_true(facts.os_name[0] != '\0');
    assert_int_equal(facts.release, host_release_of(facts.major, facts.minor, facts.build, facts.is_server));
    /* Wine is detected through ntdll's wine_get_version. */
    int under_wine = GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version") != NULL;
    assert_int_equal(facts.wine[0] != '\0', under_wine);
#else
    assert_string_equal(facts.os_name, "unknown");
    assert_int_equal(facts.release, -1);
#endif
}

/* The arch table for every processor, whichever one runs the test: arm64's name and its
 * barriers (the shim's lock-free readers) are checked on x64 and x86 hosts too. */
static void test_cpu_table(void **state)
{
    (void)state;
    assert_string_equal(esh_cpu_name(ESH_CPU_ARM64), "arm64");
    assert_string_equal(esh_cpu_name(ESH_CPU_X64), "x64");
    assert_string_equal(esh_cpu_name(ESH_CPU_X86), "x86");
    assert_string_equal(esh_cpu_name(ESH_CPU_OTHER), "unknown");
    /* Weakly ordered arm64, and any processor not known to be x86/x64, reads with barriers. */
    assert_false(ESH_CPU_LOADS_ACQUIRE(ESH_CPU_ARM64));
    assert_false(ESH_CPU_LOADS_ACQUIRE(ESH_CPU_OTHER));
    assert_true(ESH_CPU_LOADS_ACQUIRE(ESH_CPU_X64));
    assert_true(ESH_CPU_LOADS_ACQUIRE(ESH_CPU_X86));
    /* The recorder publishes a record by storing its first word last: arm64 needs a barrier. */
    assert_false(ESH_CPU_STORES_RELEASE(ESH_CPU_ARM64));
    assert_false(ESH_CPU_STORES_RELEASE(ESH_CPU_OTHER));
    assert_true(ESH_CPU_STORES_RELEASE(ESH_CPU_X64));
    assert_true(ESH_CPU_STORES_RELEASE(ESH_CPU_X86));
    /* This build's processor is one of the table's, and 64-bit ones have 8-byte pointers. */
    int cpu = ESH_CPU_THIS;
    assert_true(cpu == ESH_CPU_X86 || cpu == ESH_CPU_X64 || cpu == ESH_CPU_ARM64 || cpu == ESH_CPU_OTHER);
    if (cpu == ESH_CPU_X64 || cpu == ESH_CPU_ARM64)
        assert_int_equal(sizeof(void *), 8);
    if (cpu == ESH_CPU_X86)
        assert_int_equal(sizeof(void *), 4);
}

static void test_dll_facts(void **state)
{
    (void)state;
    dll_facts facts;
#ifdef _WIN32
    dll_facts_get(GetModuleHandleW(L"kernel32.dll"), &facts);
    assert_non_null(strstr(facts.path, "kernel32"));
    assert_string_equal(facts.kind, "other");
    assert_true(facts.version[0] != '\0'); /* from its version resource */
    /* System32's esent.dll (Wine's stub, or Windows' own) is the system DLL. */
    wchar_t path[MAX_PATH];
    UINT n = GetSystemDirectoryW(path, MAX_PATH - 12);
    assert_true(n > 0);
    wcscat(path, L"\\esent.dll");
    HMODULE esent = LoadLibraryW(path);
    if (esent) {
        dll_facts_get(esent, &facts);
        assert_string_equal(facts.kind, "system"); /* Wine's stub has no version resource */
        FreeLibrary(esent);
    }
    dll_facts_get(NULL, &facts);
    assert_string_equal(facts.path, "unknown");
#else
    dll_facts_get(NULL, &facts);
    assert_string_equal(facts.kind, "other");
#endif
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_mapping),
        cmocka_unit_test(test_host_facts),
        cmocka_unit_test(test_cpu_table),
        cmocka_unit_test(test_dll_facts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
