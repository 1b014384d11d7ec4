/* Capturing the files an instance finds. Runs only before the rare calls that find files
 * (JetInit*, JetAttachDatabase*), under one lock; the bytes are read straight into the
 * calling thread's window, a piece per region, so a capture costs the file reads.
 *
 * Which files: ESE's own kinds in a folder (dev/ese/src/inc/daeconst.hxx:10-19 at the
 * pinned commit: .log/.jtx logs, .jrs reserve logs, .chk/.jcp checkpoints, .jsl, .pat;
 * dev/ese/src/ese/flushmap.cxx:57, 98-125: a database's flush map is its name with .jfm for
 * its extension) and .edb databases; a database of another name is
 * captured when it is attached. A folder is looked at once: what appears there later is
 * what the process itself made, which the replay makes again. */
#include <windows.h>

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "record_write.h"
#include "safe_memory.h"
#include "shim_warn.h"
#include "state_capture.h"
#include "target.h"

unsigned char state_roles[API_COUNT];

static SRWLOCK lock = SRWLOCK_INIT;
static uint64_t max_bytes = TRACE_STATE_DEFAULT_MAX_BYTES, used_bytes;
static uint32_t files_seen;

/* Paths the process has dealt with (full paths, compared without case), under lock. */
typedef struct path_set {
    wchar_t **paths;
    size_t count, capacity;
} path_set;

static path_set folders_seen, files_captured, files_created;

static int set_has(const path_set *set, const wchar_t *path)
{
    for (size_t i = 0; i < set->count; i++)
        if (lstrcmpiW(set->paths[i], path) == 0)
            return 1;
    return 0;
}

/* Adds PATH; 0 when out of memory (the caller then treats it as seen, once). */
static int set_add(path_set *set, const wchar_t *path)
{
    if (set->count == set->capacity) {
        size_t capacity = set->capacity ? set->capacity * 2 : 16;
        wchar_t **grown = realloc(set->paths, capacity * sizeof *grown);
        if (!grown)
            return 0;
        set->paths = grown;
        set->capacity = capacity;
    }
    size_t n = wcslen(path) + 1;
    wchar_t *copy = malloc(n * sizeof *copy);
    if (!copy)
        return 0;
    memcpy(copy, path, n * sizeof *copy);
    set->paths[set->count++] = copy;
    return 1;
}

void state_capture_prepare(void)
{
    wchar_t text[32];
    for (int id = 0; id < API_COUNT; id++)
        state_roles[id] = (unsigned char)api_file_role_of(&api_functions[id]);
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_STATE_MAX_BYTES", text, (DWORD)(sizeof text / sizeof text[0]));
    if (n == 0)
        return;
    wchar_t *end = NULL;
    unsigned long long value = n < sizeof text / sizeof text[0] ? wcstoull(text, &end, 10) : 0;
    if (end == NULL || end == text || *end != L'\0') {
        shim_warn_path("ESENTSHIM_STATE_MAX_BYTES is not a number of bytes; the default (64 MB) is kept: ", text);
        return;
    }
    max_bytes = value;
}

/* ---- records ---------------------------------------------------------------------------- */

/* Room for BYTES more in T's window (a new region when short); 0 when the trace is full. */
static int room(trace_thread *t, size_t bytes)
{
    return (size_t)(t->limit - t->at) >= bytes || trace_take_region(t);
}

static unsigned char *state_head(trace_thread *t, unsigned what, uint32_t file)
{
    unsigned char *r = t->at;
    r[TRACE_STATE_WHAT] = (unsigned char)what;
    r[TRACE_STATE_WHAT + 1] = r[TRACE_STATE_WHAT + 2] = r[TRACE_STATE_WHAT + 3] = 0;
    memcpy(r + TRACE_STATE_FILE_NO, &file, 4);
    return r + TRACE_STATE_BODY;
}

static void state_finish(trace_thread *t, unsigned char *p)
{
    uint32_t size = record_padded_size(t->at, p);
    record_publish(t, t->at, size, TRACE_REC_STATE);
    t->at += size;
}

/* The FILE record of PATH; 0 when the trace is full. */
static int write_file_record(trace_thread *t, uint32_t file, const wchar_t *path, uint64_t size, unsigned status,
                             uint64_t detail, api_id id)
{
    char utf8[3 * MAX_PATH * 2];
    int n = WideCharToMultiByte(CP_UTF8, 0, path, -1, utf8, (int)sizeof utf8, NULL, NULL);
    n = n > 0 ? n - 1 : 0;
    if (!room(t, TRACE_STATE_BODY + 5 * TRACE_VARINT_MAX + (size_t)n + 8))
        return 0;
    unsigned char *p = state_head(t, TRACE_STATE_FILE, file);
    p = record_varint(p, size);
    p = record_varint(p, status);
    p = record_varint(p, detail);
    p = record_varint(p, (uint64_t)id);
    p = record_varint(p, (uint64_t)n);
    memcpy(p, utf8, (size_t)n);
    state_finish(t, p + n);
    return 1;
}

static void write_failed_record(trace_thread *t, uint32_t file, unsigned status, uint64_t detail)
{
    if (!room(t, TRACE_STATE_BODY + 2 * TRACE_VARINT_MAX + 8))
        return;
    unsigned char *p = state_head(t, TRACE_STATE_FAILED, file);
    p = record_varint(p, status);
    p = record_varint(p, detail);
    state_finish(t, p);
}

/* A piece's length in a fixed three-byte varint (a piece is under 2^21 bytes), written
 * after its bytes were read into place. */
#define PIECE_HEAD (TRACE_STATE_BODY + TRACE_VARINT_MAX + 3)
#define PIECE_MIN 4096u

/* Copies SIZE bytes of H into pieces; returns 1, or 0 with *ERROR when a read failed. */
static int write_pieces(trace_thread *t, uint32_t file, HANDLE h, uint64_t size, DWORD *error)
{
    for (uint64_t offset = 0; offset < size;) {
        if (!room(t, PIECE_HEAD + PIECE_MIN + 8)) {
            *error = 0; /* the trace is full: the decoder says so from the header */
            return 0;
        }
        size_t space = (size_t)(t->limit - t->at) - PIECE_HEAD - 8;
        DWORD want = (DWORD)(size - offset < space ? size - offset : space), got = 0;
        unsigned char *p = record_varint(state_head(t, TRACE_STATE_PIECE, file), offset);
        if (!ReadFile(h, p + 3, want, &got, NULL) || got == 0) {
            *error = got == 0 ? ERROR_HANDLE_EOF : GetLastError();
            return 0;
        }
        p[0] = (unsigned char)(got | 0x80);
        p[1] = (unsigned char)((got >> 7) | 0x80);
        p[2] = (unsigned char)(got >> 14);
        state_finish(t, p + 3 + got);
        offset += got;
    }
    return 1;
}

/* ---- what is captured ----------------------------------------------------------------------- */

/* One file, once: its FILE record, then its bytes when they fit the limit. Under lock. */
static void capture_file(trace_thread *t, const wchar_t *path, api_id id)
{
    if (set_has(&files_captured, path) || set_has(&files_created, path) || !set_add(&files_captured, path))
        return;
    uint32_t file = ++files_seen;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    LARGE_INTEGER size = {0};
    if (h == INVALID_HANDLE_VALUE || !GetFileSizeEx(h, &size)) {
        DWORD error = GetLastError();
        write_file_record(t, file, path, 0, TRACE_STATE_UNREADABLE, error, id);
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        return;
    }
    uint64_t bytes = (uint64_t)size.QuadPart;
    unsigned status = max_bytes == 0 ? TRACE_STATE_OFF
                      : bytes > max_bytes - used_bytes ? TRACE_STATE_OVER_LIMIT : TRACE_STATE_CAPTURED;
    if (write_file_record(t, file, path, bytes, status, status == TRACE_STATE_OVER_LIMIT ? max_bytes : 0, id) &&
        status == TRACE_STATE_CAPTURED) {
        DWORD error = 0;
        used_bytes += bytes;
        if (!write_pieces(t, file, h, bytes, &error) && error != 0)
            write_failed_record(t, file, TRACE_STATE_UNREADABLE, error);
    }
    CloseHandle(h);
}

static int is_ese_file(const wchar_t *name)
{
    static const wchar_t *const kinds[] = {L".log", L".jtx", L".jrs", L".chk", L".jcp", L".jsl", L".pat", L".jfm", L".edb"};
    const wchar_t *dot = wcsrchr(name, L'.');
    for (size_t i = 0; dot && i < sizeof kinds / sizeof kinds[0]; i++)
        if (lstrcmpiW(dot, kinds[i]) == 0)
            return 1;
    return 0;
}

/* FOLDER's ESE files, the first time FOLDER (a full path, no trailing separator) is seen. */
static void capture_folder(trace_thread *t, const wchar_t *folder, api_id id)
{
    wchar_t pattern[MAX_PATH * 2], path[MAX_PATH * 2];
    WIN32_FIND_DATAW found;
    if (set_has(&folders_seen, folder) || !set_add(&folders_seen, folder))
        return;
    _snwprintf(pattern, MAX_PATH * 2, L"%ls\\*", folder);
    pattern[MAX_PATH * 2 - 1] = 0;
    HANDLE find = FindFirstFileW(pattern, &found);
    if (find == INVALID_HANDLE_VALUE)
        return;
    do {
        if ((found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) || !is_ese_file(found.cFileName))
            continue;
        int n = _snwprintf(path, MAX_PATH * 2, L"%ls\\%ls", folder, found.cFileName);
        if (n > 0 && n < MAX_PATH * 2)
            capture_file(t, path, id);
    } while (FindNextFileW(find, &found));
    FindClose(find);
}

/* The full path of PATH, and in FOLDER its folder without the trailing separator. */
static int full_path(const wchar_t *path, wchar_t *full, wchar_t *folder)
{
    wchar_t *base = NULL;
    DWORD n = GetFullPathNameW(path, MAX_PATH * 2, full, &base);
    if (n == 0 || n >= MAX_PATH * 2)
        return 0;
    if (folder) {
        lstrcpynW(folder, full, MAX_PATH * 2);
        size_t k = base ? (size_t)(base - full) : wcslen(folder);
        while (k > 3 && (folder[k - 1] == L'\\' || folder[k - 1] == L'/'))
            k--;
        folder[k] = 0;
    }
    return 1;
}

typedef long(__stdcall *get_parameter_w)(uintptr_t instance, uintptr_t sesid, unsigned long paramid,
                                          uintptr_t *value, wchar_t *text, unsigned long bytes);
typedef long(__stdcall *get_parameter_a)(uintptr_t instance, uintptr_t sesid, unsigned long paramid,
                                          uintptr_t *value, char *text, unsigned long bytes);

/* A path parameter of INSTANCE asked of the target directly (not recorded). */
static int instance_path(uintptr_t instance, unsigned long paramid, wchar_t *out)
{
    uintptr_t value = 0;
    get_parameter_w wide = (get_parameter_w)(void (*)(void))target_function(API_ID_JetGetSystemParameterW);
    get_parameter_a narrow = (get_parameter_a)(void (*)(void))target_function(API_ID_JetGetSystemParameterA);
    out[0] = 0;
    if (wide != NULL && wide(instance, 0, paramid, &value, out, MAX_PATH * 2 * sizeof(wchar_t)) >= 0)
        return out[0] != 0;
    char text[MAX_PATH * 2];
    if (narrow == NULL || narrow(instance, 0, paramid, &value, text, sizeof text) < 0)
        return 0;
    text[sizeof text - 1] = 0;
    return MultiByteToWideChar(CP_ACP, 0, text, -1, out, MAX_PATH * 2) > 1;
}

/* JET_paramSystemPath and JET_paramLogFilePath (ESE's jethdr.w: 0 and 2). */
enum { PARAM_SYSTEM_PATH = 0, PARAM_LOG_FILE_PATH = 2 };

static void capture_instance(trace_thread *t, api_id id, const uintptr_t *slots)
{
    static const unsigned long params[] = {PARAM_SYSTEM_PATH, PARAM_LOG_FILE_PATH};
    uintptr_t instance = 0;
    if (slots[0] != 0 && !safe_read((const void *)slots[0], &instance, sizeof instance))
        instance = 0;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        wchar_t set[MAX_PATH * 2], full[MAX_PATH * 2], folder[MAX_PATH * 2];
        if (!instance_path(instance, params[i], set))
            continue;
        size_t n = wcslen(set);
        if (n > 0 && set[n - 1] != L'\\' && set[n - 1] != L'/' && n + 1 < MAX_PATH * 2)
            lstrcatW(set, L"\\"); /* a folder parameter: its files are inside it */
        if (full_path(set, full, folder))
            capture_folder(t, folder, id);
    }
}

/* The database file a call names (its first string argument), as a full path. */
static int database_path(api_id id, const uintptr_t *slots, wchar_t *full, wchar_t *folder)
{
    const api_function *fn = &api_functions[id];
    const api_param *params = api_params_of(fn);
    int index = api_first_string_param(fn);
    unsigned slot = 0;
    wchar_t name[MAX_PATH * 2];
    int cut = 0;
    if (index < 0)
        return 0;
    for (int i = 0; i < index; i++)
        slot += api_param_slots(&params[i]);
    const unsigned char *arg = (const unsigned char *)slots[slot];
    if (arg == NULL)
        return 0;
    if (params[index].kind == API_KIND_STR_W) {
        long n = safe_read_units(arg, (unsigned char *)name, 2, MAX_PATH * 2 - 1, &cut);
        if (n <= 0 || cut)
            return 0;
        name[n] = 0;
    } else {
        char narrow[MAX_PATH * 2];
        long n = safe_read_units(arg, (unsigned char *)narrow, 1, sizeof narrow - 1, &cut);
        if (n <= 0 || cut)
            return 0;
        narrow[n] = 0;
        if (MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, MAX_PATH * 2) <= 0)
            return 0;
    }
    return full_path(name, full, folder);
}

/* A database attached from a folder no JetInit* looked at, and its flush map. */
static void capture_attached(trace_thread *t, api_id id, const uintptr_t *slots)
{
    wchar_t full[MAX_PATH * 2], folder[MAX_PATH * 2];
    if (!database_path(id, slots, full, folder) || set_has(&folders_seen, folder) ||
        GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
        return;
    capture_file(t, full, id);
    wchar_t *dot = wcsrchr(full, L'.'), *slash = wcsrchr(full, L'\\');
    if (dot && (!slash || dot > slash))
        *dot = 0;
    if (wcslen(full) + 5 < MAX_PATH * 2) {
        lstrcatW(full, L".jfm");
        if (GetFileAttributesW(full) != INVALID_FILE_ATTRIBUTES)
            capture_file(t, full, id);
    }
}

void state_capture_before(trace_thread *t, api_id id, const uintptr_t *slots)
{
    DWORD error = GetLastError();
    AcquireSRWLockExclusive(&lock);
    if (trace_recording) {
        if (state_roles[id] == API_FILES_INIT)
            capture_instance(t, id, slots);
        else if (state_roles[id] == API_FILES_ATTACH)
            capture_attached(t, id, slots);
    }
    ReleaseSRWLockExclusive(&lock);
    SetLastError(error);
}

void state_note_created(api_id id, const uintptr_t *slots)
{
    wchar_t full[MAX_PATH * 2];
    DWORD error = GetLastError();
    AcquireSRWLockExclusive(&lock);
    if (database_path(id, slots, full, NULL) && !set_has(&files_created, full))
        set_add(&files_created, full);
    ReleaseSRWLockExclusive(&lock);
    SetLastError(error);
}
