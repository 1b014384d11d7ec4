/* Tests of esentmodel.dll through its exports (LoadLibrary + GetProcAddress), as a client of
 * ESENT would call it. Arguments: the model DLL, the deviant DLL, model/README.md,
 * model/dispatch.c and the module-definition file of this architecture. Each test works in a folder of its own and leaves no instance behind. */
#include <windows.h>

#include "esh_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const char *g_dll_path, *g_deviant_path, *g_readme_path, *g_dispatch_path, *g_def_path;
static HMODULE g_dll;

typedef uintptr_t U;
#define u(x) ((U)(x))
static void *fn(const char *name)
{
    FARPROC p = GetProcAddress(g_dll, name);
    if (!p)
        fail_msg("export %s missing", name);
    return (void *)(intptr_t)p;
}
#define J0(n) ((long(WINAPI *)(void))fn(n))()
#define J1(n, a) ((long(WINAPI *)(U))fn(n))(u(a))
#define J2(n, a, b) ((long(WINAPI *)(U, U))fn(n))(u(a), u(b))
#define J3(n, a, b, c) ((long(WINAPI *)(U, U, U))fn(n))(u(a), u(b), u(c))
#define J4(n, a, b, c, d) ((long(WINAPI *)(U, U, U, U))fn(n))(u(a), u(b), u(c), u(d))
#define J5(n, a, b, c, d, e) ((long(WINAPI *)(U, U, U, U, U))fn(n))(u(a), u(b), u(c), u(d), u(e))

#define INST_NIL (~(U)0)
enum {
    paramSystemPath = 0, paramLogFilePath = 2, paramRecovery = 34, paramDatabasePageSize = 64,
    bitEndNormal = 1, bitEndAbort = 2, bitTruncateDone = 0x100, bitTermComplete = 1, bitTermAbrupt = 2, bitTermDirty = 8,
};
#define PAGE 8192u

/* ---- fixtures ----------------------------------------------------------------------- */

static char g_home[MAX_PATH];

static int enter_dir(void **state)
{
    static int n;
    char dir[MAX_PATH];
    (void)state;
    snprintf(dir, sizeof dir, "%s\\case%d-%lu", g_home, ++n, GetTickCount());
    CreateDirectoryA(dir, NULL);
    return SetCurrentDirectoryA(dir) ? 0 : -1;
}

/* Deletes a case folder, so repeated runs leave nothing behind. */
static void remove_tree(const char *dir)
{
    char pattern[MAX_PATH], path[MAX_PATH];
    WIN32_FIND_DATAA fd;
    snprintf(pattern, sizeof pattern, "%s\\*", dir);
    HANDLE h = FindFirstFileA(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            if (!strcmp(fd.cFileName, ".") || !strcmp(fd.cFileName, ".."))
                continue;
            snprintf(path, sizeof path, "%s\\%s", dir, fd.cFileName);
            if (fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY)
                remove_tree(path);
            else
                DeleteFileA(path);
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryA(dir);
}

static int leave_dir(void **state)
{
    char dir[MAX_PATH];
    (void)state;
    GetCurrentDirectoryA(sizeof dir, dir);
    if (!SetCurrentDirectoryA(g_home))
        return -1;
    remove_tree(dir);
    return 0;
}

typedef struct live {
    U inst, sesid, dbid;
} live;

/* An initialised instance with logging on, a session and one database "db\test.edb". */
static void start_instance(live *l, const char *name)
{
    memset(l, 0, sizeof *l);
    assert_int_equal(J2("JetCreateInstanceA", &l->inst, name), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &l->inst, 0, paramSystemPath, 0, "sys\\"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &l->inst, 0, paramLogFilePath, 0, "logs\\"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &l->inst, 0, paramRecovery, 0, "On"), 0);
    assert_int_equal(J1("JetInit", &l->inst), 0);
    assert_int_equal(J4("JetBeginSessionA", l->inst, &l->sesid, "", ""), 0);
    assert_int_equal(J5("JetCreateDatabaseA", l->sesid, "db\\test.edb", NULL, &l->dbid, 0), 0);
    unsigned long version = 0;
    assert_int_equal(J2("JetGetVersion", l->sesid, &version), 0);
    assert_true(version != 0);
}

static void *page_buffer(size_t cb)
{
    void *p = VirtualAlloc(NULL, cb, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    assert_non_null(p);
    return p;
}

static unsigned char *read_disk(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *data = malloc(*size ? *size : 1);
    assert_int_equal(fread(data, 1, *size, f), *size);
    fclose(f);
    return data;
}

static void write_disk(const char *path, const void *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), size);
    fclose(f);
}

/* Streams one backup file through Open/Read/Close; returns the bytes (malloc'ed). */
static unsigned char *stream_file(U inst, const WCHAR *name, size_t *size)
{
    U hf = 99;
    unsigned long low = 0, high = 0, got = 0;
    assert_int_equal(J5("JetOpenFileInstanceW", inst, name, &hf, &low, &high), 0);
    assert_int_equal(hf, 0);
    assert_int_equal(high, 0);
    const unsigned long chunk = 16 * PAGE;
    unsigned char *buf = page_buffer(chunk), *all = malloc(low + 1);
    size_t at = 0;
    for (;;) {
        assert_int_equal(J5("JetReadFileInstance", inst, hf, buf, chunk, &got), 0);
        if (got == 0)
            break;
        assert_true(at + got <= low);
        memcpy(all + at, buf, got);
        at += got;
    }
    assert_int_equal(at, low);
    assert_int_equal(J2("JetCloseFileInstance", inst, hf), 0);
    VirtualFree(buf, 0, MEM_RELEASE);
    *size = at;
    return all;
}

/* ---- tests --------------------------------------------------------------------------- */

static void test_version_resource_names_the_model(void **state)
{
    (void)state;
    DWORD handle = 0, size = GetFileVersionInfoSizeA(g_dll_path, &handle);
    assert_true(size > 0);
    void *data = malloc(size);
    assert_true(GetFileVersionInfoA(g_dll_path, 0, size, data));
    char *product = NULL;
    UINT len = 0;
    assert_true(VerQueryValueA(data, "\\StringFileInfo\\040904b0\\ProductName", (void **)&product, &len));
    assert_non_null(strstr(product, "reference model"));
    free(data);
}

static void test_legacy_call_in_multi_instance_mode(void **state)
{
    (void)state;
    U inst = 0;
    assert_int_equal(J0("JetStopBackup"), -1003); /* NoSet (dev/ese/src/ese/jetapi.cxx:2976-2985) */
    assert_int_equal(J3("JetEnableMultiInstanceA", NULL, 0, NULL), 0);
    assert_int_equal(J0("JetStopBackup"), -1081); /* MultiInst, no instance (sticky) */
    assert_int_equal(J0("JetEndExternalBackup"), -1081);
    assert_int_equal(J0("JetStopService"), -1081);
    assert_int_equal(J1("JetBeginExternalBackup", 0), -1081);
    assert_int_equal(J1("JetInit", NULL), -1081); /* dev/ese/src/ese/jetapi.cxx:21389-21392 */
    assert_int_equal(J3("JetEnableMultiInstanceA", NULL, 0, NULL), -1082);
    /* The mode returns to NoSet only when the last instance is freed. */
    assert_int_equal(J2("JetCreateInstanceA", &inst, "legacy"), 0);
    assert_int_equal(J1("JetTerm", inst), 0);
    assert_int_equal(J0("JetStopBackup"), -1003);
}

static void test_one_instance_mode(void **state)
{
    (void)state;
    U inst = 0, other = 0;
    assert_int_equal(J1("JetInit", &inst), 0); /* NoSet -> OneInst */
    assert_true(inst != 0);
    assert_int_equal(J2("JetCreateInstanceA", &other, "x"), -1080);
    assert_int_equal(J3("JetEnableMultiInstanceA", NULL, 0, NULL), -1080);
    assert_int_equal(J1("JetInit", &other), -1030);
    assert_int_equal(J0("JetStopBackup"), 0);       /* forwarded to the one instance */
    assert_int_equal(J0("JetEndExternalBackup"), -520);
    assert_int_equal(J1("JetStopBackupInstance", INST_NIL), 0); /* OneInst ignores the handle */
    assert_int_equal(J1("JetTerm", inst), 0);
    assert_int_equal(J0("JetEndExternalBackup"), -1003);
}

static void test_handle_validation(void **state)
{
    (void)state;
    U inst = 0, ses = 0;
    assert_int_equal(J1("JetStopBackupInstance", 0x1234), -1115);
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003);
    assert_int_equal(J2("JetBeginExternalBackupInstance", 0x1234, 0), -1115);
    assert_int_equal(J2("JetCreateInstanceA", &inst, "handles"), 0);
    assert_int_equal(J1("JetStopBackupInstance", inst), 0); /* created, not initialised */
    assert_int_equal(J1("JetEndExternalBackupInstance", inst), -1029);
    assert_int_equal(J2("JetBeginExternalBackupInstance", inst, 0), -1029);
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003); /* MultiInst: 0 is not found */
    assert_int_equal(J4("JetBeginSessionA", inst, &ses, "", ""), -1029);
    assert_int_equal(J1("JetTerm", inst), 0);
    assert_int_equal(J1("JetStopBackupInstance", inst), -1115); /* freed */
    assert_int_equal(J2("JetEndSession", 0x4321, 0), -1104);
}

static void test_stop_then_read(void **state)
{
    (void)state;
    live l;
    U hf = 7;
    unsigned long low = 0, high = 0, got = 0;
    start_instance(&l, "stop-read");
    unsigned char *buf = page_buffer(64 * 1024);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "db\\test.edb", &hf, &low, &high), 0);
    assert_int_equal(low, (30 + 2 + 1) * PAGE); /* pgnoLast + 2 reserved + 1 trailer */
    assert_int_equal(J1("JetStopBackupInstance", l.inst), 0);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 65536, &got), -801);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf + 1, 5, &got), -801); /* before arg checks */
    assert_int_equal(J4("JetGetAttachInfoInstanceA", l.inst, NULL, 0, &got), -801);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "x", &hf, &low, &high), -801);
    assert_int_equal(J4("JetGetLogInfoInstanceA", l.inst, NULL, 0, &got), -801);
    assert_int_equal(J4("JetGetTruncateLogInfoInstanceA", l.inst, NULL, 0, &got), -801);
    assert_int_equal(J1("JetTruncateLogInstance", l.inst), -801);
    assert_int_equal(J2("JetCloseFileInstance", l.inst, 5), -1003);
    assert_int_equal(J2("JetCloseFileInstance", l.inst, hf), 0); /* no stop check */
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), -505);
    assert_int_equal(J2("JetEndExternalBackupInstance2", l.inst, bitTruncateDone), -1003);
    assert_int_equal(J2("JetEndExternalBackupInstance2", l.inst, 0x3), -1003);
    assert_int_equal(J2("JetEndExternalBackupInstance2", l.inst, bitEndNormal), 0);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), -520);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 65536, &got), -520);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0); /* not poisoned */
    assert_int_equal(J2("JetEndExternalBackupInstance2", l.inst, bitEndAbort), 0);
    VirtualFree(buf, 0, MEM_RELEASE);
    assert_int_equal(J1("JetTerm", l.inst), 0);
}

static void test_stop_then_end(void **state)
{
    (void)state;
    live l;
    unsigned long got = 0;
    start_instance(&l, "stop-end");
    assert_int_equal(J1("JetStopBackupInstance", l.inst), 0); /* no backup: still 0 */
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0);
    /* Attach info: a short narrow buffer is -1038 (dev/ese/src/ese/jetapi.cxx:17517-17531), a short wide one is not. */
    char small[4];
    WCHAR wsmall[2];
    unsigned long need = 0;
    assert_int_equal(J4("JetGetAttachInfoInstanceA", l.inst, NULL, 0, &need), 0);
    assert_true(need > sizeof small);
    assert_int_equal(J4("JetGetAttachInfoInstanceA", l.inst, small, sizeof small, &got), -1038);
    assert_int_equal(J4("JetGetAttachInfoInstanceW", l.inst, wsmall, sizeof wsmall, &got), 0);
    assert_int_equal(got, need * sizeof(WCHAR)); /* the full size (dev/ese/src/ese/backup.cxx:2036-2044) */
    assert_int_equal(J1("JetStopBackupInstance", l.inst), 0);
    assert_int_equal(J1("JetStopBackupInstance", l.inst), 0); /* idempotent */
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), 0);
    assert_int_equal(J4("JetGetAttachInfoInstanceA", l.inst, NULL, 0, &got), -520);
    assert_int_equal(J2("JetEndExternalBackupInstance2", l.inst, bitEndNormal | bitTruncateDone), -520);
    assert_int_equal(J1("JetTerm", l.inst), 0);
}

static void test_read_and_open_checks(void **state)
{
    (void)state;
    live l;
    U hf = 0;
    unsigned long low = 0, high = 0, got = 0;
    start_instance(&l, "read-checks");
    unsigned char *buf = page_buffer(64 * 1024);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0x4), -900); /* Atomic */
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 1), -560);   /* no full backup yet */
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "", &hf, &low, &high), -1003);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "logs\\edb.log", &hf, &low, &high), -1203);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "db\\test.edb", &hf, &low, &high), 0);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "db\\test.edb", &hf, &low, &high), -1011);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf + 1, 4 * PAGE, &got), -1003); /* unaligned */
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 4 * PAGE + 1, &got), -1003);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 2 * PAGE, &got), -1003); /* first <= 2 pages */
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 3 * PAGE, &got), 0);
    assert_int_equal(got, 3 * PAGE);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, PAGE, &got), 0); /* later reads may be 1 page */
    assert_int_equal(J4("JetGetLogInfoInstanceA", l.inst, NULL, 0, &got), -521); /* a file is open */
    assert_int_equal(J2("JetCloseFileInstance", l.inst, hf), 0);
    /* Slot 0 after a close is an empty non-database: the log path's first-read minimum of two
     * pages applies, then 0 bytes (dev/ese/src/ese/backup.cxx:2747-2755, 3131-3138). */
    assert_int_equal(J5("JetReadFileInstance", l.inst, 0, buf, PAGE, &got), -1003);
    got = 7;
    assert_int_equal(J5("JetReadFileInstance", l.inst, 0, buf, 2 * PAGE, &got), 0);
    assert_int_equal(got, 0);
#ifdef _WIN64
    /* The slot is (INT)hfFile: a handle whose low 32 bits are 0 is slot 0 (dev/ese/src/ese/backup.cxx:2690). */
    got = 7;
    assert_int_equal(J5("JetReadFileInstance", l.inst, (uintptr_t)1 << 32, buf, 2 * PAGE, &got), 0);
    assert_int_equal(got, 0);
    assert_int_equal(J2("JetCloseFileInstance", l.inst, (uintptr_t)1 << 32), -1003);
#endif
    /* A log opened but not read to its end is not copied: TruncateLog -> -616. */
    char logs[4096];
    unsigned long cb = 0;
    assert_int_equal(J4("JetGetLogInfoInstanceA", l.inst, logs, sizeof logs, &cb), 0);
    assert_int_equal(J1("JetTruncateLogInstance", l.inst), -616);
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, logs, &hf, &low, &high), 0);
    assert_int_equal(J5("JetReadFileInstance", l.inst, hf, buf, 2 * PAGE, &got), 0);
    assert_int_equal(J2("JetCloseFileInstance", l.inst, hf), 0);
    assert_int_equal(J1("JetTruncateLogInstance", l.inst), -616);
    /* A database is refused once the logs are being copied, and that ends the backup. */
    assert_int_equal(J5("JetOpenFileInstanceA", l.inst, "db\\test.edb", &hf, &low, &high), -521);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), -520);
    VirtualFree(buf, 0, MEM_RELEASE);
    assert_int_equal(J1("JetTerm", l.inst), 0);
}

static void test_two_instances(void **state)
{
    (void)state;
    live a, b;
    U c = 0, hf = 0;
    unsigned long low = 0, high = 0;
    start_instance(&a, "first");
    char text[64] = "";
    U value = 0;
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U))fn("JetGetSystemParameterA"))(
                         a.inst, 0, paramSystemPath, 0, u(text), sizeof text), 0);
    assert_string_equal(text, "sys\\");
    assert_int_equal(J5("JetSetSystemParameterA", &a.inst, 0, paramLogFilePath, 0, "elsewhere"), -1030);
    assert_int_equal(J5("JetSetSystemParameterA", &a.inst, 0, 101, 7, NULL), 0); /* stored */
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U))fn("JetGetSystemParameterW"))(
                         a.inst, 0, 101, u(&value), 0, 0), 0);
    assert_int_equal(value, 7);
    assert_int_equal(J2("JetCreateInstanceA", &b.inst, "first"), -1086); /* name in use */
    assert_int_equal(J2("JetCreateInstanceA", &c, "same-paths"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &c, 0, paramSystemPath, 0, "sys\\"), 0);
    U created = c;
    assert_int_equal(J1("JetInit", &c), -1083); /* and the failed init frees it */
    assert_int_equal(c, 0);                      /* dev/ese/src/ese/jetapi.cxx:21504-21519 */
    assert_int_equal(J1("JetStopBackupInstance", created), -1115);
    assert_int_equal(J2("JetCreateInstanceA", &b.inst, "second"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &b.inst, 0, paramSystemPath, 0, "sys2\\"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &b.inst, 0, paramLogFilePath, 0, "logs2\\"), 0);
    assert_int_equal(J1("JetInit", &b.inst), 0);
    /* A stop affects that instance only. */
    assert_int_equal(J2("JetBeginExternalBackupInstance", a.inst, 0), 0);
    assert_int_equal(J2("JetBeginExternalBackupInstance", b.inst, 0), 0);
    assert_int_equal(J1("JetStopBackupInstance", a.inst), 0);
    assert_int_equal(J5("JetOpenFileInstanceA", a.inst, "db\\test.edb", &hf, &low, &high), -801);
    assert_int_equal(J5("JetOpenFileInstanceA", b.inst, "db\\test.edb", &hf, &low, &high), -1203);
    assert_int_equal(J2("JetTerm2", b.inst, bitTermAbrupt), 0); /* ends its backup */
    assert_int_equal(J2("JetTerm2", a.inst, 0x4), 0);           /* TermStopBackup */
}

static void test_term_complete_with_backup(void **state)
{
    (void)state;
    live l;
    start_instance(&l, "term-complete");
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0);
    assert_int_equal(J2("JetTerm2", l.inst, bitTermComplete), -505); /* the instance stays */
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), 0);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), -523); /* dev/ese/src/ese/jetapi.cxx:20937 */
    assert_int_equal(J2("JetTerm2", l.inst, bitTermComplete), 0);
    assert_int_equal(J1("JetStopBackupInstance", l.inst), -1115);
}

static DWORD WINAPI term_thread(LPVOID arg)
{
    return (DWORD)J2("JetTerm2", *(U *)arg, bitTermComplete);
}

static void test_end_during_term(void **state)
{
    (void)state;
    live l;
    start_instance(&l, "end-during-term");
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0);
    SetEnvironmentVariableA("ESH_MODEL_TERM_DELAY_MS", "400");
    HANDLE t = CreateThread(NULL, 0, term_thread, &l.inst, 0, NULL);
    Sleep(150);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), -1000); /* fAPITerminating */
    assert_int_equal(J1("JetStopBackupInstance", l.inst), 0);             /* P1 only */
    WaitForSingleObject(t, INFINITE);
    DWORD rc = 0;
    GetExitCodeThread(t, &rc);
    CloseHandle(t);
    SetEnvironmentVariableA("ESH_MODEL_TERM_DELAY_MS", NULL);
    assert_int_equal((long)rc, -505);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), 0); /* the lock is released */
    assert_int_equal(J1("JetTerm", l.inst), 0);
}

static void test_term_with_transaction(void **state)
{
    (void)state;
    live l;
    start_instance(&l, "transaction");
    assert_int_equal(J2("JetCommitTransaction", l.sesid, 0), -1054);
    assert_int_equal(J1("JetBeginTransaction", l.sesid), 0);
    assert_int_equal(J2("JetTerm2", l.inst, bitTermComplete), -1059);
    /* JetTerm (Abrupt) and JetTerm2(0) are refused too (dev/ese/src/ese/sysinit.cxx:597-607);
     * each failed term leaves the instance alive. */
    assert_int_equal(J2("JetTerm2", l.inst, 0), -1059);
    assert_int_equal(J1("JetTerm", l.inst), -1059);
    assert_int_equal(J2("JetRollback", l.sesid, 0), 0);
    assert_int_equal(J1("JetBeginTransaction", l.sesid), 0);
    assert_int_equal(J2("JetTerm2", l.inst, bitTermDirty), -1116); /* error type: no check */
    assert_int_equal(J1("JetBeginTransaction", l.sesid), -1104);
}

static void test_stop_service(void **state)
{
    (void)state;
    live l;
    start_instance(&l, "stop-service");
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x100), -900);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x8 | 0x2), -900);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x2), 0);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), 0); /* partial stop: not -1329 */
    assert_int_equal(J1("JetStopServiceInstance", l.inst), 0);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), -1329);
    /* The old stop sets only m_fStopJetService: Resume alone resumes the background tasks
     * (m_grbitStopped) and succeeds; the instance stays stopped. */
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u | 0x8), -900);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u), 0);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), -1329);

    /* After All: Resume alone meets the internal All bit (-1329); Resume with named bits
     * resumes them (0), and the instance stays stopped. */
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0), 0);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u), -1329);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u | 0x2), 0);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u | 0x4), 0);
    assert_int_equal(J2("JetStopServiceInstance2", l.inst, 0x80000000u), -1329);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 0), -1329);
    assert_int_equal(J2("JetTerm2", l.inst, bitTermAbrupt), 0);
}

typedef struct backup_set {
    unsigned char *db;   /* the streamed database, trailer included */
    size_t db_size;
    char log_names[8][MAX_PATH];
    unsigned char *logs[8];
    size_t log_sizes[8];
    int nlogs;
} backup_set;

/* A full backup of the live instance, checking every streamed byte against the disk. */
static double full_backup(live *l, backup_set *set)
{
    LARGE_INTEGER t0, t1, freq;
    QueryPerformanceFrequency(&freq);
    QueryPerformanceCounter(&t0);
    WCHAR names[4096];
    unsigned long cb = 0;
    memset(set, 0, sizeof *set);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l->inst, 0), 0);
    assert_int_equal(J4("JetGetAttachInfoInstanceW", l->inst, names, sizeof names, &cb), 0);
    assert_true(cb > 4 && wcsstr(names, L"test.edb") != NULL);
    assert_int_equal(names[wcslen(names) + 1], 0); /* one database */
    set->db = stream_file(l->inst, names, &set->db_size);
    size_t disk_size;
    unsigned char *disk = read_disk("db\\test.edb", &disk_size);
    assert_int_equal(set->db_size, disk_size + PAGE);      /* plus the trailer page */
    assert_memory_equal(set->db, disk, disk_size);         /* the real bytes */
    free(disk);
    struct { unsigned long cbSize, low, high; WCHAR base[4]; } info = {sizeof info, 0, 0, {0}};
    assert_int_equal(J5("JetGetLogInfoInstance2W", l->inst, names, sizeof names, &cb, &info), 0);
    assert_true(info.low >= 1 && info.high >= info.low);
    assert_memory_equal(info.base, L"edb", 4 * sizeof(WCHAR));
    for (const WCHAR *n = names; *n; n += wcslen(n) + 1) {
        assert_true(set->nlogs < 8);
        set->logs[set->nlogs] = stream_file(l->inst, n, &set->log_sizes[set->nlogs]);
        WideCharToMultiByte(CP_ACP, 0, n, -1, set->log_names[set->nlogs], MAX_PATH, NULL, NULL);
        size_t size;
        unsigned char *log = read_disk(set->log_names[set->nlogs], &size);
        assert_int_equal(size, set->log_sizes[set->nlogs]);
        assert_memory_equal(log, set->logs[set->nlogs], size);
        free(log);
        set->nlogs++;
    }
    assert_int_equal(set->nlogs, (int)(info.high - info.low + 1));
    char truncate[4096];
    assert_int_equal(J4("JetGetTruncateLogInfoInstanceA", l->inst, truncate, sizeof truncate, &cb), 0);
    assert_int_equal(J1("JetTruncateLogInstance", l->inst), 0);
    assert_int_equal(J1("JetEndExternalBackupInstance", l->inst), 0);
    QueryPerformanceCounter(&t1);
    return (double)(t1.QuadPart - t0.QuadPart) * 1000.0 / (double)freq.QuadPart;
}

static void free_set(backup_set *set)
{
    free(set->db);
    for (int i = 0; i < set->nlogs; i++)
        free(set->logs[i]);
}

static void test_full_backup_streams_the_files(void **state)
{
    (void)state;
    live l;
    backup_set set;
    start_instance(&l, "full-backup");
    double ms = full_backup(&l, &set);
    print_message("full backup of the model (1 database of %u bytes, %d log(s)): %.2f ms\n",
                  (unsigned)(set.db_size - PAGE), set.nlogs, ms);
    /* The truncated logs are gone; an incremental backup is now allowed. */
    assert_int_equal(GetFileAttributesA(set.log_names[0]), INVALID_FILE_ATTRIBUTES);
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 1), 0);
    assert_int_equal(J4("JetGetAttachInfoInstanceA", l.inst, NULL, 0, NULL), -521); /* not full */
    struct { unsigned long cbSize, low, high; char base[4]; } info = {sizeof info, 0, 0, {0}};
    char logs[4096];
    unsigned long cb = 0;
    assert_int_equal(J5("JetGetLogInfoInstance2A", l.inst, logs, sizeof logs, &cb, &info), 0);
    assert_int_equal(info.low, info.high); /* only the log written since the truncation */
    assert_string_equal(info.base, "edb");
    info.cbSize = 3;
    assert_int_equal(J5("JetGetLogInfoInstance2A", l.inst, logs, sizeof logs, &cb, &info), -1003);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), 0);
    /* Without truncation, the next incremental copies every log on disk. */
    assert_int_equal(J2("JetBeginExternalBackupInstance", l.inst, 1), 0);
    info.cbSize = sizeof info;
    assert_int_equal(J5("JetGetLogInfoInstance2A", l.inst, logs, sizeof logs, &cb, &info), 0);
    assert_int_equal(info.high, info.low + 1);
    assert_int_equal(J1("JetEndExternalBackupInstance", l.inst), 0);
    free_set(&set);
    assert_int_equal(J1("JetTerm", l.inst), 0);
}

static U g_restoring_inst;
static long g_seen_during_restore = 1;

static long WINAPI restore_status(U sesid, int snp, int snt, void *pv)
{
    (void)sesid; (void)snp; (void)pv;
    if (snt == 5) /* JET_sntBegin: the restore holds the instance */
        g_seen_during_restore = J1("JetEndExternalBackupInstance", g_restoring_inst);
    return 0;
}

static DWORD WINAPI restore_thread(LPVOID arg)
{
    return (DWORD)J4("JetRestoreInstanceA", *(U *)arg, "backup", NULL, NULL);
}

static void test_restore_writes_the_backup_back(void **state)
{
    (void)state;
    live l;
    backup_set set;
    start_instance(&l, "restore");
    size_t orig_size;
    unsigned char *orig = read_disk("db\\test.edb", &orig_size);
    full_backup(&l, &set);
    assert_int_equal(J1("JetTerm", l.inst), 0);
    /* The backup folder holds the streams as read: the database with its trailer. */
    CreateDirectoryA("backup", NULL);
    write_disk("backup\\test.edb", set.db, set.db_size);
    for (int i = 0; i < set.nlogs; i++) {
        const char *base = strrchr(set.log_names[i], '\\');
        char path[MAX_PATH];
        snprintf(path, sizeof path, "backup\\%s", base + 1);
        write_disk(path, set.logs[i], set.log_sizes[i]);
    }
    write_disk("db\\test.edb", "garbage", 7); /* lose the database */

    U inst = 0;
    assert_int_equal(J2("JetCreateInstanceA", &inst, "restore"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &inst, 0, paramSystemPath, 0, "sys\\"), 0);
    assert_int_equal(J5("JetSetSystemParameterA", &inst, 0, paramLogFilePath, 0, "logs\\"), 0);
    g_restoring_inst = inst;
    assert_int_equal(J4("JetRestoreInstanceA", inst, "backup", NULL, restore_status), 0);
    assert_int_equal(g_seen_during_restore, -506); /* fAPIRestoring held during the callback */
    size_t size;
    unsigned char *restored = read_disk("db\\test.edb", &size);
    assert_int_equal(size, orig_size);
    assert_memory_equal(restored, orig, size);       /* byte-identical */
    assert_memory_equal(restored, set.db, size);
    free(restored);
    for (int i = 0; i < set.nlogs; i++) { /* the truncated logs are back */
        unsigned char *log = read_disk(set.log_names[i], &size);
        assert_memory_equal(log, set.logs[i], size);
        free(log);
    }
    /* A second thread sees -506 while a (delayed) restore runs. */
    SetEnvironmentVariableA("ESH_MODEL_RESTORE_DELAY_MS", "400");
    HANDLE t = CreateThread(NULL, 0, restore_thread, &inst, 0, NULL);
    Sleep(150);
    assert_int_equal(J1("JetEndExternalBackupInstance", inst), -506);
    WaitForSingleObject(t, INFINITE);
    DWORD rc = 1;
    GetExitCodeThread(t, &rc);
    CloseHandle(t);
    SetEnvironmentVariableA("ESH_MODEL_RESTORE_DELAY_MS", NULL);
    assert_int_equal((long)rc, 0);
    /* The restored instance starts and attaches the database. */
    U ses = 0;
    assert_int_equal(J1("JetInit", &inst), 0);
    assert_int_equal(J4("JetBeginSessionA", inst, &ses, "", ""), 0);
    assert_int_equal(J3("JetAttachDatabaseA", ses, "db\\test.edb", 0), 0);
    assert_int_equal(J1("JetTerm", inst), 0);
    free(orig);
    free_set(&set);
}

static void test_external_restore(void **state)
{
    (void)state;
    live l;
    backup_set set;
    start_instance(&l, "external");
    size_t orig_size;
    unsigned char *orig = read_disk("db\\test.edb", &orig_size);
    full_backup(&l, &set);
    assert_int_equal(J1("JetTerm", l.inst), 0);
    CreateDirectoryA("bklogs", NULL);
    CreateDirectoryA("target", NULL);
    write_disk("target\\test.edb", set.db, set.db_size); /* as streamed, trailer included */
    for (int i = 0; i < set.nlogs; i++) {
        char path[MAX_PATH];
        snprintf(path, sizeof path, "bklogs\\%s", strrchr(set.log_names[i], '\\') + 1);
        write_disk(path, set.logs[i], set.log_sizes[i]);
    }
    struct { const char *from, *to; } map = {"db\\test.edb", "target\\test.edb"};
    long low = 0, high = 0;
    sscanf(strrchr(set.log_names[0], '\\') + 4, "%5lx", &low);
    high = low + set.nlogs - 1;
    U one = 0;
    assert_int_equal(J1("JetInit", &one), 0); /* one-instance mode: no hard recovery */
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U, U, U))fn("JetExternalRestoreA"))(
                         u("rsys"), u("rlogs"), u(&map), 1, u("bklogs"), (U)low, (U)high, 0), -1080);
    assert_int_equal(J1("JetTerm", one), 0);
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U, U, U))fn("JetExternalRestoreA"))(
                         u("rsys"), u("rlogs"), u(&map), 1, u("no-such"), (U)low, (U)high, 0), -1023);
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U, U, U))fn("JetExternalRestoreA"))(
                         u("rsys"), u("rlogs"), u(&map), 1, u("bklogs"), (U)high + 1, (U)high + 1, 0), -1811);
    assert_int_equal(((long(WINAPI *)(U, U, U, U, U, U, U, U))fn("JetExternalRestoreA"))(
                         u("rsys"), u("rlogs"), u(&map), 1, u("bklogs"), (U)low, (U)high, 0), 0);
    size_t size;
    unsigned char *restored = read_disk("target\\test.edb", &size);
    assert_int_equal(size, orig_size); /* the trailer page is gone */
    assert_memory_equal(restored, orig, size);
    free(restored);
    char log[MAX_PATH];
    snprintf(log, sizeof log, "rlogs\\%s", strrchr(set.log_names[0], '\\') + 1);
    unsigned char *copied = read_disk(log, &size);
    assert_memory_equal(copied, set.logs[0], size);
    free(copied);
    assert_true(GetFileAttributesA("rsys\\edb.chk") != INVALID_FILE_ATTRIBUTES);
    assert_int_equal(J0("JetStopBackup"), -1003); /* the temporary instance is gone: NoSet */
    free(orig);
    free_set(&set);
}

/* ---- the fail-fast cases, each in a child process ------------------------------------ */

/* Child: runs one fail-fast case; returning at all means the model did not kill the process. */
static int crash_child(const char *which)
{
    U inst = 0;
    if (J2("JetCreateInstanceA", &inst, "crash") != 0)
        return 3;
    if (!strcmp(which, "stop-service-created")) {
        J1("JetStopServiceInstance", inst); /* ESE: NULL m_pver (dev/ese/src/ese/jetapi.cxx:22298) */
        return 4;
    }
    if (J1("JetInit", &inst) != 0 || J2("JetBeginExternalBackupInstance", inst, 0) != 0)
        return 3;
    void *buf = VirtualAlloc(NULL, 65536, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);
    unsigned long got = 0;
    /* never range-checked (dev/ese/src/ese/backup.cxx:2690) */
    J5("JetReadFileInstance", inst, 0x10000000, buf, 65536, &got);
    return 4;
}

static DWORD run_child(const char *which)
{
    char exe[MAX_PATH], cmd[4 * MAX_PATH];
    GetModuleFileNameA(NULL, exe, sizeof exe);
    snprintf(cmd, sizeof cmd, "\"%s\" \"%s\" --crash %s", exe, g_dll_path, which);
    STARTUPINFOA si;
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    PROCESS_INFORMATION pi;
    assert_true(CreateProcessA(NULL, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si, &pi));
    WaitForSingleObject(pi.hProcess, 30000);
    DWORD rc = 0;
    GetExitCodeProcess(pi.hProcess, &rc);
    CloseHandle(pi.hProcess);
    CloseHandle(pi.hThread);
    return rc;
}

static void test_fail_fast_cases_kill_the_process(void **state)
{
    (void)state;
    assert_int_equal(run_child("stop-service-created"), 0xC0000005u);
    assert_int_equal(run_child("read-bogus-handle"), 0xC0000005u);
}

/* ---- the README table and the dispatch table agree --------------------------------- */

static int collect(const char *path, const char *prefix, const char *stop, char names[][64], int max)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        for (char *p = strstr(line, prefix); p; p = strstr(p, prefix)) {
            p += strlen(prefix);
            size_t len = strcspn(p, stop);
            if (len > 0 && len < 64 && n < max) {
                memcpy(names[n], p, len);
                names[n++][len] = 0;
            }
        }
    }
    fclose(f);
    return n;
}

static int cmp_names(const void *a, const void *b) { return strcmp(a, b); }

static void test_readme_lists_what_dispatch_implements(void **state)
{
    (void)state;
    static char readme[256][64], dispatch[256][64];
    int nr = collect(g_readme_path, "| `", "`", readme, 256);
    int nd = collect(g_dispatch_path, "case API_ID_", ":", dispatch, 256);
    qsort(readme, (size_t)nr, 64, cmp_names);
    qsort(dispatch, (size_t)nd, 64, cmp_names);
    assert_true(nd > 60);
    for (int i = 0; i < nd && i < nr; i++)
        if (strcmp(readme[i], dispatch[i]) != 0)
            fail_msg("README lists %s where dispatch.c has %s", readme[i], dispatch[i]);
    assert_int_equal(nr, nd);
    /* Every listed function is an export. */
    for (int i = 0; i < nd; i++)
        assert_non_null(GetProcAddress(g_dll, dispatch[i]));
}

static void test_deviation_hook(void **state)
{
    (void)state;
    SetEnvironmentVariableA("ESH_MODEL_DEVIATE", "JetStopBackupInstance:JET_errNoBackup:2");
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003); /* the normal model has no hook */
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003);
    HMODULE normal = g_dll;
    g_dll = LoadLibraryA(g_deviant_path);
    assert_non_null(g_dll);
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003); /* 1st call: itself */
    assert_int_equal(J1("JetStopBackupInstance", 0), -520);  /* 2nd: the deviation */
    assert_int_equal(J1("JetStopBackupInstance", 0), -1003);
    assert_int_equal(J0("JetStopBackup"), -1003);
    FreeLibrary(g_dll);
    g_dll = normal;
    SetEnvironmentVariableA("ESH_MODEL_DEVIATE", NULL);
}

/* Every name of the module-definition file is exported (aliases and x86 twins included). */
static void test_every_esent_name_is_exported(void **state)
{
    (void)state;
    FILE *f = fopen(g_def_path, "r");
    assert_non_null(f);
    char line[512];
    int names = 0, in_exports = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == ';')
            continue;
        if (!strncmp(line, "EXPORTS", 7)) {
            in_exports = 1;
            continue;
        }
        size_t len = strcspn(line, "= \r\n");
        if (!in_exports || len == 0)
            continue;
        line[len] = 0;
        if (!GetProcAddress(g_dll, line))
            fail_msg("%s is not exported", line);
        names++;
    }
    fclose(f);
    assert_true(names >= 384);
}

static void test_out_of_scope_is_feature_not_available(void **state)
{
    (void)state;
    assert_int_equal(J2("JetCloseTable", 0, 0), -1001);
    /* Its trxid is a 64-bit value: 16 stack bytes on x86, so J3 would unbalance the stack. */
    assert_int_equal(((long(WINAPI *)(U, int64_t, U))fn("JetBeginTransaction3"))(0, 0, 0), -1001);
}

int main(int argc, char **argv)
{
    if (argc == 4 && !strcmp(argv[2], "--crash")) {
        g_dll_path = argv[1];
        g_dll = LoadLibraryA(g_dll_path);
        return g_dll ? crash_child(argv[3]) : 2;
    }
    if (argc < 6) {
        fprintf(stderr, "usage: test_model MODEL.dll DEVIANT.dll README.md dispatch.c EXPORTS.def\n");
        return 2;
    }
    g_dll_path = argv[1];
    g_deviant_path = argv[2];
    g_readme_path = argv[3];
    g_dispatch_path = argv[4];
    g_def_path = argv[5];
    g_dll = LoadLibraryA(g_dll_path);
    if (!g_dll) {
        fprintf(stderr, "cannot load %s (error %lu)\n", g_dll_path, GetLastError());
        return 1;
    }
    GetCurrentDirectoryA(sizeof g_home, g_home);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_resource_names_the_model),
        cmocka_unit_test(test_readme_lists_what_dispatch_implements),
        cmocka_unit_test(test_every_esent_name_is_exported),
        cmocka_unit_test(test_out_of_scope_is_feature_not_available),
        cmocka_unit_test_setup_teardown(test_legacy_call_in_multi_instance_mode, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_one_instance_mode, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_handle_validation, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_stop_then_read, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_stop_then_end, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_read_and_open_checks, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_two_instances, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_term_complete_with_backup, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_end_during_term, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_term_with_transaction, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_stop_service, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_full_backup_streams_the_files, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_restore_writes_the_backup_back, enter_dir, leave_dir),
        cmocka_unit_test_setup_teardown(test_external_restore, enter_dir, leave_dir),
        cmocka_unit_test(test_deviation_hook),
        cmocka_unit_test_setup_teardown(test_fail_fast_cases_kill_the_process, enter_dir, leave_dir),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
