/* The scenario language (docs/scenario-language.md): its syntax tree, the parser and the
 * printer. A recording is printed with the same printer a person's file is parsed by. */
#ifndef ESH_SCENARIO_H
#define ESH_SCENARIO_H

#include <stddef.h>
#include <stdint.h>

#include "api.h"
#include "jet_codes.h"

typedef struct scn_location {
    const char *file; /* owned by the scn_suite */
    int line, col;
} scn_location;

typedef enum scn_arg_kind {
    SCN_ARG_INT,     /* integer or or'ed constants: value */
    SCN_ARG_STRING,  /* "text": text (UTF-8) */
    SCN_ARG_NULL,    /* null */
    SCN_ARG_REF,     /* $name: name */
    SCN_ARG_OUT,     /* &name or &name=VALUE: name, has_value, value */
    SCN_ARG_BUF,     /* buf(SIZE[, page|+N]): size, align_page, misalign */
    SCN_ARG_STRUCT,  /* struct(NAME): name */
    SCN_ARG_INVALID, /* invalid */
    SCN_ARG_ROOTED,  /* ROOT:"REST": ref = the root's name, text = REST (docs/replay.md) */
    SCN_ARG_ENTRY,   /* $list[N] or $list["BASE"]: ref = the list, value = N or text = BASE */
} scn_arg_kind;

typedef struct scn_arg {
    scn_arg_kind kind;
    int64_t value;
    char *text;       /* STRING text, REF/OUT/STRUCT name */
    int has_value;    /* OUT: &name=VALUE */
    uint32_t size;    /* BUF */
    int align_page;   /* BUF: page aligned */
    int misalign;     /* BUF: bytes off alignment */
    char *ref;        /* BUF: buf($name) sizes it by a capture; ROOTED: root; ENTRY: list */
    char *capture;    /* BUF: buf(..., &name) keeps its content after the call as path list NAME */
    scn_location loc;
} scn_arg;

typedef enum scn_version_kind { SCN_VER_RELEASE, SCN_VER_RANGE, SCN_VER_BUILD_GE, SCN_VER_BUILD_LT } scn_version_kind;

typedef struct scn_version {
    scn_version_kind kind;
    int release_lo, release_hi; /* scn_release indices */
    uint32_t build;
} scn_version;

typedef struct scn_alternative {
    char *label;          /* NULL when unlabelled */
    int any;              /* `any`: record only */
    jet_err code;
    scn_version *versions; /* NULL/0: applies everywhere */
    size_t nversions;
} scn_alternative;

typedef struct scn_expect {
    scn_alternative *alts;
    size_t nalts;
} scn_expect;

typedef struct scn_evidence {
    char *kind;  /* "doc", "src", "trace" */
    char *where; /* file name / citation; NULL for trace */
    char *text;  /* quote / summary / trace text */
    scn_location loc;
} scn_evidence;

typedef enum scn_step_kind { SCN_STEP_CALL, SCN_STEP_WAIT, SCN_STEP_SLEEP } scn_step_kind;

typedef struct scn_step {
    scn_step_kind kind;
    scn_location loc;
    char *thread;               /* NULL: main thread; WAIT: the thread joined */
    const api_function *fn;     /* CALL */
    scn_arg *args;
    size_t nargs;
    scn_expect expect;
    uint32_t sleep_ms;          /* SLEEP */
    scn_evidence *evidence;     /* evidence attached to this step */
    size_t nevidence;
    char *comment;              /* trailing comment (recordings: seq/tid/time), may be NULL */
    int outcome_here;           /* `expect: crash|hang` was written just before this step */
    size_t *after;              /* steps (indices) that must have completed before this one starts */
    size_t nafter;              /* (set when a trace is made to travel: core/trace_travel.h) */
} scn_step;

/* `root NAME "PATH"`: a folder of the recording host that path arguments NAME:"REST" are
 * written against; the replay maps it to a folder of its own (docs/replay.md). */
typedef struct scn_root {
    char *name;
    char *path;
    scn_location loc;
} scn_root;

/* `state PATH N bytes`: a file the recording found (docs/replay.md "State"), laid down
 * before the first call. Its bytes are pieces of the binary trace the scenario was read
 * from (loc.file), or the file `from "FILE"` names (relative to the scenario's folder);
 * `not captured: WHY` says that the recording holds no copy. */
typedef struct scn_state_piece {
    uint64_t offset; /* in the file */
    uint64_t at;     /* in the trace file */
    uint32_t bytes;
} scn_state_piece;

typedef struct scn_state {
    scn_arg path;            /* STRING, or ROOTED once the trace travels */
    uint64_t size;
    char *missing;           /* `not captured: WHY` */
    char *from;              /* `from "FILE"` */
    scn_state_piece *pieces; /* read from a binary trace: where its bytes are */
    size_t npieces;
    int in_trace;            /* the bytes are the pieces (read from a binary trace) */
    scn_location loc;
} scn_state;

typedef enum scn_expect_outcome { SCN_OUTCOME_NORMAL, SCN_OUTCOME_CRASH, SCN_OUTCOME_HANG } scn_expect_outcome;

typedef struct scn_scenario {
    char *name;
    scn_location loc;
    char *purpose;
    char *skip_reason;          /* non-NULL: a counted skip */
    char *racy_reason;          /* non-NULL: racy, counted apart */
    scn_expect_outcome outcome;
    size_t outcome_step;        /* CRASH/HANG: the 1-based step that must crash or hang (the
                                   step marked by an `expect:` between steps, else the last) */
    scn_evidence *evidence;     /* scenario-level evidence */
    size_t nevidence;
    char **covers;              /* "FUNCTION CODE" pairs declared with covers: */
    size_t ncovers;
    scn_step *steps;            /* with every `use` expanded in place */
    size_t nsteps;
    int is_setup;
    int is_trace;               /* read from a file whose first line is `# esentshim trace` */
    scn_root *roots;            /* `root NAME "PATH"`: folders of the recording host */
    size_t nroots;
    scn_state *states;          /* `state PATH N bytes`: files laid down before the first call */
    size_t nstates;
} scn_scenario;

typedef struct scn_suite {
    scn_scenario *scenarios;    /* scenarios to run (setups excluded), in file order */
    size_t nscenarios;
    scn_scenario *setups;
    size_t nsetups;
    char **files;               /* every file read, owning the location strings */
    size_t nfiles;
    char **warnings;            /* "FILE:LINE:COL: warning: ..." (a trace cut short) */
    size_t nwarnings;
} scn_suite;

typedef struct scn_error {
    scn_location loc;
    char message[512];
} scn_error;

/* Releases by name, oldest first; scn_release_index returns -1 for an unknown name. */
int scn_release_index(const char *name);
const char *scn_release_name(int index);
int scn_release_count(void);

/* Parses PATH (a file, or a directory: every *.scn under it except those under a
 * `setups` folder, which are read on `include`). Appends to SUITE. On error returns -1
 * and fills ERR (the first error). */
int scn_parse_path(scn_suite *suite, const char *path, scn_error *err);
/* Parses TEXT as if it were the file NAME (tests, fuzzing). */
int scn_parse_text(scn_suite *suite, const char *name, const char *text, size_t len, scn_error *err);
void scn_suite_free(scn_suite *suite);

/* The capture an argument reads ($name, $list[...], buf($name)), NULL if none. */
const char *scn_arg_reference(const scn_arg *arg);
/* The capture an argument makes (&name, buf(..., &name)), NULL if none. */
const char *scn_arg_capture(const scn_arg *arg);
/* The scenario's `root NAME "PATH"`, NULL if it has none of that name. */
const scn_root *scn_scenario_root(const scn_scenario *sc, const char *name);

/* "FILE:LINE:COL: error: MESSAGE" */
void scn_error_format(const scn_error *err, char *buf, size_t size);

/* Printing: the canonical text of one call step, without the trailing newline,
 * `JetStopBackupInstance($inst1) -> JET_errSuccess (0)`; returns the length it needed. */
size_t scn_format_call(char *buf, size_t size, const scn_step *step);
size_t scn_format_arg(char *buf, size_t size, const scn_arg *arg);
size_t scn_format_expect(char *buf, size_t size, const scn_expect *expect);
/* An alternative's version gates as written after `@` (`ws2003..ws2008,build>=9200`); "" for none. */
size_t scn_format_versions(char *buf, size_t size, const scn_alternative *alt);
/* `root NAME "PATH"` */
size_t scn_format_root(char *buf, size_t size, const scn_root *root);
/* `state PATH N bytes[ from "FILE"| not captured: WHY]` */
size_t scn_format_state(char *buf, size_t size, const scn_state *state);
/* Whether the host (release index, build; release -1 when unknown) accepts CODE; sets
 * *matched to the alternative that matched (NULL if none). */
int scn_expect_matches(const scn_expect *expect, int release, uint32_t build, jet_err code,
                       const scn_alternative **matched);

#endif
