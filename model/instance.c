/* Instance modes, lifecycle and the prologues every instance API runs first (ESE's
 * dev/ese/src/ese/jetapi.cxx, dev/ese/src/ese/sysinit.cxx and dev/ese/src/ese/tm.cxx, cited per rule). */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

model_mode g_mode = MODE_NOSET;
model_inst *g_insts[MODEL_MAX_INSTANCES];
model_params g_global_params;
CRITICAL_SECTION g_model_lock;
DWORD g_os_page_size = 4096;

/* Freed INST objects are kept (signature FREED) and never reused, so a terminated handle is
 * always -1115 rather than the "same address reallocated" ambiguity of section 6. */
static model_inst **g_graveyard;
static size_t g_graveyard_count;

static void default_params(model_params *p)
{
    memset(p, 0, sizeof *p);
    wcscpy(p->system_path, L".\\");
    wcscpy(p->log_path, L".\\");
    wcscpy(p->temp_path, L"tmp.edb");
    wcscpy(p->base_name, L"edb");
    p->recovery_on = 1;
    p->page_size = MODEL_DEFAULT_PAGE_SIZE;
    p->log_file_kb = MODEL_DEFAULT_LOG_KB;
}

void model_process_attach(void)
{
    SYSTEM_INFO si;
    InitializeCriticalSection(&g_model_lock);
    /* The read buffer must be aligned to the OS page (dev/ese/src/os/memory.cxx:343-346). */
    GetSystemInfo(&si);
    g_os_page_size = si.dwPageSize ? si.dwPageSize : 4096;
    default_params(&g_global_params);
}

void model_process_detach(void)
{
    DeleteCriticalSection(&g_model_lock);
}

unsigned long model_env_ms(const char *name, unsigned long fallback)
{
    char buf[32];
    DWORD n = GetEnvironmentVariableA(name, buf, sizeof buf);
    if (n == 0 || n >= sizeof buf)
        return fallback;
    return strtoul(buf, NULL, 10);
}

void model_fail_fast(void)
{
    /* ESE's default JET_paramExceptionAction is fail-fast (dev/ese/src/ese/sysparamtable.g.cxx:114): an access
     * violation inside an API kills the process, with the access-violation status. */
    TerminateProcess(GetCurrentProcess(), (UINT)0xC0000005u);
}

int model_inst_is_live(const model_inst *inst)
{
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++)
        if (g_insts[i] && g_insts[i] == inst)
            return inst->signature == MODEL_INST_LIVE;
    return 0;
}

static int inst_count(void)
{
    int n = 0;
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++)
        n += g_insts[i] != NULL;
    return n;
}

static model_inst *first_inst(void)
{
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++)
        if (g_insts[i])
            return g_insts[i];
    return NULL;
}

/* P1: JET_VALIDATE_INSTANCE, skipped for 0 and JET_instanceNil (dev/ese/src/ese/jetapi.cxx:5264-5271). The model's
 * registry is g_rgpinst; a pointer is compared, never dereferenced. */
JET_ERR model_validate_instance(JET_INSTANCE instance)
{
    if (instance == 0 || instance == JET_instanceNil)
        return JET_errSuccess;
    return model_inst_is_live((const model_inst *)instance) ? JET_errSuccess : JET_errInvalidInstance;
}

/* P3: ErrFindPinst (dev/ese/src/ese/jetapi.cxx:3811-3860). OneInst ignores the handle; MultiInst needs a listed one. */
JET_ERR model_find_pinst(JET_INSTANCE instance, model_inst **out)
{
    *out = NULL;
    if (g_mode == MODE_ONEINST) {
        *out = first_inst();
        return *out ? JET_errSuccess : JET_errInvalidParameter;
    }
    if (g_mode == MODE_NOSET || instance == 0 || instance == JET_instanceNil)
        return JET_errInvalidParameter;
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++)
        if (g_insts[i] && (JET_INSTANCE)g_insts[i] == instance) {
            *out = g_insts[i];
            return JET_errSuccess;
        }
    return JET_errInvalidParameter;
}

/* P1 then P3: what every instance export does first; the exports that skip P4 (term, stop
 * service, stop backup, parameters, restore) stop here. */
JET_ERR model_find_valid_pinst(JET_INSTANCE instance, model_inst **out)
{
    JET_ERR err = model_validate_instance(instance);
    if (err < 0) {
        *out = NULL;
        return err;
    }
    return model_find_pinst(instance, out);
}

/* P4: INST::ErrAPIEnter (dev/ese/src/ese/jetapi.cxx:4397-4446). for_term skips the StopService check
 * (dev/ese/src/ese/jetapi.cxx:4423). */
JET_ERR model_api_enter(model_inst *inst, int for_term)
{
    if (!for_term && inst->stop_service)
        return JET_errClientRequestToStopJetService; /* P4a dev/ese/src/ese/jetapi.cxx:4425-4428 */
    switch (inst->api_lock) {                        /* P4c dev/ese/src/ese/jetapi.cxx:4437-4440, 4397-4419 */
    case LOCK_TERMINATING: return JET_errTermInProgress;
    case LOCK_RESTORING: return JET_errRestoreInProgress;
    case LOCK_INITIALIZING: return JET_errNotInitialized; /* not -1031 */
    case LOCK_NONE: break;
    }
    if (!inst->initialized)
        return JET_errNotInitialized; /* P4d dev/ese/src/ese/jetapi.cxx:4442-4446 */
    return JET_errSuccess;
}

JET_ERR model_enter(JET_INSTANCE instance, model_inst **out)
{
    JET_ERR err = model_find_valid_pinst(instance, out);
    if (err < 0)
        return err;
    return model_api_enter(*out, 0);
}

/* L: ErrRUNINSTCheckOneInstMode (dev/ese/src/ese/jetapi.cxx:2971-2993); forwards to g_rgpinst[0]. */
JET_ERR model_check_one_inst_mode(JET_INSTANCE *legacy)
{
    if (g_mode == MODE_NOSET)
        return JET_errInvalidParameter;
    if (g_mode == MODE_MULTIINST)
        return JET_errRunningInMultiInstanceMode;
    *legacy = (JET_INSTANCE)first_inst();
    return JET_errSuccess;
}

static model_inst *new_inst(void)
{
    int slot = -1;
    for (int i = 0; i < MODEL_MAX_INSTANCES && slot < 0; i++)
        if (!g_insts[i])
            slot = i;
    if (slot < 0)
        return NULL;
    model_inst *inst = calloc(1, sizeof *inst);
    if (!inst)
        return NULL;
    inst->signature = MODEL_INST_LIVE;
    inst->params = g_global_params;
    g_insts[slot] = inst;
    return inst;
}

/* FreePinst: the mode returns to NoSet only when the last INST goes (dev/ese/src/ese/jetapi.cxx:3773-3779). */
void model_free_inst(model_inst *inst)
{
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++)
        if (g_insts[i] == inst)
            g_insts[i] = NULL;
    if (inst->bk.file.in_use && inst->bk.file.handle != INVALID_HANDLE_VALUE)
        CloseHandle(inst->bk.file.handle);
    inst->signature = MODEL_INST_FREED;
    model_inst **grown = realloc(g_graveyard, (g_graveyard_count + 1) * sizeof *grown);
    if (grown) {
        g_graveyard = grown;
        g_graveyard[g_graveyard_count++] = inst;
    }
    if (inst_count() == 0)
        g_mode = MODE_NOSET;
}

/* ---- parameters -------------------------------------------------------------------- */

static int is_path_param(unsigned long id)
{
    return id == JET_paramSystemPath || id == JET_paramLogFilePath || id == JET_paramTempPath ||
           id == JET_paramBaseName || id == JET_paramDatabasePageSize || id == JET_paramRecovery ||
           id == JET_paramLogFileSize || id == JET_paramCircularLog;
}

/* Applies one parameter to a parameter set; the values ESE refuses are -1003. */
static JET_ERR apply_param(model_params *p, unsigned long id, JET_API_PTR lparam, const WCHAR *sz)
{
    switch (id) {
    case JET_paramSystemPath:
    case JET_paramLogFilePath:
    case JET_paramTempPath: {
        WCHAR *dst = id == JET_paramSystemPath ? p->system_path
                   : id == JET_paramLogFilePath ? p->log_path : p->temp_path;
        if (!sz || wcslen(sz) >= MODEL_NAME_MAX)
            return sz ? JET_errInvalidPath : JET_errInvalidParameter;
        wcscpy(dst, sz);
        return JET_errSuccess;
    }
    case JET_paramBaseName: /* exactly three characters (JET_BASE_NAME_LENGTH) */
        if (!sz || wcslen(sz) != JET_BASE_NAME_LENGTH)
            return JET_errInvalidParameter;
        wcscpy(p->base_name, sz);
        return JET_errSuccess;
    case JET_paramRecovery: /* "On" / "Off" (transaction-log-parameters: JET_paramRecovery) */
        if (sz && _wcsicmp(sz, L"On") == 0)
            p->recovery_on = 1;
        else if (sz && _wcsicmp(sz, L"Off") == 0)
            p->recovery_on = 0;
        else
            return JET_errInvalidParameter;
        return JET_errSuccess;
    case JET_paramCircularLog:
        p->circular_log = lparam != 0;
        return JET_errSuccess;
    case JET_paramDatabasePageSize: /* 2048..32768, a power of two */
        if (lparam < 2048 || lparam > 32768 || (lparam & (lparam - 1)) != 0)
            return JET_errInvalidParameter;
        p->page_size = (unsigned long)lparam;
        return JET_errSuccess;
    case JET_paramLogFileSize: /* in KB */
        if (lparam < 16 || lparam > 1024 * 1024)
            return JET_errInvalidParameter;
        p->log_file_kb = (unsigned long)lparam;
        return JET_errSuccess;
    default: /* accepted and stored, not modelled */
        if (id < sizeof p->other / sizeof p->other[0])
            p->other[id] = lparam;
        return JET_errSuccess;
    }
}

static int params_equal(const model_params *p, unsigned long id, JET_API_PTR lparam, const WCHAR *sz)
{
    model_params probe = *p;
    if (apply_param(&probe, id, lparam, sz) < 0)
        return 0;
    return memcmp(&probe, p, sizeof probe) == 0;
}

JET_ERR model_set_system_parameter(JET_INSTANCE *pinstance, JET_SESID sesid, unsigned long paramid,
                                   JET_API_PTR lparam, const WCHAR *sz)
{
    (void)sesid;
    model_inst *inst = NULL;
    JET_INSTANCE h = pinstance ? *pinstance : 0;
    if (h != 0 && h != JET_instanceNil) {
        JET_ERR err = model_find_valid_pinst(h, &inst);
        if (err < 0)
            return err;
    } else if (g_mode == MODE_ONEINST) {
        inst = first_inst(); /* legacy mode: the one instance */
    }
    if (!inst)
        return apply_param(&g_global_params, paramid, lparam, sz);
    /* Files and page size are fixed once the instance runs. */
    if ((inst->initialized || inst->api_lock != LOCK_NONE) && is_path_param(paramid))
        return JET_errAlreadyInitialized;
    return apply_param(&inst->params, paramid, lparam, sz);
}

JET_ERR model_get_system_parameter(JET_INSTANCE instance, JET_SESID sesid, unsigned long paramid,
                                   JET_API_PTR *plparam, WCHAR *sz, unsigned long cb_max)
{
    (void)sesid;
    const model_params *p = &g_global_params;
    if (instance != 0 && instance != JET_instanceNil) {
        model_inst *inst;
        JET_ERR err = model_find_valid_pinst(instance, &inst);
        if (err < 0)
            return err;
        p = &inst->params;
    } else if (g_mode == MODE_ONEINST && first_inst()) {
        p = &first_inst()->params;
    }
    const WCHAR *text = NULL;
    JET_API_PTR value = 0;
    switch (paramid) {
    case JET_paramSystemPath: text = p->system_path; break;
    case JET_paramLogFilePath: text = p->log_path; break;
    case JET_paramTempPath: text = p->temp_path; break;
    case JET_paramBaseName: text = p->base_name; break;
    case JET_paramRecovery: text = p->recovery_on ? L"On" : L"Off"; break;
    case JET_paramCircularLog: value = (JET_API_PTR)p->circular_log; break;
    case JET_paramDatabasePageSize: value = p->page_size; break;
    case JET_paramLogFileSize: value = p->log_file_kb; break;
    default:
        if (paramid >= sizeof p->other / sizeof p->other[0])
            return JET_errInvalidParameter;
        value = p->other[paramid];
        break;
    }
    if (plparam)
        *plparam = value;
    if (text && sz && cb_max >= sizeof(WCHAR)) {
        size_t cch = cb_max / sizeof(WCHAR);
        wcsncpy(sz, text, cch - 1);
        sz[cch - 1] = 0;
        if (wcslen(text) >= cch)
            return JET_errBufferTooSmall;
    }
    return JET_errSuccess;
}

/* ---- modes and lifecycle ------------------------------------------------------------ */

/* JetEnableMultiInstance (dev/ese/src/ese/jetapi.cxx:21135-21352). */
JET_ERR model_enable_multi_instance(const JET_SETSYSPARAM_W *params, unsigned long count,
                                    unsigned long *succeeded)
{
    if (succeeded)
        *succeeded = 0;
    if (count && !params)
        return JET_errInvalidParameter; /* dev/ese/src/ese/jetapi.cxx:21135-21160 step 1 */
    if (g_mode == MODE_ONEINST)
        return JET_errRunningInOneInstanceMode; /* dev/ese/src/ese/jetapi.cxx:21168-21171 */
    if (g_mode == MODE_MULTIINST) {              /* dev/ese/src/ese/jetapi.cxx:21163-21290 */
        for (unsigned long i = 0; i < count; i++)
            if (!params_equal(&g_global_params, params[i].paramid, params[i].lParam, params[i].sz))
                return M_errSystemParameterConflict;
        return JET_errSystemParamsAlreadySet;
    }
    model_params staged = g_global_params;
    unsigned long ok = 0;
    for (unsigned long i = 0; i < count; i++) {
        JET_ERR err = apply_param(&staged, params[i].paramid, params[i].lParam, params[i].sz);
        ((JET_SETSYSPARAM_W *)params)[i].err = err;
        if (err < 0) { /* the mode is not set (dev/ese/src/ese/jetapi.cxx:21292-21298) */
            if (succeeded)
                *succeeded = ok;
            return err;
        }
        ok++;
    }
    g_global_params = staged;
    g_mode = MODE_MULTIINST; /* dev/ese/src/ese/jetapi.cxx:21303 */
    if (succeeded)
        *succeeded = ok;
    return JET_errSuccess;
}

/* JetCreateInstance[2] (dev/ese/src/ese/jetapi.cxx:21895-22002). */
JET_ERR model_create_instance(JET_INSTANCE *pinstance, const WCHAR *name)
{
    if (!pinstance)
        return JET_errInvalidParameter; /* dev/ese/src/ese/jetapi.cxx:21915-21918 */
    *pinstance = JET_instanceNil;
    if (g_mode == MODE_ONEINST)
        return JET_errRunningInOneInstanceMode; /* dev/ese/src/ese/jetapi.cxx:21926-21930 */
    int was_noset = g_mode == MODE_NOSET;
    g_mode = MODE_MULTIINST; /* dev/ese/src/ese/jetapi.cxx:21933-21936 */
    if (name && wcslen(name) >= MODEL_NAME_MAX)
        name = NULL;
    /* ErrNewInst checks the instance limit first (dev/ese/src/ese/jetapi.cxx:3516-3521), then
     * the name; two unnamed instances collide too (dev/ese/src/ese/jetapi.cxx:3523-3543). */
    if (inst_count() >= MODEL_MAX_INSTANCES)
        return JET_errTooManyInstances;
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++) {
        const model_inst *o = g_insts[i];
        if (!o)
            continue;
        if ((!name && !o->has_name) || (name && o->has_name && wcscmp(name, o->name) == 0)) {
            if (was_noset && inst_count() == 0)
                g_mode = MODE_NOSET; /* dev/ese/src/ese/jetapi.cxx:3704-3718 */
            return JET_errInstanceNameInUse;
        }
    }
    model_inst *inst = new_inst();
    if (!inst) {
        if (inst_count() == 0)
            g_mode = MODE_NOSET;
        return inst_count() >= MODEL_MAX_INSTANCES ? JET_errTooManyInstances : JET_errOutOfMemory;
    }
    if (name) {
        inst->has_name = 1;
        wcscpy(inst->name, name);
    }
    *pinstance = (JET_INSTANCE)inst;
    return JET_errSuccess;
}

/* ErrInitComplete: paths, checkpoint, log; m_fBackupAllowed on success (dev/ese/src/ese/jetapi.cxx:20822-20829). */
static JET_ERR init_complete(model_inst *inst)
{
    if (inst->initialized)
        return JET_errAlreadyInitialized; /* dev/ese/src/ese/jetapi.cxx:4468-4484, 20777-20781 */
    JET_ERR err = model_api_enter(inst, 1);
    if (err < 0 && err != JET_errNotInitialized)
        return err;
    if (inst->api_lock != LOCK_NONE)
        return err;
    /* Two running instances may not share a system or log path with the same base name
     * (error-codes page: "already being used by another database instance"). */
    WCHAR sys[MODEL_NAME_MAX], log[MODEL_NAME_MAX];
    if (!model_full_path(inst->params.system_path, sys, MODEL_NAME_MAX) ||
        !model_full_path(inst->params.log_path, log, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    for (int i = 0; i < MODEL_MAX_INSTANCES; i++) {
        const model_inst *o = g_insts[i];
        if (!o || o == inst || !o->initialized)
            continue;
        if (_wcsicmp(o->params.base_name, inst->params.base_name) != 0)
            continue; /* a different base name gives different files */
        if (_wcsicmp(o->sys_dir, sys) == 0)
            return JET_errSystemPathInUse;
        if (_wcsicmp(o->log_dir, log) == 0)
            return JET_errLogFilePathInUse;
    }
    inst->api_lock = LOCK_INITIALIZING;
    err = model_files_init(inst);
    inst->api_lock = LOCK_NONE;
    if (err < 0)
        return err;
    inst->initialized = 1;
    inst->stop_service = 0;
    inst->stop_service_bits = 0;
    inst->backup_allowed = 1;
    return JET_errSuccess;
}

/* JetInitEx (dev/ese/src/ese/jetapi.cxx:21354-21533). */
JET_ERR model_init(JET_INSTANCE *pinstance, const void *rstinfo, unsigned long cb_expected, JET_GRBIT grbit)
{
    (void)grbit;
    if (g_mode == MODE_MULTIINST && !pinstance)
        return JET_errRunningInMultiInstanceMode; /* dev/ese/src/ese/jetapi.cxx:21389-21392 */
    if (g_mode == MODE_ONEINST && first_inst())
        return JET_errAlreadyInitialized; /* dev/ese/src/ese/jetapi.cxx:21395-21398 */
    if (rstinfo && *(const unsigned long *)rstinfo != cb_expected)
        return JET_errInvalidParameter;
    model_inst *inst;
    if (g_mode == MODE_NOSET) { /* NoSet -> OneInst with a new instance (dev/ese/src/ese/jetapi.cxx:21409-21424) */
        g_mode = MODE_ONEINST;
        inst = new_inst();
        if (!inst) {
            g_mode = MODE_NOSET;
            return JET_errOutOfMemory;
        }
        if (pinstance)
            *pinstance = (JET_INSTANCE)inst;
    } else if (*pinstance == 0 || *pinstance == JET_instanceNil) {
        /* Multi-instance mode with no instance given: JetInitEx allocates an unnamed one
         * (fAllocateInstance, dev/ese/src/ese/jetapi.cxx:21360, 21375-21376, 21420-21424),
         * through ErrNewInst's limit and name checks. */
        JET_ERR err = model_create_instance(pinstance, NULL);
        if (err < 0)
            return err;
        inst = (model_inst *)*pinstance;
    } else {
        JET_ERR err = model_find_pinst(*pinstance, &inst);
        if (err < 0)
            return err;
    }
    JET_ERR err = init_complete(inst);
    if (err < 0 && err != JET_errAlreadyInitialized && inst->api_lock == LOCK_NONE &&
        err != JET_errRestoreInProgress && err != JET_errTermInProgress) {
        /* On failure the instance is freed and *pinstance is NULL (dev/ese/src/ese/jetapi.cxx:21504-21519). */
        model_free_inst(inst);
        if (pinstance)
            *pinstance = 0;
    }
    return err;
}

/* JetTerm / JetTerm2 -> ErrTermComplete (dev/ese/src/ese/jetapi.cxx:20847-21027). */
JET_ERR model_term(JET_INSTANCE instance, JET_GRBIT grbit)
{
    model_inst *inst;
    JET_ERR err = model_find_valid_pinst(instance, &inst);
    if (err < 0)
        return err;
    if (!inst->initialized && inst->api_lock == LOCK_NONE) {
        model_free_inst(inst); /* created only: freed, 0 (dev/ese/src/ese/jetapi.cxx:20868-20882) */
        return JET_errSuccess;
    }
    if ((err = model_api_enter(inst, 1)) < 0) /* FEnterForTerm (dev/ese/src/ese/jetapi.cxx:20884-20888) */
        return err;
    inst->api_lock = LOCK_TERMINATING;
    inst->backup_allowed = 0; /* dev/ese/src/ese/jetapi.cxx:20937; stays cleared if the term fails */
    if (grbit & (M_bitTermStopBackup | M_bitTermAbrupt))
        (void)model_backup_cleanup(inst, 1); /* dev/ese/src/ese/jetapi.cxx:20943-20985, result ignored */
    /* ESH_MODEL_TERM_DELAY_MS: an opt-in pause of the model's own (ESE has no pause before
     * these checks), for tests of the lock; off unless set. */
    unsigned long delay = model_env_ms("ESH_MODEL_TERM_DELAY_MS", 0);
    if (delay) {
        LeaveCriticalSection(&g_model_lock);
        Sleep(delay);
        EnterCriticalSection(&g_model_lock);
    }
    /* ErrIsamTerm picks the term type (dev/ese/src/ese/tm.cxx:1164-1179): Dirty -> error, else
     * Abrupt -> no-cleanup, else cleanup. INST::ErrINSTTerm refuses the two clean types while a
     * backup runs (dev/ese/src/ese/sysinit.cxx:500-510; Abrupt and StopBackup ended it above)
     * or while any transaction is open (dev/ese/src/ese/sysinit.cxx:597-607: TrxOldest, which
     * a session joins at JetBeginTransaction, dev/ese/src/ese/dir.cxx:1859 and
     * dev/ese/src/inc/pib.hxx:1252-1286). So JetTerm (Abrupt, dev/ese/src/ese/jetapi.cxx:22270)
     * and JetTerm2(0) give -1059 too, where JetTerm2.en.md says "only if the
     * JET_bitTermComplete is used". The failed term leaves the instance alive
     * (dev/ese/src/ese/tm.cxx:1183-1192). */
    int clean_type = !(grbit & M_bitTermDirty);
    if (clean_type && inst->bk.in_progress) {
        inst->api_lock = LOCK_NONE;
        return inst->bk.surrogate ? M_errSurrogateBackupInProgress : JET_errBackupInProgress;
    }
    if (clean_type && model_sessions_in_transaction(inst)) {
        inst->api_lock = LOCK_NONE;
        return JET_errTooManyActiveUsers;
    }
    model_sessions_end_for(inst);
    (void)model_files_write_checkpoint(inst->sys_dir, inst->params.base_name, inst->lgen_current,
                                       inst->params.page_size);
    inst->api_lock = LOCK_NONE;
    inst->initialized = 0;
    model_free_inst(inst);
    return (grbit & M_bitTermDirty) ? M_errDirtyShutdown : JET_errSuccess; /* dev/ese/src/ese/tm.cxx:1193-1196 */
}

/* JetStopServiceInstance: P1 and ErrFindPinst only (dev/ese/src/ese/jetapi.cxx:22278-22312). On a created-only instance
 * ESE dereferences a NULL m_pver (dev/ese/src/ese/jetapi.cxx:22298, 5142) and the process dies: so does the model's. */
JET_ERR model_stop_service_instance(JET_INSTANCE instance)
{
    model_inst *inst;
    JET_ERR err = model_find_valid_pinst(instance, &inst);
    if (err < 0)
        return err;
    if (!inst->initialized)
        model_fail_fast();
    inst->stop_service = 1;
    return JET_errSuccess;
}

/* JetStopServiceInstance2 (dev/ese/src/ese/jetapi.cxx:22315-22594). */
JET_ERR model_stop_service_instance2(JET_INSTANCE instance, JET_GRBIT grbit)
{
    const JET_GRBIT known = M_bitStopServiceBackgroundUserTasks | M_bitStopServiceQuiesceCaches |
                            M_bitStopServiceStopAndEmitLog | M_bitStopServiceResume;
    model_inst *inst;
    JET_ERR err = model_find_valid_pinst(instance, &inst);
    if (err < 0)
        return err;
    if (grbit & ~known)
        return JET_errInvalidGrbit; /* dev/ese/src/ese/jetapi.cxx:22342-22345 */
    if (grbit & M_bitStopServiceResume) {
        /* Resume with named bits resumes those; Resume alone expands to what was stopped,
         * m_grbitStopped, which StopServiceAll marks with an internal bit and the old
         * JetStopServiceInstance leaves alone (dev/ese/src/ese/jetapi.cxx:22356-22364, 22310,
         * 22584). A non-resumable user bit is -900, any other non-resumable bit (the internal
         * one) -1329 (dev/ese/src/ese/jetapi.cxx:22366-22376); m_fStopJetService is never
         * cleared, so a resume after All that names BackgroundUserTasks succeeds and the
         * instance stays stopped. */
        const JET_GRBIT resumable = M_bitStopServiceBackgroundUserTasks | M_bitStopServiceQuiesceCaches;
        JET_GRBIT target = (grbit & ~M_bitStopServiceResume) ? grbit & ~M_bitStopServiceResume : inst->stop_service_bits;
        if ((target & ~resumable) & known)
            return JET_errInvalidGrbit;
        if (target & ~resumable)
            return JET_errClientRequestToStopJetService;
        inst->stop_service_bits &= ~target; /* dev/ese/src/ese/jetapi.cxx:22384-22437 */
        return JET_errSuccess;
    }
    if ((grbit & M_bitStopServiceStopAndEmitLog) && grbit != M_bitStopServiceStopAndEmitLog)
        return JET_errInvalidGrbit; /* dev/ese/src/ese/jetapi.cxx:22443-22451 */
    /* All and QuiesceCaches reach the missing version store of a created-only instance
     * (dev/ese/src/ese/jetapi.cxx:22532 versus dev/ese/src/ese/jetapi.cxx:5142): fail-fast, as in ESE. */
    if (!inst->initialized && (grbit == 0 || (grbit & M_bitStopServiceQuiesceCaches)))
        model_fail_fast();
    if (grbit == M_bitStopServiceStopAndEmitLog)
        return JET_errSuccess; /* ErrLGStopAndEmitLog: m_grbitStopped untouched (dev/ese/src/ese/jetapi.cxx:22443-22451) */
    if (grbit == 0) { /* StopServiceAll (dev/ese/src/ese/jetapi.cxx:22460-22468, 22574-22586) */
        inst->stop_service_bits |= M_bitStopServiceBackgroundUserTasks | M_bitStopServiceQuiesceCaches |
                                   M_bitStopServiceAllInternal;
        inst->stop_service = 1;
        return JET_errSuccess;
    }
    inst->stop_service_bits |= grbit;
    return JET_errSuccess;
}

/* JetStopBackupInstance: P1, ErrFindPinst, set the flag, always 0 (dev/ese/src/ese/jetapi.cxx:22618-22638). */
JET_ERR model_stop_backup_instance(JET_INSTANCE instance)
{
    model_inst *inst;
    JET_ERR err = model_find_valid_pinst(instance, &inst);
    if (err < 0)
        return err; /* dev/ese/src/ese/jetapi.cxx:22625 */
    /* BKSetStopBackup (dev/ese/src/ese/jetapi.cxx:22627-22630; dev/ese/src/inc/daedef.hxx:4300-4303) */
    inst->bk.stop = 1;
    return JET_errSuccess;
}
