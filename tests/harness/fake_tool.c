/* Stands in for gcc.exe, cmake.exe and ctest.exe (named by its own file name) so that
 * build.bat's MinGW path runs under Wine: appends "FOLDER/TOOL ARGS" to %FAKE_TOOL_LOG%
 * (FOLDER: mingw64 or mingw32); gcc answers -dumpmachine by that folder; `cmake --build DIR`
 * leaves DIR\harness\esent-harness.exe for build.bat to list; exits 1 when %FAKE_TOOL_FAIL%
 * names the tool. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

static const char *tool_name(const char *argv0, char *buf, size_t size)
{
    const char *base = argv0;
    for (const char *p = argv0; *p; p++)
        if (*p == '\\' || *p == '/')
            base = p + 1;
    snprintf(buf, size, "%s", base);
    char *dot = strrchr(buf, '.');
    if (dot)
        *dot = '\0';
    return buf;
}

int main(int argc, char **argv)
{
    char name[64], self[MAX_PATH];
    const char *log = getenv("FAKE_TOOL_LOG");
    const char *fail = getenv("FAKE_TOOL_FAIL");
    DWORD len = GetModuleFileNameA(NULL, self, sizeof self);
    if (len == 0 || len >= sizeof self)
        snprintf(self, sizeof self, "%s", argv[0]);
    tool_name(self, name, sizeof name);
    const char *folder = strstr(self, "mingw32") ? "mingw32" : "mingw64";
    if (log) {
        FILE *out = fopen(log, "ab"); /* binary: one "\n" per line for the test regexes */
        if (out) {
            fprintf(out, "%s/%s", folder, name);
            for (int i = 1; i < argc; i++)
                fprintf(out, " %s", argv[i]);
            fputs("\n", out);
            fclose(out);
        }
    }
    if (strcmp(name, "gcc") == 0 && argc > 1 && strcmp(argv[1], "-dumpmachine") == 0)
        puts(strcmp(folder, "mingw32") == 0 ? "i686-w64-mingw32" : "x86_64-w64-mingw32");
    if (strcmp(name, "cmake") == 0 && argc > 2 && strcmp(argv[1], "--build") == 0) {
        char path[MAX_PATH];
        snprintf(path, sizeof path, "%s\\harness\\", argv[2]);
        for (char *p = path; *p; p++)
            if (*p == '\\' || *p == '/') { /* each parent folder, then the folder */
                char keep = *p;
                *p = '\0';
                CreateDirectoryA(path, NULL);
                *p = keep;
            }
        snprintf(path, sizeof path, "%s\\harness\\esent-harness.exe", argv[2]);
        FILE *exe = fopen(path, "wb");
        if (exe)
            fclose(exe);
    }
    return fail && strcmp(fail, name) == 0 ? 1 : 0;
}
