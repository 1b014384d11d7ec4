/* The streaming backup context (ESE's BACKUP_CONTEXT, dev/ese/src/ese/backup.cxx), check by check in
 * the source's order; each rule cites its source lines. */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static void reset_backup(model_backup *bk)
{
    if (bk->file.in_use && bk->file.handle != INVALID_HANDLE_VALUE)
        CloseHandle(bk->file.handle);
    memset(bk, 0, sizeof *bk); /* flags cleared, m_fStopBackup too (dev/ese/src/ese/backup.cxx:4543-4548) */
}

/* ErrBKExternalBackupCleanUp (dev/ese/src/ese/backup.cxx:4130-4577): -520 with no backup, otherwise always 0. */
JET_ERR model_backup_cleanup(model_inst *inst, int abnormal)
{
    model_backup *bk = &inst->bk;
    if (!bk->in_progress) {
        bk->stop = 0; /* dev/ese/src/ese/backup.cxx:4138-4143 */
        bk->status = BK_NOT_STARTED;
        return JET_errNoBackup;
    }
    /* Stopped (dev/ese/src/ese/backup.cxx:4163-4171) or still in the Databases state
     * (dev/ese/src/ese/backup.cxx:4172-4179) is abnormal;
     * only a normal end of a full backup updates the headers (dev/ese/src/ese/backup.cxx:4229-4303). */
    if (bk->stop || bk->status == BK_DATABASES)
        abnormal = 1;
    if (!abnormal && !bk->incremental)
        inst->full_backup_done = 1;
    reset_backup(bk); /* open handles closed (dev/ese/src/ese/backup.cxx:4345-4375) */
    return JET_errSuccess;
}

/* JetBeginExternalBackupInstance (dev/ese/src/ese/jetapi.cxx:17437-17465)
 * -> ErrBKBeginExternalBackup (dev/ese/src/ese/backup.cxx:1628-1930). */
JET_ERR model_begin_backup(JET_INSTANCE instance, JET_GRBIT grbit)
{
    model_inst *inst;
    JET_ERR err = model_enter(instance, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    if (!inst->backup_allowed)
        return JET_errBackupNotAllowedYet; /* dev/ese/src/ese/jetapi.cxx:17453-17456 */
    if (!inst->params.recovery_on)
        return JET_errLoggingDisabled; /* dev/ese/src/ese/backup.cxx:1644-1647 */
    if (grbit & ~(M_bitBackupIncremental | M_bitBackupSurrogate | M_bitInternalCopy))
        return JET_errInvalidGrbit; /* dev/ese/src/ese/backup.cxx:1666-1669 */
    if ((grbit & (M_bitBackupIncremental | M_bitBackupSurrogate)) && inst->params.circular_log)
        return JET_errInvalidBackup; /* dev/ese/src/ese/backup.cxx:1673-1681 */
    if ((grbit & M_bitInternalCopy) && (grbit & (M_bitBackupIncremental | M_bitBackupSurrogate)))
        return JET_errInvalidGrbit; /* dev/ese/src/ese/backup.cxx:1683-1688 */
    if (bk->in_progress) /* dev/ese/src/ese/backup.cxx:1699-1713 */
        return bk->surrogate ? M_errSurrogateBackupInProgress : JET_errBackupInProgress;
    reset_backup(bk);
    bk->in_progress = 1; /* the flags are set and m_fStopBackup cleared (dev/ese/src/ese/backup.cxx:1728-1734) */
    bk->stop = 0;
    bk->surrogate = (grbit & M_bitBackupSurrogate) != 0;
    bk->incremental = (grbit & M_bitBackupIncremental) != 0;
    if (bk->incremental && !inst->full_backup_done) {
        reset_backup(bk); /* dev/ese/src/ese/backup.cxx:1921-1927 */
        return JET_errMissingFullBackup; /* dev/ese/src/ese/backup.cxx:1803-1806, 827-837 */
    }
    /* Full: the logs from the checkpoint at the start; incremental: every log on disk. */
    bk->copy_mic = bk->incremental ? inst->lgen_min : inst->lgen_current;
    bk->status = bk->incremental ? BK_LOGS_AND_PATCHES : BK_DATABASES; /* dev/ese/src/ese/backup.cxx:1753-1760 */
    return JET_errSuccess;
}

/* The attached databases as a wide multi-string. */
static JET_ERR build_multisz(WCHAR (*names)[MODEL_NAME_MAX], int n, WCHAR **pwsz, unsigned long *pcb)
{
    size_t cch = 1;
    for (int i = 0; i < n; i++)
        cch += wcslen(names[i]) + 1;
    WCHAR *out = malloc(cch * sizeof(WCHAR));
    if (!out)
        return JET_errOutOfMemory;
    WCHAR *p = out;
    for (int i = 0; i < n; i++) {
        wcscpy(p, names[i]);
        p += wcslen(names[i]) + 1;
    }
    *p = 0;
    *pwsz = out;
    *pcb = (unsigned long)(cch * sizeof(WCHAR));
    return JET_errSuccess;
}

/* The prologue P, then the checks every backup call after Begin makes first, in this order:
 * a local backup is running (-520: dev/ese/src/ese/backup.cxx:1954, 2141, 2702, 2964, 3161, 3504), and it was not
 * stopped (-801: dev/ese/src/ese/backup.cxx:1958-1961, 2145-2148, 2706-2709, 3165-3168, 3508-3511; a plain
 * return, the backup stays). JetCloseFile has no stop check (dev/ese/src/ese/backup.cxx:2959-3153). */
enum { STOP_ALLOWED, STOP_IS_ERROR };
static JET_ERR enter_backup(JET_INSTANCE instance, int stop, model_inst **pinst)
{
    JET_ERR err = model_enter(instance, pinst);
    if (err < 0)
        return err;
    /* m_fBackupInProgressLocal, which a surrogate Begin leaves false
     * (dev/ese/src/ese/backup.cxx:1731-1732): a surrogate backup's calls get -520 too. */
    if (!(*pinst)->bk.in_progress || (*pinst)->bk.surrogate)
        return JET_errNoBackup;
    if (stop == STOP_IS_ERROR && (*pinst)->bk.stop)
        return M_errBackupAbortByServer;
    return JET_errSuccess;
}

/* ErrBKGetAttachInfo (dev/ese/src/ese/backup.cxx:1943-2098). */
JET_ERR model_get_attach_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb)
{
    model_inst *inst;
    JET_ERR err = enter_backup(instance, STOP_IS_ERROR, &inst);
    if (err < 0)
        return err;
    if (inst->bk.incremental)
        return JET_errInvalidBackupSequence; /* dev/ese/src/ese/backup.cxx:1965-1968 */
    WCHAR names[MODEL_MAX_DBS][MODEL_NAME_MAX];
    int n = 0;
    for (int i = 0; i < MODEL_MAX_DBS; i++)
        if (inst->dbs[i].attached)
            wcscpy(names[n++], inst->dbs[i].path);
    err = build_multisz(names, n, pwsz, pcb);
    if (err < 0)
        model_backup_cleanup(inst, 1); /* OOM ends the backup (dev/ese/src/ese/backup.cxx:2090-2094) */
    return err;
}

static int find_db(const model_inst *inst, const WCHAR *full)
{
    for (int i = 0; i < MODEL_MAX_DBS; i++)
        if (inst->dbs[i].attached && _wcsicmp(inst->dbs[i].path, full) == 0)
            return i;
    return -1;
}

/* An error in the LogsAndPatchs state ends the backup (dev/ese/src/ese/backup.cxx:2482-2491, 2657-2670). */
static JET_ERR fail_ending(model_inst *inst, JET_ERR err)
{
    model_backup_cleanup(inst, 1);
    return err;
}

/* ErrBKOpenFile (dev/ese/src/ese/backup.cxx:2125-2674). */
JET_ERR model_open_file(JET_INSTANCE instance, const WCHAR *name, JET_HANDLE *phf,
                        unsigned long *plow, unsigned long *phigh)
{
    model_inst *inst;
    JET_ERR err = enter_backup(instance, STOP_IS_ERROR, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    if (!name || !*name)
        return JET_errInvalidParameter; /* dev/ese/src/ese/backup.cxx:2165-2168 */
    if (bk->file.in_use)
        return JET_errOutOfMemory; /* one slot, crhfMax = 1 (dev/ese/src/ese/backup.cxx:2192-2211) */
    WCHAR full[MODEL_NAME_MAX];
    if (!model_full_path(name, full, MODEL_NAME_MAX))
        return bk->status == BK_LOGS_AND_PATCHES ? fail_ending(inst, JET_errInvalidPath) : JET_errInvalidPath;
    int db = find_db(inst, full);
    model_backup_file f;
    memset(&f, 0, sizeof f);
    if (db >= 0) {
        if (bk->incremental)
            return JET_errInvalidBackupSequence; /* dev/ese/src/ese/backup.cxx:2257-2270 */
        if (bk->status != BK_DATABASES)
            return fail_ending(inst, JET_errInvalidBackupSequence); /* dev/ese/src/ese/backup.cxx:2257-2270, 2657-2670 */
        unsigned long page_size;
        if ((err = model_files_read_db_header(full, &page_size, &f.pgno_last, NULL)) < 0)
            return err;
        f.is_db = 1;
        /* pgnoLast + 2 reserved + 1 trailer pages (dev/ese/src/ese/backup.cxx:2359-2383, 2518-2524). */
        f.file_bytes = ((uint64_t)f.pgno_last + 2) * inst->params.page_size;
        f.stream_bytes = f.file_bytes + inst->params.page_size;
    } else if (bk->status == BK_DATABASES) {
        /* not an attached DB; the backup lives (dev/ese/src/ese/backup.cxx:2410-2425) */
        return JET_errDatabaseNotFound;
    } else {
        unsigned long gen = 0;
        for (unsigned long g = bk->copy_mic; g < bk->copy_mac && !gen; g++) {
            WCHAR log[MODEL_NAME_MAX];
            model_log_name(log, MODEL_NAME_MAX, inst, g);
            if (_wcsicmp(log, full) == 0)
                gen = g;
        }
        if (!gen)
            return fail_ending(inst, JET_errMissingFileToBackup); /* dev/ese/src/ese/backup.cxx:2482-2491 */
        f.gen = gen;
    }
    f.handle = CreateFileW(full, GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, NULL,
                           OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (f.handle == INVALID_HANDLE_VALUE)
        return f.is_db ? JET_errFileNotFound : fail_ending(inst, JET_errMissingFileToBackup);
    if (!f.is_db) {
        LARGE_INTEGER size;
        GetFileSizeEx(f.handle, &size);
        f.file_bytes = f.stream_bytes = (uint64_t)size.QuadPart;
    }
    f.in_use = 1;
    bk->file = f;
    if (phf)
        *phf = 0; /* the slot index */
    if (plow)
        *plow = (unsigned long)(f.stream_bytes & 0xFFFFFFFFu);
    if (phigh)
        *phigh = (unsigned long)(f.stream_bytes >> 32);
    return JET_errSuccess;
}

/* ErrBKReadFile (dev/ese/src/ese/backup.cxx:2683-2950). */
JET_ERR model_read_file(JET_INSTANCE instance, JET_HANDLE hf, void *pv, unsigned long cb, unsigned long *pcb)
{
    model_inst *inst;
    /* The stop check comes before any argument check (dev/ese/src/ese/backup.cxx:2702-2709). */
    JET_ERR err = enter_backup(instance, STOP_IS_ERROR, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    model_backup_file *f = &bk->file;
    const unsigned long page = inst->params.page_size;
    if ((uintptr_t)pv % g_os_page_size != 0)
        return JET_errInvalidParameter; /* dev/ese/src/ese/backup.cxx:2738-2741 */
    /* ESE takes the slot as (INT)hfFile and never range-checks it (dev/ese/src/ese/backup.cxx:2690,
     * 2743): a handle whose low 32 bits are 0 is slot 0. Any other index reads past the one
     * slot (dev/ese/src/inc/daedef.hxx:4166, 4395): a far one faults and kills the process; a
     * near one reads the neighbouring fields, which is undefined and not modelled: the model
     * kills the process for every index but 0. */
    if ((int)hf != 0)
        model_fail_fast();
    if (!pv && cb)
        return JET_errInvalidParameter;
    if (!f->in_use) {
        /* Slot 0 after a close: the close cleared it to a non-database, ib 0, cb 0
         * (dev/ese/src/ese/backup.cxx:3131-3138), so the log path's checks apply, the first-read
         * minimum included (dev/ese/src/ese/backup.cxx:2747-2755), and nothing is read. */
        if (cb % page != 0 || cb < 2 * page)
            return JET_errInvalidParameter;
        if (pcb)
            *pcb = 0;
        return JET_errSuccess;
    }
    if (f->is_db) { /* dev/ese/src/ese/backup.cxx:2806-2819 */
        if (cb % page != 0 || cb == 0 || (f->offset == 0 && cb <= 2 * page))
            return JET_errInvalidParameter;
    } else { /* dev/ese/src/ese/backup.cxx:2747-2755 */
        if (cb % page != 0 || (f->offset == 0 && cb < 2 * page))
            return JET_errInvalidParameter;
    }
    uint64_t left = f->stream_bytes - f->offset;
    unsigned long want = left < cb ? (unsigned long)left : cb;
    unsigned long done = 0;
    unsigned char *out = pv;
    while (done < want) { /* file bytes first, then a database's trailer page */
        if (f->offset < f->file_bytes) {
            uint64_t in_file = f->file_bytes - f->offset;
            DWORD chunk = (DWORD)(in_file < (uint64_t)(want - done) ? in_file : (want - done)), got = 0;
            LARGE_INTEGER at;
            at.QuadPart = (LONGLONG)f->offset;
            if (!SetFilePointerEx(f->handle, at, NULL, FILE_BEGIN) ||
                !ReadFile(f->handle, out + done, chunk, &got, NULL) || got != chunk) {
                /* A database read error closes the file and keeps the backup; a log read
                 * error ends the backup (dev/ese/src/ese/backup.cxx:2906-2947). */
                if (f->is_db) {
                    CloseHandle(f->handle);
                    memset(f, 0, sizeof *f);
                    return M_errDiskIO;
                }
                return fail_ending(inst, M_errDiskIO);
            }
            done += chunk;
            f->offset += chunk;
        } else {
            unsigned char *trailer = malloc(page);
            if (!trailer)
                return JET_errOutOfMemory;
            model_files_trailer(trailer, page, f->pgno_last);
            unsigned long from = (unsigned long)(f->offset - f->file_bytes);
            unsigned long chunk = page - from < want - done ? page - from : want - done;
            memcpy(out + done, trailer + from, chunk);
            free(trailer);
            done += chunk;
            f->offset += chunk;
        }
    }
    if (pcb)
        *pcb = done; /* past the end: 0 bytes, success (dev/ese/src/ese/backup.cxx:242-247) */
    return JET_errSuccess;
}

/* ErrBKCloseFile (dev/ese/src/ese/backup.cxx:2959-3153): no stop check, so it succeeds after a stop. */
JET_ERR model_close_file(JET_INSTANCE instance, JET_HANDLE hf)
{
    model_inst *inst;
    JET_ERR err = enter_backup(instance, STOP_ALLOWED, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    if ((int)hf != 0 || !bk->file.in_use)
        return JET_errInvalidParameter; /* (INT)hfFile, dev/ese/src/ese/backup.cxx:2961-2974 */
    /* A log read to its end adds its generation NUMBER to a sum, once per close, so a log
     * copied twice counts twice (dev/ese/src/ese/backup.cxx:3058-3090). */
    if (!bk->file.is_db && bk->file.offset == bk->file.stream_bytes && bk->file.gen >= bk->copy_mic &&
        bk->file.gen < bk->copy_mac)
        bk->gen_copy_done += bk->file.gen;
    CloseHandle(bk->file.handle);
    memset(&bk->file, 0, sizeof bk->file);
    return JET_errSuccess;
}

/* ErrBKIPrepareLogInfo (dev/ese/src/ese/backup.cxx:3155-3196): checks, then the first call rolls the log. */
static JET_ERR prepare_log_info(JET_INSTANCE instance, model_inst **pinst)
{
    /* The stop check comes before the open-file check (dev/ese/src/ese/backup.cxx:3161-3178). */
    JET_ERR err = enter_backup(instance, STOP_IS_ERROR, pinst);
    if (err < 0)
        return err;
    model_inst *inst = *pinst;
    model_backup *bk = &inst->bk;
    if (bk->file.in_use)
        return JET_errInvalidBackupSequence; /* dev/ese/src/ese/backup.cxx:3172-3178 */
    if (!bk->logs_prepared) {
        /* Errors here do not end the backup (dev/ese/src/ese/backup.cxx:791-795). */
        if ((err = model_files_roll_log(inst)) < 0)
            return err;
        bk->logs_prepared = 1;
        bk->copy_mac = inst->lgen_current; /* every generation before the new current log */
        if (bk->copy_mic == 0 || bk->copy_mic > bk->copy_mac - 1)
            bk->copy_mic = bk->copy_mac - 1;
        bk->delete_mic = inst->lgen_min;
        bk->delete_mac = bk->copy_mac;
        bk->gen_copy_done = 0; /* dev/ese/src/ese/backup.cxx:645 */
    }
    return JET_errSuccess;
}

static JET_ERR log_list(const model_inst *inst, unsigned long mic, unsigned long mac, WCHAR **pwsz,
                        unsigned long *pcb)
{
    size_t n = mac > mic ? mac - mic : 0;
    WCHAR (*names)[MODEL_NAME_MAX] = calloc(n ? n : 1, sizeof *names);
    if (!names)
        return JET_errOutOfMemory;
    int count = 0;
    for (unsigned long g = mic; g < mac; g++) {
        model_log_name(names[count], MODEL_NAME_MAX, inst, g);
        if (GetFileAttributesW(names[count]) != INVALID_FILE_ATTRIBUTES)
            count++;
    }
    JET_ERR err = build_multisz(names, count, pwsz, pcb);
    free(names);
    return err;
}

/* ErrBKGetLogInfo (dev/ese/src/ese/backup.cxx:3457-3472) -> prepare, then ErrBKIGetLogInfo
 * (dev/ese/src/ese/backup.cxx:3198-3448). */
JET_ERR model_get_log_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb, JET_LOGINFO_W *info)
{
    model_inst *inst;
    JET_ERR err = prepare_log_info(instance, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    err = log_list(inst, bk->copy_mic, bk->copy_mac, pwsz, pcb);
    if (err < 0)
        return fail_ending(inst, err); /* errors end the backup (dev/ese/src/ese/backup.cxx:3425-3429) */
    if (info) {
        info->ulGenLow = bk->copy_mic;
        info->ulGenHigh = bk->copy_mac - 1;
        wcsncpy(info->szBaseName, inst->params.base_name, JET_BASE_NAME_LENGTH);
        info->szBaseName[JET_BASE_NAME_LENGTH] = 0;
    }
    bk->status = BK_LOGS_AND_PATCHES; /* dev/ese/src/ese/backup.cxx:3445 */
    return JET_errSuccess;
}

/* ErrBKGetTruncateLogInfo (dev/ese/src/ese/backup.cxx:3481-3493): [m_lgenDeleteMic, m_lgenDeleteMac). */
JET_ERR model_get_truncate_log_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb)
{
    model_inst *inst;
    JET_ERR err = prepare_log_info(instance, &inst);
    if (err < 0)
        return err;
    return log_list(inst, inst->bk.delete_mic, inst->bk.delete_mac, pwsz, pcb);
}

/* ErrBKTruncateLog (dev/ese/src/ese/backup.cxx:3502-3561). */
JET_ERR model_truncate_log(JET_INSTANCE instance)
{
    model_inst *inst;
    JET_ERR err = enter_backup(instance, STOP_IS_ERROR, &inst);
    if (err < 0)
        return err;
    model_backup *bk = &inst->bk;
    if (bk->file.in_use)
        return JET_errInvalidBackupSequence;
    if (!bk->logs_prepared)
        return JET_errInvalidBackupSequence; /* dev/ese/src/ese/backup.cxx:3522-3528 */
    /* Not a per-generation check: the sum of the generations copied must reach the sum of
     * copy_mic..copy_mac-1 (dev/ese/src/ese/backup.cxx:3535-3556), so copying one log twice
     * can stand in for a missing one. */
    uint64_t must = 0;
    for (unsigned long g = bk->copy_mic; g < bk->copy_mac; g++)
        must += g;
    if (bk->gen_copy_done < must)
        return M_errLogFileNotCopied;
    for (unsigned long g = bk->delete_mic; g < bk->delete_mac; g++) { /* ErrLGTruncateLog */
        WCHAR log[MODEL_NAME_MAX];
        model_log_name(log, MODEL_NAME_MAX, inst, g);
        DeleteFileW(log);
    }
    inst->lgen_min = model_files_lowest_gen(inst);
    return JET_errSuccess;
}

/* ErrIsamEndExternalBackup (dev/ese/src/ese/backup.cxx:3972-3997) -> cleanup. */
JET_ERR model_end_backup(JET_INSTANCE instance, JET_GRBIT grbit)
{
    model_inst *inst;
    JET_ERR err = model_enter(instance, &inst);
    if (err < 0)
        return err;
    int normal = (grbit & M_bitBackupEndNormal) != 0, abort = (grbit & M_bitBackupEndAbort) != 0;
    if (normal && abort)
        return JET_errInvalidParameter; /* dev/ese/src/ese/backup.cxx:3978-3982, backup untouched */
    if (!normal && !abort)
        return JET_errInvalidParameter; /* dev/ese/src/ese/backup.cxx:3983-3986 */
    /* A Surrogate bit that does not match the backup makes it abnormal (dev/ese/src/ese/backup.cxx:4145-4161). */
    int surrogate_mismatch = ((grbit & M_bitBackupSurrogate) != 0) != (inst->bk.surrogate != 0);
    return model_backup_cleanup(inst, abort || surrogate_mismatch); /* dev/ese/src/ese/backup.cxx:3991-3996 */
}
