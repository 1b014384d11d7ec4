/* A one-instance backup tool of the Windows XP era, as many still run: the legacy
 * (instance-less) calls, narrow paths, and the size-query idiom for every list: ask with
 * no buffer for the size, allocate exactly that, ask again. It makes a database under
 * DATA, takes a full backup into BACKUP\full and an incremental one into BACKUP\incr,
 * truncating the logs after each, and checks that every byte ESENT announced arrived.
 * Usage: legacy_backup DATA BACKUP */
#include "backup_app.h"

static char backup_dir[MAX_PATH];

/* Streams NAME through JetOpenFile/JetReadFile into DEST\<base name>. */
static void copy_stream(const char *name, const char *dest)
{
    JET_HANDLE file = 0;
    unsigned long low = 0, high = 0;
    if (APP_EXPECT(JetOpenFileA(name, &file, &low, &high), JET_errSuccess) < 0)
        return;
    char out_path[MAX_PATH];
    app_path_a(out_path, MAX_PATH, dest, app_base_a(name));
    HANDLE out = CreateFileA(out_path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    unsigned char *buffer = app_read_buffer();
    unsigned long long size = ((unsigned long long)high << 32) | low, total = 0;
    while (total < size && out != INVALID_HANDLE_VALUE && buffer) {
        unsigned long got = 0;
        if (APP_EXPECT(JetReadFile(file, buffer, APP_CHUNK, &got), JET_errSuccess) < 0 || got == 0)
            break;
        if (!app_write(out, buffer, got))
            break;
        total += got;
    }
    if (total != size) {
        fprintf(stderr, "%s: copied %llu of %llu bytes\n", name, total, size);
        app_failures++;
    }
    if (out != INVALID_HANDLE_VALUE)
        CloseHandle(out);
    VirtualFree(buffer, 0, MEM_RELEASE);
    APP_EXPECT(JetCloseFile(file), JET_errSuccess);
}

/* A list call asked twice: first for its size, then with a buffer of exactly that size. */
typedef JET_ERR(JET_API *list_call)(char *buffer, unsigned long size, unsigned long *actual);

static char *sized_list(list_call call, const char *what)
{
    unsigned long need = 0, got = 0;
    if (APP_EXPECT(call(NULL, 0, &need), JET_errSuccess) < 0 || need == 0) {
        fprintf(stderr, "%s: no size\n", what);
        app_failures++;
        return NULL;
    }
    char *list = calloc(1, need);
    if (list && APP_EXPECT(call(list, need, &got), JET_errSuccess) < 0) {
        free(list);
        return NULL;
    }
    return list;
}

static JET_ERR JET_API attach_info(char *b, unsigned long s, unsigned long *a) { return JetGetAttachInfoA(b, s, a); }
static JET_ERR JET_API log_info(char *b, unsigned long s, unsigned long *a) { return JetGetLogInfoA(b, s, a); }

/* Copies every name of the multi-string LIST into DEST; returns how many. */
static int copy_all(char *list, const char *dest)
{
    int n = 0;
    for (char *name = list; name && *name; name += strlen(name) + 1, n++)
        copy_stream(name, dest);
    free(list);
    return n;
}

static void backup(JET_GRBIT grbit, const char *folder)
{
    char dest[MAX_PATH];
    app_path_a(dest, MAX_PATH, backup_dir, folder);
    CreateDirectoryA(dest, NULL);
    if (APP_EXPECT(JetBeginExternalBackup(grbit), JET_errSuccess) < 0)
        return;
    int databases = 0;
    if (!(grbit & JET_bitBackupIncremental))
        databases = copy_all(sized_list(attach_info, "JetGetAttachInfoA"), dest);
    int logs = copy_all(sized_list(log_info, "JetGetLogInfoA"), dest);
    printf("%s backup: %d database(s), %d log file(s)\n", folder, databases, logs);
    APP_EXPECT(JetTruncateLog(), JET_errSuccess);
    APP_EXPECT(JetEndExternalBackup(), JET_errSuccess);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: legacy_backup DATA BACKUP\n");
        return 2;
    }
    char data[MAX_PATH], system[MAX_PATH], database[MAX_PATH];
    GetFullPathNameA(argv[1], MAX_PATH, data, NULL);
    GetFullPathNameA(argv[2], MAX_PATH, backup_dir, NULL);
    CreateDirectoryA(data, NULL);
    CreateDirectoryA(backup_dir, NULL);
    _snprintf(system, MAX_PATH, "%s\\", data);
    app_path_a(database, MAX_PATH, data, "app.edb");

    JET_INSTANCE instance = 0;
    JET_SESID session = 0;
    JET_DBID db = 0;
    APP_EXPECT(JetSetSystemParameterA(NULL, 0, JET_paramSystemPath, 0, system), JET_errSuccess);
    APP_EXPECT(JetSetSystemParameterA(NULL, 0, JET_paramLogFilePath, 0, system), JET_errSuccess);
    APP_EXPECT(JetSetSystemParameterA(NULL, 0, JET_paramBaseName, 0, "app"), JET_errSuccess);
    if (APP_EXPECT(JetInit(&instance), JET_errSuccess) < 0)
        return app_finish("legacy_backup");
    APP_EXPECT(JetBeginSessionA(instance, &session, "", ""), JET_errSuccess);
    APP_EXPECT(JetCreateDatabaseA(session, database, NULL, &db, 0), JET_errSuccess);
    APP_EXPECT(JetCloseDatabase(session, db, 0), JET_errSuccess);

    backup(0, "full");
    backup(JET_bitBackupIncremental, "incr");

    APP_EXPECT(JetEndSession(session, 0), JET_errSuccess);
    APP_EXPECT(JetTerm(instance), JET_errSuccess);
    return app_finish("legacy_backup");
}
