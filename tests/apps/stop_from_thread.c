/* A backup agent whose streaming runs on a worker thread while the service's control
 * thread handles a stop request: the worker reads the database a page at a time; after its
 * first read the control thread calls JetStopBackupInstance (the "server" aborting the
 * backup), and the worker's next read must report JET_errBackupAbortByServer. The worker
 * then closes the file and the agent ends the backup as aborted. The two threads hand over
 * with events, so the interleaving is the same on every run.
 * Usage: stop_from_thread DATA */
#include "backup_app.h"

static JET_INSTANCE instance;
static HANDLE first_read_done, stop_done;
static JET_ERR after_stop = JET_errSuccess;

static DWORD WINAPI stream_database(void *arg)
{
    const wchar_t *name = arg;
    JET_HANDLE file = 0;
    unsigned long low = 0, high = 0, got = 0;
    unsigned char *buffer = app_read_buffer();
    if (APP_EXPECT(JetOpenFileInstanceW(instance, name, &file, &low, &high), JET_errSuccess) < 0) {
        SetEvent(first_read_done);
        return 1;
    }
    /* The first read of a database must be more than two pages; then one page at a time. */
    APP_EXPECT(JetReadFileInstance(instance, file, buffer, 3 * 8192, &got), JET_errSuccess);
    SetEvent(first_read_done);
    WaitForSingleObject(stop_done, INFINITE);
    after_stop = JetReadFileInstance(instance, file, buffer, 8192, &got);
    APP_EXPECT(JetCloseFileInstance(instance, file), JET_errSuccess);
    VirtualFree(buffer, 0, MEM_RELEASE);
    return 0;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: stop_from_thread DATA\n");
        return 2;
    }
    wchar_t data[MAX_PATH], database[MAX_PATH];
    GetFullPathNameW(argv[1], MAX_PATH, data, NULL);
    app_path_w(database, MAX_PATH, data, L"agent.edb");
    JET_SESID session = 0;
    JET_DBID db = 0;
    APP_EXPECT(JetSetSystemParameterW(NULL, 0, JET_paramDatabasePageSize, 8192, NULL), JET_errSuccess);
    instance = app_start_instance(L"agent", data);
    if (!instance)
        return app_finish("stop_from_thread");
    APP_EXPECT(JetBeginSessionW(instance, &session, L"", L""), JET_errSuccess);
    APP_EXPECT(JetCreateDatabaseW(session, database, NULL, &db, 0), JET_errSuccess);
    APP_EXPECT(JetCloseDatabase(session, db, 0), JET_errSuccess);

    APP_EXPECT(JetBeginExternalBackupInstance(instance, 0), JET_errSuccess);
    wchar_t *names = app_sized_list(instance, app_attach_info, "attach info");
    first_read_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    stop_done = CreateEventW(NULL, TRUE, FALSE, NULL);
    HANDLE worker = names ? CreateThread(NULL, 0, stream_database, names, 0, NULL) : NULL;
    if (worker) {
        WaitForSingleObject(first_read_done, INFINITE);
        APP_EXPECT(JetStopBackupInstance(instance), JET_errSuccess);
        SetEvent(stop_done);
        WaitForSingleObject(worker, INFINITE);
        CloseHandle(worker);
        APP_EXPECT(after_stop, JET_errBackupAbortByServer);
    } else {
        app_failures++;
    }
    free(names);
    APP_EXPECT(JetEndExternalBackupInstance2(instance, JET_bitBackupEndAbort), JET_errSuccess);
    APP_EXPECT(JetEndSession(session, 0), JET_errSuccess);
    APP_EXPECT(JetTerm(instance), JET_errSuccess);
    return app_finish("stop_from_thread");
}
