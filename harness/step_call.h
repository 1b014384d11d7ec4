/* Calling one scenario step: look the export up by name, marshal the arguments into
 * pointer-sized slots by the API table's parameter kinds, call, capture OUT values. */
#ifndef ESH_HARNESS_STEP_CALL_H
#define ESH_HARNESS_STEP_CALL_H

#include <stddef.h>
#include <stdint.h>

#include "jet_codes.h"
#include "scenario.h"

/* The scenario's variables ($name), shared by its threads. */
typedef struct var_store var_store;

var_store *var_store_new(void);
void var_store_free(var_store *vars);

/* Calls STEP (a SCN_STEP_CALL) on MODULE. Returns 0 with the code in *ACTUAL,
 * STEP_CALL_NOT_EXPORTED when MODULE lacks the export, or -1 when the step could not be
 * called for another reason (ERR says why: an unknown variable, a structure whose size the
 * harness does not know ...). */
#define STEP_CALL_NOT_EXPORTED (-2)
int step_call(void *module, const scn_step *step, var_store *vars, jet_err *actual, char *err, size_t errsize);

/* The size of a structure struct(NAME) may name, 0 if unknown; *cb_offset is where its
 * size member lives (-1: it has none). */
size_t step_struct_size(const char *name, int *cb_offset);

#endif
