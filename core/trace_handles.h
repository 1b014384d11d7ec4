/* Stable symbolic names for the handles a traced process saw: the value a call wrote into
 * an output handle gets a fresh name (`inst1`, `sesid2`, `hf1` ...), and a later input of
 * that value prints as `$inst1`, so the trace replays with the handles the replay gets. */
#ifndef ESH_TRACE_HANDLES_H
#define ESH_TRACE_HANDLES_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

typedef struct trace_handles {
    struct trace_handle_entry *entries;
    size_t size, used;
    unsigned long counters[API_KIND_COUNT];
} trace_handles;

/* The prefix names of KIND start with; NULL for a kind that is not a handle. */
const char *trace_handle_prefix(api_kind kind);
/* A fresh name for a handle of KIND into NAME ("inst3"). */
void trace_handle_new(trace_handles *h, api_kind kind, char *name, size_t size);
/* Binds VALUE of KIND to NAME (made by trace_handle_new; a later binding of the value wins). */
void trace_handle_bind(trace_handles *h, api_kind kind, uint64_t value, const char *name);
/* The name bound to VALUE into NAME; 0 when the value was never an output. */
int trace_handle_find(const trace_handles *h, api_kind kind, uint64_t value, char *name, size_t size);
void trace_handles_free(trace_handles *h);

#endif
