/* A service hosting two ESENT stores, each its own instance with its own folders (the
 * multi-instance mode every modern application uses), backed up one after the other by
 * its nightly job: full backup of the first, then of the second, each into its own
 * folder, then a clean shutdown. Usage: two_instances DATA BACKUP */
#include "backup_app.h"

static JET_INSTANCE open_store(const wchar_t *name, const wchar_t *data, JET_SESID *session)
{
    wchar_t dir[MAX_PATH], database[MAX_PATH];
    JET_DBID db = 0;
    app_path_w(dir, MAX_PATH, data, name);
    JET_INSTANCE instance = app_start_instance(name, dir);
    if (!instance)
        return 0;
    app_path_w(database, MAX_PATH, dir, L"store.edb");
    APP_EXPECT(JetBeginSessionW(instance, session, L"", L""), JET_errSuccess);
    APP_EXPECT(JetCreateDatabaseW(*session, database, NULL, &db, 0), JET_errSuccess);
    APP_EXPECT(JetCloseDatabase(*session, db, 0), JET_errSuccess);
    return instance;
}

int wmain(int argc, wchar_t **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: two_instances DATA BACKUP\n");
        return 2;
    }
    wchar_t data[MAX_PATH], backup[MAX_PATH], dest[MAX_PATH];
    GetFullPathNameW(argv[1], MAX_PATH, data, NULL);
    GetFullPathNameW(argv[2], MAX_PATH, backup, NULL);
    CreateDirectoryW(data, NULL);
    CreateDirectoryW(backup, NULL);

    JET_SESID mail = 0, calendar = 0;
    JET_INSTANCE first = open_store(L"mail", data, &mail);
    JET_INSTANCE second = open_store(L"calendar", data, &calendar);
    if (!first || !second)
        return app_finish("two_instances");

    app_path_w(dest, MAX_PATH, backup, L"mail");
    app_full_backup(first, dest);
    app_path_w(dest, MAX_PATH, backup, L"calendar");
    app_full_backup(second, dest);

    APP_EXPECT(JetEndSession(mail, 0), JET_errSuccess);
    APP_EXPECT(JetEndSession(calendar, 0), JET_errSuccess);
    APP_EXPECT(JetTerm2(first, JET_bitTermComplete), JET_errSuccess);
    APP_EXPECT(JetTerm2(second, JET_bitTermComplete), JET_errSuccess);
    return app_finish("two_instances");
}
