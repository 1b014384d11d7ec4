/* The ESENT DLL the shim forwards to: found by absolute path only (never the DLL search
 * order, which would find the shim itself in the drop-in deployment), and every export's
 * address resolved once. */
#ifndef ESH_SHIM_TARGET_H
#define ESH_SHIM_TARGET_H

#include <windows.h>

#include "api.h"

/* The code a call gets when the target lacks the function or could not be loaded:
 * JET_errFeatureNotAvailable, "this API or feature is not supported in this build". */
#define SHIM_UNRESOLVED_CODE (-1001L)

/* Loads the target (ESENTSHIM_TARGET or %SystemRoot%\System32\esent.dll) and resolves
 * every export. Call once (the shim's init-once); on failure warns once and leaves every
 * function unresolved. SHIM_MODULE is the shim's own module, which is never a target. */
void target_load(HMODULE shim_module);
/* The target's function for ID (a non-alias id), or NULL when unresolved. */
FARPROC target_function(api_id id);
/* The loaded target module (NULL if none) and the path it was asked for (never NULL). */
HMODULE target_module(void);
const wchar_t *target_path(void);

#endif
