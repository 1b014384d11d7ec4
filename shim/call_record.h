/* One call as two binary records (core/trace_format.h) in the calling thread's region:
 * the start (argument slots, the values behind in/out pointers, the strings), written
 * before the call is forwarded, and the end (what the call wrote behind its output
 * pointers, the code). Only copies: names and text are made by the decoder. */
#ifndef ESH_SHIM_CALL_RECORD_H
#define ESH_SHIM_CALL_RECORD_H

#include <stdint.h>

#include "api.h"
#include "trace_file.h"

/* Works out, once, what each function's records hold, and sets up the per-thread state.
 * Call before the first record. */
void call_record_prepare(void);
/* The shim is being unloaded by FreeLibrary: no thread-exit callback may run after it. */
void call_record_unload(void);

/* The calling thread's recording state (made at its first recorded call); NULL when it
 * cannot record (out of memory). */
trace_thread *call_record_thread(void);

/* Writes the start record of a call of ID; returns 0 when nothing could be written (the
 * trace is full), else fills *SEQ for call_record_end. */
int call_record_start(trace_thread *t, api_id id, const uintptr_t *slots, uint32_t *seq);
/* Writes the end record: CODE, and the outputs as the call left them. */
void call_record_end(trace_thread *t, api_id id, const uintptr_t *slots, uint32_t seq, long code, int unresolved);

#endif
