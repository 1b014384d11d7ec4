/* Reading the scenarios `run` and `list` work on. Without paths: the `scenarios` folder
 * beside esent-harness.exe (an installed or packaged harness), else the source tree's
 * scenarios folder this binary was built from (ESH_SOURCE_SCENARIOS, a development build). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "run.h"
#include "win_text.h"

static char *beside_exe(const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, path, MAX_PATH);
    if (n == 0 || n >= MAX_PATH)
        return NULL;
    wchar_t *slash = wcsrchr(path, L'\\');
    if (!slash || (size_t)(slash - path) + wcslen(name) + 2 >= MAX_PATH)
        return NULL;
    wcscpy(slash + 1, name);
    DWORD attributes = GetFileAttributesW(path);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
        return NULL;
    return wide_to_utf8(path);
}

/* A path that yields no scenario is refused: a mistyped folder must not make a green run. */
static int found_some(const scn_suite *suite, size_t before, const char *path)
{
    if (suite->nscenarios > before)
        return 0;
    fprintf(stderr, "%s: error: no scenario found (expected a .scn file with a `scenario` block, or a folder of them)\n",
            path);
    return -1;
}

int suite_load(scn_suite *suite, int npaths, char **paths)
{
    scn_error err;
    char message[700];
    if (npaths == 0) {
        char *bundled = beside_exe(L"scenarios");
#ifdef ESH_SOURCE_SCENARIOS
        const char *fallback = ESH_SOURCE_SCENARIOS;
#else
        const char *fallback = NULL;
#endif
        const char *dir = bundled ? bundled : fallback;
        if (!dir) {
            fprintf(stderr, "esent-harness: no scenarios folder beside the exe; name FILE or DIR\n");
            return -1;
        }
        int rc = scn_parse_path(suite, dir, &err);
        if (rc != 0) {
            scn_error_format(&err, message, sizeof message);
            fprintf(stderr, "%s\n", message);
        } else
            rc = found_some(suite, 0, dir);
        free(bundled);
        return rc;
    }
    for (int i = 0; i < npaths; i++) {
        size_t before = suite->nscenarios;
        if (scn_parse_path(suite, paths[i], &err) != 0) {
            scn_error_format(&err, message, sizeof message);
            fprintf(stderr, "%s\n", message);
            return -1;
        }
        if (found_some(suite, before, paths[i]) != 0)
            return -1;
    }
    return 0;
}
