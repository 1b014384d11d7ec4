/* The files an instance finds, recorded with the calls (docs/recording.md "State"): before
 * a JetInit* the ESE files in the instance's system and log folders, before a
 * JetAttachDatabase* the database and its flush map; each file once per process, only what
 * was there before the process started, up to ESENTSHIM_STATE_MAX_BYTES in all. The replay
 * lays them down before its first call. */
#ifndef ESH_SHIM_STATE_CAPTURE_H
#define ESH_SHIM_STATE_CAPTURE_H

#include <stdint.h>

#include "api.h"
#include "trace_file.h"

/* Each function's api_state_role (a table, so that the hot path pays one load). */
extern unsigned char state_roles[API_COUNT];

/* Fills state_roles, notes when the process started and reads ESENTSHIM_STATE_MAX_BYTES.
 * Call once, before any record. */
void state_capture_prepare(void);
/* Before call ID (role INIT or ATTACH) is forwarded: writes STATE records into T. Keeps the
 * caller's last error. */
void state_capture_before(trace_thread *t, api_id id, const uintptr_t *slots);
/* After call ID succeeded: the instances the target made (NEW_INSTANCE, INIT) and ended
 * (END_INSTANCE), the only ones the shim asks about. Keeps the caller's last error. */
void state_capture_after(api_id id, const uintptr_t *slots);

#endif
