/* The machine-readable form of `esent-harness list` (list_json.c). */
#ifndef ESH_HARNESS_LIST_JSON_H
#define ESH_HARNESS_LIST_JSON_H

#include <stdio.h>

#include "api.h"
#include "jet_codes.h"
#include "scenario.h"

void list_json(FILE *out, const scn_suite *suite);

#endif
