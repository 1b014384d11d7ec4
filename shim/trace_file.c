/* Each recording thread writes its records into a window: one region of the trace file,
 * mapped, its pages faulted in once. The pages of a mapped file belong to the OS: whatever
 * a record copied before the process was killed is in the file. When the window is full,
 * the thread copies it with one WriteFile to the next free region (taken with one
 * interlocked increment) and starts over in the same window, after its zero word; so a
 * call costs copies into memory already mapped, and the file grows by plain writes (a
 * page fault on a fresh page of a mapped file costs ~2-9 us on the test machines, a
 * written page ~0.7 us). A full disk is a failed write, never a fault on a mapped page:
 * a window is written with zeros before it is mapped. A clean exit cuts the file after
 * the last region; a killed process leaves no more than a window per thread unused. */
#include <windows.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "shim_warn.h"
#include "trace_clock.h"
#include "trace_file.h"
#include "trace_format.h"
#include "trace_header.h"

volatile LONG trace_recording;
static HANDLE trace_handle = INVALID_HANDLE_VALUE;
static volatile LONG write_failed, closed;

#define REGION ((LONG64)TRACE_REGION_BYTES)
#if defined(_WIN64)
#define MAX_BYTES ((LONG64)64 << 30)
#else
#define MAX_BYTES ((LONG64)4 << 30)
#endif
static volatile LONG64 regions_taken; /* region 0 is the header */
static volatile LONG64 max_bytes = MAX_BYTES;
static unsigned char *header_view;
/* Every window mapped, to unmap at the end (under lock; beyond the list a view stays
 * mapped until the process ends). */
#define MAX_WINDOWS 4096
static unsigned char *windows[MAX_WINDOWS];
static int nwindows;
static SRWLOCK lock = SRWLOCK_INIT;
static const char zeros[TRACE_REGION_BYTES];
/* Set at process exit: a thread the exit killed may have held the lock, so it is only tried. */
static volatile LONG process_exiting;
static volatile LONG thread_serials;

/* Windows of threads that ended, with the room left in them (under lock). */
#define SPARE_MAX 64
static struct spare { unsigned char *window, *at; uint32_t bytes; } spares[SPARE_MAX];
static volatile LONG spare_count;

static void stop_recording(const char *why)
{
    InterlockedExchange(&trace_recording, 0);
    if (header_view != NULL) /* the decoder says the trace filled up, not that the process died */
        *(volatile uint32_t *)(header_view + TRACE_H_STOPPED) = 1;
    if (InterlockedExchange(&write_failed, 1) == 0)
        shim_warn(why);
}

static void put32(unsigned char *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(unsigned char *p, uint64_t v) { memcpy(p, &v, 8); }

/* ---- where the trace goes ------------------------------------------------------------------ */

static int is_directory(const wchar_t *path)
{
    DWORD attributes = GetFileAttributesW(path);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

/* A number no other process picks: under Wine every fresh process gets the same pid. */
static uint64_t unique_part(unsigned attempt)
{
    LARGE_INTEGER counter;
    QueryPerformanceCounter(&counter);
    uint64_t x = trace_clock_read() ^ ((uint64_t)counter.QuadPart << 17) ^ GetTickCount64() ^
                 ((uint64_t)(uintptr_t)&counter << 7) ^ ((uint64_t)GetCurrentProcessId() << 40) ^ attempt;
    x ^= x >> 30; /* a splitmix64 finaliser: every input bit moves every output bit */
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* Creates the trace in folder DIR as <exe>-<pid>-<unique>.trace.scn, never an existing
 * file (CREATE_NEW, a new unique part after a collision). */
static HANDLE create_in_folder(const wchar_t *dir, wchar_t *path, DWORD size)
{
    wchar_t exe_path[MAX_PATH * 2];
    const wchar_t *exe = trace_exe_name(exe_path, (DWORD)(sizeof exe_path / sizeof exe_path[0]));
    for (unsigned attempt = 0; attempt < 64; attempt++) {
        int n = _snwprintf(path, size, L"%ls\\%.200ls-%lu-%08lx.trace.scn", dir, exe, (unsigned long)GetCurrentProcessId(),
                           (unsigned long)(unique_part(attempt) & 0xffffffffu));
        if (n < 0 || (DWORD)n >= size) {
            shim_warn("the trace path is too long; recording is off, calls are still forwarded");
            return INVALID_HANDLE_VALUE;
        }
        HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                               NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE || GetLastError() != ERROR_FILE_EXISTS)
            return h;
    }
    return INVALID_HANDLE_VALUE;
}

/* Creates the trace file ESENTSHIM_TRACE names (path in PATH); NULL handle when
 * recording is off, INVALID_HANDLE_VALUE when it cannot be created. */
static HANDLE create_trace(wchar_t *path, DWORD size)
{
    wchar_t dir[MAX_PATH * 2];
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_TRACE", dir, (DWORD)(sizeof dir / sizeof dir[0]));
    path[0] = L'\0';
    if (n >= sizeof dir / sizeof dir[0]) {
        shim_warn("ESENTSHIM_TRACE is too long; recording is off, calls are still forwarded");
        return NULL;
    }
    if (n > 0 && (lstrcmpiW(dir, L"off") == 0 || lstrcmpW(dir, L"-") == 0))
        return NULL;
    if (n == 0) {
        /* Unset: %TEMP%\esentshim\<exe>-<pid>-<unique>.trace.scn */
        DWORD t = GetTempPathW(MAX_PATH, dir);
        if (t == 0 || t >= MAX_PATH) {
            shim_warn("no TEMP folder for the default trace; recording is off, calls are still forwarded");
            return NULL;
        }
        lstrcatW(dir, L"esentshim");
        CreateDirectoryW(dir, NULL);
    } else if (dir[n - 1] == L'\\' || dir[n - 1] == L'/') {
        dir[--n] = L'\0';
        CreateDirectoryW(dir, NULL);
    } else if (!is_directory(dir)) {
        /* A file named by the user: created anew. */
        lstrcpynW(path, dir, (int)size);
        return CreateFileW(path, GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                           NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    }
    HANDLE h = create_in_folder(dir, path, size);
    if (path[0] == L'\0')
        lstrcpynW(path, dir, (int)size);
    return h;
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

/* ---- windows and regions ------------------------------------------------------------------- */

static int write_at(LONG64 offset, const void *data, DWORD bytes)
{
    OVERLAPPED at;
    DWORD written = 0;
    memset(&at, 0, sizeof at);
    at.Offset = (DWORD)offset;
    at.OffsetHigh = (DWORD)((ULONG64)offset >> 32);
    return WriteFile(trace_handle, data, bytes, &written, &at) && written == bytes;
}

/* The offset of N free regions in a row, or -1 when the trace is full. */
static LONG64 next_regions(LONG64 n)
{
    LONG64 offset = (InterlockedAdd64(&regions_taken, n) - n + 1) * REGION;
    return offset + n * REGION <= max_bytes ? offset : -1;
}

/* BYTES at OFFSET written with zeros and mapped; NULL when the disk is full or mapping fails. */
static unsigned char *map_window(LONG64 offset, LONG64 bytes)
{
    if (offset < 0)
        return NULL;
    for (LONG64 done = 0; done < bytes; done += REGION)
        if (!write_at(offset + done, zeros, (DWORD)REGION))
            return NULL;
    HANDLE mapping = CreateFileMappingW(trace_handle, NULL, PAGE_READWRITE, 0, 0, NULL);
    if (mapping == NULL)
        return NULL;
    unsigned char *view =
        MapViewOfFile(mapping, FILE_MAP_WRITE, (DWORD)((ULONG64)offset >> 32), (DWORD)offset, (SIZE_T)bytes);
    CloseHandle(mapping); /* the view keeps the section */
    if (view != NULL) {
        AcquireSRWLockExclusive(&lock);
        if (nwindows < MAX_WINDOWS)
            windows[nwindows++] = view;
        ReleaseSRWLockExclusive(&lock);
    }
    return view;
}

static void stop_full(void)
{
    /* Disk full, as far as this trace goes: stop recording, keep forwarding, say so once. */
    stop_recording("the trace is full (the disk, ESENTSHIM_TRACE_MAX_BYTES or the largest trace the shim "
                   "writes); recording stopped, calls are still forwarded");
}

/* A region record at R (in T's window), followed by the zero word that ends the run so far;
 * T then writes up to the end of R's region. */
static void write_region_record(trace_thread *t, unsigned char *r)
{
    uint64_t clock, counter;
    unsigned char *end = t->window + ((size_t)(r - t->window) / REGION + 1) * REGION;
    trace_clock_pair(&clock, &counter);
    put32(r + TRACE_REGION_TID, t->tid);
    put32(r + TRACE_REGION_SERIAL, t->serial);
    put32(r + TRACE_REGION_ORDINAL, t->ordinal++);
    put64(r + TRACE_REGION_CLOCK, clock);
    put64(r + TRACE_REGION_COUNTER, counter);
    t->clock = clock;
    if (r + TRACE_REGION_RECORD_BYTES < end)
        put32(r + TRACE_REGION_RECORD_BYTES, 0);
    MemoryBarrier();
    *(volatile uint32_t *)r = TRACE_REC_WORD(TRACE_REGION_RECORD_BYTES, TRACE_REC_REGION);
    t->at = r + TRACE_REGION_RECORD_BYTES;
    t->limit = end;
}

/* The window of a thread that ended, if one is spare. */
static int take_spare(trace_thread *t)
{
    int got = 0;
    if (spare_count == 0 || !TryAcquireSRWLockExclusive(&lock))
        return 0;
    if (spare_count > 0) {
        struct spare sp = spares[--spare_count];
        t->window = sp.window;
        t->window_bytes = sp.bytes;
        write_region_record(t, sp.at);
        got = 1;
    }
    ReleaseSRWLockExclusive(&lock);
    return got;
}

/* A thread's window: one region at first (a short-lived thread or a short trace costs
 * 64 KB), BIG_WINDOW once it filled that, so that a busy thread copies out a megabyte per
 * WriteFile (a system call under Wine costs tens of microseconds on a loaded machine). */
#define BIG_WINDOW ((LONG64)16 * REGION)

int trace_take_region(trace_thread *t)
{
    if (!trace_recording)
        return 0;
    if (t->window == NULL) {
        /* A thread's first record: a spare window, or a fresh one. */
        t->serial = (uint32_t)InterlockedIncrement(&thread_serials);
        t->tid = (uint32_t)GetCurrentThreadId();
        if (take_spare(t))
            return 1;
        t->window = map_window(next_regions(1), REGION);
        t->window_bytes = (uint32_t)REGION;
        if (t->window == NULL) {
            stop_full();
            return 0;
        }
        write_region_record(t, t->window);
        return 1;
    }
    if (t->limit < t->window + t->window_bytes) {
        /* The next region of the window: no system call. */
        write_region_record(t, t->limit);
        return 1;
    }
    /* The window is full: copy it out to the next regions, then start it over (the first
     * word of each of its regions cleared first, so a kill in between leaves one copy or
     * two equal ones, which the decoder takes as one). */
    LONG64 bytes = t->window_bytes, offset = next_regions(bytes / REGION);
    if (offset < 0 || !write_at(offset, t->window, (DWORD)bytes)) {
        stop_full();
        return 0;
    }
    for (LONG64 at = 0; at < bytes; at += REGION)
        *(volatile uint32_t *)(t->window + at) = 0;
    MemoryBarrier();
    if (bytes < BIG_WINDOW) {
        unsigned char *big = map_window(next_regions(BIG_WINDOW / REGION), BIG_WINDOW);
        if (big == NULL) {
            stop_full();
            return 0;
        }
        t->window = big;
        t->window_bytes = (uint32_t)BIG_WINDOW;
    }
    write_region_record(t, t->window);
    return 1;
}

void trace_give_back(trace_thread *t)
{
    /* Worth keeping only with room for a few records; the lock is only tried (this runs
     * at thread exit, perhaps while the process ends). */
    if (t->window == NULL || t->limit - t->at < 4096 || !trace_recording || !TryAcquireSRWLockExclusive(&lock))
        return;
    if (spare_count < SPARE_MAX) {
        spares[spare_count].window = t->window;
        spares[spare_count].at = t->at;
        spares[spare_count].bytes = t->window_bytes;
        spare_count++;
    }
    ReleaseSRWLockExclusive(&lock);
}

/* ---- the header ----------------------------------------------------------------------------- */

static int write_header(void)
{
    unsigned char *h = map_window(0, REGION);
    SYSTEM_INFO info;
    if (h == NULL)
        return 0;
    header_view = h;
    GetSystemInfo(&info);
    memcpy(h, TRACE_MAGIC, TRACE_MAGIC_BYTES);
    put32(h + TRACE_H_VERSION, TRACE_VERSION);
    put32(h + TRACE_H_REGION_BYTES, TRACE_REGION_BYTES);
    put32(h + TRACE_H_POINTER_BYTES, (uint32_t)sizeof(void *));
    put32(h + TRACE_H_PAGE_SIZE, info.dwPageSize);
    /* The prelude text, then the function names in this build's id order. */
    size_t at = TRACE_H_FIXED_BYTES;
    size_t text = trace_header_text((char *)h + at, TRACE_REGION_BYTES / 2 - at);
    put32(h + TRACE_H_TEXT_OFFSET, (uint32_t)at);
    put32(h + TRACE_H_TEXT_BYTES, (uint32_t)text);
    at += text + 1;
    size_t names = at;
    for (int id = 0; id < API_COUNT; id++) {
        size_t n = strlen(api_functions[id].name) + 1;
        if (at + n > TRACE_REGION_BYTES)
            break; /* a table that outgrew the header: later ids decode as unknown */
        memcpy(h + at, api_functions[id].name, n);
        at += n;
    }
    put32(h + TRACE_H_NAMES_OFFSET, (uint32_t)names);
    put32(h + TRACE_H_NAMES_BYTES, (uint32_t)(at - names));

    /* The clock's start, and a pair ~1 ms later so that even a short trace of a killed
     * process has a clock rate. */
    LARGE_INTEGER frequency, start, now;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    put64(h + TRACE_H_CLOCK_START, trace_clock_read());
    put64(h + TRACE_H_COUNTER_START, (uint64_t)start.QuadPart);
    put64(h + TRACE_H_COUNTER_FREQUENCY, (uint64_t)frequency.QuadPart);
    do
        QueryPerformanceCounter(&now);
    while ((double)(now.QuadPart - start.QuadPart) < (double)frequency.QuadPart / 1000.0);
    uint64_t clock, counter;
    trace_clock_pair(&clock, &counter);
    put64(h + TRACE_H_CLOCK_CALIB, clock);
    put64(h + TRACE_H_COUNTER_CALIB, counter);
    return 1;
}

void trace_open(void)
{
    wchar_t path[MAX_PATH * 2];
    read_max_bytes();
    trace_handle = create_trace(path, (DWORD)(sizeof path / sizeof path[0]));
    if (trace_handle == NULL) {
        trace_handle = INVALID_HANDLE_VALUE;
        return;
    }
    if (trace_handle == INVALID_HANDLE_VALUE) {
        shim_warn_path("cannot create the trace file; recording is off, calls are still forwarded: ", path);
        return;
    }
    if (max_bytes < 2 * REGION || !write_header()) {
        shim_warn_path("cannot write the trace file's header (disk full?); recording is off, calls are still "
                       "forwarded: ", path);
        return;
    }
    InterlockedExchange(&trace_recording, 1);
}

/* ---- the end -------------------------------------------------------------------------------- */

/* Unmaps every window and cuts the file after the last region taken. */
static void finish_file(void)
{
    LARGE_INTEGER used;
    for (int i = 0; i < nwindows; i++)
        UnmapViewOfFile(windows[i]);
    nwindows = 0;
    header_view = NULL;
    used.QuadPart = (regions_taken + 1) * REGION;
    if (used.QuadPart > max_bytes)
        used.QuadPart = max_bytes / REGION * REGION;
    if (SetFilePointerEx(trace_handle, used, NULL, FILE_BEGIN))
        SetEndOfFile(trace_handle);
}

void trace_close(int unloading)
{
    if (!unloading)
        InterlockedExchange(&process_exiting, 1);
    if (InterlockedExchange(&closed, 1) == 0) {
        InterlockedExchange(&trace_recording, 0);
        unsigned char *h = header_view;
        if (h != NULL) {
            uint64_t clock, counter;
            trace_clock_pair(&clock, &counter);
            put64(h + TRACE_H_CLOCK_END, clock);
            put64(h + TRACE_H_COUNTER_END, counter);
            MemoryBarrier();
            *(volatile uint32_t *)(h + TRACE_H_CLOSED) = 1;
        }
    }
    /* At process exit (the other threads are gone) or unloaded by FreeLibrary (no call can
     * come through the shim any more): the file gets its final length and is closed. */
    if (trace_handle != INVALID_HANDLE_VALUE) {
        if (!unloading && !TryAcquireSRWLockExclusive(&lock))
            return; /* the file keeps its last windows as they are, which the decoder accepts */
        if (unloading)
            AcquireSRWLockExclusive(&lock);
        finish_file();
        CloseHandle(trace_handle);
        trace_handle = INVALID_HANDLE_VALUE;
        ReleaseSRWLockExclusive(&lock);
    }
}
