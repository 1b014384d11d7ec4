/* A backup client with a bug that kills it inside ESENT: halfway through streaming the
 * database it passes a stale pointer as the read's byte count, and ESENT's write through
 * it faults. Nothing after that call runs; what the recording shim kept of the calls
 * before it, and of the call itself, is what a user has to go on.
 * Usage: crash_mid_backup DATA */
#include "backup_app.h"

#include <stdint.h>

int wmain(int argc, wchar_t **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: crash_mid_backup DATA\n");
        return 2;
    }
    wchar_t data[MAX_PATH], database[MAX_PATH];
    GetFullPathNameW(argv[1], MAX_PATH, data, NULL);
    app_path_w(database, MAX_PATH, data, L"ledger.edb");
    JET_SESID session = 0;
    JET_DBID db = 0;
    JET_HANDLE file = 0;
    unsigned long low = 0, high = 0, got = 0;
    JET_INSTANCE instance = app_start_instance(L"ledger", data);
    if (!instance)
        return app_finish("crash_mid_backup");
    APP_EXPECT(JetBeginSessionW(instance, &session, L"", L""), JET_errSuccess);
    APP_EXPECT(JetCreateDatabaseW(session, database, NULL, &db, 0), JET_errSuccess);
    APP_EXPECT(JetBeginExternalBackupInstance(instance, 0), JET_errSuccess);
    APP_EXPECT(JetOpenFileInstanceW(instance, database, &file, &low, &high), JET_errSuccess);
    unsigned char *buffer = app_read_buffer();
    APP_EXPECT(JetReadFileInstance(instance, file, buffer, 4 * 8192, &got), JET_errSuccess);
    printf("crash_mid_backup: read %lu bytes; the next read faults\n", got);
    fflush(stdout);
    unsigned long *stale = (unsigned long *)(uintptr_t)0x10;
    JetReadFileInstance(instance, file, buffer, 8192, stale);
    printf("crash_mid_backup: still alive after the faulting call\n");
    return app_finish("crash_mid_backup") + 100;
}
