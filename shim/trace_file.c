/* The file is opened with FILE_APPEND_DATA only, so every WriteFile lands at the end of
 * file, and each record is one WriteFile of a whole line: records of different threads
 * never interleave (trace_append holds one lock around the write alone, for Wine), and a
 * record is in the OS's hands as soon as WriteFile returns, which is what makes the trace
 * of a killed process complete up to its last call. */
#include <windows.h>

#include <stdio.h>

#include <string.h>

#include "host.h"
#include "shim_warn.h"
#include "target.h"
#include "trace_file.h"

volatile LONG trace_recording;
static HANDLE trace_handle = INVALID_HANDLE_VALUE;
static volatile LONG write_failed, closed;
static LARGE_INTEGER start_counter, counter_frequency;
static SRWLOCK append_lock = SRWLOCK_INIT;

static void to_utf8(const wchar_t *text, char *out, int size)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, text, -1, out, size, NULL, NULL);
    if (n == 0)
        out[0] = '\0';
}

/* The executable's file name ("backup.exe"). */
static const wchar_t *exe_name(wchar_t *path, DWORD size)
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

static int is_directory(const wchar_t *path)
{
    DWORD attributes = GetFileAttributesW(path);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* Fills PATH with the trace file to write; returns 0 when recording is off. */
static int choose_path(wchar_t *path, DWORD size)
{
    wchar_t exe_path[MAX_PATH * 2], dir[MAX_PATH * 2], file[MAX_PATH];
    const wchar_t *exe = exe_name(exe_path, (DWORD)(sizeof exe_path / sizeof exe_path[0]));
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_TRACE", dir, (DWORD)(sizeof dir / sizeof dir[0]));
    _snwprintf(file, MAX_PATH, L"%.200ls-%lu.trace.scn", exe, (unsigned long)GetCurrentProcessId());
    if (n >= sizeof dir / sizeof dir[0]) {
        shim_warn("ESENTSHIM_TRACE is too long; recording is off, calls are still forwarded");
        return 0;
    }
    if (n > 0 && (lstrcmpiW(dir, L"off") == 0 || lstrcmpW(dir, L"-") == 0))
        return 0;
    if (n == 0) {
        /* Unset: %TEMP%\esentshim\<exe>-<pid>.trace.scn */
        DWORD t = GetTempPathW(MAX_PATH, dir);
        if (t == 0 || t >= MAX_PATH) {
            shim_warn("no TEMP folder for the default trace; recording is off, calls are still forwarded");
            return 0;
        }
        lstrcatW(dir, L"esentshim");
        CreateDirectoryW(dir, NULL);
        n = (DWORD)lstrlenW(dir);
    } else if (dir[n - 1] == L'\\' || dir[n - 1] == L'/') {
        dir[--n] = L'\0';
        CreateDirectoryW(dir, NULL);
    } else if (!is_directory(dir)) {
        lstrcpynW(path, dir, (int)size);
        return 1;
    }
    if ((DWORD)(n + 1 + lstrlenW(file)) >= size) {
        shim_warn("the trace path is too long; recording is off, calls are still forwarded");
        return 0;
    }
    _snwprintf(path, size, L"%ls\\%ls", dir, file);
    return 1;
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

static void write_header(void)
{
    static char header[8192];
    char text[2048], number[64];
    wchar_t exe_path[MAX_PATH * 2];
    host_facts host;
    dll_facts dll;
    const wchar_t *exe = exe_name(exe_path, (DWORD)(sizeof exe_path / sizeof exe_path[0]));
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
    add(header, sizeof header, "# esentshim trace\n# process: ");
    to_utf8(exe_path, text, (int)sizeof text);
    add_line_text(header, sizeof header, text);
    snprintf(number, sizeof number, " (pid %lu)\n# command-line: ", pid);
    add(header, sizeof header, number);
    to_utf8(GetCommandLineW(), text, (int)sizeof text);
    add_line_text(header, sizeof header, text);
    add(header, sizeof header, "\n# arch: ");
    add(header, sizeof header, host.arch);
    add(header, sizeof header, "\n# os: ");
    add_line_text(header, sizeof header, host.os_name);
    snprintf(number, sizeof number, " %lu.%lu.%lu.%lu%s", (unsigned long)host.major, (unsigned long)host.minor,
              (unsigned long)host.build, (unsigned long)host.ubr, host.is_server ? " server" : "");
    add(header, sizeof header, number);
    if (host.wine[0] != '\0') {
        add(header, sizeof header, " (Wine ");
        add_line_text(header, sizeof header, host.wine);
        add(header, sizeof header, ")");
    }
    add(header, sizeof header, "\n# target: ");
    add_line_text(header, sizeof header, dll.path);
    if (target_module() == NULL)
        add(header, sizeof header, " (not loaded: every call returns JET_errFeatureNotAvailable (-1001))");
    else {
        add(header, sizeof header, " ");
        add_line_text(header, sizeof header, dll.version[0] != '\0' ? dll.version : "(no version)");
    }
    add(header, sizeof header, "\nscenario trace-");
    add_name(header, sizeof header, exe8);
    snprintf(number, sizeof number, "-%lu\n  purpose: calls recorded from ", pid);
    add(header, sizeof header, number);
    add_line_text(header, sizeof header, exe8);
    add(header, sizeof header, " by esentshim\n  evidence: trace ");
    if (target_module() == NULL) {
        add(header, sizeof header, "no target DLL loaded");
    } else {
        const char *base = dll.path;
        for (const char *p = dll.path; *p != '\0'; p++)
            if (*p == '\\' || *p == '/')
                base = p + 1;
        add_line_text(header, sizeof header, base);
        add(header, sizeof header, " ");
        add_line_text(header, sizeof header, dll.version[0] != '\0' ? dll.version : "(no version)");
        if (dll.kind[0] != '\0') {
            add(header, sizeof header, " (");
            add(header, sizeof header, dll.kind);
            add(header, sizeof header, ")");
        }
    }
    add(header, sizeof header, " on ");
    add_line_text(header, sizeof header, host.os_name[0] != '\0' ? host.os_name : "unknown Windows");
    snprintf(number, sizeof number, " (%lu.%lu.%lu)\n", (unsigned long)host.major, (unsigned long)host.minor,
              (unsigned long)host.build);
    add(header, sizeof header, number);
    trace_append(header, strlen(header));
}

void trace_open(void)
{
    wchar_t path[MAX_PATH * 2];
    QueryPerformanceFrequency(&counter_frequency);
    QueryPerformanceCounter(&start_counter);
    if (!choose_path(path, (DWORD)(sizeof path / sizeof path[0])))
        return;
    trace_handle = CreateFileW(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                               CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (trace_handle == INVALID_HANDLE_VALUE) {
        shim_warn_path("cannot create the trace file; recording is off, calls are still forwarded: ", path);
        return;
    }
    InterlockedExchange(&trace_recording, 1);
    write_header();
}

void trace_append(const char *line, size_t length)
{
    DWORD written = 0;
    /* Held for the WriteFile only (the line is formatted already): Windows appends
     * atomically on its own, but Wine computes the end of file and writes in two steps,
     * and concurrent records overwrite each other there. */
    AcquireSRWLockExclusive(&append_lock);
    BOOL ok = WriteFile(trace_handle, line, (DWORD)length, &written, NULL);
    ReleaseSRWLockExclusive(&append_lock);
    if (ok && written == length)
        return;
    /* Disk full or the file went away: stop recording, keep forwarding, say so once. */
    InterlockedExchange(&trace_recording, 0);
    if (InterlockedExchange(&write_failed, 1) == 0)
        shim_warn("writing the trace failed; recording stopped, calls are still forwarded");
}

double trace_seconds(void)
{
    LARGE_INTEGER now;
    QueryPerformanceCounter(&now);
    if (counter_frequency.QuadPart == 0)
        return 0.0;
    return (double)(now.QuadPart - start_counter.QuadPart) / (double)counter_frequency.QuadPart;
}

void trace_close(int unloading)
{
    if (trace_recording && InterlockedExchange(&closed, 1) == 0) {
        trace_append("end\n", 4);
        InterlockedExchange(&trace_recording, 0);
    }
    /* Unloaded by FreeLibrary: no call can come through the shim any more. At process
     * exit the system closes the handle itself. */
    if (unloading && trace_handle != INVALID_HANDLE_VALUE) {
        CloseHandle(trace_handle);
        trace_handle = INVALID_HANDLE_VALUE;
    }
}
