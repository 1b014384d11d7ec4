/* The trace decoder: a binary trace (core/trace_format.h), whole or cut at any byte, as
 * the scenario text of docs/scenario-language.md "Recordings", with handles by name and
 * codes and flags by name (the API and JET tables, printed by core/scenario_print.c). */
#ifndef ESH_TRACE_DECODE_H
#define ESH_TRACE_DECODE_H

#include <stddef.h>

#include "scenario.h"
#include "text_buffer.h"

/* A file the recording found (a STATE record), in file number order. */
typedef struct trace_state_file {
    char *path;              /* the recording host's full path, UTF-8 */
    uint64_t size;
    char *missing;           /* NULL when every byte is in the trace; else why not */
    const char *found_at;    /* the function it was found before (NULL: unknown) */
    scn_state_piece *pieces; /* by offset; `at` is a byte offset in the decoded data */
    size_t npieces;
    size_t line_at, line_len; /* its `state` line in the text, the newline included */
} trace_state_file;

/* F's `state` line as the decoder prints it (indent, comment and newline included), with
 * `from "FROM"` when FROM is not NULL: the text of `esent-harness trace` and `--state`. */
void trace_state_line(esh_text *out, const trace_state_file *f, const char *from);

typedef struct trace_text {
    char *text;         /* the scenario text, NUL-terminated (malloc'ed) */
    size_t len;
    char **warnings;    /* "NAME: warning: ..." (a cut trace) */
    size_t nwarnings;
    size_t calls;       /* calls in the text, completed and in flight */
    size_t in_flight;   /* calls that started and never returned (the process died in them) */
    trace_state_file *states; /* printed as `state` lines, in this order */
    size_t nstates;
} trace_text;

/* Whether DATA starts with the binary trace's magic. */
int trace_is_binary(const void *data, size_t len);

/* Decodes DATA (LEN bytes; NAME names it in warnings) into OUT. Returns 0, or -1 for a
 * trace that is damaged rather than cut (an unknown version, a record that cannot be
 * one), with "trace byte OFFSET: WHAT" in ERROR (the caller names the file). */
int trace_decode(const unsigned char *data, size_t len, const char *name, trace_text *out, char *error,
                 size_t error_size);
void trace_text_free(trace_text *t);

#endif
