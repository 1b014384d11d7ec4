/* What every client in tests/apps shares, written the way an ESENT application would
 * write it for itself: MinGW's <esent.h>, -lesent, absolute paths under a data folder
 * named on the command line, JET_ERR checked after every call. The helpers are
 * static inline so that each client stays one translation unit, as small tools are. */
#ifndef BACKUP_APP_H
#define BACKUP_APP_H

#include <windows.h>
#include <esent.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* MinGW's esent.h lacks these public values, as an application finds out (ESE's jethdr.w
 * defines them). */
#ifndef JET_bitBackupIncremental
#define JET_bitBackupIncremental 0x00000001
#endif
#ifndef JET_bitBackupEndNormal
#define JET_bitBackupEndNormal 0x00000001
#endif
#ifndef JET_bitBackupEndAbort
#define JET_bitBackupEndAbort 0x00000002
#endif
#ifndef JET_bitTermComplete
#define JET_bitTermComplete 0x00000001
#endif
#ifndef JET_errBackupAbortByServer
#define JET_errBackupAbortByServer (-801)
#endif

static int app_failures;

/* Checks ERR against WANT; a mismatch is printed with the call and counted. */
#define APP_EXPECT(call, want) app_expect((call), (want), #call, __FILE__, __LINE__)

static inline JET_ERR app_expect(JET_ERR err, JET_ERR want, const char *call, const char *file, int line)
{
    if (err != want) {
        fprintf(stderr, "%s:%d: %s returned %ld, expected %ld\n", file, line, call, (long)err, (long)want);
        app_failures++;
    }
    return err;
}

/* Ends the program: the exit code is the number of unexpected results. */
static inline int app_finish(const char *name)
{
    printf("%s: %s (%d unexpected)\n", name, app_failures ? "FAILED" : "ok", app_failures);
    fflush(stdout);
    return app_failures;
}

/* DIR\NAME as an absolute path, made with GetFullPathName as applications do. */
static inline void app_path_w(wchar_t *out, size_t size, const wchar_t *dir, const wchar_t *name)
{
    wchar_t joined[MAX_PATH];
    _snwprintf(joined, MAX_PATH, L"%ls\\%ls", dir, name);
    joined[MAX_PATH - 1] = 0;
    if (!GetFullPathNameW(joined, (DWORD)size, out, NULL))
        wcsncpy(out, joined, size);
}

static inline void app_path_a(char *out, size_t size, const char *dir, const char *name)
{
    char joined[MAX_PATH];
    _snprintf(joined, MAX_PATH, "%s\\%s", dir, name);
    joined[MAX_PATH - 1] = 0;
    if (!GetFullPathNameA(joined, (DWORD)size, out, NULL))
        strncpy(out, joined, size);
}

/* The part of PATH after its last backslash. */
static inline const wchar_t *app_base_w(const wchar_t *path)
{
    const wchar_t *slash = wcsrchr(path, L'\\');
    return slash ? slash + 1 : path;
}

static inline const char *app_base_a(const char *path)
{
    const char *slash = strrchr(path, '\\');
    return slash ? slash + 1 : path;
}

/* The backup read wants a sector-aligned buffer; VirtualAlloc gives a page. */
#define APP_CHUNK (64 * 1024)

static inline void *app_read_buffer(void)
{
    return VirtualAlloc(NULL, APP_CHUNK, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
}

/* Appends SIZE bytes to the open file OUT; false on a short write. */
static inline int app_write(HANDLE out, const void *data, unsigned long size)
{
    DWORD written = 0;
    return WriteFile(out, data, size, &written, NULL) && written == size;
}

/* ---- The multi-instance calls (wide paths), shared by the instance clients ---------- */

/* A wide list call of one instance: JetGetAttachInfoInstanceW, JetGetLogInfoInstanceW ... */
typedef JET_ERR(JET_API *app_list_call)(JET_INSTANCE instance, wchar_t *buffer, unsigned long size,
                                        unsigned long *actual);

/* Asks CALL for its size with no buffer, then again with a buffer of exactly that size. */
static inline wchar_t *app_sized_list(JET_INSTANCE instance, app_list_call call, const char *what)
{
    unsigned long need = 0, got = 0;
    JET_ERR err = call(instance, NULL, 0, &need);
    if (err < 0 || need == 0) {
        fprintf(stderr, "%s: size query gave %ld, %lu bytes\n", what, (long)err, need);
        app_failures++;
        return NULL;
    }
    wchar_t *list = calloc(1, need + sizeof(wchar_t));
    if (list && APP_EXPECT(call(instance, list, need, &got), JET_errSuccess) < 0) {
        free(list);
        return NULL;
    }
    return list;
}

static inline JET_ERR JET_API app_attach_info(JET_INSTANCE i, wchar_t *b, unsigned long s, unsigned long *a)
{
    return JetGetAttachInfoInstanceW(i, b, s, a);
}

static inline JET_ERR JET_API app_log_info(JET_INSTANCE i, wchar_t *b, unsigned long s, unsigned long *a)
{
    return JetGetLogInfoInstanceW(i, b, s, a);
}

/* Streams NAME of INSTANCE into DEST\<base name>. Returns the first error of a read (a
 * stopped backup says so there), 0 when every announced byte arrived. */
static inline JET_ERR app_copy_file(JET_INSTANCE instance, const wchar_t *name, const wchar_t *dest)
{
    JET_HANDLE file = 0;
    unsigned long low = 0, high = 0;
    JET_ERR err = JetOpenFileInstanceW(instance, name, &file, &low, &high);
    if (err < 0)
        return err;
    wchar_t out_path[MAX_PATH];
    app_path_w(out_path, MAX_PATH, dest, app_base_w(name));
    HANDLE out = CreateFileW(out_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    unsigned char *buffer = app_read_buffer();
    unsigned long long size = ((unsigned long long)high << 32) | low, total = 0;
    while (total < size && out != INVALID_HANDLE_VALUE && buffer) {
        unsigned long got = 0;
        err = JetReadFileInstance(instance, file, buffer, APP_CHUNK, &got);
        if (err < 0 || got == 0 || !app_write(out, buffer, got))
            break;
        total += got;
    }
    if (out != INVALID_HANDLE_VALUE)
        CloseHandle(out);
    VirtualFree(buffer, 0, MEM_RELEASE);
    APP_EXPECT(JetCloseFileInstance(instance, file), JET_errSuccess);
    if (err >= 0 && total != size) {
        fprintf(stderr, "%ls: copied %llu of %llu bytes\n", name, total, size);
        app_failures++;
    }
    return err < 0 ? err : JET_errSuccess;
}

/* Copies every file of the wide multi-string LIST (freed) into DEST; returns how many. */
static inline int app_copy_list(JET_INSTANCE instance, wchar_t *list, const wchar_t *dest)
{
    int n = 0;
    for (wchar_t *name = list; name && *name; name += wcslen(name) + 1, n++)
        APP_EXPECT(app_copy_file(instance, name, dest), JET_errSuccess);
    free(list);
    return n;
}

/* A new instance named NAME whose system and log folders are DIR, initialised. */
static inline JET_INSTANCE app_start_instance(const wchar_t *name, const wchar_t *dir)
{
    JET_INSTANCE instance = 0;
    wchar_t folder[MAX_PATH];
    _snwprintf(folder, MAX_PATH, L"%ls\\", dir);
    CreateDirectoryW(dir, NULL);
    if (APP_EXPECT(JetCreateInstanceW(&instance, name), JET_errSuccess) < 0)
        return 0;
    APP_EXPECT(JetSetSystemParameterW(&instance, 0, JET_paramSystemPath, 0, folder), JET_errSuccess);
    APP_EXPECT(JetSetSystemParameterW(&instance, 0, JET_paramLogFilePath, 0, folder), JET_errSuccess);
    APP_EXPECT(JetSetSystemParameterW(&instance, 0, JET_paramTempPath, 0, folder), JET_errSuccess);
    if (APP_EXPECT(JetInit(&instance), JET_errSuccess) < 0)
        return 0;
    return instance;
}

/* A full backup of INSTANCE into DEST: databases, then logs, truncation, a normal end. */
static inline void app_full_backup(JET_INSTANCE instance, const wchar_t *dest)
{
    CreateDirectoryW(dest, NULL);
    if (APP_EXPECT(JetBeginExternalBackupInstance(instance, 0), JET_errSuccess) < 0)
        return;
    int databases = app_copy_list(instance, app_sized_list(instance, app_attach_info, "attach info"), dest);
    int logs = app_copy_list(instance, app_sized_list(instance, app_log_info, "log info"), dest);
    printf("%ls: %d database(s), %d log file(s)\n", app_base_w(dest), databases, logs);
    APP_EXPECT(JetTruncateLogInstance(instance), JET_errSuccess);
    APP_EXPECT(JetEndExternalBackupInstance2(instance, JET_bitBackupEndNormal), JET_errSuccess);
}

#endif
