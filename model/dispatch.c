/* Slots -> typed calls. Every export of ESENT.dll is a stub (exports.c) that hands its raw
 * argument slots here; the functions the model implements are the cases below (model/README.md
 * lists them, and tests/model checks the two agree). Everything else is
 * JET_errFeatureNotAvailable (-1001): the documented code for "this ESE build does not offer
 * the feature", which is true of the model. Each call runs under one model-wide lock;
 * restore and term release it while they hold an instance's API lock (see restore.c). */
#include "model.h"
#include "api.h"

#include <stdlib.h>
#include <string.h>

long model_dispatch(api_id id, const uintptr_t *slots);
#ifdef ESH_MODEL_DEVIATIONS
int model_deviation(api_id id, long *code); /* deviate.c */
#endif

#define ARG(i, T) ((T)slots[i])
#define INST(i) ((JET_INSTANCE)slots[i])

BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, LPVOID reserved)
{
    (void)module;
    if (reason == DLL_PROCESS_ATTACH)
        model_process_attach();
    else if (reason == DLL_PROCESS_DETACH && reserved == NULL)
        model_process_detach();
    return TRUE;
}

/* L, then the instance form on g_rgpinst[0] (dev/ese/src/ese/jetapi.cxx:2971-2993). */
#define LEGACY(call)                                          \
    do {                                                      \
        JET_INSTANCE legacy_ = 0;                             \
        JET_ERR lerr_ = model_check_one_inst_mode(&legacy_);  \
        if (lerr_ < 0)                                        \
            return lerr_;                                     \
        instance = legacy_;                                   \
        return call;                                          \
    } while (0)

static JET_ERR attach_info(JET_INSTANCE instance, void *buf, unsigned long cb_max, unsigned long *pcb, int wide)
{
    WCHAR *wsz = NULL;
    unsigned long cbw = 0;
    JET_ERR err = model_get_attach_info(instance, &wsz, &cbw);
    if (err < 0)
        return err;
    if (wide) {
        model_multisz_to_w(wsz, cbw, buf, cb_max);
        if (pcb)
            *pcb = cbw; /* the full size (dev/ese/src/ese/backup.cxx:2036-2044) */
    } else {
        err = model_multisz_to_a(wsz, cbw, buf, cb_max, pcb);
    }
    free(wsz);
    return err;
}

/* kind: 0 GetLogInfo, 1 GetTruncateLogInfo. `info` is a JET_LOGINFO_A or _W, or NULL. */
static JET_ERR log_info(JET_INSTANCE instance, void *buf, unsigned long cb_max, unsigned long *pcb, int wide,
                        int kind, void *info)
{
    WCHAR *wsz = NULL;
    unsigned long cbw = 0;
    JET_LOGINFO_W wi;
    memset(&wi, 0, sizeof wi);
    JET_ERR err = kind == 0 ? model_get_log_info(instance, &wsz, &cbw, &wi)
                            : model_get_truncate_log_info(instance, &wsz, &cbw);
    if (err < 0)
        return err;
    if (wide) {
        model_multisz_to_w(wsz, cbw, buf, cb_max);
        if (pcb) /* min(cbMax, cbActual) when a buffer is given (dev/ese/src/ese/backup.cxx:3351-3370) */
            *pcb = buf && cb_max < cbw ? cb_max : cbw;
    } else {
        err = model_multisz_to_a(wsz, cbw, buf, cb_max, pcb);
    }
    free(wsz);
    if (err >= 0 && info && wide) {
        JET_LOGINFO_W *o = info;
        o->ulGenLow = wi.ulGenLow;
        o->ulGenHigh = wi.ulGenHigh;
        memcpy(o->szBaseName, wi.szBaseName, sizeof o->szBaseName);
    } else if (err >= 0 && info) {
        JET_LOGINFO_A *o = info;
        o->ulGenLow = wi.ulGenLow;
        o->ulGenHigh = wi.ulGenHigh;
        for (int i = 0; i <= JET_BASE_NAME_LENGTH; i++)
            o->szBaseName[i] = (char)wi.szBaseName[i];
    }
    return err;
}

static JET_ERR open_file_a(JET_INSTANCE instance, const char *name, JET_HANDLE *phf, unsigned long *plow,
                           unsigned long *phigh)
{
    JET_ERR err = model_validate_instance(instance); /* conversion after P1 (dev/ese/src/ese/jetapi.cxx:17627-17631) */
    if (err < 0)
        return err;
    WCHAR *w = model_widen(name);
    if (name && !w)
        return JET_errOutOfMemory;
    err = model_open_file(instance, w, phf, plow, phigh);
    free(w);
    return err;
}

static JET_ERR log_info2_a(JET_INSTANCE instance, void *buf, unsigned long cb_max, unsigned long *pcb,
                           JET_LOGINFO_A *info)
{
    JET_ERR err = model_validate_instance(instance);
    if (err < 0)
        return err;
    if (info && info->cbSize != sizeof(JET_LOGINFO_A))
        return JET_errInvalidParameter; /* after P1, before P3 (dev/ese/src/ese/jetapi.cxx:17940-17945) */
    return log_info(instance, buf, cb_max, pcb, 0, 0, info);
}

static JET_ERR set_param_a(JET_INSTANCE *pinst, JET_SESID sesid, unsigned long id, JET_API_PTR l, const char *sz)
{
    WCHAR *w = model_widen(sz);
    JET_ERR err = (sz && !w) ? JET_errOutOfMemory : model_set_system_parameter(pinst, sesid, id, l, w);
    free(w);
    return err;
}

static JET_ERR get_param_a(JET_INSTANCE inst, JET_SESID sesid, unsigned long id, JET_API_PTR *pl, char *sz,
                           unsigned long cb_max)
{
    WCHAR w[MODEL_NAME_MAX];
    w[0] = 0;
    JET_ERR err = model_get_system_parameter(inst, sesid, id, pl, w, sizeof w);
    if (err >= 0 && sz && cb_max) {
        if (!WideCharToMultiByte(CP_ACP, 0, w, -1, sz, (int)cb_max, NULL, NULL)) {
            sz[cb_max - 1] = 0;
            return JET_errBufferTooSmall;
        }
    }
    return err;
}

static JET_ERR enable_multi_a(const JET_SETSYSPARAM_A *p, unsigned long n, unsigned long *ok)
{
    if (n && !p)
        return model_enable_multi_instance(NULL, n, ok);
    JET_SETSYSPARAM_W *w = calloc(n ? n : 1, sizeof *w);
    if (!w)
        return JET_errOutOfMemory;
    for (unsigned long i = 0; i < n; i++) {
        w[i].paramid = p[i].paramid;
        w[i].lParam = p[i].lParam;
        w[i].sz = model_widen(p[i].sz);
    }
    JET_ERR err = model_enable_multi_instance(w, n, ok);
    for (unsigned long i = 0; i < n; i++) {
        ((JET_SETSYSPARAM_A *)p)[i].err = w[i].err;
        free((void *)w[i].sz);
    }
    free(w);
    return err;
}

static JET_ERR create_instance_a(JET_INSTANCE *pinst, const char *name)
{
    WCHAR *w = model_widen(name);
    JET_ERR err = (name && !w) ? JET_errOutOfMemory : model_create_instance(pinst, w);
    free(w);
    return err;
}

/* A session API taking one narrow file name. */
typedef enum { SES_CREATE, SES_ATTACH, SES_DETACH, SES_OPEN } ses_op;
static JET_ERR ses_file(ses_op op, JET_SESID sesid, const WCHAR *w, JET_DBID *pdbid, JET_GRBIT grbit)
{
    switch (op) {
    case SES_CREATE: return model_create_database(sesid, w, pdbid, grbit);
    case SES_ATTACH: return model_attach_database(sesid, w, grbit);
    case SES_DETACH: return model_detach_database(sesid, w);
    case SES_OPEN: return model_open_database(sesid, w, pdbid, grbit);
    }
    return JET_errInvalidParameter;
}

static JET_ERR ses_file_a(ses_op op, JET_SESID sesid, const char *name, JET_DBID *pdbid, JET_GRBIT grbit)
{
    WCHAR *w = model_widen(name);
    JET_ERR err = (name && !w) ? JET_errOutOfMemory : ses_file(op, sesid, w, pdbid, grbit);
    free(w);
    return err;
}

static JET_ERR restore_legacy_a(const char *sz, const char *dest, JET_PFNSTATUS pfn)
{
    WCHAR *w = model_widen(sz), *d = model_widen(dest);
    JET_ERR err = model_restore_legacy(w, d, pfn);
    free(w);
    free(d);
    return err;
}

/* JetBackupInstanceA: the path is widened after P1 (dev/ese/src/ese/jetapi.cxx:17005-17027). */
static JET_ERR backup_instance_a(JET_INSTANCE instance, const char *path, JET_GRBIT grbit, JET_PFNSTATUS pfn)
{
    JET_ERR err = model_validate_instance(instance);
    if (err < 0)
        return err;
    WCHAR *w = model_widen(path);
    if (path && !w)
        return JET_errOutOfMemory;
    err = model_backup_instance(instance, w, grbit, pfn);
    free(w);
    return err;
}

static JET_ERR restore_instance_a(JET_INSTANCE inst, const char *sz, const char *dest, JET_PFNSTATUS pfn)
{
    WCHAR *w = model_widen(sz), *d = model_widen(dest);
    JET_ERR err = model_restore_instance(inst, w, d, pfn);
    free(w);
    free(d);
    return err;
}

/* JetExternalRestore[2]A: widen everything, then the W form. */
static JET_ERR external_restore_a(const uintptr_t *s, int v2)
{
    long n = (long)s[3];
    const JET_RSTMAP_A *map = (const JET_RSTMAP_A *)s[2];
    JET_RSTMAP_W *wmap = calloc(n > 0 ? (size_t)n : 1, sizeof *wmap);
    if (!wmap)
        return JET_errOutOfMemory;
    for (long i = 0; map && i < n; i++) {
        wmap[i].szDatabaseName = model_widen(map[i].szDatabaseName);
        wmap[i].szNewDatabaseName = model_widen(map[i].szNewDatabaseName);
    }
    WCHAR *chk = model_widen((const char *)s[0]), *log = model_widen((const char *)s[1]);
    WCHAR *bkp = model_widen((const char *)s[4]);
    JET_ERR err;
    if (v2) {
        JET_LOGINFO_A *li = (JET_LOGINFO_A *)s[5];
        WCHAR base[JET_BASE_NAME_LENGTH + 1] = {0};
        for (int i = 0; li && i < JET_BASE_NAME_LENGTH; i++)
            base[i] = (unsigned char)li->szBaseName[i];
        WCHAR *tname = model_widen((const char *)s[6]);
        WCHAR *tlog = model_widen((const char *)s[7]), *tchk = model_widen((const char *)s[8]);
        err = li ? model_external_restore(chk, log, map ? wmap : NULL, n, bkp, (long)li->ulGenLow,
                                          (long)li->ulGenHigh, base, tname, tlog, tchk, (JET_PFNSTATUS)s[9])
                 : JET_errInvalidParameter;
        free(tname);
        free(tlog);
        free(tchk);
    } else {
        err = model_external_restore(chk, log, map ? wmap : NULL, n, bkp, (long)s[5], (long)s[6], NULL, NULL,
                                     NULL, NULL, (JET_PFNSTATUS)s[7]);
    }
    for (long i = 0; map && i < n; i++) {
        free(wmap[i].szDatabaseName);
        free(wmap[i].szNewDatabaseName);
    }
    free(wmap);
    free(chk);
    free(log);
    free(bkp);
    return err;
}

static JET_ERR external_restore2_w(const uintptr_t *s)
{
    const JET_LOGINFO_W *li = (const JET_LOGINFO_W *)s[5];
    if (!li)
        return JET_errInvalidParameter;
    return model_external_restore((const WCHAR *)s[0], (const WCHAR *)s[1], (const JET_RSTMAP_W *)s[2],
                                  (long)s[3], (const WCHAR *)s[4], (long)li->ulGenLow, (long)li->ulGenHigh,
                                  li->szBaseName, (const WCHAR *)s[6], (const WCHAR *)s[7],
                                  (const WCHAR *)s[8], (JET_PFNSTATUS)s[9]);
}

static long call(api_id id, const uintptr_t *slots)
{
    JET_INSTANCE instance = 0;
    (void)instance;
    switch (id) {
    /* ---- modes and lifecycle ---- */
    case API_ID_JetEnableMultiInstanceA:
        return enable_multi_a(ARG(0, const JET_SETSYSPARAM_A *), ARG(1, unsigned long), ARG(2, unsigned long *));
    case API_ID_JetEnableMultiInstanceW:
        return model_enable_multi_instance(ARG(0, const JET_SETSYSPARAM_W *), ARG(1, unsigned long),
                                           ARG(2, unsigned long *));
    case API_ID_JetCreateInstanceA:
    case API_ID_JetCreateInstance2A: /* the 2A/2W grbit is unused (dev/ese/src/ese/jetapi.cxx:21985) */
        return create_instance_a(ARG(0, JET_INSTANCE *), ARG(1, const char *));
    case API_ID_JetCreateInstanceW:
    case API_ID_JetCreateInstance2W:
        return model_create_instance(ARG(0, JET_INSTANCE *), ARG(1, const WCHAR *));
    case API_ID_JetSetSystemParameterA:
        return set_param_a(ARG(0, JET_INSTANCE *), ARG(1, JET_SESID), ARG(2, unsigned long), ARG(3, JET_API_PTR),
                           ARG(4, const char *));
    case API_ID_JetSetSystemParameterW:
        return model_set_system_parameter(ARG(0, JET_INSTANCE *), ARG(1, JET_SESID), ARG(2, unsigned long),
                                          ARG(3, JET_API_PTR), ARG(4, const WCHAR *));
    case API_ID_JetGetSystemParameterA:
        return get_param_a(INST(0), ARG(1, JET_SESID), ARG(2, unsigned long), ARG(3, JET_API_PTR *),
                           ARG(4, char *), ARG(5, unsigned long));
    case API_ID_JetGetSystemParameterW:
        return model_get_system_parameter(INST(0), ARG(1, JET_SESID), ARG(2, unsigned long), ARG(3, JET_API_PTR *),
                                          ARG(4, WCHAR *), ARG(5, unsigned long));
    case API_ID_JetInit:
        return model_init(ARG(0, JET_INSTANCE *), NULL, 0, 0);
    case API_ID_JetInit2:
        return model_init(ARG(0, JET_INSTANCE *), NULL, 0, ARG(1, JET_GRBIT));
    case API_ID_JetInit3A:
    case API_ID_JetInit3W: /* JET_RSTINFO_A and _W have the same size */
        return model_init(ARG(0, JET_INSTANCE *), ARG(1, const void *), sizeof(JET_RSTINFO_W), ARG(2, JET_GRBIT));
    case API_ID_JetInit4A:
    case API_ID_JetInit4W: /* JET_RSTINFO2: its cbStruct is not checked by the model */
        return model_init(ARG(0, JET_INSTANCE *), NULL, 0, ARG(2, JET_GRBIT));
    case API_ID_JetTerm: /* = JetTerm2(JET_bitTermAbrupt) (dev/ese/src/ese/jetapi.cxx:22270) */
        return model_term(INST(0), M_bitTermAbrupt);
    case API_ID_JetTerm2:
        return model_term(INST(0), ARG(1, JET_GRBIT));
    case API_ID_JetStopService:
        LEGACY(model_stop_service_instance(instance));
    case API_ID_JetStopServiceInstance:
        return model_stop_service_instance(INST(0));
    case API_ID_JetStopServiceInstance2:
        return model_stop_service_instance2(INST(0), ARG(1, JET_GRBIT));
    /* ---- sessions and databases ---- */
    case API_ID_JetBeginSessionA:
    case API_ID_JetBeginSessionW:
        return model_begin_session(INST(0), ARG(1, JET_SESID *));
    case API_ID_JetEndSession:
        return model_end_session(ARG(0, JET_SESID), ARG(1, JET_GRBIT));
    case API_ID_JetCreateDatabaseA:
        return ses_file_a(SES_CREATE, ARG(0, JET_SESID), ARG(1, const char *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetCreateDatabaseW:
        return ses_file(SES_CREATE, ARG(0, JET_SESID), ARG(1, const WCHAR *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetCreateDatabase2A:
        return ses_file_a(SES_CREATE, ARG(0, JET_SESID), ARG(1, const char *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetCreateDatabase2W:
        return ses_file(SES_CREATE, ARG(0, JET_SESID), ARG(1, const WCHAR *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetAttachDatabaseA:
        return ses_file_a(SES_ATTACH, ARG(0, JET_SESID), ARG(1, const char *), NULL, ARG(2, JET_GRBIT));
    case API_ID_JetAttachDatabaseW:
        return ses_file(SES_ATTACH, ARG(0, JET_SESID), ARG(1, const WCHAR *), NULL, ARG(2, JET_GRBIT));
    case API_ID_JetAttachDatabase2A:
        return ses_file_a(SES_ATTACH, ARG(0, JET_SESID), ARG(1, const char *), NULL, ARG(3, JET_GRBIT));
    case API_ID_JetAttachDatabase2W:
        return ses_file(SES_ATTACH, ARG(0, JET_SESID), ARG(1, const WCHAR *), NULL, ARG(3, JET_GRBIT));
    case API_ID_JetDetachDatabaseA:
    case API_ID_JetDetachDatabase2A:
        return ses_file_a(SES_DETACH, ARG(0, JET_SESID), ARG(1, const char *), NULL, 0);
    case API_ID_JetDetachDatabaseW:
    case API_ID_JetDetachDatabase2W:
        return ses_file(SES_DETACH, ARG(0, JET_SESID), ARG(1, const WCHAR *), NULL, 0);
    case API_ID_JetOpenDatabaseA:
        return ses_file_a(SES_OPEN, ARG(0, JET_SESID), ARG(1, const char *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetOpenDatabaseW:
        return ses_file(SES_OPEN, ARG(0, JET_SESID), ARG(1, const WCHAR *), ARG(3, JET_DBID *), ARG(4, JET_GRBIT));
    case API_ID_JetCloseDatabase:
        return model_close_database(ARG(0, JET_SESID), ARG(1, JET_DBID), ARG(2, JET_GRBIT));
    case API_ID_JetBeginTransaction:
    case API_ID_JetBeginTransaction2:
        return model_begin_transaction(ARG(0, JET_SESID));
    case API_ID_JetCommitTransaction:
    case API_ID_JetCommitTransaction2:
        return model_commit_transaction(ARG(0, JET_SESID), ARG(1, JET_GRBIT));
    case API_ID_JetRollback:
        return model_rollback(ARG(0, JET_SESID), ARG(1, JET_GRBIT));
    case API_ID_JetGetVersion:
        return model_get_version(ARG(0, JET_SESID), ARG(1, unsigned long *));
    /* ---- streaming backup ---- */
    case API_ID_JetBeginExternalBackup:
        LEGACY(model_begin_backup(instance, ARG(0, JET_GRBIT)));
    case API_ID_JetBeginExternalBackupInstance:
        return model_begin_backup(INST(0), ARG(1, JET_GRBIT));
    case API_ID_JetGetAttachInfoA:
        LEGACY(attach_info(instance, ARG(0, void *), ARG(1, unsigned long), ARG(2, unsigned long *), 0));
    case API_ID_JetGetAttachInfoW:
        LEGACY(attach_info(instance, ARG(0, void *), ARG(1, unsigned long), ARG(2, unsigned long *), 1));
    case API_ID_JetGetAttachInfoInstanceA:
        return attach_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 0);
    case API_ID_JetGetAttachInfoInstanceW:
        return attach_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 1);
    case API_ID_JetOpenFileA:
        LEGACY(open_file_a(instance, ARG(0, const char *), ARG(1, JET_HANDLE *), ARG(2, unsigned long *),
                           ARG(3, unsigned long *)));
    case API_ID_JetOpenFileW:
        LEGACY(model_open_file(instance, ARG(0, const WCHAR *), ARG(1, JET_HANDLE *), ARG(2, unsigned long *),
                               ARG(3, unsigned long *)));
    case API_ID_JetOpenFileInstanceA:
        return open_file_a(INST(0), ARG(1, const char *), ARG(2, JET_HANDLE *), ARG(3, unsigned long *),
                           ARG(4, unsigned long *));
    case API_ID_JetOpenFileInstanceW:
        return model_open_file(INST(0), ARG(1, const WCHAR *), ARG(2, JET_HANDLE *), ARG(3, unsigned long *),
                               ARG(4, unsigned long *));
    case API_ID_JetReadFile:
        LEGACY(model_read_file(instance, ARG(0, JET_HANDLE), ARG(1, void *), ARG(2, unsigned long),
                               ARG(3, unsigned long *)));
    case API_ID_JetReadFileInstance:
        return model_read_file(INST(0), ARG(1, JET_HANDLE), ARG(2, void *), ARG(3, unsigned long),
                               ARG(4, unsigned long *));
    case API_ID_JetCloseFile:
        LEGACY(model_close_file(instance, ARG(0, JET_HANDLE)));
    case API_ID_JetCloseFileInstance:
        return model_close_file(INST(0), ARG(1, JET_HANDLE));
    case API_ID_JetGetLogInfoA:
        LEGACY(log_info(instance, ARG(0, void *), ARG(1, unsigned long), ARG(2, unsigned long *), 0, 0, NULL));
    case API_ID_JetGetLogInfoW:
        LEGACY(log_info(instance, ARG(0, void *), ARG(1, unsigned long), ARG(2, unsigned long *), 1, 0, NULL));
    case API_ID_JetGetLogInfoInstanceA:
        return log_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 0, 0, NULL);
    case API_ID_JetGetLogInfoInstanceW:
        return log_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 1, 0, NULL);
    case API_ID_JetGetLogInfoInstance2A:
        return log_info2_a(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *),
                           ARG(4, JET_LOGINFO_A *));
    case API_ID_JetGetLogInfoInstance2W: /* no runtime cbSize check (dev/ese/src/ese/backup.cxx:3434) */
        return log_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 1, 0,
                        ARG(4, JET_LOGINFO_W *));
    case API_ID_JetGetTruncateLogInfoInstanceA:
        return log_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 0, 1, NULL);
    case API_ID_JetGetTruncateLogInfoInstanceW:
        return log_info(INST(0), ARG(1, void *), ARG(2, unsigned long), ARG(3, unsigned long *), 1, 1, NULL);
    case API_ID_JetTruncateLog:
        LEGACY(model_truncate_log(instance));
    case API_ID_JetTruncateLogInstance:
        return model_truncate_log(INST(0));
    case API_ID_JetEndExternalBackup: /* = EndExternalBackupInstance (dev/ese/src/ese/jetapi.cxx:18186-18193) */
        LEGACY(model_end_backup(instance, M_bitBackupEndNormal));
    case API_ID_JetEndExternalBackupInstance: /* = Instance2 with Normal (dev/ese/src/ese/jetapi.cxx:18179-18185) */
        return model_end_backup(INST(0), M_bitBackupEndNormal);
    case API_ID_JetEndExternalBackupInstance2:
        return model_end_backup(INST(0), ARG(1, JET_GRBIT));
    case API_ID_JetBackupInstanceA:
        return backup_instance_a(INST(0), ARG(1, const char *), ARG(2, JET_GRBIT), ARG(3, JET_PFNSTATUS));
    case API_ID_JetBackupInstanceW:
        return model_backup_instance(INST(0), ARG(1, const WCHAR *), ARG(2, JET_GRBIT), ARG(3, JET_PFNSTATUS));
    case API_ID_JetBackupA: /* L, then JetBackupInstanceA on g_rgpinst[0] (dev/ese/src/ese/jetapi.cxx:17039-17049) */
        LEGACY(backup_instance_a(instance, ARG(0, const char *), ARG(1, JET_GRBIT), ARG(2, JET_PFNSTATUS)));
    case API_ID_JetBackupW: /* dev/ese/src/ese/jetapi.cxx:17051-17061 */
        LEGACY(model_backup_instance(instance, ARG(0, const WCHAR *), ARG(1, JET_GRBIT), ARG(2, JET_PFNSTATUS)));
    case API_ID_JetStopBackup:
        LEGACY(model_stop_backup_instance(instance));
    case API_ID_JetStopBackupInstance:
        return model_stop_backup_instance(INST(0));
    /* ---- restore ---- */
    case API_ID_JetRestoreInstanceA:
        return restore_instance_a(INST(0), ARG(1, const char *), ARG(2, const char *), ARG(3, JET_PFNSTATUS));
    case API_ID_JetRestoreInstanceW:
        return model_restore_instance(INST(0), ARG(1, const WCHAR *), ARG(2, const WCHAR *), ARG(3, JET_PFNSTATUS));
    case API_ID_JetRestoreA:
        return restore_legacy_a(ARG(0, const char *), NULL, ARG(1, JET_PFNSTATUS));
    case API_ID_JetRestoreW:
        return model_restore_legacy(ARG(0, const WCHAR *), NULL, ARG(1, JET_PFNSTATUS));
    case API_ID_JetRestore2A:
        return restore_legacy_a(ARG(0, const char *), ARG(1, const char *), ARG(2, JET_PFNSTATUS));
    case API_ID_JetRestore2W:
        return model_restore_legacy(ARG(0, const WCHAR *), ARG(1, const WCHAR *), ARG(2, JET_PFNSTATUS));
    case API_ID_JetExternalRestoreA:
        return external_restore_a(slots, 0);
    case API_ID_JetExternalRestoreW:
        return model_external_restore(ARG(0, const WCHAR *), ARG(1, const WCHAR *), ARG(2, const JET_RSTMAP_W *),
                                      ARG(3, long), ARG(4, const WCHAR *), ARG(5, long), ARG(6, long), NULL, NULL,
                                      NULL, NULL, ARG(7, JET_PFNSTATUS));
    case API_ID_JetExternalRestore2A:
        return external_restore_a(slots, 1);
    case API_ID_JetExternalRestore2W:
        return external_restore2_w(slots);
    default:
        return M_errFeatureNotAvailable;
    }
}

long model_dispatch(api_id id, const uintptr_t *slots)
{
#ifdef ESH_MODEL_DEVIATIONS
    long deviated;
    if (model_deviation(id, &deviated))
        return deviated;
#endif
    EnterCriticalSection(&g_model_lock);
    long err = call(id, slots);
    LeaveCriticalSection(&g_model_lock);
    return err;
}
