/* esh-crashdll.dll: every ESENT export (the generated stubs), each one an access violation.
 * It stands for a host whose very first call dies (Wine's stub esent.dll raises on every
 * export): no scenario of the suite may pass against it, whichever step it expects to die. */
#include <stdint.h>

#include "api.h"

static long crash_on_every_call(api_id id, const uintptr_t *slots)
{
    (void)id;
    (void)slots;
    *(volatile int *)(uintptr_t)0 = 0;
    return 0;
}

#define ESH_DISPATCH crash_on_every_call
#include "export_stubs.h"
