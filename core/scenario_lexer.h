/* Private to the scenario parser: a cursor over one line and the token readers the
 * language's lines are made of. Every reader reports errors at the cursor's column. */
#ifndef ESH_SCENARIO_LEXER_H
#define ESH_SCENARIO_LEXER_H

#include <stddef.h>
#include <stdint.h>

#include "scenario.h"

typedef struct scn_cursor {
    const char *p, *end;    /* the rest of the line (no newline) */
    const char *line_start; /* for columns */
    const char *file;
    int line;
    scn_error *err;         /* where a reader's error goes */
} scn_cursor;

int scn_lex_col(const scn_cursor *c);
scn_location scn_lex_loc(const scn_cursor *c);
/* Records an error at the cursor (or at COL when COL > 0); always returns -1. */
int scn_lex_fail(scn_cursor *c, int col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

void scn_lex_skip_ws(scn_cursor *c);
/* After white space: the end of the line or a comment. */
int scn_lex_at_end(scn_cursor *c);
/* A short description of what the cursor is at, for "found ..." in messages. */
const char *scn_lex_found(const scn_cursor *c, char *buf, size_t size);

int scn_lex_is_ident_start(char ch);
int scn_lex_is_ident_char(char ch);
int scn_lex_is_name_char(char ch);

/* [A-Za-z0-9_.-]+ (scenario and setup names); returns the length (0: none). */
size_t scn_lex_name(scn_cursor *c, const char **start);
/* [A-Za-z_][A-Za-z0-9_]* (functions, constants, $names, threads, labels). */
size_t scn_lex_ident(scn_cursor *c, const char **start);
/* Whether the line continues with WORD as a whole word; consumes it if so. */
int scn_lex_keyword(scn_cursor *c, const char *word);

/* -?(0x[0-9a-fA-F]+|[0-9]+), within int64 (hex up to 64 bits). */
int scn_lex_int(scn_cursor *c, int64_t *value);
/* "..." with \\ \" \n \t \r \xHH escapes; *text is a new heap string. */
int scn_lex_string(scn_cursor *c, char **text);
/* The rest of the line up to a comment, trimmed; a new heap string (maybe empty). */
char *scn_lex_text(scn_cursor *c);
/* The trailing comment's text (after '#', trimmed), or NULL when there is none. */
char *scn_lex_comment(scn_cursor *c);

#endif
