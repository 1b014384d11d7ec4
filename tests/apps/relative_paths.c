/* An application that leaves every path to ESENT's defaults: no system or log path set (the
 * current folder, ".\"), a database named "notes.edb" without a folder. The first run
 * creates it; every later run attaches it and takes a full backup into backup\run<N>, all
 * relative to the folder it is started in. Run it twice from the same folder: the second
 * run finds the first run's checkpoint, logs and database there.
 * Usage: relative_paths (no arguments; it works in the current folder) */
#include "backup_app.h"

int main(void)
{
    const char *database = "notes.edb";
    int existed = GetFileAttributesA(database) != INVALID_FILE_ATTRIBUTES;
    JET_INSTANCE instance = 0;
    JET_SESID session = 0;
    JET_DBID db = 0;
    wchar_t dest[MAX_PATH];

    if (APP_EXPECT(JetCreateInstanceA(&instance, "notes"), JET_errSuccess) < 0 ||
        APP_EXPECT(JetInit(&instance), JET_errSuccess) < 0)
        return app_finish("relative_paths");
    APP_EXPECT(JetBeginSessionA(instance, &session, "", ""), JET_errSuccess);
    if (!existed) {
        printf("first run: creating %s\n", database);
        APP_EXPECT(JetCreateDatabaseA(session, database, NULL, &db, 0), JET_errSuccess);
    } else {
        printf("later run: attaching %s\n", database);
        APP_EXPECT(JetAttachDatabaseA(session, database, 0), JET_errSuccess);
        APP_EXPECT(JetOpenDatabaseA(session, database, NULL, &db, 0), JET_errSuccess);
        CreateDirectoryW(L"backup", NULL);
        _snwprintf(dest, MAX_PATH, L"backup\\run%lu", GetTickCount());
        app_full_backup(instance, dest);
    }
    APP_EXPECT(JetCloseDatabase(session, db, 0), JET_errSuccess);
    APP_EXPECT(JetDetachDatabaseA(session, database), JET_errSuccess);
    APP_EXPECT(JetEndSession(session, 0), JET_errSuccess);
    APP_EXPECT(JetTerm2(instance, JET_bitTermComplete), JET_errSuccess);
    return app_finish("relative_paths");
}
