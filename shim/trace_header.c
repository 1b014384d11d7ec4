/* The trace's prelude: the header comments (process, command line, arch, OS, target) and
 * the scenario's first lines, as text; the decoder prints it before the calls. */
#include <windows.h>

#include <stdio.h>
#include <string.h>

#include "host.h"
#include "scenario.h"
#include "target.h"
#include "trace_header.h"

static void to_utf8(const wchar_t *text, char *out, int size)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, out, size, NULL, NULL);
    if (n == 0)
        out[0] = '\0';
}

/* The executable's file name ("backup.exe"). */
const wchar_t *trace_exe_name(wchar_t *path, DWORD size)
{
    DWORD n = GetModuleFileNameW(NULL, path, size);
    if (n == 0 || n >= size)
        lstrcpyW(path, L"process");
    const wchar_t *name = path;
    for (const wchar_t *p = path; *p != L'\0'; p++)
        if (*p == L'\\' || *p == L'/')
            name = p + 1;
    return name;
}

/* Appends TEXT to OUT, cutting it at its end. */
static void add(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);
    size_t n = strlen(text);
    if (used + n + 1 > size)
        n = size - used - 1;
    memcpy(out + used, text, n);
    out[used + n] = '\0';
}

/* Scenario names are [A-Za-z0-9_.-]+. */
static void add_name(char *out, size_t size, const char *text)
{
    char clean[256];
    size_t n = 0;
    for (; *text != '\0' && n + 1 < sizeof clean; text++) {
        char c = *text;
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
                 c == '.' || c == '-';
        clean[n++] = ok ? c : '_';
    }
    clean[n] = '\0';
    add(out, size, clean);
}

/* One line of header text: no line breaks inside. */
static void add_line_text(char *out, size_t size, const char *text)
{
    size_t start = strlen(out);
    add(out, size, text);
    for (char *p = out + start; *p != '\0'; p++)
        if (*p == '\r' || *p == '\n')
            *p = ' ';
}

/* `root cwd "PATH"`: the process's current folder, against which its relative paths were
 * resolved (docs/replay.md, "Roots"); the replay runs in its own working directory there.
 * Not for a drive's root, which would hold every path of the drive. */
static void add_current_folder(char *out, size_t size)
{
    wchar_t cwd[MAX_PATH * 2];
    char utf8[MAX_PATH * 6], line[MAX_PATH * 14];
    DWORD n = GetCurrentDirectoryW((DWORD)(sizeof cwd / sizeof cwd[0]), cwd);
    if (n == 0 || n >= sizeof cwd / sizeof cwd[0])
        return;
    while (n > 3 && (cwd[n - 1] == L'\\' || cwd[n - 1] == L'/'))
        cwd[--n] = 0;
    if (n <= 3) /* "C:\" */
        return;
    to_utf8(cwd, utf8, (int)sizeof utf8);
    scn_root root = {(char *)"cwd", utf8, {NULL, 0, 0}};
    if (utf8[0] != '\0' && scn_format_root(line, sizeof line, &root) < sizeof line) {
        add(out, size, "  ");
        add(out, size, line);
        add(out, size, "\n");
    }
}

size_t trace_header_text(char *header, size_t size)
{
    char text[2048], number[160];
    wchar_t exe_path[MAX_PATH * 2];
    host_facts host;
    dll_facts dll;
    const wchar_t *exe = trace_exe_name(exe_path, (DWORD)(sizeof exe_path / sizeof exe_path[0]));
    char exe8[MAX_PATH * 3];
    unsigned long pid = (unsigned long)GetCurrentProcessId();

    host_facts_get(&host);
    memset(&dll, 0, sizeof dll);
    if (target_module() != NULL)
        dll_facts_get(target_module(), &dll);
    else
        to_utf8(target_path(), dll.path, (int)sizeof dll.path);
    to_utf8(exe, exe8, (int)sizeof exe8);

    header[0] = '\0';
    add(header, size, "# esentshim trace\n# process: ");
    to_utf8(exe_path, text, (int)sizeof text);
    add_line_text(header, size, text);
    snprintf(number, sizeof number, " (pid %lu)\n# command-line: ", pid);
    add(header, size, number);
    to_utf8(GetCommandLineW(), text, (int)sizeof text);
    add_line_text(header, size, text);
    add(header, size, "\n# arch: ");
    add(header, size, host.arch);
    add(header, size, "\n# os: ");
    add_line_text(header, size, host.os_name);
    snprintf(number, sizeof number, " %lu.%lu.%lu.%lu%s", (unsigned long)host.major, (unsigned long)host.minor,
              (unsigned long)host.build, (unsigned long)host.ubr, host.is_server ? " server" : "");
    add(header, size, number);
    if (host.wine[0] != '\0') {
        add(header, size, " (Wine ");
        add_line_text(header, size, host.wine);
        add(header, size, ")");
    }
    add(header, size, "\n# target: ");
    add_line_text(header, size, dll.path);
    if (target_module() == NULL)
        add(header, size, " (not loaded: every call returns JET_errFeatureNotAvailable (-1001))");
    else {
        add(header, size, " ");
        add_line_text(header, size, dll.version[0] != '\0' ? dll.version : "(no version)");
    }
    add(header, size, "\nscenario trace-");
    add_name(header, size, exe8);
    {
        /* pid plus the process's start time: pids are reused (quickly, under Wine), and a
         * folder of traces must replay as one run, so each scenario name must be unique. */
        FILETIME created, unused1, unused2, unused3;
        SYSTEMTIME st;
        memset(&st, 0, sizeof st);
        if (GetProcessTimes(GetCurrentProcess(), &created, &unused1, &unused2, &unused3))
            FileTimeToSystemTime(&created, &st);
        snprintf(number, sizeof number, "-%lu-%04u%02u%02uT%02u%02u%02u.%03u\n  purpose: calls recorded from ", pid,
                 st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute, st.wSecond, st.wMilliseconds);
    }
    add(header, size, number);
    add_line_text(header, size, exe8);
    add(header, size, " by esentshim\n  evidence: trace ");
    if (target_module() == NULL) {
        add(header, size, "no target DLL loaded");
    } else {
        const char *base = dll.path;
        for (const char *p = dll.path; *p != '\0'; p++)
            if (*p == '\\' || *p == '/')
                base = p + 1;
        add_line_text(header, size, base);
        add(header, size, " ");
        add_line_text(header, size, dll.version[0] != '\0' ? dll.version : "(no version)");
        if (dll.kind[0] != '\0') {
            add(header, size, " (");
            add(header, size, dll.kind);
            add(header, size, ")");
        }
    }
    add(header, size, " on ");
    add_line_text(header, size, host.os_name[0] != '\0' ? host.os_name : "unknown Windows");
    snprintf(number, sizeof number, " (%lu.%lu.%lu)\n", (unsigned long)host.major, (unsigned long)host.minor,
              (unsigned long)host.build);
    add(header, size, number);
    add_current_folder(header, size);
    return strlen(header);
}

