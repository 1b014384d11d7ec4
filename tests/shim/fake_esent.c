/* A tiny stand-in for ESENT.dll that the shim tests point ESENTSHIM_TARGET at: a few
 * functions with deterministic codes and outputs, so a test can tell that a call went
 * through, with which arguments, and what came back. Everything else is missing on
 * purpose (the shim must answer those itself). Plain export names on x86 too: MinGW links
 * with --kill-at; MSVC would export the decorated _Name@N, so there the functions are not
 * dllexport and tests/shim/CMakeLists.txt links a .def of the names on the FAKE_EXPORT lines. */
#include <windows.h>

#if defined(_MSC_VER) && defined(_M_IX86)
#define FAKE_EXPORT
#else
#define FAKE_EXPORT __declspec(dllexport)
#endif

#include <stdint.h>
#include <string.h>

typedef uintptr_t JET_API_PTR;
typedef long(WINAPI *status_callback)(JET_API_PTR sesid, unsigned long snp, unsigned long snt, void *data);

#define FAKE_INSTANCE ((JET_API_PTR)0x51000)
#define JET_errInvalidParameter (-1003L)
#define JET_errBackupAbortByServer (-801L)

static LONG instances;

FAKE_EXPORT long WINAPI JetCreateInstanceA(JET_API_PTR *instance, const char *name)
{
    if (name != NULL && strcmp(name, "fail") == 0)
        return JET_errInvalidParameter;
    *instance = FAKE_INSTANCE + (JET_API_PTR)InterlockedIncrement(&instances);
    return 0;
}

/* Exported under the alias's name with a different answer: the shim must call the A
 * function for the alias, as ESENT.dll's alias is the A function. */
FAKE_EXPORT long WINAPI JetCreateInstance(JET_API_PTR *instance, const char *name)
{
    (void)instance;
    (void)name;
    return -9999;
}

FAKE_EXPORT long WINAPI JetInit(JET_API_PTR *instance)
{
    return instance != NULL && (*instance & ~(JET_API_PTR)0xfff) == FAKE_INSTANCE ? 0 : JET_errInvalidParameter;
}

FAKE_EXPORT long WINAPI JetBeginSessionA(JET_API_PTR instance, JET_API_PTR *session, const char *user,
                                                   const char *password)
{
    (void)user;
    (void)password;
    *session = instance + 0x100;
    return 0;
}

FAKE_EXPORT long WINAPI JetOpenFileInstanceW(JET_API_PTR instance, const wchar_t *name, JET_API_PTR *file,
                                                       unsigned long *low, unsigned long *high)
{
    (void)instance;
    if (name == NULL)
        return JET_errInvalidParameter;
    *file = 0x77;
    *low = 12345;
    *high = 1;
    return 0;
}

FAKE_EXPORT long WINAPI JetReadFileInstance(JET_API_PTR instance, JET_API_PTR file, void *buffer,
                                                      unsigned long size, unsigned long *actual)
{
    (void)instance;
    if (file != 0x77)
        return JET_errInvalidParameter;
    if (size == 0)
        return JET_errBackupAbortByServer;
    memset(buffer, 0xab, size / 2);
    if (actual != NULL)
        *actual = size / 2;
    return 0;
}

/* Sets a last error the caller must still see after the shim recorded the call. With
 * FAKE_ESENT_DIE_IN_STOP set, the process dies inside the call (a crash in ESENT). */
FAKE_EXPORT long WINAPI JetStopBackupInstance(JET_API_PTR instance)
{
    (void)instance;
    if (GetEnvironmentVariableA("FAKE_ESENT_DIE_IN_STOP", NULL, 0) > 0)
        TerminateProcess(GetCurrentProcess(), 3);
    SetLastError(1234);
    return 0;
}

FAKE_EXPORT long WINAPI JetGetSystemParameterA(JET_API_PTR instance, JET_API_PTR session,
                                                         unsigned long paramid, JET_API_PTR *value, char *text,
                                                         unsigned long size)
{
    (void)instance;
    (void)session;
    (void)text;
    (void)size;
    if (value != NULL)
        *value = paramid * 10;
    return 0;
}

/* Never reads the string: the test passes an unreadable pointer for it. */
FAKE_EXPORT long WINAPI JetSetSystemParameterA(JET_API_PTR *instance, JET_API_PTR session,
                                                         unsigned long paramid, JET_API_PTR value, const char *text)
{
    (void)instance;
    (void)session;
    (void)paramid;
    (void)value;
    (void)text;
    return JET_errInvalidParameter;
}

/* Calls the status callback, which re-enters the shim from inside this call. */
FAKE_EXPORT long WINAPI JetBackupInstanceW(JET_API_PTR instance, const wchar_t *path, unsigned long grbit,
                                                     status_callback callback)
{
    (void)instance;
    (void)path;
    (void)grbit;
    return callback != NULL ? callback(0, 1, 2, NULL) : 0;
}

FAKE_EXPORT long WINAPI JetEndSession(JET_API_PTR session, unsigned long grbit)
{
    (void)session;
    return grbit == 0 ? 0 : JET_errInvalidParameter;
}

FAKE_EXPORT long WINAPI JetTerm(JET_API_PTR instance)
{
    (void)instance;
    return 0;
}

/* With JetCreateInstance2A, the core functions `esent-harness run` asks an ESENT for
 * (harness/run_preflight.c), so a trace recorded against the fake replays against it. */
FAKE_EXPORT long WINAPI JetTerm2(JET_API_PTR instance, unsigned long grbit)
{
    (void)instance;
    (void)grbit;
    return 0;
}

FAKE_EXPORT long WINAPI JetCreateInstance2A(JET_API_PTR *instance, const char *name, const char *display,
                                                      unsigned long grbit)
{
    (void)name;
    (void)display;
    (void)grbit;
    *instance = 0x2222;
    return 0;
}
