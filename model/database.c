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
    if (!psesid)
        return JET_errInvalidParameter;
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

/* Transactions are levels only: the model keeps no data. ESE nests up to 7 levels. */
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

JET_ERR model_end_transaction(JET_SESID sesid, int commit)
{
    (void)commit;
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!s->trx_level)
        return JET_errNotInTransaction;
    s->trx_level--;
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

JET_ERR model_create_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit)
{
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    int slot;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!file || !*file || !pdbid)
        return JET_errInvalidParameter;
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    if (find_attached(s->inst, full) >= 0)
        return JET_errDatabaseDuplicate;
    err = model_files_create_db(full, s->inst->params.page_size, (grbit & M_bitDbOverwriteExisting) != 0);
    if (err < 0)
        return err;
    if ((err = attach_slot(s->inst, full, &slot)) < 0)
        return err;
    s->open_count[slot]++; /* a created database is attached and opened */
    *pdbid = (JET_DBID)(slot + 1);
    return JET_errSuccess;
}

JET_ERR model_attach_database(JET_SESID sesid, const WCHAR *file, JET_GRBIT grbit)
{
    (void)grbit;
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    unsigned long page_size, pgno_last;
    int slot;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!file || !*file)
        return JET_errInvalidParameter;
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    if (find_attached(s->inst, full) >= 0)
        return JET_wrnDatabaseAttached;
    if ((err = model_files_read_db_header(full, &page_size, &pgno_last, NULL)) < 0)
        return err;
    if (page_size != s->inst->params.page_size)
        return JET_errPageSizeMismatch;
    return attach_slot(s->inst, full, &slot);
}

JET_ERR model_detach_database(JET_SESID sesid, const WCHAR *file)
{
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!file || !*file) { /* NULL: every database */
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            if (s->inst->dbs[i].attached && db_in_use(s->inst, i))
                return JET_errDatabaseInUse;
        for (int i = 0; i < MODEL_MAX_DBS; i++)
            s->inst->dbs[i].attached = 0;
        return JET_errSuccess;
    }
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    int slot = find_attached(s->inst, full);
    if (slot < 0)
        return JET_errDatabaseNotFound;
    if (db_in_use(s->inst, slot))
        return JET_errDatabaseInUse;
    s->inst->dbs[slot].attached = 0;
    return JET_errSuccess;
}

JET_ERR model_open_database(JET_SESID sesid, const WCHAR *file, JET_DBID *pdbid, JET_GRBIT grbit)
{
    (void)grbit;
    model_session *s;
    WCHAR full[MODEL_NAME_MAX];
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!file || !*file || !pdbid)
        return JET_errInvalidParameter;
    if (!model_full_path(file, full, MODEL_NAME_MAX))
        return JET_errInvalidPath;
    int slot = find_attached(s->inst, full);
    if (slot < 0)
        return JET_errDatabaseNotFound;
    s->open_count[slot]++;
    *pdbid = (JET_DBID)(slot + 1);
    return JET_errSuccess;
}

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

/* The model reports itself as the newest release it is matched as (build 26100): the
 * version word packs major 10 and the build, as ESE's JetGetVersion does. */
JET_ERR model_get_version(JET_SESID sesid, unsigned long *pversion)
{
    model_session *s;
    JET_ERR err = enter_session(sesid, &s);
    if (err < 0)
        return err;
    if (!pversion)
        return JET_errInvalidParameter;
    *pversion = (10ul << 24) | (26100ul << 8);
    return JET_errSuccess;
}
