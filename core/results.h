/* The results file (docs/results-format.md): writer and reader. */
#ifndef ESH_RESULTS_H
#define ESH_RESULTS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "jet_codes.h"

typedef struct res_kv {
    char *section; /* "host", "esent", "harness" */
    char *key;
    char *value;
} res_kv;

typedef struct res_step {
    char *scenario;
    int index;
    char *where;    /* FILE:LINE */
    char *function;
    jet_err actual;
    char *branch;   /* "-" when none */
    char *status;   /* pass, fail, after-failure */
} res_step;

typedef struct res_scenario {
    char *name;
    char *status;   /* pass, fail, skip, racy-pass, racy-fail */
    char *where;
    double seconds;
    char *detail;   /* may be NULL */
} res_scenario;

typedef struct res_file {
    char *path;
    res_kv *facts;
    size_t nfacts;
    res_scenario *scenarios;
    size_t nscenarios;
    res_step *steps;
    size_t nsteps;
} res_file;

/* The value of a header fact, or NULL. */
const char *res_fact(const res_file *file, const char *section, const char *key);

/* Writing, line by line (so a crash of the writer leaves complete lines). */
void res_write_header(FILE *out, const res_kv *facts, size_t nfacts);
void res_write_scenario(FILE *out, const res_scenario *scenario);
void res_write_step(FILE *out, const res_step *step);
void res_write_summary(FILE *out, int passed, int failed, int skipped, int racy);

/* Reading; on bad input returns -1 with "FILE:LINE:COL: error: ..." in ERR. */
int res_read(res_file *file, const char *path, char *err, size_t errsize);
int res_read_text(res_file *file, const char *name, const char *text, size_t len, char *err, size_t errsize);
void res_free(res_file *file);

#endif
