/* The deviation hook, compiled only into esentmodel-deviant.dll (ESH_MODEL_DEVIATIONS):
 * ESH_MODEL_DEVIATE=<function>:<code name or number>[:<nth>] makes that export return that
 * code instead of running, on its nth call (default 1st). It lets a test prove that the suite
 * notices a model that is wrong by exactly one code. */
#ifdef ESH_MODEL_DEVIATIONS
#include <windows.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "jet_codes.h"

int model_deviation(api_id id, long *code);

static volatile LONG g_calls[API_COUNT];

int model_deviation(api_id id, long *code)
{
    char spec[256];
    DWORD n = GetEnvironmentVariableA("ESH_MODEL_DEVIATE", spec, sizeof spec);
    if (n == 0 || n >= sizeof spec || (unsigned)id >= API_COUNT)
        return 0;
    char *fn = spec, *name = strchr(spec, ':');
    if (!name)
        return 0;
    *name++ = 0;
    char *nth_text = strchr(name, ':');
    long nth = 1;
    if (nth_text) {
        *nth_text++ = 0;
        nth = strtol(nth_text, NULL, 10);
    }
    if (strcmp(fn, api_functions[id].name) != 0)
        return 0;
    LONG call = InterlockedIncrement(&g_calls[id]);
    if (call != nth)
        return 0;
    const jet_code *c = jet_code_by_name(name);
    char *end;
    long value = c ? (long)c->value : strtol(name, &end, 0);
    if (!c && (end == name || *end))
        return 0; /* an unknown name: no deviation */
    *code = value;
    return 1;
}
#endif
