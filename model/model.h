/* esentmodel.dll: the reference model of ESENT's documented behaviour (on Linux, Wine's
 * esent.dll is all stubs). State and the typed entry points shared by the model's files.
 * Citations are paths and lines of ESE's public repository (microsoft/Extensible-Storage-Engine) at the
 * commit pinned in docs/evidence-index.md. */
#ifndef ESH_MODEL_H
#define ESH_MODEL_H

#include <windows.h>
#include <esent.h>
#include <stdint.h>

/* Codes and flags MinGW's esent.h lacks (values from ESE's dev/ese/published/inc/jethdr.w). */
#define M_errLogFileNotCopied (-616)
#define M_errSurrogateBackupInProgress (-617)
#define M_errBackupAbortByServer (-801)
#define M_errSystemParameterConflict (-1087)
#define M_errDirtyShutdown (-1116)
#define M_errFeatureNotAvailable (-1001)
#define M_errDiskIO (-1022)
#define M_errFileAlreadyExists (-1814)
#define M_bitTermComplete 0x1u
#define M_bitTermAbrupt 0x2u
#define M_bitTermStopBackup 0x4u
#define M_bitTermDirty 0x8u
#define M_bitBackupIncremental 0x1u
#define M_bitBackupAtomic 0x4u
#define M_paramCreatePathIfNotExist 100u
#define M_bitBackupSurrogate 0x20u
#define M_bitInternalCopy 0x40u
#define M_bitBackupEndNormal 0x1u
#define M_bitBackupEndAbort 0x2u
#define M_bitStopServiceBackgroundUserTasks 0x2u
#define M_bitStopServiceQuiesceCaches 0x4u
#define M_bitStopServiceStopAndEmitLog 0x8u
#define M_bitStopServiceResume 0x80000000u
/* ESE's own mark of a StopServiceAll in m_grbitStopped, never a user bit (dev/ese/src/ese/jetapi.cxx:22327) */
#define M_bitStopServiceAllInternal 0x1u
#define M_bitDbOverwriteExisting 0x200u

#define MODEL_MAX_INSTANCES 16   /* ESE's default JET_paramMaxInstances */
#define MODEL_MAX_DBS 7          /* user databases per instance */
#define MODEL_NAME_MAX 260
#define MODEL_DEFAULT_PAGE_SIZE 8192u  /* the model's default; the docs say 4096 */
#define MODEL_DEFAULT_LOG_KB 128u      /* the model's log file size unless JET_paramLogFileSize */
#define MODEL_NEW_DB_PGNO_LAST 30u     /* data pages of a new database (plus 2 header pages) */

typedef enum model_mode { MODE_NOSET, MODE_ONEINST, MODE_MULTIINST } model_mode;

/* The API lock an INST holds while a long call runs (dev/ese/src/inc/daedef.hxx:5287-5294). */
typedef enum model_api_lock { LOCK_NONE, LOCK_INITIALIZING, LOCK_TERMINATING, LOCK_RESTORING } model_api_lock;

typedef enum model_bk_status { BK_NOT_STARTED, BK_DATABASES, BK_LOGS_AND_PATCHES } model_bk_status;

typedef struct model_params {
    WCHAR system_path[MODEL_NAME_MAX];
    WCHAR log_path[MODEL_NAME_MAX];
    WCHAR temp_path[MODEL_NAME_MAX];
    WCHAR base_name[8];
    int recovery_on;
    int circular_log;
    unsigned long page_size;
    unsigned long log_file_kb;
    JET_API_PTR other[256]; /* the numeric value of any other parameter id below 256, stored */
} model_params;

/* The one backup file slot (crhfMax = 1, dev/ese/src/inc/daedef.hxx:4166). */
typedef struct model_backup_file {
    int in_use;
    int is_db;
    HANDLE handle;
    unsigned long gen;        /* log generation, for logs */
    uint64_t file_bytes;      /* bytes on disk */
    uint64_t stream_bytes;    /* bytes streamed (a database adds one trailer page) */
    uint64_t offset;          /* next byte to stream */
    unsigned long pgno_last;  /* databases */
} model_backup_file;

typedef struct model_backup {
    int stop;                 /* m_fStopBackup */
    int in_progress;          /* m_fBackupInProgressAny; Local is in_progress && !surrogate */
    int surrogate;
    int incremental;
    model_bk_status status;
    int logs_prepared;        /* the log was rolled for this backup */
    unsigned long copy_mic, copy_mac;     /* logs to copy: [mic, mac) */
    unsigned long delete_mic, delete_mac; /* logs TruncateLog deletes: [mic, mac) */
    uint64_t gen_copy_done;               /* m_cGenCopyDone: the SUM of the generations in
                                             [copy_mic, copy_mac) read whole and closed */
    model_backup_file file;
} model_backup;

typedef struct model_db {
    int attached;
    WCHAR path[MODEL_NAME_MAX]; /* full path */
} model_db;

typedef struct model_inst {
    uint32_t signature;       /* MODEL_INST_LIVE or MODEL_INST_FREED */
    int initialized;          /* m_fJetInitialized */
    model_api_lock api_lock;
    int stop_service;         /* m_fStopJetService */
    unsigned long stop_service_bits; /* m_grbitStopped: BackgroundUserTasks, QuiesceCaches and
                                        M_bitStopServiceAllInternal */
    int backup_allowed;       /* m_fBackupAllowed */
    int full_backup_done;     /* a full backup ended normally (for Incremental, dev/ese/src/ese/backup.cxx:827-837) */
    int has_name;
    WCHAR name[MODEL_NAME_MAX];
    model_params params;
    WCHAR sys_dir[MODEL_NAME_MAX]; /* full paths, fixed at JetInit */
    WCHAR log_dir[MODEL_NAME_MAX];
    unsigned long lgen_current; /* generation of <base>.log */
    unsigned long lgen_min;     /* oldest generation on disk */
    model_db dbs[MODEL_MAX_DBS];
    model_backup bk;
} model_inst;

#define MODEL_INST_LIVE 0x54534e49u  /* "INST" */
#define MODEL_INST_FREED 0x44455246u /* "FRED" */
#define MODEL_SES_LIVE 0x53534553u
#define MODEL_SES_FREED 0x44534553u

typedef struct model_session {
    uint32_t signature;
    model_inst *inst;
    unsigned open_count[MODEL_MAX_DBS];
    unsigned trx_level; /* nested transactions (no data is modelled) */
} model_session;

/* ---- global state (instance.c) ------------------------------------------------------ */
extern model_mode g_mode;
extern model_inst *g_insts[MODEL_MAX_INSTANCES]; /* g_rgpinst */
extern model_params g_global_params;
extern CRITICAL_SECTION g_model_lock;
extern DWORD g_os_page_size;

void model_process_attach(void);
void model_process_detach(void);
/* A delay in ms from the environment, `fallback` if unset. */
unsigned long model_env_ms(const char *name, unsigned long fallback);

/* Prologues. P (dev/ese/src/ese/jetapi.cxx:5264-5271, 4067-4076, 4425-4446): validate, find, enter. */
JET_ERR model_validate_instance(JET_INSTANCE instance);          /* P1 */
JET_ERR model_find_pinst(JET_INSTANCE instance, model_inst **out); /* P3 */
JET_ERR model_find_valid_pinst(JET_INSTANCE instance, model_inst **out); /* P1 then P3 */
JET_ERR model_api_enter(model_inst *inst, int for_term);         /* P4 */
JET_ERR model_enter(JET_INSTANCE instance, model_inst **out);    /* P1+P3+P4 */
JET_ERR model_check_one_inst_mode(JET_INSTANCE *legacy);        /* L (dev/ese/src/ese/jetapi.cxx:2971-2993) */
int model_inst_is_live(const model_inst *inst);
/* Kills the process as ESE's fail-fast exception policy does (P2, dev/ese/src/inc/_jet.hxx:483-510). */
void model_fail_fast(void);
void model_free_inst(model_inst *inst);

/* ---- instance.c: modes and lifecycle ------------------------------------------------ */
JET_ERR model_enable_multi_instance(const JET_SETSYSPARAM_W *params, unsigned long count,
                                    unsigned long *succeeded);
JET_ERR model_create_instance(JET_INSTANCE *pinstance, const WCHAR *name);
JET_ERR model_init(JET_INSTANCE *pinstance, const void *rstinfo, unsigned long cb_expected, JET_GRBIT grbit);
JET_ERR model_term(JET_INSTANCE instance, JET_GRBIT grbit);
JET_ERR model_stop_service_instance(JET_INSTANCE instance);
JET_ERR model_stop_service_instance2(JET_INSTANCE instance, JET_GRBIT grbit);
JET_ERR model_stop_backup_instance(JET_INSTANCE instance);
JET_ERR model_set_system_parameter(JET_INSTANCE *pinstance, JET_SESID sesid, unsigned long paramid,
                                   JET_API_PTR lparam, const WCHAR *sz);
JET_ERR model_get_system_parameter(JET_INSTANCE instance, JET_SESID sesid, unsigned long paramid,
                                   JET_API_PTR *plparam, WCHAR *sz, unsigned long cb_max);

/* ---- database.c: sessions and databases --------------------------------------------- */
JET_ERR model_begin_session(JET_INSTANCE instance, JET_SESID *psesid);
JET_ERR model_end_session(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR model_create_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit);
JET_ERR model_attach_database(JET_SESID sesid, const WCHAR *file, JET_GRBIT grbit);
JET_ERR model_detach_database(JET_SESID sesid, const WCHAR *file);
JET_ERR model_open_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit);
JET_ERR model_close_database(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit);
JET_ERR model_get_version(JET_SESID sesid, unsigned long *pversion);
void model_sessions_end_for(model_inst *inst);
int model_sessions_in_transaction(const model_inst *inst);
JET_ERR model_begin_transaction(JET_SESID sesid);
JET_ERR model_commit_transaction(JET_SESID sesid, JET_GRBIT grbit);
JET_ERR model_rollback(JET_SESID sesid, JET_GRBIT grbit);

/* ---- backup.c: the backup context (dev/ese/src/ese/backup.cxx:1628-4577) --------------------------------------- */
JET_ERR model_begin_backup(JET_INSTANCE instance, JET_GRBIT grbit);
/* The multi-string outputs come back as a malloc'ed wide multi-string and its size in bytes. */
JET_ERR model_get_attach_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb);
JET_ERR model_open_file(JET_INSTANCE instance, const WCHAR *name, JET_HANDLE *phf,
                        unsigned long *plow, unsigned long *phigh);
JET_ERR model_read_file(JET_INSTANCE instance, JET_HANDLE hf, void *pv, unsigned long cb,
                        unsigned long *pcb);
JET_ERR model_close_file(JET_INSTANCE instance, JET_HANDLE hf);
JET_ERR model_get_log_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb, JET_LOGINFO_W *info);
JET_ERR model_get_truncate_log_info(JET_INSTANCE instance, WCHAR **pwsz, unsigned long *pcb);
JET_ERR model_truncate_log(JET_INSTANCE instance);
JET_ERR model_end_backup(JET_INSTANCE instance, JET_GRBIT grbit);
/* Ends the backup with the given reason; 0, or -520 when none was running (dev/ese/src/ese/backup.cxx:4130-4577). */
JET_ERR model_backup_cleanup(model_inst *inst, int abnormal);

/* ---- restore.c --------------------------------------------------------------------- */
/* backup_set.c */
JET_ERR model_backup_instance(JET_INSTANCE instance, const WCHAR *path, JET_GRBIT grbit, JET_PFNSTATUS pfn);

JET_ERR model_restore_instance(JET_INSTANCE instance, const WCHAR *backup_dir, const WCHAR *dest,
                               JET_PFNSTATUS pfn);
/* JetRestore / JetRestore2: the legacy form (ErrRUNINSTCheckAndSetOneInstMode,
 * dev/ese/src/ese/jetapi.cxx:2960-2963). */
JET_ERR model_restore_legacy(const WCHAR *backup_dir, const WCHAR *dest, JET_PFNSTATUS pfn);
JET_ERR model_external_restore(const WCHAR *chk_path, const WCHAR *log_path, const JET_RSTMAP_W *map,
                               long nmap, const WCHAR *backup_log_path, long gen_low, long gen_high,
                               const WCHAR *base_name, const WCHAR *target_name,
                               const WCHAR *target_log_path, const WCHAR *target_chk_path,
                               JET_PFNSTATUS pfn);

/* ---- files.c: the on-disk files ---------------------------------------------------- */
/* Full path of a file or folder, relative to the current directory; 0 on failure. */
int model_full_path(const WCHAR *path, WCHAR *out, size_t cch);
void model_join(WCHAR *out, size_t cch, const WCHAR *dir, const WCHAR *name);
/* FindFirstFileW over every entry of DIR. */
HANDLE model_find_first(const WCHAR *dir, WIN32_FIND_DATAW *fd);
void model_log_name(WCHAR *out, size_t cch, const model_inst *inst, unsigned long gen); /* 0 = current */
JET_ERR model_ensure_dir(const WCHAR *dir);
JET_ERR model_files_init(model_inst *inst);        /* checkpoint + current log (JetInit) */
JET_ERR model_files_roll_log(model_inst *inst);    /* archive <base>.log, start the next generation */
JET_ERR model_files_write_checkpoint(const WCHAR *sys_dir, const WCHAR *base, unsigned long gen,
                                     unsigned long page_size);
JET_ERR model_files_create_log(const WCHAR *path, unsigned long gen, const WCHAR *base,
                               unsigned long page_size, unsigned long log_kb);
JET_ERR model_files_create_db(const WCHAR *path, unsigned long page_size, int overwrite);
/* Reads a model database's header: page size and last page; -1206 if not one of ours. */
JET_ERR model_files_read_db_header(const WCHAR *path, unsigned long *page_size, unsigned long *pgno_last,
                                   WCHAR *origin /* optional, MODEL_NAME_MAX */);
int model_files_is_log(const WCHAR *path, unsigned long *gen);
/* Fills a database's backup trailer page (the one page after pgnoLast, dev/ese/src/ese/backup.cxx:2359-2383). */
void model_files_trailer(unsigned char *page, unsigned long page_size, unsigned long pgno_last);
/* Copies a file, dropping a database's trailer page when `strip_trailer`. */
JET_ERR model_files_copy(const WCHAR *from, const WCHAR *to, int strip_trailer);
unsigned long model_files_lowest_gen(const model_inst *inst);

/* ---- text.c ------------------------------------------------------------------------ */
WCHAR *model_widen(const char *s);  /* malloc'ed, NULL for NULL */
/* Writes a wide multi-string as a narrow one into the A caller's buffer (dev/ese/src/ese/jetapi.cxx:17517-17531). */
JET_ERR model_multisz_to_a(const WCHAR *wsz, unsigned long cbw, char *buf, unsigned long cb_max,
                           unsigned long *pcb_actual);
/* Copies a wide multi-string for the W caller: min(cbMax, cbActual) bytes. */
void model_multisz_to_w(const WCHAR *wsz, unsigned long cbw, WCHAR *buf, unsigned long cb_max);

#endif
