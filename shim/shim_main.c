/* DllMain does as little as the loader lock allows: remember the module handle and, when
 * the process ends normally or the shim is unloaded, write the trace's `end` line (one
 * WriteFile). Loading the target and opening the trace wait for the first call. */
#include <windows.h>

#include "shim_main.h"
#include "call_record.h"
#include "trace_file.h"

static HMODULE self;

HMODULE shim_module(void)
{
    return self;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved);
BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        self = instance;
        DisableThreadLibraryCalls(instance);
    } else if (reason == DLL_PROCESS_DETACH) {
        /* reserved != NULL: the process is exiting; NULL: FreeLibrary. Either way the
         * recording ends normally. The target stays loaded: FreeLibrary from DllMain is
         * not safe. */
        trace_close(reserved == NULL);
        if (reserved == NULL)
            call_record_unload();
    }
    return TRUE;
}
