/* An ordinary ESENT application for the drop-in tests: it imports esent.dll through
 * MinGW's import library (-lesent), so copied beside the shim renamed esent.dll it calls
 * the shim, which forwards to ESENTSHIM_TARGET (fake_esent.dll). It checks the codes and
 * outputs it gets (the fake's, so the shim forwarded them) and exits with the number of
 * mismatches. Usage: shim_client basic|unresolved|threads|long|model|kill|die-in-call */
#include <windows.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uintptr_t JET_API_PTR;
typedef long(WINAPI *status_callback)(JET_API_PTR sesid, unsigned long snp, unsigned long snt, void *data);

/* Declared here rather than through <esent.h>, whose UNICODE mapping would pick the W
 * functions; the names and stack sizes are ESENT.dll's. */
long WINAPI JetCreateInstance(JET_API_PTR *instance, const char *name);
long WINAPI JetCreateInstanceA(JET_API_PTR *instance, const char *name);
long WINAPI JetInit(JET_API_PTR *instance);
long WINAPI JetBeginSessionA(JET_API_PTR instance, JET_API_PTR *session, const char *user, const char *password);
long WINAPI JetOpenFileInstanceW(JET_API_PTR instance, const wchar_t *name, JET_API_PTR *file, unsigned long *low,
                                 unsigned long *high);
long WINAPI JetReadFileInstance(JET_API_PTR instance, JET_API_PTR file, void *buffer, unsigned long size,
                                unsigned long *actual);
long WINAPI JetStopBackupInstance(JET_API_PTR instance);
long WINAPI JetGetSystemParameterA(JET_API_PTR instance, JET_API_PTR session, unsigned long paramid,
                                   JET_API_PTR *value, char *text, unsigned long size);
long WINAPI JetSetSystemParameterA(JET_API_PTR *instance, JET_API_PTR session, unsigned long paramid,
                                   JET_API_PTR value, const char *text);
long WINAPI JetBackupInstanceA(JET_API_PTR instance, const char *path, unsigned long grbit, status_callback callback);
long WINAPI JetBackupInstanceW(JET_API_PTR instance, const wchar_t *path, unsigned long grbit,
                               status_callback callback);
long WINAPI JetGetVersion(JET_API_PTR session, unsigned long *version);
long WINAPI JetEndSession(JET_API_PTR session, unsigned long grbit);
long WINAPI JetTerm(JET_API_PTR instance);

#define UNRESOLVED (-1001L)

static int failures;
static JET_API_PTR instance;

static void check(const char *what, long long got, long long want)
{
    if (got != want) {
        printf("FAIL %s: got %lld, want %lld\n", what, got, want);
        failures++;
    }
}

/* Runs inside JetBackupInstanceW: a call back into ESENT from a callback. */
static long WINAPI status(JET_API_PTR sesid, unsigned long snp, unsigned long snt, void *data)
{
    (void)sesid;
    (void)snp;
    (void)snt;
    (void)data;
    check("JetStopBackupInstance inside the callback", JetStopBackupInstance(instance), 0);
    return -1003;
}

static void basic(void)
{
    JET_API_PTR other = 0, session = 0, file = 0, value = 0;
    unsigned long low = 0, high = 0, actual = 0, version = 0;
    /* Page-aligned, as JetReadFileInstance requires; the trace records the alignment. */
    unsigned char *buffer = VirtualAlloc(NULL, 4096, MEM_COMMIT | MEM_RESERVE, PAGE_READWRITE);

    check("JetCreateInstance (alias of the A function)", JetCreateInstance(&instance, "one"), 0);
    check("instance written by the target", (long long)instance, 0x51001);
    check("JetCreateInstanceA fail", JetCreateInstanceA(&other, "fail"), -1003);
    check("JetInit", JetInit(&instance), 0);
    check("JetBeginSessionA", JetBeginSessionA(instance, &session, "user", ""), 0);
    check("session", (long long)session, 0x51101);
    check("JetOpenFileInstanceW", JetOpenFileInstanceW(instance, L"db\\t\u00ebst.edb", &file, &low, &high), 0);
    check("file size low", low, 12345);
    check("file size high", high, 1);
    check("JetReadFileInstance", JetReadFileInstance(instance, file, buffer, 4096, &actual), 0);
    check("bytes read", actual, 2048);
    check("JetReadFileInstance of 0 bytes", JetReadFileInstance(instance, file, buffer, 0, NULL), -801);
    SetLastError(0);
    check("JetStopBackupInstance", JetStopBackupInstance(instance), 0);
    check("GetLastError after JetStopBackupInstance", GetLastError(), 1234);
    check("JetGetSystemParameterA", JetGetSystemParameterA(instance, session, 64, &value, NULL, 0), 0);
    check("parameter value", (long long)value, 640);
    check("JetSetSystemParameterA with an unreadable string",
          JetSetSystemParameterA(&instance, 0, 0, 0, (const char *)(uintptr_t)16), -1003);
    check("JetBackupInstanceW with a callback", JetBackupInstanceW(instance, L"C:\\backup", 0, status), -1003);
    check("JetBackupInstanceA (missing from the target)", JetBackupInstanceA(instance, "x", 0, NULL), UNRESOLVED);
    check("JetGetVersion (missing from the target)", JetGetVersion(session, &version), UNRESOLVED);
    check("JetEndSession", JetEndSession(session, 0), 0);
    check("JetTerm", JetTerm(instance), 0);
}

static void unresolved(void)
{
    check("JetCreateInstanceA without a target", JetCreateInstanceA(&instance, "one"), UNRESOLVED);
    check("JetTerm without a target", JetTerm(instance), UNRESOLVED);
}

#define THREADS 4
#define CALLS_PER_THREAD 250

static DWORD WINAPI hammer(void *arg)
{
    JET_API_PTR value = 0;
    for (int i = 0; i < CALLS_PER_THREAD; i++) {
        long err = JetGetSystemParameterA((JET_API_PTR)arg, 0, (unsigned long)i, &value, NULL, 0);
        if (err != 0 || value != (JET_API_PTR)i * 10) {
            printf("FAIL thread call %d: %ld %lu\n", i, err, (unsigned long)value);
            InterlockedIncrement((volatile LONG *)&failures);
        }
    }
    return 0;
}

static void threads(void)
{
    HANDLE handles[THREADS];
    for (int i = 0; i < THREADS; i++)
        handles[i] = CreateThread(NULL, 0, hammer, (void *)(uintptr_t)(i + 1), 0, NULL);
    WaitForMultipleObjects(THREADS, handles, TRUE, INFINITE);
    for (int i = 0; i < THREADS; i++)
        CloseHandle(handles[i]);
}

/* Against the reference model: the codes the client got, printed for the test to compare
 * with the trace. Only creating an instance is asserted (the model's codes are its own). */
static void model(void)
{
    long codes[3];
    codes[0] = JetCreateInstanceA(&instance, "shim-model");
    codes[1] = JetStopBackupInstance(instance);
    codes[2] = JetTerm(instance);
    check("JetCreateInstanceA on the model", codes[0], 0);
    printf("codes: %ld %ld %ld\n", codes[0], codes[1], codes[2]);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "basic";
    if (strcmp(mode, "basic") == 0) {
        basic();
    } else if (strcmp(mode, "unresolved") == 0) {
        unresolved();
    } else if (strcmp(mode, "threads") == 0) {
        threads();
    } else if (strcmp(mode, "long") == 0) {
        /* A string longer than the recorder keeps (1023 characters). */
        static char name[2001];
        memset(name, 'a', sizeof name - 1);
        check("JetCreateInstanceA with a long name", JetCreateInstanceA(&instance, name), 0);
    } else if (strcmp(mode, "model") == 0) {
        model();
    } else if (strcmp(mode, "kill") == 0) {
        /* Records written before the process dies stay in the trace; no `end` line. */
        check("JetCreateInstanceA", JetCreateInstanceA(&instance, "killed"), 0);
        check("JetInit", JetInit(&instance), 0);
        fflush(stdout);
        TerminateProcess(GetCurrentProcess(), 3);
    } else if (strcmp(mode, "die-in-call") == 0) {
        /* The process dies inside JetStopBackupInstance (FAKE_ESENT_DIE_IN_STOP). */
        check("JetCreateInstanceA", JetCreateInstanceA(&instance, "dying"), 0);
        check("JetInit", JetInit(&instance), 0);
        fflush(stdout);
        JetStopBackupInstance(instance);
        printf("JetStopBackupInstance returned\n");
    } else {
        printf("usage: shim_client basic|unresolved|threads|long|model|kill|die-in-call\n");
        return 100;
    }
    printf("%d failure(s)\n", failures);
    return failures;
}
