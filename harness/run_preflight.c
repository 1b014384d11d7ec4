/* What `run` checks before the first scenario, so that bad input costs no run: the DLL is
 * an ESENT (it exports the core functions), and every output can be written. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "api.h"
#include "run.h"
#include "win_text.h"

/* CREATES: only an instance the function writes and never reads (a new one). */
static int takes_instance(const api_function *fn, int creates)
{
    const api_param *params = api_params_of(fn);
    for (unsigned i = 0; i < fn->nparams; i++)
        if (params[i].kind == API_KIND_INSTANCE && (!creates || params[i].dir == API_DIR_OUT))
            return 1;
    return 0;
}

/* JET_VERSION of the first ESENT (Windows 2000), and of Windows XP's. */
enum { JET_VERSION_FIRST = 0x500, JET_VERSION_XP = 0x501 };

/* ESENT's core functions, from the API table: the public functions of the first ESENT that
 * take an instance (JetInit, JetTerm, JetBeginSession ...), and the ones up to Windows XP's
 * that create one (JetCreateInstance ...). */
static int is_core(const api_function *fn)
{
    if (!fn->is_public || !fn->has_proto || &api_functions[fn->target] != fn || fn->jet_version == 0)
        return 0;
    if (fn->jet_version <= JET_VERSION_FIRST)
        return takes_instance(fn, 0);
    return fn->jet_version <= JET_VERSION_XP && takes_instance(fn, 1);
}

int preflight_exports(const char *path, char *err, size_t errsize)
{
    wchar_t *wide = utf8_to_wide(path);
    /* Only the export table is read: no DllMain runs, no import is resolved. */
    HMODULE module = wide ? LoadLibraryExW(wide, NULL, DONT_RESOLVE_DLL_REFERENCES) : NULL;
    free(wide);
    if (!module)
        return 0; /* another architecture, say: the facts child reports why it cannot load it */
    size_t used = 0, missing = 0, core = 0;
    err[0] = '\0';
    for (size_t i = 0; i < API_COUNT; i++) {
        const api_function *fn = &api_functions[i];
        if (!is_core(fn))
            continue;
        core++;
        if (GetProcAddress(module, fn->name))
            continue;
        missing++;
        if (used < errsize) {
            int n = snprintf(err + used, errsize - used, "%s%s", missing > 1 ? ", " : "", fn->name);
            used += n > 0 ? (size_t)n : 0;
        }
    }
    FreeLibrary(module);
    if (!missing)
        return 0;
    char *names = _strdup(err);
    snprintf(err, errsize,
             "%s is not an ESENT: it lacks %lu of ESENT's %lu core functions (%s); "
             "expected --esent to name esent.dll or a DLL with its exports (esentmodel.dll)",
             path, (unsigned long)missing, (unsigned long)core, names ? names : "?");
    free(names);
    return -1;
}

/* A file that may not exist yet: it is created and removed again, or opened to append. */
int preflight_file(const char *option, const char *path, char *err, size_t errsize)
{
    wchar_t *wide = utf8_to_wide(path);
    DWORD attributes = wide ? GetFileAttributesW(wide) : INVALID_FILE_ATTRIBUTES;
    int ok = 0;
    if (wide && attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY)) {
        snprintf(err, errsize, "%s %s: is a folder (expected a file to write)", option, path);
        free(wide);
        return -1;
    }
    if (wide) {
        HANDLE h = CreateFileW(wide, GENERIC_WRITE, FILE_SHARE_READ, NULL,
                               attributes == INVALID_FILE_ATTRIBUTES ? CREATE_NEW : OPEN_EXISTING,
                               FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE) {
            CloseHandle(h);
            if (attributes == INVALID_FILE_ATTRIBUTES)
                DeleteFileW(wide);
            ok = 1;
        }
    }
    if (!ok)
        snprintf(err, errsize, "%s %s: cannot write this file (error %lu; expected a writable path in an existing folder)",
                 option, path, (unsigned long)GetLastError());
    free(wide);
    return ok ? 0 : -1;
}

/* A folder the run writes into: created when absent if CREATE (as the run would), else it
 * must exist (a mistyped --traces must not scatter traces); a probe file shows that it takes
 * files. */
int preflight_folder(const char *option, const char *path, int create, char *err, size_t errsize)
{
    wchar_t *wide = utf8_to_wide(path);
    int ok = 0;
    DWORD error = 0;
    if (wide && !create) {
        DWORD attributes = GetFileAttributesW(wide);
        if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY)) {
            snprintf(err, errsize, "%s %s: %s", option, path,
                     attributes == INVALID_FILE_ATTRIBUTES ? "no such folder (create it first)" : "not a folder");
            free(wide);
            return -1;
        }
    }
    if (wide) {
        if (create)
            CreateDirectoryW(wide, NULL);
        size_t need = wcslen(wide) + 40;
        wchar_t *probe = malloc(need * sizeof *probe);
        if (probe) {
            _snwprintf(probe, need, L"%s\\esh-probe-%lu.tmp", wide, (unsigned long)GetCurrentProcessId());
            probe[need - 1] = L'\0';
            HANDLE h = CreateFileW(probe, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                                   FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
            error = GetLastError();
            if (h != INVALID_HANDLE_VALUE) {
                CloseHandle(h);
                ok = 1;
            }
            free(probe);
        }
        free(wide);
    }
    if (!ok)
        snprintf(err, errsize, "%s %s: cannot create files in this folder (error %lu; expected a writable folder)",
                 option, path, (unsigned long)error);
    return ok ? 0 : -1;
}

/* PATH of a file beside esent-harness.exe, or in the build tree's DIR beside the harness's. */
int preflight_find_beside(const wchar_t *file, const wchar_t *build_dir, char *out, size_t size)
{
    wchar_t exe[MAX_PATH], candidate[MAX_PATH + 64], full[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
    wchar_t *slash = n && n < MAX_PATH ? wcsrchr(exe, L'\\') : NULL;
    if (!slash)
        return -1;
    slash[0] = L'\0';
    for (int i = 0; i < 2; i++) {
        if (i == 0)
            _snwprintf(candidate, MAX_PATH + 64, L"%s\\%s", exe, file);
        else if (build_dir)
            _snwprintf(candidate, MAX_PATH + 64, L"%s\\..\\%s\\%s", exe, build_dir, file);
        else
            break;
        candidate[MAX_PATH + 63] = L'\0';
        DWORD m = GetFullPathNameW(candidate, MAX_PATH, full, NULL);
        if (m == 0 || m >= MAX_PATH || GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
            continue;
        char *utf8 = wide_to_utf8(full);
        if (!utf8)
            return -1;
        snprintf(out, size, "%s", utf8);
        free(utf8);
        return 0;
    }
    return -1;
}
