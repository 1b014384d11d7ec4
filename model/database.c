/* Sessions and databases: just enough for a backup to have attached databases to stream.
 * A session is validated like ESENT's JET_VALIDATE_SESID (not a live session -> -1104);
 * each API then enters the session's instance (P4, dev/ese/src/ese/jetapi.cxx:4397-4446). A dbid is the attach
 * slot + 1 and is valid only on the session that opened it (else -1010). */
#include "model.h"

#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static model_session **g_sessions; /* every session ever begun; ended ones stay FREED */
static size_t g_session_count;

static model_session *find_session(JET_SESID sesid)
{
    for (size_t i = 0; i < g_session_count; i++)
        if ((JET_SESID)g_sessions[i] == sesid)
            return g_sessions[i]->signature == MODEL_SES_LIVE ? g_sessions[i] : NULL;
    return NULL;
}

static JET_ERR enter_session(JET_SESID sesid, model_session **out)
{
    model_session *s = find_session(sesid);
    if (!s || !model_inst_is_live(s->inst))
        return JET_errInvalidSesid;
    *out = s;
    return model_api_enter(s->inst, 0);
}

JET_ERR model_begin_session(JET_INSTANCE instance, JET_SESID *psesid)
{
    model_inst *inst;
    JET_ERR err = model_enter(instance, &inst);
    if (err < 0)
        return err;
    /* ErrIsamBeginSession only asserts psesid (dev/ese/src/ese/tm.cxx:65) and ErrPIBBeginSession
     * writes through it (dev/ese/src/ese/pib.cxx:843): NULL faults, fail-fast. */
    if (!psesid)
        model_fail_fast();
    model_session **grown = realloc(g_sessions, (g_session_count + 1) * sizeof *grown);
    model_session *s = calloc(1, sizeof *s);
    if (!grown || !s) {
        if (grown)
            g_sessions = grown;
        free(s);
        return JET_errOutOfMemory;
    }
    g_sessions = grown;
    s->signature = MODEL_SES_LIVE;
    s->inst = inst;
    g_sessions[g_session_count++] = s;
    *psesid = (JET_SESID)s;
    return JET_errSuccess;
}

JET_ERR model_end_session(JET_SESID sesid, JET_GRBIT grbit)
{
    (void)grbit;
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    s->signature = MODEL_SES_FREED;
    return JET_errSuccess;
}

int model_sessions_in_transaction(const model_inst *inst)
{
    for (size_t i = 0; i < g_session_count; i++)
        if (g_sessions[i]->signature == MODEL_SES_LIVE && g_sessions[i]->inst == inst &&
            g_sessions[i]->trx_level)
            return 1;
    return 0;
}

/* Transactions are levels only: the model keeps no data. ErrIsamBeginTransaction
 * (dev/ese/src/ese/tm.cxx:1706-1732) nests up to levelUserMost = 7
 * (dev/ese/src/inc/daeconst.hxx:105), then -1103 (JET_errTransTooDeep); unsupported grbits are filtered, not refused. */
JET_ERR model_begin_transaction(JET_SESID sesid)
{
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (s->trx_level >= 7)
        return JET_errTransTooDeep;
    s->trx_level++;
    return JET_errSuccess;
}

/* ErrIsamCommitTransaction (dev/ese/src/ese/tm.cxx:1755-1842): the grbit first (mask at
 * dev/ese/src/ese/jetapi.cxx:6071; ForceNewLog, WaitAllLevel0Commit and WaitLastLevel0Commit each
 * alone, and each only flushes or rolls the log without committing), then the level. */
JET_ERR model_commit_transaction(JET_SESID sesid, JET_GRBIT grbit)
{
    const JET_GRBIT lazy = 0x1, wait_last = 0x2, wait_all = 0x8, force_new_log = 0x10, redo_callback = 0x20;
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (grbit & ~(lazy | wait_last | wait_all | force_new_log | redo_callback))
        return JET_errInvalidGrbit;
    if (grbit & force_new_log) /* dev/ese/src/ese/tm.cxx:1772-1783 */
        return grbit != force_new_log ? JET_errInvalidGrbit : model_files_roll_log(s->inst);
    if (grbit & wait_all) /* dev/ese/src/ese/tm.cxx:1788-1799 */
        return grbit != wait_all ? JET_errInvalidGrbit : JET_errSuccess;
    if (grbit & wait_last) /* dev/ese/src/ese/tm.cxx:1804-1830 */
        return grbit != wait_last ? JET_errInvalidGrbit : JET_errSuccess;
    if (!s->trx_level)
        return JET_errNotInTransaction; /* dev/ese/src/ese/tm.cxx:1832-1835 */
    s->trx_level--;
    return JET_errSuccess;
}

/* ErrIsamRollback (dev/ese/src/ese/tm.cxx:1884-2031): level 0 is -1054; JET_bitRollbackAll (0x1)
 * rolls back every level. */
JET_ERR model_rollback(JET_SESID sesid, JET_GRBIT grbit)
{
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!s->trx_level)
        return JET_errNotInTransaction;
    s->trx_level = (grbit & 0x1) ? 0 : s->trx_level - 1;
    return JET_errSuccess;
}

void model_sessions_end_for(model_inst *inst)
{
    for (size_t i = 0; i < g_session_count; i++)
        if (g_sessions[i]->inst == inst)
            g_sessions[i]->signature = MODEL_SES_FREED;
    for (int i = 0; i < MODEL_MAX_DBS; i++)
        inst->dbs[i].attached = 0;
}

static int find_attached(const model_inst *inst, const WCHAR *full)
{
    for (int i = 0; i < MODEL_MAX_DBS; i++)
        if (inst->dbs[i].attached && _wcsicmp(inst->dbs[i].path, full) == 0)
            return i;
    return -1;
}

static int db_in_use(const model_inst *inst, int slot)
{
    for (size_t i = 0; i < g_session_count; i++)
        if (g_sessions[i]->signature == MODEL_SES_LIVE && g_sessions[i]->inst == inst &&
            g_sessions[i]->open_count[slot])
            return 1;
    return 0;
}

static JET_ERR attach_slot(model_inst *inst, const WCHAR *full, int *slot)
{
    for (int i = 0; i < MODEL_MAX_DBS; i++)
        if (!inst->dbs[i].attached) {
            inst->dbs[i].attached = 1;
            wcscpy(inst->dbs[i].path, full);
            *slot = i;
            return JET_errSuccess;
        }
    return JET_errTooManyAttachedDatabases;
}

/* ErrDBCreateDatabase (dev/ese/src/ese/db.cxx:1629-1830): a transaction open is -1108
 * (1698-1701), no name or a bad path -1217 (1757-1773), a name attached already -1201
 * (1788-1795). *pdbid is written at the end without a check: NULL faults. */
JET_ERR model_create_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit)
{
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    int slot;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (s->trx_level > 0)
        return JET_errInTransaction;
    if (!file || !*file || !model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errDatabaseInvalidPath;
    if (find_attached(s->inst, full) >= 0)
        return JET_errDatabaseDuplicate;
    err = model_files_create_db(full, s->inst->params.page_size, (grbit & M_bitDbOverwriteExisting) != 0);
    if (err < 0)
        return err;
    if ((err = attach_slot(s->inst, full, &slot)) < 0)
        return err;
    s->open_count[slot]++; /* a created database is attached and opened */
    if (!pdbid)
        model_fail_fast();
    *pdbid = (JET_DBID)(slot + 1);
    return JET_errSuccess;
}

/* ErrIsamAttachDatabase (dev/ese/src/ese/db.cxx:4000-4160), in order: a transaction open -1108,
 * JET_bitDbVersioningOff -1208, no name -1217, DeleteUnicodeIndexes with ReadOnly -900, a bad
 * path -1217, a backup in progress -505 (-617 for a surrogate one), then the attach itself
 * (attached already: the warning). */
JET_ERR model_attach_database(JET_SESID sesid, const WCHAR *file, JET_GRBIT grbit)
{
    const JET_GRBIT read_only = 0x1, versioning_off = 0x40, delete_unicode_indexes = 0x400;
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    unsigned long page_size, pgno_last;
    int slot;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (s->trx_level > 0)
        return JET_errInTransaction;
    if (grbit & versioning_off)
        return JET_errCannotDisableVersioning;
    if (!file || !*file)
        return JET_errDatabaseInvalidPath;
    if ((grbit & delete_unicode_indexes) && (grbit & read_only))
        return JET_errInvalidGrbit;
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errDatabaseInvalidPath;
    if (s->inst->bk.in_progress) /* dev/ese/src/ese/db.cxx:4117-4131 */
        return s->inst->bk.surrogate ? M_errSurrogateBackupInProgress : JET_errBackupInProgress;
    if (find_attached(s->inst, full) >= 0)
        return JET_wrnDatabaseAttached;
    if ((err = model_files_read_db_header(full, &page_size, &pgno_last, NULL)) < 0)
        return err;
    if (page_size != s->inst->params.page_size)
        return JET_errPageSizeMismatch;
    return attach_slot(s->inst, full, &slot);
}

/* ErrIsamDetachDatabase (dev/ese/src/ese/db.cxx:5356-5440): a transaction open -1108, no name
 * detaches every database (5397-5401, each as below), the name resolved, then a backup in
 * progress -505 (-617 for a surrogate one, 5418-5431), then the database itself. */
JET_ERR model_detach_database(JET_SESID sesid, const WCHAR *file)
{
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (s->trx_level > 0)
        return JET_errInTransaction;
    JET_ERR backup_err = !s->inst->bk.in_progress ? JET_errSuccess
                         : s->inst->bk.surrogate ? M_errSurrogateBackupInProgress : JET_errBackupInProgress;
    if (!file || !*file) { /* NULL: every database */
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            if (s->inst->dbs[i].attached && backup_err < 0)
                return backup_err;
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            if (s->inst->dbs[i].attached && db_in_use(s->inst, i))
                return JET_errDatabaseInUse;
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            s->inst->dbs[i].attached = 0;
        return JET_errSuccess;
    }
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    if (backup_err < 0)
        return backup_err;
    int slot = find_attached(s->inst, full);
    if (slot < 0)
        return JET_errDatabaseNotFound;
    if (db_in_use(s->inst, slot))
        return JET_errDatabaseInUse;
    s->inst->dbs[slot].attached = 0;
    return JET_errSuccess;
}

/* ErrIsamOpenDatabase (dev/ese/src/ese/db.cxx:5900-5922): *pjdbid is cleared first, unchecked (a
 * NULL faults), then ErrDBOpenDatabase: no name -1217 (6023-6026), the path, the attached
 * database by name (not attached: -1203). */
JET_ERR model_open_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit)
{
    (void)grbit;
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!pdbid)
        model_fail_fast();
    *pdbid = JET_dbidNil;
    if (!file || !*file)
        return JET_errDatabaseInvalidPath;
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    int slot = find_attached(s->inst, full);
    if (slot < 0)
        return JET_errDatabaseNotFound;
    s->open_count[slot]++;
    *pdbid = (JET_DBID)(slot + 1);
    return JET_errSuccess;
}

/* ErrIsamCloseDatabase (dev/ese/src/ese/db.cxx:6103-6120): the dbid must be a user database
 * (-1010), then the close. */
JET_ERR model_close_database(JET_SESID sesid, JET_DBID dbid, JET_GRBIT grbit)
{
    (void)grbit;
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (dbid < 1 || dbid > MODEL_MAX_DBS || !s->open_count[dbid - 1])
        return JET_errInvalidDatabaseId;
    s->open_count[dbid - 1]--;
    return JET_errSuccess;
}

/* The model reports itself as the newest release it is matched as (10.0, build 26100), packed
 * as ESENT's JetGetVersion packs it: major << 28, minor << 24, build << 8, service pack
 * (dev/ese/src/ese/jetapi.cxx:12187-12203); *pVersion is written unchecked (12219): NULL faults. */
JET_ERR model_get_version(JET_SESID sesid, unsigned long *pversion)
{
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!pversion)
        model_fail_fast();
    *pversion = (10ul << 28) | (0ul << 24) | (26100ul << 8);
    return JET_errSuccess;
}
