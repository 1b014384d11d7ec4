/* The trace file is written through file mappings: a record reserves its byte range with
 * one interlocked add on the shared end offset and copies its (already formatted) line
 * into the mapped view, so threads never wait for each other on the common path and no
 * system call is made per record. The pages of a mapped file belong to the OS: whatever a
 * record copied before the process was killed is in the file. The file grows in chunks:
 * the thread that first needs a chunk writes it with zeros (WriteFile: the space is then
 * really allocated, so a full disk is a failed write, not a fault on a mapped page) and
 * maps it, under the only lock. A clean exit truncates the file to the bytes used; a
 * killed process leaves a zero-filled tail (and, if several threads were inside a record
 * at the kill, NUL bytes where their records were going), which the trace reader treats
 * as a cut (core/scenario_parse.c). */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "cpu_arch.h"
#include "host.h"
#include "shim_warn.h"
#include "target.h"
#include "trace_clock.h"
#include "trace_file.h"

volatile LONG trace_recording;
static HANDLE trace_handle = INVALID_HANDLE_VALUE;
static volatile LONG write_failed, closed;

/* 16 MB a chunk (a multiple of the 64 KB mapping granularity). x86 keeps every chunk
 * mapped in its 2 GB of address space, so it stops at 1 GB of trace; x64 at 64 GB. */
#define CHUNK_BYTES ((LONG64)16 << 20)
#if defined(_WIN64)
#define MAX_CHUNKS 4096
#else
#define MAX_CHUNKS 64
#endif
static char *volatile chunk_views[MAX_CHUNKS];
static volatile LONG64 reserved_end; /* bytes handed out to records */
static LONG64 prepared_end;          /* bytes zero-written and mapped (under chunk_lock) */
static volatile LONG64 max_bytes = (LONG64)MAX_CHUNKS * CHUNK_BYTES;
static SRWLOCK chunk_lock = SRWLOCK_INIT;
static char zeros[1 << 16];
/* Set at process exit: a thread the exit killed may have held chunk_lock, so it is only tried. */
static volatile LONG process_exiting;

static void read_max_bytes(void);

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
    char text[2048], number[160];
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
    if (!choose_path(path, (DWORD)(sizeof path / sizeof path[0])))
        return;
    trace_clock_start(); /* only when recording: it measures the clock's rate for ~1 ms */
    read_max_bytes();
    /* Read access too: a read-write mapping needs it. */
    trace_handle = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (trace_handle == INVALID_HANDLE_VALUE) {
        shim_warn_path("cannot create the trace file; recording is off, calls are still forwarded: ", path);
        return;
    }
    InterlockedExchange(&trace_recording, 1);
    write_header();
}

static void stop_recording(const char *why)
{
    InterlockedExchange(&trace_recording, 0);
    if (InterlockedExchange(&write_failed, 1) == 0)
        shim_warn(why);
}

/* ESENTSHIM_TRACE_MAX_BYTES: the largest trace to write (a quota, and how the tests give
 * the trace a full disk without a small volume). */
static void read_max_bytes(void)
{
    wchar_t text[32];
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_TRACE_MAX_BYTES", text, (DWORD)(sizeof text / sizeof text[0]));
    if (n == 0 || n >= sizeof text / sizeof text[0])
        return;
    LONG64 value = _wcstoi64(text, NULL, 10);
    if (value > 0 && value < max_bytes)
        max_bytes = value;
}

/* Writes chunk INDEX with zeros and maps it; under chunk_lock. 0 when the disk is full,
 * the quota is reached or the mapping fails. */
static int prepare_chunk(LONG64 index)
{
    LONG64 start = index * CHUNK_BYTES;
    if (index >= MAX_CHUNKS || start >= max_bytes)
        return 0;
    LONG64 bytes = max_bytes - start < CHUNK_BYTES ? max_bytes - start : CHUNK_BYTES;
    LARGE_INTEGER at;
    at.QuadPart = start;
    if (!SetFilePointerEx(trace_handle, at, NULL, FILE_BEGIN))
        return 0;
    for (LONG64 done = 0; done < bytes;) {
        DWORD n = bytes - done < (LONG64)sizeof zeros ? (DWORD)(bytes - done) : (DWORD)sizeof zeros, written = 0;
        if (!WriteFile(trace_handle, zeros, n, &written, NULL) || written != n) {
            /* The disk is full: the trace ends with what could be written. */
            done += written;
            if (done == 0)
                return 0;
            bytes = done;
            max_bytes = start + done;
            break;
        }
        done += n;
    }
    HANDLE mapping = CreateFileMappingW(trace_handle, NULL, PAGE_READWRITE, 0, 0, NULL);
    if (mapping == NULL)
        return 0;
    char *view = MapViewOfFile(mapping, FILE_MAP_WRITE, (DWORD)((ULONG64)start >> 32), (DWORD)start, (SIZE_T)bytes);
    CloseHandle(mapping); /* the view keeps the section */
    if (view == NULL)
        return 0;
    prepared_end = start + bytes;
    InterlockedExchangePointer((PVOID volatile *)&chunk_views[index], view); /* publish after the zeros */
    return 1;
}

/* The view of chunk INDEX, prepared by whichever thread needs it first; NULL on failure. */
static char *chunk_view(LONG64 index)
{
    if (index >= MAX_CHUNKS)
        return NULL;
    /* A plain load, not an interlocked one: that would take the cache line from the other
     * recording threads on every record. Published with a full barrier; x86 and x64 loads
     * are acquire loads, other CPUs get a barrier. */
    char *view = chunk_views[index];
#if !ESH_CPU_LOADS_ACQUIRE(ESH_CPU_THIS)
    MemoryBarrier();
#endif
    if (view != NULL)
        return view;
    if (!process_exiting)
        AcquireSRWLockExclusive(&chunk_lock);
    else if (!TryAcquireSRWLockExclusive(&chunk_lock))
        return NULL;
    /* Chunks are prepared in order, so the file has no holes. */
    while ((view = chunk_views[index]) == NULL && !write_failed)
        if (!prepare_chunk(prepared_end / CHUNK_BYTES))
            break;
    ReleaseSRWLockExclusive(&chunk_lock);
    return view;
}

void trace_append(const char *line, size_t length)
{
    if (length == 0)
        return;
    LONG64 start = InterlockedExchangeAdd64(&reserved_end, (LONG64)length);
    LONG64 end = start + (LONG64)length;
    if (end > max_bytes) {
        /* Disk full, as far as this trace goes: stop recording, keep forwarding, say so once. */
        stop_recording("the trace is full (the disk, ESENTSHIM_TRACE_MAX_BYTES or the largest trace the shim "
                       "writes); recording stopped, calls are still forwarded");
        return;
    }
    /* Usually one chunk; a record straddling a chunk's end is copied in two parts. */
    for (LONG64 at = start; at < end;) {
        LONG64 index = at / CHUNK_BYTES, offset = at % CHUNK_BYTES;
        LONG64 n = CHUNK_BYTES - offset < end - at ? CHUNK_BYTES - offset : end - at;
        char *view = chunk_view(index);
        if (view == NULL) {
            stop_recording("writing the trace failed (disk full?); recording stopped, calls are still forwarded");
            return;
        }
        /* The disk may have filled inside this chunk (its view is then shorter); the
         * limit was lowered before the view was published. */
        if (at + n > max_bytes) {
            stop_recording("the trace is full (the disk, ESENTSHIM_TRACE_MAX_BYTES or the largest trace the shim "
                           "writes); recording stopped, calls are still forwarded");
            return;
        }
        memcpy(view + offset, line + (at - start), (size_t)n);
        at += n;
    }
}

double trace_seconds(void)
{
    return trace_clock_seconds();
}

/* Unmaps every chunk and cuts the zeros after the last record off the file. */
static void finish_file(void)
{
    LARGE_INTEGER used;
    for (int i = 0; i < MAX_CHUNKS && chunk_views[i] != NULL; i++) {
        UnmapViewOfFile(chunk_views[i]);
        chunk_views[i] = NULL;
    }
    used.QuadPart = reserved_end < prepared_end ? reserved_end : prepared_end;
    if (SetFilePointerEx(trace_handle, used, NULL, FILE_BEGIN))
        SetEndOfFile(trace_handle);
}

void trace_close(int unloading)
{
    if (!unloading)
        InterlockedExchange(&process_exiting, 1);
    if (trace_recording && InterlockedExchange(&closed, 1) == 0) {
        trace_append("end\n", 4);
        InterlockedExchange(&trace_recording, 0);
    }
    /* At process exit (the other threads are gone) or unloaded by FreeLibrary (no call can
     * come through the shim any more): the file gets its final length and is closed. */
    if (trace_handle != INVALID_HANDLE_VALUE) {
        if (!unloading && !TryAcquireSRWLockExclusive(&chunk_lock))
            return; /* the file keeps its zero-filled tail, which the reader accepts */
        if (unloading)
            AcquireSRWLockExclusive(&chunk_lock);
        finish_file();
        CloseHandle(trace_handle);
        trace_handle = INVALID_HANDLE_VALUE;
        ReleaseSRWLockExclusive(&chunk_lock);
    }
}
