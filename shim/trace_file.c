/* The trace file is written through file mappings: region 0 is the header, and each
 * recording thread takes the next region with one interlocked increment and copies its
 * records into it, so threads share no cache line on the common path and no system call
 * is made per record. The pages of a mapped file belong to the OS: whatever a record
 * copied before the process was killed is in the file.
 *
 * The file grows by chunks (128 KB while it is under 1 MB, then 1 MB): the thread that
 * first needs a chunk writes it with zeros (WriteFile: the space is then really
 * allocated, so a full disk is a failed write, not a fault on a mapped page) and maps it,
 * under the only lock. A clean exit cuts the file to the regions used; a killed process
 * leaves at most one chunk of zeros past them. */
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
#define SMALL_CHUNK ((LONG64)128 << 10) /* a multiple of the 64 KB mapping granularity */
#define BIG_CHUNK ((LONG64)1 << 20)
#define SMALL_CHUNKS 8                  /* the first megabyte */
/* x86 keeps every chunk mapped in its 2 GB of address space, so it stops at 1 GB; x64 at 64 GB. */
#if defined(_WIN64)
#define MAX_BYTES ((LONG64)64 << 30)
#else
#define MAX_BYTES ((LONG64)1 << 30)
#endif
#define MAX_CHUNKS (SMALL_CHUNKS + (int)((MAX_BYTES - BIG_CHUNK) / BIG_CHUNK))

static char *volatile chunk_views[MAX_CHUNKS];
static volatile LONG64 regions_taken;   /* region 0 is the header */
static LONG64 prepared_end;             /* bytes zero-written and mapped (under chunk_lock) */
static volatile LONG64 max_bytes = MAX_BYTES;
static SRWLOCK chunk_lock = SRWLOCK_INIT;
static char zeros[1 << 16];
/* Set at process exit: a thread the exit killed may have held chunk_lock, so it is only tried. */
static volatile LONG process_exiting;
static volatile LONG thread_serials;

/* Rests of regions whose threads ended (under chunk_lock). */
#define SPARE_MAX 64
static struct spare { unsigned char *at, *limit; } spares[SPARE_MAX];
static volatile LONG spare_count;

static LONG64 chunk_start(int index)
{
    return index < SMALL_CHUNKS ? index * SMALL_CHUNK : SMALL_CHUNKS * SMALL_CHUNK + (index - SMALL_CHUNKS) * BIG_CHUNK;
}

static int chunk_of(LONG64 offset)
{
    return offset < SMALL_CHUNKS * SMALL_CHUNK ? (int)(offset / SMALL_CHUNK)
                                               : SMALL_CHUNKS + (int)((offset - SMALL_CHUNKS * SMALL_CHUNK) / BIG_CHUNK);
}

static void stop_recording(const char *why)
{
    InterlockedExchange(&trace_recording, 0);
    if (chunk_views[0] != NULL) /* the decoder says the trace filled up, not that the process died */
        *(volatile uint32_t *)(chunk_views[0] + TRACE_H_STOPPED) = 1;
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

/* ---- growing the file ---------------------------------------------------------------------- */

/* Writes chunk INDEX with zeros and maps it; under chunk_lock. 0 when the disk is full,
 * the quota is reached or the mapping fails. */
static int prepare_chunk(int index)
{
    LONG64 start = chunk_start(index), bytes = index < SMALL_CHUNKS ? SMALL_CHUNK : BIG_CHUNK;
    if (index >= MAX_CHUNKS || start >= max_bytes)
        return 0;
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
            if (start + done < max_bytes)
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
static char *chunk_view(int index)
{
    if (index >= MAX_CHUNKS)
        return NULL;
    char *view = chunk_views[index]; /* published with a full barrier */
#if !(defined(_M_X64) || defined(_M_IX86) || defined(__x86_64__) || defined(__i386__))
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
        if (!prepare_chunk(chunk_of(prepared_end)))
            break;
    ReleaseSRWLockExclusive(&chunk_lock);
    return view;
}

static unsigned char *byte_at(LONG64 offset)
{
    int index = chunk_of(offset);
    char *view = chunk_view(index);
    return view ? (unsigned char *)view + (offset - chunk_start(index)) : NULL;
}

/* ---- regions -------------------------------------------------------------------------------- */

static void write_region_record(trace_thread *t, unsigned char *r)
{
    uint64_t clock, counter;
    trace_clock_pair(&clock, &counter);
    put32(r + TRACE_REGION_TID, t->tid);
    put32(r + TRACE_REGION_SERIAL, t->serial);
    put32(r + TRACE_REGION_ORDINAL, t->ordinal++);
    put64(r + TRACE_REGION_CLOCK, clock);
    put64(r + TRACE_REGION_COUNTER, counter);
    MemoryBarrier();
    *(volatile uint32_t *)r = TRACE_REC_WORD(TRACE_REGION_RECORD_BYTES, TRACE_REC_REGION);
    t->at = r + TRACE_REGION_RECORD_BYTES;
}

/* The rest of an ended thread's region, if one is spare. */
static int take_spare(trace_thread *t)
{
    int got = 0;
    if (spare_count == 0 || !TryAcquireSRWLockExclusive(&chunk_lock))
        return 0;
    if (spare_count > 0) {
        struct spare s = spares[--spare_count];
        t->limit = s.limit;
        write_region_record(t, s.at);
        got = 1;
    }
    ReleaseSRWLockExclusive(&chunk_lock);
    return got;
}

int trace_take_region(trace_thread *t)
{
    if (t->serial == 0) {
        t->serial = (uint32_t)InterlockedIncrement(&thread_serials);
        t->tid = (uint32_t)GetCurrentThreadId();
        if (t->at == NULL && take_spare(t))
            return 1;
    }
    LONG64 index = InterlockedIncrement64(&regions_taken);
    LONG64 offset = index * REGION;
    unsigned char *r = offset + REGION <= max_bytes ? byte_at(offset) : NULL;
    if (r == NULL || offset + REGION > max_bytes) {
        /* Disk full, as far as this trace goes: stop recording, keep forwarding, say so once. */
        stop_recording("the trace is full (the disk, ESENTSHIM_TRACE_MAX_BYTES or the largest trace the shim "
                       "writes); recording stopped, calls are still forwarded");
        return 0;
    }
    t->limit = r + REGION;
    write_region_record(t, r);
    return 1;
}

void trace_give_back(trace_thread *t)
{
    /* Worth keeping only with room for a few records; the lock is only tried (this runs
     * at thread exit, perhaps while the process ends). */
    if (t->at == NULL || t->limit - t->at < 1024 || !trace_recording || !TryAcquireSRWLockExclusive(&chunk_lock))
        return;
    if (spare_count < SPARE_MAX) {
        spares[spare_count].at = t->at;
        spares[spare_count].limit = t->limit;
        spare_count++;
    }
    ReleaseSRWLockExclusive(&chunk_lock);
}

/* ---- the header ----------------------------------------------------------------------------- */

static int write_header(void)
{
    unsigned char *h = byte_at(0);
    SYSTEM_INFO info;
    if (h == NULL)
        return 0;
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

/* Unmaps every chunk and cuts the file after the last region taken. */
static void finish_file(void)
{
    LARGE_INTEGER used;
    for (int i = 0; i < MAX_CHUNKS && chunk_views[i] != NULL; i++) {
        UnmapViewOfFile(chunk_views[i]);
        chunk_views[i] = NULL;
    }
    used.QuadPart = (regions_taken + 1) * REGION;
    if (used.QuadPart > prepared_end)
        used.QuadPart = prepared_end;
    if (SetFilePointerEx(trace_handle, used, NULL, FILE_BEGIN))
        SetEndOfFile(trace_handle);
}

void trace_close(int unloading)
{
    if (!unloading)
        InterlockedExchange(&process_exiting, 1);
    if (InterlockedExchange(&closed, 1) == 0) {
        InterlockedExchange(&trace_recording, 0);
        unsigned char *h = (unsigned char *)chunk_views[0];
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
        if (!unloading && !TryAcquireSRWLockExclusive(&chunk_lock))
            return; /* the file keeps its zero-filled tail, which the decoder accepts */
        if (unloading)
            AcquireSRWLockExclusive(&chunk_lock);
        finish_file();
        CloseHandle(trace_handle);
        trace_handle = INVALID_HANDLE_VALUE;
        ReleaseSRWLockExclusive(&chunk_lock);
    }
}
