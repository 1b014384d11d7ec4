/* Finding and loading the real ESENT.dll. Runs inside the shim's init-once on the first
 * call into any export, never in DllMain (LoadLibrary under the loader lock can deadlock). */
#include <windows.h>

#include <stdio.h>

#include "shim_warn.h"
#include "target.h"

static HMODULE loaded;
static wchar_t requested[MAX_PATH * 2];
static FARPROC functions[API_COUNT];

/* A fully qualified path: "C:\..." or a UNC / device path "\\...". "\dir", "C:dir" and
 * "dir" depend on the current drive or directory, so a relative override is refused. */
static int is_absolute(const wchar_t *path)
{
    if (((path[0] >= L'A' && path[0] <= L'Z') || (path[0] >= L'a' && path[0] <= L'z')) && path[1] == L':' &&
        (path[2] == L'\\' || path[2] == L'/'))
        return 1;
    return (path[0] == L'\\' || path[0] == L'/') && (path[1] == L'\\' || path[1] == L'/');
}

/* Whether two paths name the same file (volume serial number and file index), so a
 * target that is the shim under another name or through a link is caught before it loads. */
static int same_file(const wchar_t *a, const wchar_t *b)
{
    BY_HANDLE_FILE_INFORMATION ia, ib;
    int same = 0;
    HANDLE ha = CreateFileW(a, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                            FILE_FLAG_BACKUP_SEMANTICS, NULL);
    HANDLE hb = CreateFileW(b, 0, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL, OPEN_EXISTING,
                            FILE_FLAG_BACKUP_SEMANTICS, NULL);
    if (ha != INVALID_HANDLE_VALUE && hb != INVALID_HANDLE_VALUE && GetFileInformationByHandle(ha, &ia) &&
        GetFileInformationByHandle(hb, &ib))
        same = ia.dwVolumeSerialNumber == ib.dwVolumeSerialNumber && ia.nFileIndexHigh == ib.nFileIndexHigh &&
               ia.nFileIndexLow == ib.nFileIndexLow;
    if (ha != INVALID_HANDLE_VALUE)
        CloseHandle(ha);
    if (hb != INVALID_HANDLE_VALUE)
        CloseHandle(hb);
    return same;
}

/* Fills `requested`; returns 0 (after warning) when the configuration is refused. */
static int choose_path(void)
{
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_TARGET", requested, (DWORD)(sizeof requested / sizeof requested[0]));
    if (n >= sizeof requested / sizeof requested[0]) {
        requested[0] = L'\0';
        shim_warn("ESENTSHIM_TARGET is too long; no target loaded, every call returns "
                  "JET_errFeatureNotAvailable (-1001)");
        return 0;
    }
    if (n > 0) {
        if (!is_absolute(requested)) {
            shim_warn_path("ESENTSHIM_TARGET must be an absolute path; refused, no target loaded, every call returns "
                           "JET_errFeatureNotAvailable (-1001): ", requested);
            return 0;
        }
        return 1;
    }
    /* The system's own DLL by absolute path. A 32-bit process on 64-bit Windows is
     * redirected from System32 to SysWOW64 as usual. */
    UINT len = GetSystemDirectoryW(requested, MAX_PATH);
    if (len == 0 || len >= MAX_PATH) {
        lstrcpyW(requested, L"%SystemRoot%\\System32\\esent.dll");
        shim_warn("GetSystemDirectoryW failed; no target loaded, every call returns "
                  "JET_errFeatureNotAvailable (-1001)");
        return 0;
    }
    lstrcatW(requested, L"\\esent.dll");
    return 1;
}

void target_load(HMODULE shim_module)
{
    wchar_t own[MAX_PATH * 2];
    if (!choose_path())
        return;
    DWORD own_len = GetModuleFileNameW(shim_module, own, (DWORD)(sizeof own / sizeof own[0]));
    if (own_len > 0 && own_len < sizeof own / sizeof own[0] && same_file(own, requested)) {
        shim_warn_path("the target is the shim itself (set ESENTSHIM_TARGET to the real ESENT.dll); refused, every "
                       "call returns JET_errFeatureNotAvailable (-1001): ", requested);
        return;
    }
    /* An absolute path with the altered search path: the target's own imports resolve
     * beside it, not beside the host. */
    HMODULE module = LoadLibraryExW(requested, NULL, LOAD_WITH_ALTERED_SEARCH_PATH);
    if (module == NULL) {
        shim_warn_path("cannot load the target; every call returns JET_errFeatureNotAvailable (-1001): ", requested);
        return;
    }
    if (module == shim_module) {
        /* The loader matched the name to the already loaded shim (a drop-in esent.dll). */
        FreeLibrary(module);
        shim_warn_path("the target resolved to the shim itself; refused, every call returns "
                       "JET_errFeatureNotAvailable (-1001): ", requested);
        return;
    }
    int missing = 0, total = 0;
    const char *first_missing = NULL;
    for (int id = 0; id < API_COUNT; id++) {
        const api_function *fn = &api_functions[id];
        /* An alias behaves as its target, so the target's function is looked up by the
         * aliased name. */
        functions[id] = GetProcAddress(module, api_functions[fn->target].name);
        if (fn->target == id && fn->has_proto) { /* the documented functions, once each */
            total++;
            if (functions[id] == NULL && missing++ == 0)
                first_missing = fn->name;
        }
    }
    loaded = module;
    if (missing > 0) {
        /* An older ESENT.dll: said once here; each such call is recorded as `unresolved`. */
        char message[300];
        snprintf(message, sizeof message,
                 "the target lacks %d of the %d ESENT functions (%.64s ...); those calls return "
                 "JET_errFeatureNotAvailable (-1001) without reaching it: ",
                 missing, total, first_missing);
        shim_warn_path(message, requested);
    }
}

FARPROC target_function(api_id id)
{
    return functions[id];
}

HMODULE target_module(void)
{
    return loaded;
}

const wchar_t *target_path(void)
{
    return requested;
}
