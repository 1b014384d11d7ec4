/* Host facts (core/host.h): which Windows, which Wine, which ESENT DLL answered.
 * Windows-only calls stay behind _WIN32; elsewhere every fact is "unknown" so the
 * portable core still builds and links natively. */
#include "host.h"

#include <stdio.h>
#include <string.h>

#include "cpu_arch.h"
#include "scenario.h"

static void copy_text(char *dst, size_t size, const char *src)
{
    if (size == 0)
        return;
    snprintf(dst, size, "%s", src ? src : "");
}

/* Maps an OS (or system DLL) version to the scenario language's release names.
 * Windows 10 / 11 and their servers share 10.0: the build and the product type decide. */
int host_release_of(uint32_t major, uint32_t minor, uint32_t build, int is_server)
{
    const char *name = NULL;
    if (major == 5 && minor == 1)
        name = "xp";
    else if (major == 5 && minor == 2)
        name = "ws2003";
    else if (major == 6 && minor == 0)
        name = is_server ? "ws2008" : "vista";
    else if (major == 6 && minor == 1)
        name = is_server ? "ws2008r2" : "win7";
    else if (major == 6 && minor == 2)
        name = is_server ? "ws2012" : "win8";
    else if (major == 6 && minor == 3)
        name = is_server ? "ws2012r2" : "win81";
    else if (major == 10 && !is_server)
        name = build >= 22000 ? "win11" : "win10";
    else if (major == 10) {
        if (build >= 26100)
            name = "ws2025";
        else if (build >= 20348)
            name = "ws2022";
        else if (build >= 17763)
            name = "ws2019";
        else if (build >= 14393)
            name = "ws2016";
    }
    return name ? scn_release_index(name) : -1;
}

#ifdef _WIN32
#include <windows.h>

typedef LONG(WINAPI *rtl_get_version_fn)(OSVERSIONINFOEXW *);
typedef const char *(CDECL *wine_get_version_fn)(void);

static void utf16_to_utf8(char *dst, size_t size, const wchar_t *src)
{
    if (size == 0)
        return;
    if (!WideCharToMultiByte(CP_UTF8, 0, src, -1, dst, (int)size, NULL, NULL))
        dst[0] = '\0';
}

static void read_current_version(const wchar_t *value, wchar_t *text, DWORD chars, DWORD *number)
{
    HKEY key;
    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", 0,
                      KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key) != ERROR_SUCCESS)
        return;
    DWORD type = 0, bytes = text ? chars * sizeof(wchar_t) : sizeof *number;
    BYTE *out = text ? (BYTE *)text : (BYTE *)number;
    if (RegQueryValueExW(key, value, NULL, &type, out, &bytes) == ERROR_SUCCESS) {
        if (text && type == REG_SZ && bytes / sizeof(wchar_t) < chars)
            text[bytes / sizeof(wchar_t)] = L'\0';
        else if (text)
            text[0] = L'\0';
    }
    RegCloseKey(key);
}

void host_facts_get(host_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    facts->release = -1;
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    OSVERSIONINFOEXW info;
    memset(&info, 0, sizeof info);
    info.dwOSVersionInfoSize = sizeof info;
    /* GetVersionEx lies without a manifest; RtlGetVersion does not. */
    rtl_get_version_fn rtl_get_version = ntdll ? (rtl_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "RtlGetVersion") : NULL;
    if (rtl_get_version && rtl_get_version(&info) == 0) {
        facts->major = info.dwMajorVersion;
        facts->minor = info.dwMinorVersion;
        facts->build = info.dwBuildNumber;
        facts->is_server = info.wProductType != VER_NT_WORKSTATION;
    }
    wchar_t product[128] = L"";
    read_current_version(L"ProductName", product, 128, NULL);
    utf16_to_utf8(facts->os_name, sizeof facts->os_name, product[0] ? product : L"unknown");
    DWORD ubr = 0;
    read_current_version(L"UBR", NULL, 0, &ubr);
    facts->ubr = ubr;
    copy_text(facts->arch, sizeof facts->arch, esh_cpu_name(ESH_CPU_THIS));
    wine_get_version_fn wine_get_version = ntdll ? (wine_get_version_fn)(void (*)(void))GetProcAddress(ntdll, "wine_get_version") : NULL;
    if (wine_get_version)
        copy_text(facts->wine, sizeof facts->wine, wine_get_version());
    facts->release = host_release_of(facts->major, facts->minor, facts->build, facts->is_server);
}

/* The system's esent.dll: System32, or SysWOW64 for a 32-bit process on 64-bit Windows. */
static int is_system_esent(const wchar_t *path)
{
    wchar_t expected[MAX_PATH];
    UINT n;
#ifndef _WIN64
    BOOL wow64 = FALSE;
    if (IsWow64Process(GetCurrentProcess(), &wow64) && wow64)
        n = GetSystemWow64DirectoryW(expected, MAX_PATH);
    else
#endif
        n = GetSystemDirectoryW(expected, MAX_PATH);
    if (n == 0 || n + 12 >= MAX_PATH)
        return 0;
    wcscat(expected, L"\\esent.dll");
    wchar_t full[MAX_PATH];
    if (!GetFullPathNameW(path, MAX_PATH, full, NULL))
        return 0;
    return CompareStringOrdinal(full, -1, expected, -1, TRUE) == CSTR_EQUAL;
}

static void read_version_resource(const wchar_t *path, dll_facts *facts)
{
    DWORD ignored = 0, size = GetFileVersionInfoSizeW(path, &ignored);
    if (size == 0)
        return;
    void *data = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, size);
    if (!data)
        return;
    if (GetFileVersionInfoW(path, 0, size, data)) {
        VS_FIXEDFILEINFO *fixed = NULL;
        UINT len = 0;
        if (VerQueryValueW(data, L"\\", (void **)&fixed, &len) && fixed && len >= sizeof *fixed)
            snprintf(facts->version, sizeof facts->version, "%lu.%lu.%lu.%lu",
                     (unsigned long)HIWORD(fixed->dwFileVersionMS), (unsigned long)LOWORD(fixed->dwFileVersionMS),
                     (unsigned long)HIWORD(fixed->dwFileVersionLS), (unsigned long)LOWORD(fixed->dwFileVersionLS));
        /* ProductName in the first language/code page the resource lists. */
        struct { WORD language, codepage; } *translation = NULL;
        if (VerQueryValueW(data, L"\\VarFileInfo\\Translation", (void **)&translation, &len) && translation &&
            len >= sizeof *translation) {
            wchar_t query[64];
            wchar_t *product = NULL;
            _snwprintf(query, 64, L"\\StringFileInfo\\%04x%04x\\ProductName", translation->language,
                       translation->codepage);
            query[63] = L'\0';
            if (VerQueryValueW(data, query, (void **)&product, &len) && product && len > 0)
                utf16_to_utf8(facts->product, sizeof facts->product, product);
        }
    }
    HeapFree(GetProcessHeap(), 0, data);
}

void dll_facts_get(void *module, dll_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    copy_text(facts->kind, sizeof facts->kind, "other");
    wchar_t path[MAX_PATH];
    DWORD n = module ? GetModuleFileNameW((HMODULE)module, path, MAX_PATH) : 0;
    if (n == 0 || n >= MAX_PATH) {
        copy_text(facts->path, sizeof facts->path, "unknown");
        return;
    }
    utf16_to_utf8(facts->path, sizeof facts->path, path);
    read_version_resource(path, facts);
    if (is_system_esent(path))
        copy_text(facts->kind, sizeof facts->kind, "system");
    else if (strstr(facts->product, "reference model"))
        copy_text(facts->kind, sizeof facts->kind, "model");
}

#else /* not Windows: nothing to ask */

void host_facts_get(host_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    copy_text(facts->os_name, sizeof facts->os_name, "unknown");
    copy_text(facts->arch, sizeof facts->arch, "unknown");
    facts->release = -1;
}

void dll_facts_get(void *module, dll_facts *facts)
{
    (void)module;
    memset(facts, 0, sizeof *facts);
    copy_text(facts->path, sizeof facts->path, "unknown");
    copy_text(facts->kind, sizeof facts->kind, "other");
}

#endif
