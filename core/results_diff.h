/* Comparing results files of several hosts (`esent-harness diff`): which scenario steps
 * returned different codes (or followed different expectation branches) where. Portable:
 * it only reads parsed res_file structures and writes text. */
#ifndef ESH_RESULTS_DIFF_H
#define ESH_RESULTS_DIFF_H

#include <stddef.h>
#include <stdio.h>

#include "results.h"

/* What answered on a host: only RDIFF_SYSTEM is a Windows result. */
typedef enum rdiff_kind { RDIFF_SYSTEM, RDIFF_MODEL, RDIFF_OTHER, RDIFF_UNKNOWN } rdiff_kind;

typedef struct rdiff_host {
    const res_file *file;
    char label[384];       /* "Windows Server 2022 Datacenter 20348.2849 x64, esent.dll 10.0.20348.2849" */
    rdiff_kind kind;
    size_t passed, failed, skipped; /* scenarios, racy ones aside */
    size_t racy;           /* racy-pass and racy-fail: counted apart, they may differ run to run */
} rdiff_host;

typedef struct rdiff_row {
    const char *scenario;
    int index;
    const res_step **cells; /* one per host; NULL where that host did not run the step */
    int racy;               /* its scenario is racy on some host: may differ run to run */
    int differs;            /* not every host ran it with the same code and branch */
} rdiff_row;

typedef struct rdiff {
    size_t nhosts;
    rdiff_host *hosts;
    rdiff_row *rows;       /* the steps that differ (RDIFF_ALL_ROWS: every step), in scenario order then step order */
    size_t nrows;
    size_t ndiffering;     /* rows that differ */
    size_t nracy;          /* of those, rows of racy scenarios: shown, but not a host difference */
    size_t identical;      /* steps every host ran with the same code and branch */
    size_t uncompared;     /* RDIFF_COMMON_ONLY: steps some host did not run, left out */
} rdiff;

/* Compare only the steps every host ran (a run compared with itself through the shim, where
 * a scenario that could not start on one side is no difference of the shim). */
#define RDIFF_COMMON_ONLY 1u
/* Keep a row for every step, the ones every host agrees on too (the HTML matrix). */
#define RDIFF_ALL_ROWS 2u

/* Names a host by its facts: OS release, build.UBR, arch and the DLL that answered. */
void rdiff_host_label(const res_file *file, char *buf, size_t size);
rdiff_kind rdiff_host_kind(const res_file *file);

/* Compares NFILES results files; 0 on success, -1 when out of memory. FILES must outlive D.
 * The hosts differ when nrows > nracy. */
int rdiff_build(rdiff *d, const res_file *files, size_t nfiles);
int rdiff_build_flags(rdiff *d, const res_file *files, size_t nfiles, unsigned flags);
void rdiff_free(rdiff *d);

/* Same function, code and branch. */
int rdiff_same_outcome(const res_step *a, const res_step *b);
/* The hosts differ when some row of a scenario that is not racy differs. */
int rdiff_hosts_differ(const rdiff *d);

/* The text of one cell: "JET_errBackupAbortByServer [source]", "(not run)". */
const char *rdiff_cell_text(const res_step *step, char *buf, size_t size);

/* "REFERENCE MODEL, not a Windows result" and the like; NULL for System32's DLL. */
const char *rdiff_kind_note(rdiff_kind kind);
/* The branch labels a host followed with their counts, "docs 2, source 3", or "". */
void rdiff_branch_summary(const res_file *file, char *buf, size_t size);
/* The step a row stands for, as the first host that ran it recorded it. */
const res_step *rdiff_row_step(const rdiff *d, const rdiff_row *row);

/* The matrix for a console, and as Markdown (for a CI job summary). */
void rdiff_write_text(FILE *out, const rdiff *d);
void rdiff_write_markdown(FILE *out, const rdiff *d);

#endif
