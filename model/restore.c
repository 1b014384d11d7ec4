/* Restore: JetRestoreInstance copies a backup folder (database files as streamed, with their
 * trailer page, and log generations) back and "recovers" (rewrites the checkpoint and starts
 * a new current log). While it runs the instance holds fAPIRestoring, so a concurrent call on
 * it gets -506 (dev/ese/src/ese/jetapi.cxx:4407-4410, 22180-22210). The model's API lock is released meanwhile; the
 * status callback (JET_PFNSTATUS) runs then; ESH_MODEL_RESTORE_DELAY_MS adds an opt-in pause
 * of the model's own there (ESE's restore has none: its window is the recovery's real work). */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* Runs `fn` with fAPIRestoring held and the model lock released. */
static void restoring_pause(JET_PFNSTATUS pfn, JET_SNT snt)
{
    LeaveCriticalSection(&g_model_lock);
    if (pfn) {
        JET_SNPROG prog = {sizeof prog, snt == JET_sntComplete ? 1u : 0u, 1};
        pfn(0, JET_snpRestore, snt, snt == JET_sntProgress ? &prog : NULL);
    }
    if (snt == JET_sntBegin) {
        unsigned long delay = model_env_ms("ESH_MODEL_RESTORE_DELAY_MS", 0);
        if (delay)
            Sleep(delay);
    }
    EnterCriticalSection(&g_model_lock);
}

static int has_suffix_i(const WCHAR *s, const WCHAR *suffix)
{
    size_t n = wcslen(s), m = wcslen(suffix);
    return n >= m && _wcsicmp(s + n - m, suffix) == 0;
}

/* Recovery, as far as the model goes: the checkpoint names the generation after the newest
 * restored log and a fresh <base>.log of that generation is started. */
static JET_ERR recover(model_inst *tmp, unsigned long newest_gen)
{
    JET_ERR err = model_ensure_dir(tmp->sys_dir);
    if (err >= 0)
        err = model_ensure_dir(tmp->log_dir);
    if (err < 0)
        return err;
    WCHAR cur[MODEL_NAME_MAX];
    model_log_name(cur, MODEL_NAME_MAX, tmp, 0);
    unsigned long gen = 0;
    if (!model_files_is_log(cur, &gen) || gen <= newest_gen) {
        gen = newest_gen + 1;
        if ((err = model_files_create_log(cur, gen, tmp->params.base_name, tmp->params.page_size,
                                          tmp->params.log_file_kb)) < 0)
            return err;
    }
    return model_files_write_checkpoint(tmp->sys_dir, tmp->params.base_name, gen, tmp->params.page_size);
}

/* Copies the folder: model logs to the log path, model databases to `dest` (or back where
 * they were created, as their header records). */
static JET_ERR copy_backup_folder(model_inst *tmp, const WCHAR *dir, const WCHAR *dest, unsigned long *newest)
{
    WCHAR from[MODEL_NAME_MAX], to[MODEL_NAME_MAX];
    WIN32_FIND_DATAW fd;
    HANDLE find = model_find_first(dir, &fd);
    if (find == INVALID_HANDLE_VALUE)
        return JET_errInvalidPath;
    JET_ERR err = JET_errSuccess;
    int copied = 0;
    do {
        if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
            continue;
        model_join(from, MODEL_NAME_MAX, dir, fd.cFileName);
        unsigned long gen = 0, page_size, pgno_last;
        WCHAR origin[MODEL_NAME_MAX];
        if (has_suffix_i(fd.cFileName, L".log") && model_files_is_log(from, &gen)) {
            model_join(to, MODEL_NAME_MAX, tmp->log_dir, fd.cFileName);
            err = model_files_copy(from, to, 0);
            if (gen > *newest)
                *newest = gen;
        } else if (model_files_read_db_header(from, &page_size, &pgno_last, origin) >= 0) {
            if (page_size != tmp->params.page_size) {
                err = JET_errPageSizeMismatch;
                break;
            }
            /* szDest NULL: back to the original location, which the header records. */
            if (dest)
                model_join(to, MODEL_NAME_MAX, dest, fd.cFileName);
            else
                wcscpy(to, origin);
            WCHAR full[MODEL_NAME_MAX];
            if (!to[0] || !model_full_path(to, full, MODEL_NAME_MAX)) {
                err = JET_errInvalidPath;
                break;
            }
            err = model_files_copy(from, full, 1);
        } else {
            continue; /* not a file of a model backup */
        }
        copied++;
    } while (err >= 0 && FindNextFileW(find, &fd));
    FindClose(find);
    if (err >= 0 && !copied)
        err = JET_errInvalidPath;
    return err;
}

/* JetRestoreInstance (dev/ese/src/ese/jetapi.cxx:22150-22210). */
JET_ERR model_restore_instance(JET_INSTANCE instance, const WCHAR *backup_dir, const WCHAR *dest,
                               JET_PFNSTATUS pfn)
{
    model_inst *inst = NULL;
    JET_ERR err;
    int temporary = 0;
    if (instance == 0 || instance == JET_instanceNil) {
        if (g_mode == MODE_ONEINST) {
            err = model_find_pinst(instance, &inst);
            if (err < 0)
                return err;
        } else { /* NoSet -> MultiInst with a temporary instance (dev/ese/src/ese/jetapi.cxx:22150-22154) */
            JET_INSTANCE tmp;
            if ((err = model_create_instance(&tmp, L"esentmodel-restore")) < 0)
                return err;
            inst = (model_inst *)tmp;
            temporary = 1;
        }
    } else {
        if ((err = model_find_valid_pinst(instance, &inst)) < 0)
            return err;
    }
    if (inst->initialized)
        return JET_errAlreadyInitialized;
    err = model_api_enter(inst, 1);
    if (inst->api_lock != LOCK_NONE)
        return err;
    if (!backup_dir || !*backup_dir)
        err = JET_errInvalidParameter;
    else if (!model_full_path(inst->params.system_path, inst->sys_dir, MODEL_NAME_MAX) ||
             !model_full_path(inst->params.log_path, inst->log_dir, MODEL_NAME_MAX))
        err = JET_errInvalidPath;
    else
        err = JET_errSuccess;
    if (err >= 0) {
        inst->api_lock = LOCK_RESTORING;
        restoring_pause(pfn, JET_sntBegin);
        unsigned long newest = 0;
        err = copy_backup_folder(inst, backup_dir, dest, &newest);
        if (err >= 0)
            err = recover(inst, newest);
        restoring_pause(pfn, JET_sntComplete);
        inst->api_lock = LOCK_NONE;
    }
    if (temporary && model_inst_is_live(inst))
        model_free_inst(inst);
    return err; /* the instance stays created, not initialised */
}

/* JetRestore / JetRestore2 (dev/ese/src/ese/jetapi.cxx:17069-17128): ErrRUNINSTCheckAndSetOneInstMode
 * (dev/ese/src/ese/jetapi.cxx:2960-2963):
 * MultiInst -> -1081; NoSet -> OneInst for the restore, on a temporary instance. */
JET_ERR model_restore_legacy(const WCHAR *backup_dir, const WCHAR *dest, JET_PFNSTATUS pfn)
{
    if (g_mode == MODE_MULTIINST)
        return JET_errRunningInMultiInstanceMode;
    if (g_mode == MODE_ONEINST)
        return model_restore_instance(0, backup_dir, dest, pfn);
    model_inst *inst = calloc(1, sizeof *inst);
    if (!inst)
        return JET_errOutOfMemory;
    inst->signature = MODEL_INST_LIVE;
    inst->params = g_global_params;
    g_insts[0] = inst;
    g_mode = MODE_ONEINST;
    JET_ERR err = model_restore_instance(0, backup_dir, dest, pfn);
    if (model_inst_is_live(inst))
        model_free_inst(inst); /* the last instance: back to NoSet */
    return err;
}

/* JetExternalRestore[2] (dev/ese/src/ese/jetapi.cxx:18663-18718): the caller already wrote the streamed databases to
 * their new names; the model drops their trailer pages, copies log generations
 * [genLow, genHigh] from the backup log folder and recovers, on a temporary instance (which,
 * as JetCreateInstance does, sets MultiInst mode from NoSet until it is freed). */
JET_ERR model_external_restore(const WCHAR *chk_path, const WCHAR *log_path, const JET_RSTMAP_W *map,
                               long nmap, const WCHAR *backup_log_path, long gen_low, long gen_high,
                               const WCHAR *base_name, const WCHAR *target_name,
                               const WCHAR *target_log_path, const WCHAR *target_chk_path,
                               JET_PFNSTATUS pfn)
{
    /* JetExternalRestore2.en.md: the target paths "must match, and be both specified or both
     * unspecified"; a target name goes without target paths (JetExternalRestoreEx). */
    if ((target_log_path == NULL) != (target_chk_path == NULL))
        return JET_errInvalidParameter;
    if (target_name && target_log_path)
        return JET_errInvalidParameter;
    /* JetExternalRestore.en.md: "The database engine cannot run external restore or hard
     * recovery in single instance mode." */
    if (g_mode == MODE_ONEINST)
        return JET_errRunningInOneInstanceMode;
    if (target_name) { /* the target must be a running instance of that name */
        const model_inst *target = NULL;
        for (int i = 0; i < MODEL_MAX_INSTANCES && !target; i++)
            if (g_insts[i] && g_insts[i]->initialized && g_insts[i]->has_name &&
                wcscmp(g_insts[i]->name, target_name) == 0)
                target = g_insts[i];
        if (!target)
            return JET_errBadRestoreTargetInstance;
        target_log_path = target->log_dir;
        target_chk_path = target->sys_dir;
    }
    if (!log_path || !backup_log_path || (nmap && !map) || nmap < 0 || gen_low > gen_high)
        return JET_errInvalidParameter;
    JET_INSTANCE handle;
    JET_ERR err = model_create_instance(&handle, L"esentmodel-external-restore"); /* a temporary INST */
    if (err < 0)
        return err;
    model_inst *inst = (model_inst *)handle;
    if (base_name && wcslen(base_name) == JET_BASE_NAME_LENGTH)
        wcscpy(inst->params.base_name, base_name);
    const WCHAR *logs = target_log_path ? target_log_path : log_path;
    const WCHAR *chk = target_chk_path ? target_chk_path : (chk_path ? chk_path : log_path);
    model_inst src = *inst;
    if (!model_full_path(logs, inst->log_dir, MODEL_NAME_MAX) || !model_full_path(chk, inst->sys_dir, MODEL_NAME_MAX) ||
        !model_full_path(backup_log_path, src.log_dir, MODEL_NAME_MAX))
        err = JET_errInvalidPath;
    /* The backup folder must exist (-1023), then generation genLow.. in it (-1811). */
    DWORD attr = err >= 0 ? GetFileAttributesW(src.log_dir) : 0;
    if (err >= 0 && (attr == INVALID_FILE_ATTRIBUTES || !(attr & FILE_ATTRIBUTE_DIRECTORY)))
        err = JET_errInvalidPath;
    for (long g = gen_low > 0 ? gen_low : 1; err >= 0 && g <= gen_high; g++) {
        WCHAR from[MODEL_NAME_MAX];
        model_log_name(from, MODEL_NAME_MAX, &src, (unsigned long)g);
        if (GetFileAttributesW(from) == INVALID_FILE_ATTRIBUTES)
            err = JET_errFileNotFound;
    }
    if (err >= 0) {
        inst->api_lock = LOCK_RESTORING;
        restoring_pause(pfn, JET_sntBegin);
        for (long i = 0; err >= 0 && i < nmap; i++) {
            const WCHAR *db = map[i].szNewDatabaseName ? map[i].szNewDatabaseName : map[i].szDatabaseName;
            WCHAR full[MODEL_NAME_MAX];
            if (!db || !model_full_path(db, full, MODEL_NAME_MAX))
                err = JET_errInvalidParameter;
            else
                err = model_files_copy(full, full, 1); /* drop the streamed trailer page */
        }
        for (long g = gen_low > 0 ? gen_low : 1; err >= 0 && g <= gen_high; g++) {
            WCHAR from[MODEL_NAME_MAX], to[MODEL_NAME_MAX];
            model_log_name(from, MODEL_NAME_MAX, &src, (unsigned long)g);
            model_log_name(to, MODEL_NAME_MAX, inst, (unsigned long)g);
            if (_wcsicmp(from, to) != 0)
                err = model_files_copy(from, to, 0);
        }
        if (err >= 0)
            err = recover(inst, gen_high > 0 ? (unsigned long)gen_high : 0);
        restoring_pause(pfn, JET_sntComplete);
        inst->api_lock = LOCK_NONE;
    }
    if (model_inst_is_live(inst))
        model_free_inst(inst);
    return err;
}
