/* Every exported ESENT function lands here with its raw argument slots: forward them to
 * the target's function and, while recording, write a start record before and an end
 * record after. Nothing is held while the target runs, so a call made from inside an
 * ESENT callback simply recurses through here and is recorded too (its records lie
 * between the outer call's start and end). */
#include <windows.h>

#include <stdint.h>

#include "api.h"
#include "cpu_arch.h"
#include "slot_call.h"
#include "call_record.h"
#include "shim_main.h"
#include "state_capture.h"
#include "target.h"
#include "trace_file.h"

static INIT_ONCE init_once = INIT_ONCE_STATIC_INIT;
static volatile LONG initialized;
static volatile DWORD initializing_thread;

static BOOL CALLBACK initialize(PINIT_ONCE once, PVOID parameter, PVOID *context)
{
    (void)once;
    (void)parameter;
    (void)context;
    initializing_thread = GetCurrentThreadId();
    target_load(shim_module());
    call_record_prepare();
    state_capture_prepare();
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
    trace_thread *t = call_record_thread();
    uint32_t seq;
    unsigned role = state_roles[id];
    if ((role == API_STATE_INIT || role == API_STATE_ATTACH) && t != NULL && f != NULL)
        state_capture_before(t, id, slots); /* what the call is about to find */
    int started = t != NULL && call_record_start(t, id, slots, &seq);
    long code = f != NULL ? forward(f, api_slot_count(fn), slots) : SHIM_UNRESOLVED_CODE;
    if (role != API_STATE_NONE && code >= 0)
        state_capture_after(id, slots);
    if (started && trace_recording) {
        DWORD error = GetLastError();
        call_record_end(t, id, slots, seq, code, f == NULL);
        SetLastError(error); /* the host sees the target's last error, not the recorder's */
    }
    return code;
}

#define ESH_DISPATCH shim_dispatch
#include "export_stubs.h"
