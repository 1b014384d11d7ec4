/* JetBackupInstance[A/W] and the legacy JetBackup[A/W]: the engine writes a backup set into a
 * folder itself (dev/ese/src/ese/jetapi.cxx:16977-17061 -> ErrIsamBackup,
 * dev/ese/src/ese/backup.cxx:926-939 -> ErrBKBackup, dev/ese/src/ese/backup.cxx:1345-1533). It
 * runs the streaming sequence on its own instance: Begin, each database read whole, GetLogInfo
 * (the roll), each log, TruncateLog, End. Like ESE it holds no lock between its reads, so a
 * JetStopBackupInstance from another thread lands in it and the next read fails with -801. */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ErrBKICopyFile's buffer is cpageBackupBufferMost pages (dev/ese/src/ese/backup.cxx:982); the
 * model reads 16 pages at a time. */
#define MODEL_BACKUP_COPY_PAGES 16u

/* The last component of PATH. */
static const WCHAR *file_part(const WCHAR *path)
{
    const WCHAR *slash = wcsrchr(path, L'\\');
    return slash ? slash + 1 : path;
}

/* The status callback runs without the model lock, as restore's does. */
static void report_status(JET_PFNSTATUS pfn, JET_SNT snt)
{
    if (!pfn)
        return;
    JET_SNPROG prog = {sizeof prog, snt == JET_sntComplete ? 100u : 0u, 100u};
    LeaveCriticalSection(&g_model_lock);
    pfn(0, JET_snpBackup, snt, &prog);
    EnterCriticalSection(&g_model_lock);
}

/* ErrBKICopyFile (dev/ese/src/ese/backup.cxx:970-1114): OpenFile, read to the end, write the
 * stream to DIR\name.ext, CloseFile. The model lock is released between reads. */
static JET_ERR copy_file(JET_INSTANCE instance, const WCHAR *name, const WCHAR *dir, int overwrite)
{
    JET_HANDLE hf = 0;
    unsigned long low = 0, high = 0;
    JET_ERR err = model_open_file(instance, name, &hf, &low, &high);
    if (err < 0)
        return err;
    WCHAR dest[MODEL_NAME_MAX];
    model_join(dest, MODEL_NAME_MAX, dir, file_part(name));
    HANDLE out = CreateFileW(dest, GENERIC_WRITE, 0, NULL, overwrite ? CREATE_ALWAYS : CREATE_NEW,
                             FILE_ATTRIBUTE_NORMAL, NULL);
    if (out == INVALID_HANDLE_VALUE) {
        (void)model_close_file(instance, hf);
        return GetLastError() == ERROR_FILE_EXISTS ? M_errFileAlreadyExists : M_errDiskIO;
    }
    unsigned long cb = MODEL_BACKUP_COPY_PAGES * 8192u;
    void *buf = VirtualAlloc(NULL, cb, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    if (!buf)
        err = JET_errOutOfMemory;
    while (err >= 0) {
        unsigned long got = 0;
        err = model_read_file(instance, hf, buf, cb, &got);
        if (err < 0 || got == 0)
            break;
        DWORD written = 0;
        if (!WriteFile(out, buf, got, &written, NULL) || written != got)
            err = M_errDiskIO;
        /* No lock between reads (ESE's backup holds none): a stop can land here. */
        LeaveCriticalSection(&g_model_lock);
        Sleep(0);
        EnterCriticalSection(&g_model_lock);
    }
    if (buf)
        VirtualFree(buf, 0, MEM_RELEASE);
    CloseHandle(out);
    JET_ERR close_err = model_close_file(instance, hf);
    return err < 0 ? err : close_err;
}

/* The folder a non-atomic backup writes to must hold no file: any entry for a full backup,
 * "new" or "old" for an incremental one (ErrLGCheckDir, dev/ese/src/ese/backup.cxx:91-135,
 * 1224-1238). A folder that is not there: the file search fails with a path error (the model's
 * reading of the OS layer: JET_errInvalidPath). */
static JET_ERR check_folder(const WCHAR *dir, int incremental)
{
    DWORD attributes = GetFileAttributesW(dir);
    if (attributes == INVALID_FILE_ATTRIBUTES || !(attributes & FILE_ATTRIBUTE_DIRECTORY))
        return JET_errInvalidPath;
    WIN32_FIND_DATAW fd;
    HANDLE find = model_find_first(dir, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return JET_errSuccess;
    JET_ERR err = JET_errSuccess;
    do {
        if (wcscmp(fd.cFileName, L".") == 0 || wcscmp(fd.cFileName, L"..") == 0)
            continue;
        if (!incremental || _wcsicmp(fd.cFileName, L"new") == 0 || _wcsicmp(fd.cFileName, L"old") == 0)
            err = JET_errBackupDirectoryNotEmpty;
    } while (err >= 0 && FindNextFileW(find, &fd));
    FindClose(find);
    return err;
}

/* The part of ErrBKBackup after Begin; its error makes the End an abort. */
static JET_ERR write_backup_set(JET_INSTANCE instance, const WCHAR *path, JET_GRBIT grbit, JET_PFNSTATUS pfn)
{
    int incremental = (grbit & M_bitBackupIncremental) != 0;
    /* ErrIsamBackup completes the path first (dev/ese/src/ese/backup.cxx:937) with the CRT's
     * _wfullpath (dev/ese/src/os/osfs.cxx:1126-1154), which completes an empty or NULL path to
     * the current directory: so ErrBKBackup never sees the empty path of its log-truncation
     * branch (dev/ese/src/ese/backup.cxx:1386-1411) from this API, and the backup goes to the
     * current directory. */
    if (!path || !path[0])
        path = L".";
    WCHAR dir[MODEL_NAME_MAX];
    if (wcslen(path) >= MODEL_NAME_MAX - 1 || !model_full_path(path, dir, MODEL_NAME_MAX))
        return JET_errInvalidPath; /* dev/ese/src/ese/backup.cxx:1419-1422 */
    if (grbit & M_bitBackupAtomic)
        return M_errFeatureNotAvailable; /* the atomic new/old/temp folders are not modelled */
    model_inst *inst;
    JET_ERR err = model_enter(instance, &inst);
    if (err < 0)
        return err;
    /* JET_paramCreatePathIfNotExist creates the folder (dev/ese/src/ese/backup.cxx:1142-1145). */
    if (inst->params.other[M_paramCreatePathIfNotExist] && (err = model_ensure_dir(dir)) < 0)
        return err;
    err = check_folder(dir, incremental); /* dev/ese/src/ese/backup.cxx:1424 */
    if (err < 0)
        return err;
    if (!incremental) {
        report_status(pfn, JET_sntBegin); /* dev/ese/src/ese/backup.cxx:1436-1446 */
        /* The instance's databases (ErrIsamGetInstanceInfo, dev/ese/src/ese/backup.cxx:1447-1467),
         * listed before the first read lets the lock go (and the callback ran unlocked). */
        if ((err = model_enter(instance, &inst)) < 0)
            return err;
        int n = 0;
        WCHAR paths[MODEL_MAX_DBS][MODEL_NAME_MAX];
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            if (inst->dbs[i].attached)
                wcscpy(paths[n++], inst->dbs[i].path);
        for (int i = 0; i < n && err >= 0; i++)
            err = copy_file(instance, paths[i], dir, 0);
        if (err < 0)
            return err;
    }
    WCHAR *logs = NULL;
    unsigned long cb_logs = 0;
    if ((err = model_get_log_info(instance, &logs, &cb_logs, NULL)) < 0) /* dev/ese/src/ese/backup.cxx:1471-1480 */
        return err;
    for (const WCHAR *log = logs; err >= 0 && *log; log += wcslen(log) + 1)
        err = copy_file(instance, log, dir, 1); /* dev/ese/src/ese/backup.cxx:1483-1489 */
    free(logs);
    if (err >= 0)
        err = model_truncate_log(instance); /* dev/ese/src/ese/backup.cxx:1493-1495 */
    if (err >= 0 && !incremental)
        report_status(pfn, JET_sntComplete); /* dev/ese/src/ese/backup.cxx:1497-1505 */
    return err;
}

/* JetBackupInstanceEx (dev/ese/src/ese/jetapi.cxx:16977-17003): P, m_fBackupAllowed (-523), then
 * ErrBKBackup's own checks before Begin (dev/ese/src/ese/backup.cxx:1366-1381). */
JET_ERR model_backup_instance(JET_INSTANCE instance, const WCHAR *path, JET_GRBIT grbit, JET_PFNSTATUS pfn)
{
    model_inst *inst;
    JET_ERR err = model_enter(instance, &inst);
    if (err < 0)
        return err;
    if (!inst->backup_allowed)
        return JET_errBackupNotAllowedYet; /* dev/ese/src/ese/jetapi.cxx:16997-16999 */
    int incremental = (grbit & M_bitBackupIncremental) != 0;
    if (!inst->params.recovery_on)
        return JET_errLoggingDisabled; /* dev/ese/src/ese/backup.cxx:1366-1369 */
    if (incremental && inst->params.circular_log)
        return JET_errInvalidBackup; /* dev/ese/src/ese/backup.cxx:1376-1379 */
    /* Begin with only the incremental bit of the caller's (dev/ese/src/ese/backup.cxx:1381). */
    if ((err = model_begin_backup(instance, incremental ? M_bitBackupIncremental : 0)) < 0)
        return err;
    err = write_backup_set(instance, path, grbit, pfn);
    /* Always ended: normally on success, else as an abort (dev/ese/src/ese/backup.cxx:1507-1516). */
    JET_ERR end = model_end_backup(instance, err >= 0 ? M_bitBackupEndNormal : M_bitBackupEndAbort);
    return err >= 0 ? end : err;
}
