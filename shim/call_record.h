/* One call as a trace record: the step in the scenario language (arguments by type tag,
 * handles by symbolic name, output parameters with the values the call wrote) and the
 * trailing `# seq=N tid=T t=SECONDS` comment. */
#ifndef ESH_SHIM_CALL_RECORD_H
#define ESH_SHIM_CALL_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"

#define CALL_RECORD_MAX_PARAMS 12

/* What must be read before the call: values behind in/out pointers (an instance passed to
 * JetInit, a buffer size passed by pointer), which the call may overwrite. */
typedef struct call_record_before {
    uint64_t value[CALL_RECORD_MAX_PARAMS];
    unsigned char readable[CALL_RECORD_MAX_PARAMS];
} call_record_before;

void call_record_read_before(api_id id, const uintptr_t *slots, call_record_before *before);

/* Formats the record line (ending in "\n") into BUF and returns its length; when the line
 * needs more than SIZE bytes, returns the size needed and BUF holds nothing usable.
 * Handles written by the call are named and bound as a side effect, so call this once per
 * call, with the code the caller got. */
size_t call_record_format(char *buf, size_t size, api_id id, const uintptr_t *slots,
                          const call_record_before *before, long code, int unresolved,
                          long seq, unsigned long tid, double seconds);

#endif
