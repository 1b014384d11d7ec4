/* JetGetVersion as the API wants it: with a session of an initialised instance (ESE answers
 * a null session with an error). Runs in the __facts child, in a throw-away folder, with
 * recovery off, so the DLL's files never land in the user's folder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <windows.h>

#include "jet_codes.h"
#include "run.h"

typedef long(WINAPI *create_instance_fn)(uintptr_t *, const char *);
typedef long(WINAPI *set_parameter_fn)(uintptr_t *, uintptr_t, unsigned long, uintptr_t, const char *);
typedef long(WINAPI *init_fn)(uintptr_t *);
typedef long(WINAPI *begin_session_fn)(uintptr_t, uintptr_t *, const char *, const char *);
typedef long(WINAPI *get_version_fn)(uintptr_t, unsigned long *);
typedef long(WINAPI *end_session_fn)(uintptr_t, unsigned long);
typedef long(WINAPI *term_fn)(uintptr_t);

#define FIND(module, type, name) ((type)(void (*)(void))GetProcAddress((HMODULE)(module), name))

static void remove_files(const wchar_t *dir)
{
    wchar_t pattern[MAX_PATH + 4], path[MAX_PATH + 260];
    WIN32_FIND_DATAW found;
    _snwprintf(pattern, MAX_PATH + 4, L"%s\\*", dir);
    pattern[MAX_PATH + 3] = L'\0';
    HANDLE h = FindFirstFileW(pattern, &found);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                continue;
            _snwprintf(path, MAX_PATH + 260, L"%s\\%s", dir, found.cFileName);
            path[MAX_PATH + 259] = L'\0';
            DeleteFileW(path);
        } while (FindNextFileW(h, &found));
        FindClose(h);
    }
    RemoveDirectoryW(dir);
}

/* The steps with the instance and session made; 0 and VERSION when JetGetVersion answered. */
static int version_with_session(void *module, unsigned long *version)
{
    create_instance_fn create = FIND(module, create_instance_fn, "JetCreateInstanceA");
    set_parameter_fn set = FIND(module, set_parameter_fn, "JetSetSystemParameterA");
    init_fn init = FIND(module, init_fn, "JetInit");
    begin_session_fn begin = FIND(module, begin_session_fn, "JetBeginSessionA");
    get_version_fn get = FIND(module, get_version_fn, "JetGetVersion");
    end_session_fn end = FIND(module, end_session_fn, "JetEndSession");
    term_fn term = FIND(module, term_fn, "JetTerm");
    const jet_named_value *recovery = jet_param_by_name("JET_paramRecovery");
    uintptr_t instance = 0, session = 0;
    int rc = -1;
    if (!create || !init || !begin || !get || !term)
        return -1;
    if (create(&instance, "esent-harness-facts") != 0)
        return -1;
    if (set && recovery)
        set(&instance, 0, recovery->value, 0, "Off");
    if (init(&instance) == 0 && begin(instance, &session, NULL, NULL) == 0) {
        rc = get(session, version) == 0 ? 0 : -1;
        if (end)
            end(session, 0);
    }
    term(instance);
    return rc;
}

int probe_jet_version(void *module, unsigned long *version)
{
    wchar_t temp[MAX_PATH], dir[MAX_PATH + 40], previous[MAX_PATH];
    DWORD n = GetTempPathW(MAX_PATH, temp);
    int rc = -1;
    if (n == 0 || n >= MAX_PATH || GetCurrentDirectoryW(MAX_PATH, previous) == 0)
        return -1;
    _snwprintf(dir, MAX_PATH + 40, L"%sesh-facts-%lu", temp, (unsigned long)GetCurrentProcessId());
    dir[MAX_PATH + 39] = L'\0';
    if (CreateDirectoryW(dir, NULL) && SetCurrentDirectoryW(dir)) {
        rc = version_with_session(module, version);
        SetCurrentDirectoryW(previous);
    }
    remove_files(dir);
    return rc;
}
