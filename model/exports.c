/* Every export of ESENT.dll, generated from the API table: each stub passes its raw argument
 * slots to model_dispatch (dispatch.c). Kept apart from the model's sources because the stubs'
 * uintptr_t signatures would clash with esent.h's prototypes. */
#include <stdint.h>

#include "api.h"

long model_dispatch(api_id id, const uintptr_t *slots);
#define ESH_DISPATCH model_dispatch
#include "export_stubs.h"
