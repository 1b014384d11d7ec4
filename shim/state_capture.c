/* Capturing the files an instance finds. Runs only before the rare calls that find files
 * (JetInit*, JetAttachDatabase*), under one lock; the bytes are read straight into the
 * calling thread's window, a piece per region, so a capture costs the file reads.
 *
 * Which files: ESE's own kinds in a folder (dev/ese/src/inc/daeconst.hxx:10-19 at the
 * pinned commit: .log/.jtx logs, .jrs reserve logs, .chk/.jcp checkpoints, .jsl, .pat;
 * dev/ese/src/ese/flushmap.cxx:57, 98-125: a database's flush map is its name with .jfm for
 * its extension) and .edb databases; a database of another name when it is attached. Only
 * what was there before the process started counts: a file written since (a database the
 * process created, a restore's files, its logs) is its own doing, which the replay does
 * again, so it is listed as such and not copied. */
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
static FILETIME process_start;

#define PATH_MAX_W (MAX_PATH * 2)

/* Paths the process has dealt with (full paths, compared without case), under lock. */
typedef struct path_set {
    wchar_t **paths;
    size_t count, capacity;
} path_set;

static path_set folders_seen, files_seen_set;

/* Instances the target made (JetCreateInstance*, a legacy JetInit) and has not ended
 * (JetTerm*): the only ones the shim asks about. ESE validates an instance handle after
 * taking its instance lock and returns on a bad one without letting go
 * (dev/ese/src/ese/jetapi.cxx:12284-12313, JET_VALIDATE_INSTANCE), so asking about a stale
 * handle could leave ESENT locked. */
static uintptr_t *instances;
static size_t ninstances, instances_capacity;

static int set_has(const path_set *set, const wchar_t *path)
{
    for (size_t i = 0; i < set->count; i++)
        if (CompareStringOrdinal(set->paths[i], -1, path, -1, TRUE) == CSTR_EQUAL)
            return 1;
    return 0;
}

/* Adds PATH; 0 when out of memory. */
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

/* ESENTSHIM_STATE_MAX_BYTES: decimal digits only (no sign, no blanks, no overflow). */
static void read_limit(void)
{
    wchar_t text[32];
    memset(text, 0, sizeof text);
    DWORD n = GetEnvironmentVariableW(L"ESENTSHIM_STATE_MAX_BYTES", text, (DWORD)(sizeof text / sizeof text[0]));
    if (n == 0 && GetLastError() == ERROR_ENVVAR_NOT_FOUND)
        return;
    uint64_t value = 0;
    int ok = n > 0 && n < sizeof text / sizeof text[0], too_large = 0;
    for (DWORD i = 0; ok && i < n; i++) {
        unsigned digit = (unsigned)(text[i] - L'0');
        too_large = digit <= 9 && value > (UINT64_MAX - digit) / 10;
        ok = digit <= 9 && !too_large;
        value = value * 10 + digit;
    }
    if (!ok) {
        if (too_large)
            shim_warn_path("ESENTSHIM_STATE_MAX_BYTES is too large (more than 64 bits); the default, 64 MB, is "
                           "kept: ", text);
        else if (n > 0 && n < sizeof text / sizeof text[0])
            shim_warn_path("ESENTSHIM_STATE_MAX_BYTES is not a number of bytes (digits only); the default, 64 MB, "
                           "is kept: ", text);
        else
            shim_warn("ESENTSHIM_STATE_MAX_BYTES is empty or too long for a number of bytes; the default, 64 MB, "
                      "is kept");
        return;
    }
    max_bytes = value;
}

void state_capture_prepare(void)
{
    FILETIME unused1, unused2, unused3;
    for (int id = 0; id < API_COUNT; id++)
        state_roles[id] = (unsigned char)api_state_role_of(&api_functions[id]);
    if (!GetProcessTimes(GetCurrentProcess(), &process_start, &unused1, &unused2, &unused3))
        GetSystemTimeAsFileTime(&process_start); /* then what is there now counts as found */
    read_limit();
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

/* The FILE record of PATH; 0 when the trace is full or the path cannot be written. */
static int write_file_record(trace_thread *t, uint32_t file, const wchar_t *path, uint64_t size, unsigned status,
                             uint64_t detail, api_id id)
{
    char utf8[3 * PATH_MAX_W];
    int n = WideCharToMultiByte(CP_UTF8, 0, path, -1, utf8, (int)sizeof utf8, NULL, NULL);
    if (n <= 1)
        return 0;
    n--;
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

/* Copies SIZE bytes of H into pieces; returns 1, or 0 with *ERROR when a read failed (0: the
 * trace is full, which the decoder learns from the header). */
static int write_pieces(trace_thread *t, uint32_t file, HANDLE h, uint64_t size, DWORD *error)
{
    for (uint64_t offset = 0; offset < size;) {
        if (!trace_recording || !room(t, PIECE_HEAD + PIECE_MIN + 8)) {
            *error = 0;
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

/* One file, once: its FILE record, then its bytes when they were there before the process
 * started and fit the limit. Under lock. */
static void capture_file(trace_thread *t, const wchar_t *path, api_id id)
{
    if (!trace_recording || set_has(&files_seen_set, path) || !set_add(&files_seen_set, path))
        return;
    uint32_t file = ++files_seen;
    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_FLAG_SEQUENTIAL_SCAN, NULL);
    BY_HANDLE_FILE_INFORMATION info;
    if (h == INVALID_HANDLE_VALUE || !GetFileInformationByHandle(h, &info)) {
        DWORD error = GetLastError();
        write_file_record(t, file, path, 0, TRACE_STATE_UNREADABLE, error, id);
        if (h != INVALID_HANDLE_VALUE)
            CloseHandle(h);
        return;
    }
    uint64_t bytes = (uint64_t)info.nFileSizeHigh << 32 | info.nFileSizeLow;
    unsigned status = CompareFileTime(&info.ftLastWriteTime, &process_start) >= 0 ? TRACE_STATE_WRITTEN
                      : max_bytes == 0                                           ? TRACE_STATE_OFF
                      : bytes > max_bytes - used_bytes                          ? TRACE_STATE_OVER_LIMIT
                                                                                 : TRACE_STATE_CAPTURED;
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
        if (CompareStringOrdinal(dot, -1, kinds[i], -1, TRUE) == CSTR_EQUAL)
            return 1;
    return 0;
}

/* FOLDER\NAME into OUT (one separator, also after a drive's root "C:\"); 0 when too long. */
static int join(wchar_t *out, const wchar_t *folder, const wchar_t *name)
{
    size_t n = wcslen(folder);
    int sep = n > 0 && folder[n - 1] != L'\\' && folder[n - 1] != L'/';
    int k = _snwprintf(out, PATH_MAX_W, L"%ls%ls%ls", folder, sep ? L"\\" : L"", name);
    return k > 0 && k < PATH_MAX_W;
}

/* FOLDER's ESE files, the first time FOLDER (a full path) is looked at. */
static void capture_folder(trace_thread *t, const wchar_t *folder, api_id id)
{
    wchar_t pattern[PATH_MAX_W], path[PATH_MAX_W];
    WIN32_FIND_DATAW found;
    if (set_has(&folders_seen, folder) || !set_add(&folders_seen, folder) || !join(pattern, folder, L"*"))
        return;
    HANDLE find = FindFirstFileW(pattern, &found);
    if (find == INVALID_HANDLE_VALUE) {
        /* A folder that is not there (the instance will create it) or cannot be one holds
         * nothing; one that exists and cannot be listed may hold files, so the trace says it
         * could not look (the replay then skips). */
        static const DWORD nothing[] = {ERROR_FILE_NOT_FOUND, ERROR_PATH_NOT_FOUND, ERROR_NO_MORE_FILES,
                                        ERROR_INVALID_NAME,   ERROR_DIRECTORY,      ERROR_BAD_PATHNAME,
                                        ERROR_INVALID_DRIVE,  ERROR_BAD_NETPATH,    ERROR_BAD_NET_NAME};
        DWORD error = GetLastError();
        size_t k = 0;
        while (k < sizeof nothing / sizeof nothing[0] && nothing[k] != error)
            k++;
        if (k == sizeof nothing / sizeof nothing[0])
            write_file_record(t, ++files_seen, pattern, 0, TRACE_STATE_UNREADABLE, error, id);
        return;
    }
    do {
        if (!(found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) && is_ese_file(found.cFileName) &&
            join(path, folder, found.cFileName))
            capture_file(t, path, id);
    } while (trace_recording && FindNextFileW(find, &found));
    FindClose(find);
}

/* The full path of PATH, and in FOLDER (may be NULL) its folder without the trailing
 * separator (but "C:\" for a drive's root). */
static int full_path(const wchar_t *path, wchar_t *full, wchar_t *folder)
{
    wchar_t *base = NULL;
    DWORD n = GetFullPathNameW(path, PATH_MAX_W, full, &base);
    if (n == 0 || n >= PATH_MAX_W)
        return 0;
    if (folder) {
        lstrcpynW(folder, full, PATH_MAX_W);
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

/* A path parameter of INSTANCE asked of the target directly (not recorded): the wide call,
 * or the narrow one on a target that lacks it. */
static int instance_path(uintptr_t instance, unsigned long paramid, wchar_t *out)
{
    uintptr_t value = 0;
    get_parameter_w wide = (get_parameter_w)(void (*)(void))target_function(API_ID_JetGetSystemParameterW);
    get_parameter_a narrow = (get_parameter_a)(void (*)(void))target_function(API_ID_JetGetSystemParameterA);
    out[0] = 0;
    if (wide != NULL) {
        int ok = wide(instance, 0, paramid, &value, out, (PATH_MAX_W - 1) * sizeof(wchar_t)) >= 0;
        out[PATH_MAX_W - 1] = 0; /* whatever the target left there */
        return ok && out[0] != 0;
    }
    char text[PATH_MAX_W];
    if (narrow == NULL || narrow(instance, 0, paramid, &value, text, sizeof text - 1) < 0)
        return 0;
    text[sizeof text - 1] = 0;
    return MultiByteToWideChar(CP_ACP, 0, text, -1, out, PATH_MAX_W) > 1;
}

/* JET_paramSystemPath and JET_paramLogFilePath (ESE's jethdr.w: 0 and 2). */
enum { PARAM_SYSTEM_PATH = 0, PARAM_LOG_FILE_PATH = 2 };

/* 0 and JET_instanceNil (~0) name no instance: the one of a one-instance process. */
static int is_nil(uintptr_t instance)
{
    return instance == 0 || instance == ~(uintptr_t)0;
}

static int instance_known(uintptr_t instance)
{
    for (size_t i = 0; i < ninstances; i++)
        if (instances[i] == instance)
            return 1;
    return 0;
}

/* The instance the JetInit* at SLOTS starts: *pinstance (a null pointer: none). */
static uintptr_t init_instance(const uintptr_t *slots)
{
    uintptr_t instance = 0;
    if (slots[0] != 0 && !safe_read((const void *)slots[0], &instance, sizeof instance))
        instance = 0;
    return instance;
}

static void capture_instance(trace_thread *t, api_id id, const uintptr_t *slots)
{
    static const unsigned long params[] = {PARAM_SYSTEM_PATH, PARAM_LOG_FILE_PATH};
    uintptr_t instance = init_instance(slots);
    if (!is_nil(instance) && !instance_known(instance))
        return; /* not an instance the target made: the call fails on its own */
    if (is_nil(instance))
        instance = 0;
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        wchar_t set[PATH_MAX_W], full[PATH_MAX_W], folder[PATH_MAX_W];
        if (!instance_path(instance, params[i], set))
            continue;
        size_t n = wcslen(set);
        if (n > 0 && set[n - 1] != L'\\' && set[n - 1] != L'/' && n + 1 < PATH_MAX_W)
            lstrcatW(set, L"\\"); /* a folder parameter: its files are inside it */
        if (full_path(set, full, folder))
            capture_folder(t, folder, id);
    }
}

/* The database file a call names (its first string argument), as a full path. */
static int database_path(api_id id, const uintptr_t *slots, wchar_t *full)
{
    const api_function *fn = &api_functions[id];
    const api_param *params = api_params_of(fn);
    int index = api_first_string_param(fn);
    unsigned slot = 0;
    wchar_t name[PATH_MAX_W];
    int cut = 0;
    if (index < 0)
        return 0;
    for (int i = 0; i < index; i++)
        slot += api_param_slots(&params[i]);
    const unsigned char *arg = (const unsigned char *)slots[slot];
    if (arg == NULL)
        return 0;
    if (params[index].kind == API_KIND_STR_W) {
        long n = safe_read_units(arg, (unsigned char *)name, 2, PATH_MAX_W - 1, &cut);
        if (n <= 0 || cut)
            return 0;
        name[n] = 0;
    } else {
        char narrow[PATH_MAX_W];
        long n = safe_read_units(arg, (unsigned char *)narrow, 1, sizeof narrow - 1, &cut);
        if (n <= 0 || cut)
            return 0;
        narrow[n] = 0;
        if (MultiByteToWideChar(CP_ACP, 0, narrow, -1, name, PATH_MAX_W) <= 0)
            return 0;
    }
    return full_path(name, full, NULL);
}

/* The database an attach names, and its flush map. */
static void capture_attached(trace_thread *t, api_id id, const uintptr_t *slots)
{
    wchar_t full[PATH_MAX_W];
    if (!database_path(id, slots, full) || GetFileAttributesW(full) == INVALID_FILE_ATTRIBUTES)
        return; /* the attach fails on its own, as it will on the replay */
    capture_file(t, full, id);
    wchar_t *dot = wcsrchr(full, L'.'), *slash = wcsrchr(full, L'\\');
    if (dot && (!slash || dot > slash))
        *dot = 0;
    if (wcslen(full) + 5 < PATH_MAX_W) {
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
        if (state_roles[id] == API_STATE_INIT)
            capture_instance(t, id, slots);
        else if (state_roles[id] == API_STATE_ATTACH)
            capture_attached(t, id, slots);
    }
    ReleaseSRWLockExclusive(&lock);
    SetLastError(error);
}

void state_capture_after(api_id id, const uintptr_t *slots)
{
    unsigned role = state_roles[id];
    if (role != API_STATE_NEW_INSTANCE && role != API_STATE_INIT && role != API_STATE_END_INSTANCE)
        return;
    DWORD error = GetLastError();
    AcquireSRWLockExclusive(&lock);
    if (role == API_STATE_END_INSTANCE) {
        for (size_t i = 0; i < ninstances; i++)
            if (instances[i] == slots[0])
                instances[i] = instances[--ninstances];
    } else {
        /* JetCreateInstance* made *pinstance; a legacy JetInit may have too. */
        uintptr_t instance = init_instance(slots);
        if (!is_nil(instance) && !instance_known(instance)) {
            if (ninstances == instances_capacity) {
                size_t capacity = instances_capacity ? instances_capacity * 2 : 8;
                uintptr_t *grown = realloc(instances, capacity * sizeof *grown);
                if (grown) {
                    instances = grown;
                    instances_capacity = capacity;
                }
            }
            if (ninstances < instances_capacity)
                instances[ninstances++] = instance;
        }
    }
    ReleaseSRWLockExclusive(&lock);
    SetLastError(error);
}
