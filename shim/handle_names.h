/* Stable symbolic names for the handles a traced process sees: the value a call wrote
 * into an output handle gets a fresh name (`inst1`, `sesid2`, `hf1` ...), and a later
 * call that passes that value is recorded as `$inst1`, so the trace replays with the
 * handles the replay creates. */
#ifndef ESH_SHIM_HANDLE_NAMES_H
#define ESH_SHIM_HANDLE_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

/* Writes a fresh name for a handle of KIND into NAME ("inst3"). */
void handle_name_new(api_kind kind, char *name, size_t size);
/* Binds VALUE of KIND to NAME (a later output of the same value rebinds it). */
void handle_name_bind(api_kind kind, uint64_t value, const char *name);
/* Copies the name bound to VALUE into NAME; 0 if the value was never seen as an output. */
int handle_name_find(api_kind kind, uint64_t value, char *name, size_t size);
/* The prefix names of KIND start with; NULL for a kind that is not a handle. */
const char *handle_name_prefix(api_kind kind);

#endif
