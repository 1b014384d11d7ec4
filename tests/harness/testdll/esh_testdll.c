/* esh-testdll.dll: a few exports under ESENT's names with ESENT's real signatures and a
 * fixed, documented behaviour, so the runner's tests know every answer in advance:
 *   JetCreateInstanceA/W(&inst, name)  a new handle 0x1001, 0x1002 ... and 0
 *   JetInit(&inst)                     creates a handle when *inst is 0; -1003 for a null pointer
 *   JetCreateInstance2A(&inst, ...)     as JetCreateInstanceA
 *   JetSetSystemParameterA, JetGetSystemParameterA, JetEndSession: 0
 *   JetBeginSessionA(inst, &sesid, ..)  sesid 0x5E55, 0
 *   JetGetVersion(sesid, &v)           v = 0x0A010002 for the session 0x5E55, else 0x0A010001; 0
 *                                      (so a results file shows whether it asked with a session)
 *   JetOpenFileInstanceA/W(inst, name, &hf, &lo, &hi)
 *                                      -1811 unless name is exactly db\test.edb (narrow or
 *                                      wide as the function says); else hf 0x42, lo 4096, hi 0, 0
 *   JetReadFileInstance(inst, hf, pv, cb, &cbActual)
 *                                      -801 once JetStopBackupInstance(inst) ran; -1003 when
 *                                      pv is not page aligned; else fills pv, cbActual = cb, 0
 *   JetStopBackupInstance(inst)        -801 for the handle 0x801; else marks inst stopped, 0
 *   JetGetLogInfoInstance2A(inst, szz, cb, &cbActual, pinfo)
 *                                      -1003 unless pinfo->cbSize is sizeof(JET_LOGINFO_A); 0
 *   JetBeginTransaction3(sesid, trxid, grbit)
 *                                      0 when the 64-bit trxid arrived whole
 *                                      (0x1122334455667788), else -1003
 *   JetTerm(inst)                      an access violation for the handle 0xDEAD; else 0
 *   JetTerm2(inst, grbit)              grbit 0x77: waits up to 5 s for JetStopBackupInstance
 *                                      on another thread, 0 if it came, -1 if not; else 0
 *   JetStopService()                   never returns (a hang)
 * JetOpenFile is exported too, as ESENT's unsuffixed alias of JetOpenFileA is, but here it
 * answers -1 so a test can tell the alias itself was called. */
#include <stdint.h>
#include <string.h>
#include <windows.h>

typedef uintptr_t JET_INSTANCE;
typedef uintptr_t JET_SESID;
typedef uintptr_t JET_HANDLE;
typedef long JET_ERR;

#define JET_errSuccess 0
#define JET_errInvalidParameter (-1003)
#define JET_errBackupAbortByServer (-801)
#define JET_errFileNotFound (-1811)

typedef struct loginfo_a {
    unsigned long cbSize, ulGenLow, ulGenHigh;
    char szBaseName[4];
} loginfo_a;

static volatile LONG next_instance = 0x1000;
static volatile JET_INSTANCE stopped[16];
static volatile LONG nstopped;
static HANDLE stop_event;

BOOL WINAPI DllMain(HINSTANCE module, DWORD reason, void *reserved)
{
    (void)module;
    (void)reserved;
    if (reason == DLL_PROCESS_ATTACH)
        stop_event = CreateEventW(NULL, TRUE, FALSE, NULL);
    return TRUE;
}

static int is_stopped(JET_INSTANCE inst)
{
    for (LONG i = 0; i < nstopped && i < 16; i++)
        if (stopped[i] == inst)
            return 1;
    return 0;
}

JET_ERR WINAPI JetCreateInstanceA(JET_INSTANCE *pinstance, const char *name)
{
    (void)name;
    if (!pinstance)
        return JET_errInvalidParameter;
    *pinstance = (JET_INSTANCE)InterlockedIncrement(&next_instance);
    return JET_errSuccess;
}

JET_ERR WINAPI JetCreateInstanceW(JET_INSTANCE *pinstance, const wchar_t *name)
{
    (void)name;
    return JetCreateInstanceA(pinstance, NULL);
}

JET_ERR WINAPI JetInit(JET_INSTANCE *pinstance)
{
    if (!pinstance)
        return JET_errInvalidParameter;
    if (*pinstance == 0)
        *pinstance = (JET_INSTANCE)InterlockedIncrement(&next_instance);
    return JET_errSuccess;
}

#define SESSION ((JET_SESID)0x5E55)

JET_ERR WINAPI JetCreateInstance2A(JET_INSTANCE *pinstance, const char *name, const char *display,
                                   unsigned long grbit)
{
    (void)display;
    (void)grbit;
    return JetCreateInstanceA(pinstance, name);
}

JET_ERR WINAPI JetSetSystemParameterA(JET_INSTANCE *pinstance, JET_SESID sesid, unsigned long paramid,
                                      uintptr_t lparam, const char *sz)
{
    (void)pinstance, (void)sesid, (void)paramid, (void)lparam, (void)sz;
    return JET_errSuccess;
}

JET_ERR WINAPI JetGetSystemParameterA(JET_INSTANCE inst, JET_SESID sesid, unsigned long paramid, uintptr_t *plparam,
                                      char *sz, unsigned long cbmax)
{
    (void)inst, (void)sesid, (void)paramid, (void)plparam, (void)sz, (void)cbmax;
    return JET_errSuccess;
}

JET_ERR WINAPI JetBeginSessionA(JET_INSTANCE inst, JET_SESID *psesid, const char *user, const char *password)
{
    (void)inst, (void)user, (void)password;
    if (!psesid)
        return JET_errInvalidParameter;
    *psesid = SESSION;
    return JET_errSuccess;
}

JET_ERR WINAPI JetEndSession(JET_SESID sesid, unsigned long grbit)
{
    (void)sesid, (void)grbit;
    return JET_errSuccess;
}

JET_ERR WINAPI JetGetVersion(JET_SESID sesid, unsigned long *version)
{
    if (!version)
        return JET_errInvalidParameter;
    *version = sesid == SESSION ? 0x0A010002 : 0x0A010001;
    return JET_errSuccess;
}

JET_ERR WINAPI JetOpenFileInstanceA(JET_INSTANCE inst, const char *name, JET_HANDLE *hf, unsigned long *low,
                                    unsigned long *high)
{
    (void)inst;
    if (!name || !hf || !low || !high)
        return JET_errInvalidParameter;
    if (strcmp(name, "db\\test.edb") != 0)
        return JET_errFileNotFound;
    *hf = 0x42;
    *low = 4096;
    *high = 0;
    return JET_errSuccess;
}

JET_ERR WINAPI JetOpenFileInstanceW(JET_INSTANCE inst, const wchar_t *name, JET_HANDLE *hf, unsigned long *low,
                                    unsigned long *high)
{
    (void)inst;
    if (!name || !hf || !low || !high)
        return JET_errInvalidParameter;
    if (wcscmp(name, L"db\\test.edb") != 0)
        return JET_errFileNotFound;
    *hf = 0x42;
    *low = 4096;
    *high = 0;
    return JET_errSuccess;
}

/* The unsuffixed alias: a distinct answer, so calling it by its own name is observable. */
JET_ERR WINAPI JetOpenFile(const char *name, JET_HANDLE *hf, unsigned long *low, unsigned long *high)
{
    (void)name;
    (void)hf;
    (void)low;
    (void)high;
    return -1;
}

JET_ERR WINAPI JetReadFileInstance(JET_INSTANCE inst, JET_HANDLE hf, void *pv, unsigned long cb,
                                   unsigned long *actual)
{
    (void)hf;
    if (is_stopped(inst))
        return JET_errBackupAbortByServer;
    if (!pv || ((uintptr_t)pv & 0xfff) != 0)
        return JET_errInvalidParameter;
    memset(pv, 'E', cb);
    if (actual)
        *actual = cb;
    return JET_errSuccess;
}

JET_ERR WINAPI JetStopBackupInstance(JET_INSTANCE inst)
{
    if (inst == 0x801)
        return JET_errBackupAbortByServer;
    LONG slot = InterlockedIncrement(&nstopped) - 1;
    if (slot < 16)
        stopped[slot] = inst;
    SetEvent(stop_event);
    return JET_errSuccess;
}

JET_ERR WINAPI JetGetLogInfoInstance2A(JET_INSTANCE inst, char *szz, unsigned long cbMax, unsigned long *actual,
                                       loginfo_a *info)
{
    (void)inst;
    (void)szz;
    (void)cbMax;
    if (!info || info->cbSize != sizeof *info)
        return JET_errInvalidParameter;
    if (actual)
        *actual = 0;
    return JET_errSuccess;
}

JET_ERR WINAPI JetBeginTransaction3(JET_SESID sesid, __int64 trxid, unsigned long grbit)
{
    (void)sesid;
    (void)grbit;
    return trxid == 0x1122334455667788LL ? JET_errSuccess : JET_errInvalidParameter;
}

JET_ERR WINAPI JetTerm(JET_INSTANCE inst)
{
    if (inst == 0xDEAD) {
        volatile int *nowhere = NULL;
        *nowhere = 1; /* on purpose: the runner must survive this */
    }
    return JET_errSuccess;
}

JET_ERR WINAPI JetTerm2(JET_INSTANCE inst, unsigned long grbit)
{
    (void)inst;
    if (grbit == 0x77)
        return WaitForSingleObject(stop_event, 5000) == WAIT_OBJECT_0 ? JET_errSuccess : -1;
    return JET_errSuccess;
}

JET_ERR WINAPI JetStopService(void)
{
    for (;;)
        Sleep(INFINITE); /* on purpose: the runner's timeout must end this */
}
