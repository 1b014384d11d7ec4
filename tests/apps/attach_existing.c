/* An application that keeps its database from one run to the next, apart from its logs:
 * the instance's files live in DATA, the database in DATA\db\inventory.dat. The first run
 * creates the database, detaches it and attaches it once more to check it; every later run
 * finds the file, attaches and opens it, and takes a full backup into BACKUP\run<N> before
 * shutting down. Run it twice: the second run is the one that attaches what an earlier
 * process left behind. Usage: attach_existing DATA BACKUP */
#include "backup_app.h"

/* MinGW-w64's esent.h declares JetDetachDatabaseW with a narrow name (ESE's jethdr.w:
 * JET_PCWSTR); the export takes a wide one, so the cast is what a user has to write. */
#define DETACH_W(session, name) JetDetachDatabaseW((session), (const char *)(name))

int wmain(int argc, wchar_t **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: attach_existing DATA BACKUP\n");
        return 2;
    }
    wchar_t data[MAX_PATH], backup[MAX_PATH], folder[MAX_PATH], database[MAX_PATH], dest[MAX_PATH];
    GetFullPathNameW(argv[1], MAX_PATH, data, NULL);
    GetFullPathNameW(argv[2], MAX_PATH, backup, NULL);
    CreateDirectoryW(data, NULL);
    CreateDirectoryW(backup, NULL);
    app_path_w(folder, MAX_PATH, data, L"db");
    CreateDirectoryW(folder, NULL);
    app_path_w(database, MAX_PATH, folder, L"inventory.dat");
    int existed = GetFileAttributesW(database) != INVALID_FILE_ATTRIBUTES;

    JET_SESID session = 0;
    JET_DBID db = 0;
    JET_INSTANCE instance = app_start_instance(L"inventory", data);
    if (!instance)
        return app_finish("attach_existing");
    APP_EXPECT(JetBeginSessionW(instance, &session, L"", L""), JET_errSuccess);
    if (!existed) {
        printf("first run: creating %ls\n", app_base_w(database));
        APP_EXPECT(JetCreateDatabaseW(session, database, NULL, &db, 0), JET_errSuccess);
        APP_EXPECT(JetCloseDatabase(session, db, 0), JET_errSuccess);
        APP_EXPECT(DETACH_W(session, database), JET_errSuccess);
        APP_EXPECT(JetAttachDatabaseW(session, database, 0), JET_errSuccess);
        APP_EXPECT(DETACH_W(session, database), JET_errSuccess);
    } else {
        printf("later run: attaching %ls\n", app_base_w(database));
        APP_EXPECT(JetAttachDatabaseW(session, database, 0), JET_errSuccess);
        APP_EXPECT(JetOpenDatabaseW(session, database, NULL, &db, 0), JET_errSuccess);
        _snwprintf(dest, MAX_PATH, L"%ls\\run%lu", backup, GetTickCount());
        app_full_backup(instance, dest);
        APP_EXPECT(JetCloseDatabase(session, db, 0), JET_errSuccess);
        APP_EXPECT(DETACH_W(session, database), JET_errSuccess);
    }
    APP_EXPECT(JetEndSession(session, 0), JET_errSuccess);
    APP_EXPECT(JetTerm2(instance, JET_bitTermComplete), JET_errSuccess);
    return app_finish("attach_existing");
}
