/* The model's files on disk: <base>.chk in the system path, <base>.log and the archived
 * generations <base>XXXXX.log in the log path, and database files of 2 reserved header
 * pages + data pages (ESE's layout). Every file starts with a made-up header naming the
 * model; the rest is page-sized, deterministic content, so a test can compare bytes. */
#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define MODEL_MAGIC_DB "ESHMODEL-DB"
#define MODEL_MAGIC_LOG "ESHMODEL-LOG"
#define MODEL_MAGIC_CHK "ESHMODEL-CHK"
#define MODEL_MAGIC_TRAILER "ESHMODEL-TRAILER"
#define MODEL_BANNER "esent-harness reference model (not ESENT)"

/* The header at the start of every model file (little-endian, packed by hand). */
typedef struct file_header {
    char magic[16];
    char banner[48];
    uint32_t page_size;
    uint32_t value;       /* database: pgnoLast; log / checkpoint: generation */
    uint32_t signature;   /* a per-file random value, so two databases differ */
    uint32_t reserved;
    WCHAR base_name[8];
    WCHAR origin[MODEL_NAME_MAX]; /* a database: the full path it was created at */
} file_header;

int model_full_path(const WCHAR *path, WCHAR *out, size_t cch)
{
    if (!path || !*path)
        return 0;
    DWORD n = GetFullPathNameW(path, (DWORD)cch, out, NULL);
    return n > 0 && n < cch;
}

void model_join(WCHAR *out, size_t cch, const WCHAR *dir, const WCHAR *name)
{
    size_t n = wcslen(dir);
    int sep = n > 0 && dir[n - 1] != L'\\' && dir[n - 1] != L'/';
    _snwprintf(out, cch, L"%ls%ls%ls", dir, sep ? L"\\" : L"", name);
    out[cch - 1] = 0;
}

HANDLE model_find_first(const WCHAR *dir, WIN32_FIND_DATAW *fd)
{
    WCHAR pattern[MODEL_NAME_MAX];
    model_join(pattern, MODEL_NAME_MAX, dir, L"*");
    return FindFirstFileW(pattern, fd);
}

void model_log_name(WCHAR *out, size_t cch, const model_inst *inst, unsigned long gen)
{
    WCHAR name[32];
    if (gen == 0)
        _snwprintf(name, 32, L"%ls.log", inst->params.base_name);
    else /* legacy 8.3 names: five hex digits */
        _snwprintf(name, 32, L"%ls%05lX.log", inst->params.base_name, gen);
    name[31] = 0;
    model_join(out, cch, inst->log_dir, name);
}

/* The model creates missing folders (it does not model JET_paramCreatePathIfNotExist). */
JET_ERR model_ensure_dir(const WCHAR *dir)
{
    WCHAR buf[MODEL_NAME_MAX];
    if (wcslen(dir) >= MODEL_NAME_MAX)
        return JET_errInvalidPath;
    wcscpy(buf, dir);
    for (WCHAR *p = buf; *p; p++) {
        if ((*p == L'\\' || *p == L'/') && p > buf && p[-1] != L':') {
            WCHAR c = *p;
            *p = 0;
            CreateDirectoryW(buf, NULL);
            *p = c;
        }
    }
    CreateDirectoryW(buf, NULL);
    DWORD attr = GetFileAttributesW(buf);
    return (attr != INVALID_FILE_ATTRIBUTES && (attr & FILE_ATTRIBUTE_DIRECTORY)) ? JET_errSuccess
                                                                                  : JET_errInvalidPath;
}

static void parent_dir(const WCHAR *path, WCHAR *out, size_t cch)
{
    wcsncpy(out, path, cch - 1);
    out[cch - 1] = 0;
    WCHAR *slash = wcsrchr(out, L'\\');
    WCHAR *fwd = wcsrchr(out, L'/');
    if (fwd > slash)
        slash = fwd;
    if (slash)
        *slash = 0;
}

static uint32_t next_signature(void)
{
    static uint32_t counter;
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return (uint32_t)t.QuadPart * 2654435761u + (++counter) * 40503u + GetCurrentProcessId();
}

static void fill_header(unsigned char *page, const char *magic, unsigned long page_size, uint32_t value,
                        uint32_t signature, const WCHAR *base, const WCHAR *origin)
{
    file_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, magic, strlen(magic) < sizeof h.magic ? strlen(magic) : sizeof h.magic - 1);
    memcpy(h.banner, MODEL_BANNER, sizeof MODEL_BANNER < sizeof h.banner ? sizeof MODEL_BANNER : sizeof h.banner - 1);
    h.page_size = page_size;
    h.value = value;
    h.signature = signature;
    if (base)
        wcsncpy(h.base_name, base, 7);
    if (origin)
        wcsncpy(h.origin, origin, MODEL_NAME_MAX - 1);
    memcpy(page, &h, sizeof h);
}

/* Page content after the header: a pattern of the page number and the file's signature. */
static void fill_page(unsigned char *page, unsigned long page_size, uint32_t pgno, uint32_t signature)
{
    uint32_t x = pgno * 2654435761u ^ signature;
    memcpy(page, &pgno, sizeof pgno);
    for (unsigned long i = 4; i < page_size; i++) {
        x = x * 1103515245u + 12345u;
        page[i] = (unsigned char)(x >> 16);
    }
}

static JET_ERR write_all(HANDLE h, const void *data, DWORD cb)
{
    DWORD done = 0;
    return WriteFile(h, data, cb, &done, NULL) && done == cb ? JET_errSuccess : M_errDiskIO;
}

static JET_ERR write_file(const WCHAR *path, const char *magic, unsigned long page_size, uint32_t value,
                          unsigned long header_pages, unsigned long data_pages, const WCHAR *base,
                          int overwrite)
{
    WCHAR dir[MODEL_NAME_MAX];
    parent_dir(path, dir, MODEL_NAME_MAX);
    if (dir[0] && model_ensure_dir(dir) < 0)
        return JET_errInvalidPath;
    HANDLE h = CreateFileW(path, GENERIC_WRITE, FILE_SHARE_READ, NULL, overwrite ? CREATE_ALWAYS : CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return GetLastError() == ERROR_FILE_EXISTS ? JET_errDatabaseDuplicate : JET_errInvalidPath;
    unsigned char *page = calloc(1, page_size);
    JET_ERR err = page ? JET_errSuccess : JET_errOutOfMemory;
    uint32_t signature = next_signature();
    for (unsigned long i = 0; err >= 0 && i < header_pages + data_pages; i++) {
        if (i < header_pages) { /* the header and its shadow copy */
            memset(page, 0, page_size);
            fill_header(page, magic, page_size, value, signature, base, base ? NULL : path);
        } else {
            fill_page(page, page_size, (uint32_t)(i - header_pages + 1), signature);
        }
        err = write_all(h, page, page_size);
    }
    free(page);
    CloseHandle(h);
    return err;
}

static JET_ERR read_header(const WCHAR *path, file_header *h)
{
    HANDLE f = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f == INVALID_HANDLE_VALUE)
        return JET_errFileNotFound;
    DWORD got = 0;
    BOOL ok = ReadFile(f, h, sizeof *h, &got, NULL);
    CloseHandle(f);
    return ok && got == sizeof *h ? JET_errSuccess : JET_errDatabaseCorrupted;
}

JET_ERR model_files_write_checkpoint(const WCHAR *sys_dir, const WCHAR *base, unsigned long gen,
                                     unsigned long page_size)
{
    WCHAR name[32], path[MODEL_NAME_MAX];
    _snwprintf(name, 32, L"%ls.chk", base);
    name[31] = 0;
    model_join(path, MODEL_NAME_MAX, sys_dir, name);
    (void)page_size;
    return write_file(path, MODEL_MAGIC_CHK, 4096, (uint32_t)gen, 1, 0, base, 1);
}

JET_ERR model_files_create_log(const WCHAR *path, unsigned long gen, const WCHAR *base,
                               unsigned long page_size, unsigned long log_kb)
{
    unsigned long pages = (unsigned long)(((uint64_t)log_kb * 1024 + page_size - 1) / page_size);
    if (pages < 2)
        pages = 2;
    return write_file(path, MODEL_MAGIC_LOG, page_size, (uint32_t)gen, 1, pages - 1, base, 1);
}

JET_ERR model_files_create_db(const WCHAR *path, unsigned long page_size, int overwrite)
{
    /* ESE's layout: 2 reserved header pages + data pages 1..pgnoLast. */
    return write_file(path, MODEL_MAGIC_DB, page_size, MODEL_NEW_DB_PGNO_LAST, 2, MODEL_NEW_DB_PGNO_LAST, NULL,
                      overwrite);
}

JET_ERR model_files_read_db_header(const WCHAR *path, unsigned long *page_size, unsigned long *pgno_last,
                                   WCHAR *origin)
{
    file_header h;
    JET_ERR err = read_header(path, &h);
    if (err < 0)
        return err;
    if (memcmp(h.magic, MODEL_MAGIC_DB, sizeof MODEL_MAGIC_DB) != 0)
        return JET_errDatabaseCorrupted;
    *page_size = h.page_size;
    *pgno_last = h.value;
    if (origin) {
        memcpy(origin, h.origin, sizeof h.origin);
        origin[MODEL_NAME_MAX - 1] = 0;
    }
    return JET_errSuccess;
}

int model_files_is_log(const WCHAR *path, unsigned long *gen)
{
    file_header h;
    if (read_header(path, &h) < 0 || memcmp(h.magic, MODEL_MAGIC_LOG, sizeof MODEL_MAGIC_LOG) != 0)
        return 0;
    if (gen)
        *gen = h.value;
    return 1;
}

void model_files_trailer(unsigned char *page, unsigned long page_size, unsigned long pgno_last)
{
    memset(page, 0, page_size);
    fill_header(page, MODEL_MAGIC_TRAILER, page_size, (uint32_t)pgno_last, 0, NULL, NULL);
}

unsigned long model_files_lowest_gen(const model_inst *inst)
{
    unsigned long lowest = inst->lgen_current; /* <base>.log itself when nothing is archived */
    for (unsigned long gen = inst->lgen_current - 1; gen > 0; gen--) {
        WCHAR path[MODEL_NAME_MAX];
        model_log_name(path, MODEL_NAME_MAX, inst, gen);
        if (GetFileAttributesW(path) == INVALID_FILE_ATTRIBUTES)
            break;
        lowest = gen;
    }
    return lowest;
}

/* JetInit: the folders, the current log (kept if it is a model log) and the checkpoint. */
JET_ERR model_files_init(model_inst *inst)
{
    if (!model_full_path(inst->params.system_path, inst->sys_dir, MODEL_NAME_MAX) ||
        !model_full_path(inst->params.log_path, inst->log_dir, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    JET_ERR err = model_ensure_dir(inst->sys_dir);
    if (err >= 0)
        err = model_ensure_dir(inst->log_dir);
    if (err < 0)
        return err;
    WCHAR log[MODEL_NAME_MAX];
    model_log_name(log, MODEL_NAME_MAX, inst, 0);
    unsigned long gen = 0;
    if (model_files_is_log(log, &gen) && gen > 0) {
        inst->lgen_current = gen;
    } else {
        /* Continue after the newest archived generation, if any. */
        inst->lgen_current = 1;
        for (unsigned long g = 1; g < 0xFFFFF; g++) {
            WCHAR arch[MODEL_NAME_MAX];
            model_log_name(arch, MODEL_NAME_MAX, inst, g);
            if (GetFileAttributesW(arch) == INVALID_FILE_ATTRIBUTES)
                break;
            inst->lgen_current = g + 1;
        }
        err = model_files_create_log(log, inst->lgen_current, inst->params.base_name, inst->params.page_size,
                                     inst->params.log_file_kb);
        if (err < 0)
            return err;
    }
    inst->lgen_min = model_files_lowest_gen(inst);
    return model_files_write_checkpoint(inst->sys_dir, inst->params.base_name, inst->lgen_current,
                                        inst->params.page_size);
}

/* A log roll, as ESE does at the first GetLogInfo of a backup (dev/ese/src/ese/backup.cxx:597-799). */
JET_ERR model_files_roll_log(model_inst *inst)
{
    WCHAR cur[MODEL_NAME_MAX], arch[MODEL_NAME_MAX];
    model_log_name(cur, MODEL_NAME_MAX, inst, 0);
    model_log_name(arch, MODEL_NAME_MAX, inst, inst->lgen_current);
    if (!MoveFileExW(cur, arch, MOVEFILE_REPLACE_EXISTING))
        return JET_errLogWriteFail;
    inst->lgen_current++;
    JET_ERR err = model_files_create_log(cur, inst->lgen_current, inst->params.base_name, inst->params.page_size,
                                         inst->params.log_file_kb);
    if (err < 0)
        return JET_errLogWriteFail;
    return model_files_write_checkpoint(inst->sys_dir, inst->params.base_name, inst->lgen_current,
                                        inst->params.page_size);
}

/* Copies `from` to `to`; a database that still carries its backup trailer page loses it. */
JET_ERR model_files_copy(const WCHAR *from, const WCHAR *to, int strip_trailer)
{
    HANDLE in = CreateFileW(from, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
                            FILE_ATTRIBUTE_NORMAL, NULL);
    if (in == INVALID_HANDLE_VALUE)
        return JET_errFileNotFound;
    LARGE_INTEGER size;
    if (!GetFileSizeEx(in, &size)) {
        CloseHandle(in);
        return M_errDiskIO;
    }
    uint64_t keep = (uint64_t)size.QuadPart;
    unsigned long page_size = 0, pgno_last = 0;
    if (strip_trailer && model_files_read_db_header(from, &page_size, &pgno_last, NULL) >= 0 && page_size &&
        keep == ((uint64_t)pgno_last + 3) * page_size)
        keep -= page_size;
    WCHAR dir[MODEL_NAME_MAX];
    parent_dir(to, dir, MODEL_NAME_MAX);
    if (dir[0] && model_ensure_dir(dir) < 0) {
        CloseHandle(in);
        return JET_errInvalidPath;
    }
    JET_ERR err = JET_errSuccess;
    HANDLE out = INVALID_HANDLE_VALUE;
    if (_wcsicmp(from, to) == 0) { /* in place: only drop the trailer */
        CloseHandle(in);
        in = INVALID_HANDLE_VALUE;
        out = CreateFileW(to, GENERIC_WRITE, FILE_SHARE_READ, NULL, OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
        LARGE_INTEGER at;
        at.QuadPart = (LONGLONG)keep;
        if (out == INVALID_HANDLE_VALUE || !SetFilePointerEx(out, at, NULL, FILE_BEGIN) || !SetEndOfFile(out))
            err = M_errDiskIO;
        if (out != INVALID_HANDLE_VALUE)
            CloseHandle(out);
        return err;
    }
    out = CreateFileW(to, GENERIC_WRITE, FILE_SHARE_READ, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        CloseHandle(in);
        return JET_errInvalidPath;
    }
    enum { CHUNK = 64 * 1024 };
    unsigned char *buf = malloc(CHUNK);
    if (!buf)
        err = JET_errOutOfMemory;
    while (err >= 0 && keep > 0) {
        DWORD want = keep < CHUNK ? (DWORD)keep : CHUNK, got = 0;
        if (!ReadFile(in, buf, want, &got, NULL) || got != want)
            err = M_errDiskIO;
        else
            err = write_all(out, buf, got);
        keep -= want;
    }
    free(buf);
    CloseHandle(in);
    CloseHandle(out);
    return err;
}
