/* Warnings go straight to the stderr handle with WriteFile (the host may have no CRT
 * console streams, and the shim must not depend on its stdio state) and to
 * OutputDebugString, which is what a debugger or DebugView shows for a GUI host. */
#include <windows.h>

#include <stdio.h>

#include "shim_warn.h"

static void emit(const char *text, DWORD length)
{
    HANDLE err = GetStdHandle(STD_ERROR_HANDLE);
    DWORD written;
    if (err != NULL && err != INVALID_HANDLE_VALUE)
        WriteFile(err, text, length, &written, NULL);
    OutputDebugStringA(text);
}

void shim_warn_path(const char *message, const wchar_t *path)
{
    char line[1200];
    int n = snprintf(line, sizeof line, "esentshim: %.400s", message);
    if (path != NULL) {
        int m = WideCharToMultiByte(CP_UTF8, 0, path, -1, line + n, (int)sizeof line - n - 2, NULL, NULL);
        if (m > 0)
            n += m - 1;
    }
    line[n++] = '\n';
    line[n] = '\0';
    emit(line, (DWORD)n);
}

void shim_warn(const char *message)
{
    shim_warn_path(message, NULL);
}
