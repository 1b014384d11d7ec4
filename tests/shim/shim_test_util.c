/* Helpers of the shim's Windows tests (see shim_test_util.h). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shim_test_util.h"
#include "trace_decode.h"

void test_path(wchar_t *out, size_t size, const wchar_t *name)
{
    wchar_t exe[MAX_PATH];
    DWORD n = GetModuleFileNameW(NULL, exe, MAX_PATH);
    while (n > 0 && exe[n - 1] != L'\\' && exe[n - 1] != L'/')
        n--;
    exe[n] = L'\0';
    _snwprintf(out, size, L"%ls%ls", exe, name);
    out[size - 1] = L'\0';
}

void test_fresh_dir(wchar_t *out, size_t size, const wchar_t *name)
{
    wchar_t pattern[MAX_PATH], file[MAX_PATH];
    WIN32_FIND_DATAW found;
    test_path(out, size, name);
    CreateDirectoryW(out, NULL);
    _snwprintf(pattern, MAX_PATH, L"%ls\\*", out);
    HANDLE search = FindFirstFileW(pattern, &found);
    if (search == INVALID_HANDLE_VALUE)
        return;
    do {
        if (!(found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)) {
            _snwprintf(file, MAX_PATH, L"%ls\\%ls", out, found.cFileName);
            DeleteFileW(file);
        }
    } while (FindNextFileW(search, &found));
    FindClose(search);
}

char *test_read_file(const wchar_t *path)
{
    HANDLE file = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                              OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
        return NULL;
    DWORD size = GetFileSize(file, NULL), got = 0;
    char *text = malloc((size_t)size + 1);
    if (text != NULL && (!ReadFile(file, text, size, &got, NULL) || got != size)) {
        free(text);
        text = NULL;
    }
    if (text != NULL)
        text[size] = '\0';
    CloseHandle(file);
    if (text != NULL && trace_is_binary(text, size)) {
        /* A binary trace: its text, as `esent-harness trace` prints it. */
        trace_text decoded;
        char error[400];
        if (trace_decode((const unsigned char *)text, size, "trace", &decoded, error, sizeof error) != 0) {
            fprintf(stderr, "the trace does not decode: %s\n", error);
            free(text);
            return NULL;
        }
        free(text);
        text = decoded.text;
        decoded.text = NULL;
        trace_text_free(&decoded);
    }
    return text;
}

int test_file_exists(const wchar_t *path)
{
    return GetFileAttributesW(path) != INVALID_FILE_ATTRIBUTES;
}

void test_setenv(const wchar_t *name, const wchar_t *value)
{
    SetEnvironmentVariableW(name, value);
}

static HANDLE inheritable_file(const wchar_t *dir, const wchar_t *name)
{
    wchar_t path[MAX_PATH];
    SECURITY_ATTRIBUTES inherit = {sizeof inherit, NULL, TRUE};
    _snwprintf(path, MAX_PATH, L"%ls\\%ls", dir, name);
    return CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, &inherit, CREATE_ALWAYS, 0, NULL);
}

int test_run_in(const wchar_t *dir, const wchar_t *exe, const wchar_t *args, const wchar_t *cwd)
{
    wchar_t command[2 * MAX_PATH], app[MAX_PATH];
    STARTUPINFOW startup;
    PROCESS_INFORMATION process;
    DWORD code = (DWORD)-1;
    _snwprintf(app, MAX_PATH, L"%ls\\%ls", dir, exe);
    _snwprintf(command, 2 * MAX_PATH, L"\"%ls\" %ls", app, args);
    memset(&startup, 0, sizeof startup);
    startup.cb = sizeof startup;
    startup.dwFlags = STARTF_USESTDHANDLES;
    startup.hStdInput = GetStdHandle(STD_INPUT_HANDLE);
    startup.hStdOutput = inheritable_file(dir, L"stdout.txt");
    startup.hStdError = inheritable_file(dir, L"stderr.txt");
    if (CreateProcessW(app, command, NULL, NULL, TRUE, 0, NULL, cwd != NULL ? cwd : dir, &startup, &process)) {
        if (WaitForSingleObject(process.hProcess, 30000) == WAIT_OBJECT_0)
            GetExitCodeProcess(process.hProcess, &code);
        else
            TerminateProcess(process.hProcess, 99);
        CloseHandle(process.hThread);
        CloseHandle(process.hProcess);
    } else {
        fprintf(stderr, "cannot start %ls: error %lu\n", app, (unsigned long)GetLastError());
    }
    CloseHandle(startup.hStdOutput);
    CloseHandle(startup.hStdError);
    return (int)code;
}

int test_run(const wchar_t *dir, const wchar_t *exe, const wchar_t *args)
{
    return test_run_in(dir, exe, args, NULL);
}

int test_count(const char *haystack, const char *needle)
{
    int n = 0;
    size_t len = strlen(needle);
    for (const char *p = haystack; (p = strstr(p, needle)) != NULL; p += len)
        n++;
    return n;
}

int test_count_lines(const char *text, const char *prefix)
{
    int n = 0;
    size_t len = strlen(prefix);
    for (const char *line = text; *line != '\0';) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (strncmp(p, prefix, len) == 0)
            n++;
        const char *next = strchr(line, '\n');
        if (next == NULL)
            break;
        line = next + 1;
    }
    return n;
}
