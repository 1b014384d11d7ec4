/* Every exported ESENT function lands here with its raw argument slots: forward them to
 * the target's function and, while recording, append one record. Nothing is held while
 * the target runs, so a call made from inside an ESENT callback simply recurses through
 * here and is recorded too (it completes, and so is written, before the outer call). */
#include <windows.h>

#include <stdint.h>

#include "api.h"
#include "cpu_arch.h"
#include "slot_call.h"
#include "call_record.h"
#include "shim_main.h"
#include "target.h"
#include "trace_file.h"

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static volatile LONG initialized;
static volatile DWORD initializing_thread;
static volatile LONG sequence;

static BOOL CALLBACK initialize(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once;
    (void)parameter;
    (void)context;
    initializing_thread = GetCurrentThreadId();
    target_load(shim_module());
    trace_open();
    initializing_thread = 0;
    InterlockedExchange(&initialized, 1);
    return TRUE;
}

/* Loads the target and opens the trace on the first call, outside the loader lock.
 * Returns 0 for a call made by the target's own initialisation into the shim (it would
 * wait for itself); that call gets the unresolved code. */
static int ensure_initialized(void)
{
#if ESH_CPU_LOADS_ACQUIRE(ESH_CPU_THIS)
    if (initialized) /* x86 and x64 loads are acquire loads */
        return 1;
#else
    /* Weakly ordered: the flag must be read with acquire order to see the resolved table. */
    if (InterlockedCompareExchange(&initialized, 0, 0))
        return 1;
#endif
    if (initializing_thread == GetCurrentThreadId())
        return 0;
    DWORD error = GetLastError();
    InitOnceExecuteOnce(&init_once, initialize, NULL, NULL);
    SetLastError(error);
    return 1;
}

/* Calls F with the caller's slots; on x86 the slot count is the stdcall stack size / 4,
 * so the target pops exactly what the caller pushed. */
static long forward(FARPROC f, unsigned nslots, const uintptr_t *s)
{
    long code;
    if (!esh_call_with_slots((void (*)(void))f, nslots, s, &code))
        return SHIM_UNRESOLVED_CODE; /* the API table has no function with more slots */
    return code;
}

/* Formats and appends the record; kept out of line so the forwarding path's frame stays
 * small (the record's buffers live only while it is written). */
#ifdef _MSC_VER
#define SHIM_NOINLINE __declspec(noinline)
#else
#define SHIM_NOINLINE __attribute__((noinline))
#endif

static SHIM_NOINLINE void record(api_id id, const uintptr_t *slots, const call_record_before *before, long code,
                                 int unresolved, double seconds)
{
    char line[12288];
    long seq = InterlockedIncrement(&sequence);
    size_t n = call_record_format(line, sizeof line, id, slots, before, code, unresolved, seq,
                                  (unsigned long)GetCurrentThreadId(), seconds);
    if (n < sizeof line) {
        trace_append(line, n);
        return;
    }
    char *big = HeapAlloc(GetProcessHeap(), 0, n + 1);
    if (big == NULL)
        return;
    n = call_record_format(big, n + 1, id, slots, before, code, unresolved, seq, (unsigned long)GetCurrentThreadId(),
                           seconds);
    trace_append(big, n);
    HeapFree(GetProcessHeap(), 0, big);
}

long shim_dispatch(api_id id, const uintptr_t *slots);
long shim_dispatch(api_id id, const uintptr_t *slots)
{
    const api_function *fn = &api_functions[id];
    if (!ensure_initialized())
        return SHIM_UNRESOLVED_CODE;
    FARPROC f = target_function(id);
    if (!trace_recording || !fn->has_proto) {
        /* Pass-through: a table look-up and an indirect call. */
        return f != NULL ? forward(f, api_slot_count(fn), slots) : SHIM_UNRESOLVED_CODE;
    }
    call_record_before before;
    call_record_read_before(id, slots, &before);
    double seconds = trace_seconds();
    DWORD error;
    long code;
    if (f != NULL) {
        code = forward(f, api_slot_count(fn), slots);
        error = GetLastError();
    } else {
        error = GetLastError();
        code = SHIM_UNRESOLVED_CODE;
    }
    record(id, slots, &before, code, f == NULL, seconds);
    SetLastError(error); /* the host sees the target's last error, not the recorder's */
    return code;
}

#define ESH_DISPATCH shim_dispatch
#include "export_stubs.h"
