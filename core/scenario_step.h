/* Private to the scenario parser: one call step `FUNCTION(ARGS) -> EXPECTATION`, checked
 * against the API table (argument count and each argument's form against its parameter). */
#ifndef ESH_SCENARIO_STEP_H
#define ESH_SCENARIO_STEP_H

#include "scenario_lexer.h"

/* Parses from the function name to the end of the line (trailing comment included) into
 * STEP (kind, fn, args, expect, comment); on error frees what it built and returns -1. */
int scn_parse_call(scn_cursor *c, scn_step *step);

/* Parses an expectation `[LABEL:] CODE [@ VERSIONS] | ...` up to the end of the line or
 * a comment. */
int scn_parse_expect(scn_cursor *c, scn_expect *expect);

/* A code written as a name or a number; *value is set. */
int scn_parse_code(scn_cursor *c, jet_err *value);

/* `root NAME "PATH"` after the word root: appends to SC's roots (a name given twice is an
 * error). */
int scn_parse_root(scn_cursor *c, scn_scenario *sc);

/* `state PATH N bytes [from "FILE" | not captured: WHY]` after the word state: appends to
 * SC's states (the caller refuses it after the first step: the files are laid down before it). */
int scn_parse_state(scn_cursor *c, scn_scenario *sc);

#endif
